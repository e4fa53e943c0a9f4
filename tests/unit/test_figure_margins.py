"""Margins reserved for a chart's labels: enough room in the right places, never less than the figure asked for."""
import numpy as np
import plotly.graph_objects as go

import ui.figures.common  # noqa: F401  (the app's template)
from ui.figures.common import curves_figure, matrix_figure, styled, with_room
from ui.compat.plotly_internals import layout_dict, trace_dicts
from ui.figures.margins import reserve_margins, text_px

BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="center", x=0.5)


def margins(fig: go.Figure) -> dict:
    return reserve_margins(fig.to_dict())["layout"]["margin"]


def line(y, **layout) -> go.Figure:
    return styled(go.Figure(go.Scatter(x=np.arange(len(y)), y=np.asarray(y, dtype=float), name="a")),
                  title="T").update_layout(**layout)


def test_typed_arrays_read_like_lists():
    # to_dict writes numpy arrays as base64 typed arrays: the estimate must read them, not their text
    as_array = margins(line(np.linspace(0, 123456, 50)))
    as_list = reserve_margins({"layout": {}, "data": [{"type": "scatter", "x": list(range(50)),
                                                      "y": list(np.linspace(0, 123456, 50))}]})["layout"]["margin"]
    assert as_array["l"] == as_list["l"] < 120


def test_bigger_numbers_and_an_axis_title_need_more_room_on_the_left():
    small = margins(line([0, 0.5, 1]))["l"]
    big = margins(line([-1234.5, 0, 1234.5]))["l"]
    titled = margins(line([0, 0.5, 1], yaxis_title_text="loss"))["l"]
    assert small < big and small < titled


def test_words_on_an_axis_take_their_own_width():
    short = margins(matrix_figure(np.eye(2), row_labels=["a", "b"], col_labels=["x", "y"]))["l"]
    long = margins(matrix_figure(np.eye(2), row_labels=["a", "a much longer row name"], col_labels=["x", "y"]))["l"]
    assert long - short >= text_px("a much longer row name") - text_px("a") - 1


def test_a_legend_below_the_plot_grows_the_bottom_with_its_rows():
    def with_legend(n: int, name: str = "entry") -> int:
        fig = go.Figure([go.Scatter(x=[0, 1], y=[0, i], name=f"{name} {i}") for i in range(n)])
        return margins(styled(fig, title="T", legend=BELOW))["b"]
    axis_only = margins(line([0, 1]))["b"]
    assert axis_only < with_legend(2) <= with_legend(3) < with_legend(8, "a fairly long legend entry")


def test_margins_a_figure_set_are_kept():
    fig = line([0, 1]).update_layout(margin=dict(l=300, b=200))
    assert margins(fig)["l"] == 300 and margins(fig)["b"] == 200
    fixed = line([0, 1]).update_layout(margin=dict(l=5, b=5, autoexpand=False))
    assert margins(fixed)["l"] == 5  # fixed on purpose: left alone


def test_a_color_bar_gets_room_on_the_right():
    heat = go.Figure(go.Heatmap(z=np.random.default_rng(0).random((4, 4)), showscale=True))
    plain = go.Figure(go.Heatmap(z=np.random.default_rng(0).random((4, 4)), showscale=False))
    assert margins(heat)["r"] >= 100 > margins(plain)["r"]


def test_turned_labels_need_their_length_below():
    labels = ["a rather long token", "b", "c"]
    flat = go.Figure(go.Bar(x=labels, y=[1, 2, 3]))
    turned = go.Figure(go.Bar(x=labels, y=[1, 2, 3])).update_xaxes(tickangle=-90)
    assert margins(turned)["b"] - margins(flat)["b"] >= text_px("a rather long token") - 20


def test_wide_characters_are_wider():
    assert text_px("损失函数") > text_px("loss")
    assert text_px("<b>loss</b>") == text_px("loss")  # markup is not drawn


def test_with_room_is_idempotent_and_only_raises():
    fig = curves_figure(range(10), {"train": np.linspace(1, 0.1, 10)}, x_title="epoch", y_title="loss")
    first = with_room(fig).layout.margin.to_plotly_json()
    assert first["l"] > 10 and first["b"] > 10
    assert with_room(fig).layout.margin.to_plotly_json() == first


def test_memoized_figures_arrive_with_room_and_builders_stay_apart():
    from ui.figures.memo import memoized

    def rising(n: int) -> go.Figure:
        return line(np.arange(n) * 1000.0)

    def falling(n: int) -> go.Figure:
        return line(-np.arange(n) * 1.0)

    a, b = memoized(rising), memoized(falling)
    fig_a, fig_b = a(5), b(5)
    assert fig_a is a(5) and fig_a is not fig_b  # same builder and arguments: the cached figure; else its own
    assert fig_a.data[0].y[-1] == 4000.0 and fig_b.data[0].y[-1] == -4.0
    assert fig_a.layout.margin.l == margins(fig_a)["l"] > 10  # already has its room: show() writes nothing


def test_values_it_cannot_size_leave_the_margins_to_plotly():
    from ui.figures.margins import needed_margins

    huge = line([-1e308, 1e308])  # the span overflows
    open_range = line([0, 1]).update_yaxes(range=[None, 2])  # Plotly allows an open end
    for fig in (huge, open_range, line([float("nan"), float("inf")])):
        assert isinstance(needed_margins(trace_dicts(fig), layout_dict(fig)), dict)
        with_room(fig)  # never raises


def test_the_pages_path_reads_the_figure_as_its_dict_does():
    # show() reads the figure in place (numpy arrays as they are); the dict path decodes typed arrays: same room
    figures = [line(np.linspace(-5, 5, 40), yaxis_title_text="loss", legend=BELOW),
               matrix_figure(np.eye(3), row_labels=["one", "two", "three"], col_labels=["a", "b", "c"]),
               go.Figure(go.Heatmap(z=np.arange(12.0).reshape(3, 4)))]
    for fig in figures:
        wanted = margins(fig)
        shown = with_room(fig).layout.margin
        assert {side: getattr(shown, side) for side in "lrtb"} == {side: wanted[side] for side in "lrtb"}


def test_a_lying_color_bar_gets_room_below_not_on_the_right():
    z = np.random.default_rng(0).random((4, 4))
    standing = go.Figure(go.Heatmap(z=z, showscale=True))
    lying = go.Figure(go.Heatmap(z=z, showscale=True, colorbar=dict(orientation="h")))
    assert margins(lying)["r"] < 100 <= margins(standing)["r"]  # a phone keeps the width for the plot
    assert margins(lying)["b"] >= margins(standing)["b"] + 60
