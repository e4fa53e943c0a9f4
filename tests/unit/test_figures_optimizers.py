"""The race chart keeps every step on each path's line and caps only the markers drawn on it; its drawing uses the
page's width and its legend touches it."""
import numpy as np
import pytest

from ui.figures.basics.optimizers import MAX_MARKERS, race_figure
from ui.figures.common import with_room


def test_paths_keep_every_step_and_cap_the_markers():
    xs = ys = np.linspace(-1, 1, 5)
    values = np.add.outer(ys ** 2, xs ** 2)
    path = np.stack([np.linspace(-1, 0, 201), np.linspace(1, 0, 201)], 1)
    fig = race_figure(xs, ys, values, {"sgd": path, "adam": path * 0.5}, {"sgd": "SGD", "adam": "Adam"},
                      (-1.0, 1.0), (0.0, 0.0), {"start": "start", "minimum": "minimum"}, title="race")
    racers = [trace for trace in fig.data if trace.name in ("SGD", "Adam")]
    assert [len(trace.x) for trace in racers] == [201, 201]  # the line goes through every step
    assert all(trace.marker.maxdisplayed == MAX_MARKERS for trace in racers)
    assert np.allclose(racers[1].x, path[:, 0] * 0.5)


def drawing(fig, width: float) -> tuple[float, float, float]:
    """(width, height, gap below the legend) in px of the drawing at a page width: the largest rectangle of the
    box's shape in the plot area (x and y share one scale), hung from the area's top as `constraintoward` says."""
    fig = with_room(fig)
    m, layout = fig.layout.margin, fig.layout
    area_w, area_h = width - m.l - m.r, layout.height - m.t - m.b
    shape = np.ptp(layout.yaxis.range) / np.ptp(layout.xaxis.range)
    draw_w = min(area_w, area_h / shape)
    gap = {"top": 0.0, "bottom": 1.0}.get(layout.yaxis.constraintoward, 0.5) * (area_h - draw_w * shape)
    return draw_w, draw_w * shape, gap


def box_figure(x_half: float, y_half: float):
    xs, ys = np.linspace(-x_half, x_half, 7), np.linspace(-y_half, y_half, 5)
    names = {name: name.upper() for name in ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam")}
    path = np.zeros((10, 2))
    return race_figure(xs, ys, np.add.outer(ys ** 2, xs ** 2), {name: path for name in names}, names,
                       (1.0, 1.0), (0.0, 0.0), {"start": "start", "minimum": "minimum"}, title="race")


@pytest.mark.parametrize("page_width", [940, 1400, 360])  # a laptop's wide page, a big screen, a phone
@pytest.mark.parametrize("box", [(6, 3), (2, 2), (4.5, 4.5), (6, 6)])  # the quadratic's, Rosenbrock's, …
def test_the_legend_touches_the_drawing_and_the_drawing_uses_the_width(page_width, box):
    fig = box_figure(*box)
    legend = fig.layout.legend
    # above the plot area, centred: the drawing hangs from the area's top and is centred when it is narrower
    assert (legend.orientation, legend.yanchor, legend.y, legend.xanchor, legend.x) == ("h", "bottom", 1, "center", 0.5)
    assert fig.layout.yaxis.constraintoward == "top" and fig.layout.xaxis.constraintoward in (None, "center")
    width, height, gap = drawing(fig, page_width)
    assert gap < 1  # no empty band between the legend and the drawing (it used to hang far below)
    if page_width == 940:
        assert width >= 0.8 * (page_width - 100) or height >= 450  # the page's width, or a tall drawing


def test_a_wide_box_is_not_a_thin_strip():
    """The quadratic's 2:1 box at a laptop's page width: the drawing was ~340 × 170 px in half the page."""
    width, height, _ = drawing(box_figure(6, 3), 940)
    assert width >= 800 and height >= 400
