"""The CSV behind a figure has every point and every heat-map cell."""
import csv
import io

import plotly.graph_objects as go

from ui.figures.common import figure_csv


def test_csv_lists_points_and_cells():
    fig = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], name="loss"), go.Heatmap(z=[[1.0, 2.0], [3.0, 4.0]], x=[0, 1],
                                                                              y=["a", "b"], name="map")])
    rows = list(csv.reader(io.StringIO(figure_csv(fig))))
    assert rows[0] == ["series", "x", "y", "value"]
    assert rows[1:3] == [["loss", "1", "3", ""], ["loss", "2", "4", ""]]
    assert ["map", "1", "b", "4"] in rows and len(rows) == 1 + 2 + 4


def test_csv_columns_are_named_as_the_chart_names_them():
    curve = go.Figure(go.Scatter(x=[1, 2], y=[0.5, 0.25]),
                      layout=dict(title=dict(text="Loss"), xaxis=dict(title=dict(text="epoch")),
                                  yaxis=dict(title=dict(text="loss"))))
    rows = list(csv.reader(io.StringIO(figure_csv(curve))))
    assert rows == [["series", "epoch", "loss"], ["Loss", "1", "0.5"], ["Loss", "2", "0.25"]]
    heat = go.Figure(go.Heatmap(z=[[0.9, 0.1], [0.2, 0.8]], x=[0, 1], y=[0, 1], colorbar=dict(title=dict(text="weight"))),
                     layout=dict(xaxis=dict(tickvals=[0, 1], ticktext=["k1", "k2"]),
                                 yaxis=dict(tickvals=[0, 1], ticktext=["q1", "q2"])))
    rows = list(csv.reader(io.StringIO(figure_csv(heat))))
    assert rows[0] == ["series", "x", "y", "weight"]
    assert ["weight", "k2", "q1", "0.1"] in rows and len(rows) == 5


def test_png_data_uri_decodes_to_the_same_pixels():
    import base64

    import numpy as np
    from PIL import Image

    from ui.figures.common import png_data_uri

    pixels = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    uri = png_data_uri(pixels)
    assert uri.startswith("data:image/png;base64,")
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
    assert np.array_equal(decoded, pixels)  # PNG is lossless at every compression level


def test_a_legend_without_a_title_leaves_the_toolbar_corner_free():
    from ui.figures.common import styled

    untitled = styled(go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name="a")))
    titled = styled(go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name="a")), title="T")
    assert (untitled.layout.legend.xanchor, untitled.layout.legend.x) == ("left", 0.0)  # the toolbar sits top right
    assert titled.layout.legend.xanchor == "right"  # under the title's row, where the toolbar is
