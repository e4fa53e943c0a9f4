"""The perceptron, mini-batch and backprop pages' figures are built from plain dicts without plotly's checks (speed,
ui/figures/common.py `lean_figure`): here each goes through plotly's full validation, and what it draws is checked
against its inputs."""
import numpy as np
import pytest
from plotly.colors import get_colorscale

from core.basics.backprop import Example, Params, backward, forward
from tests.unit.figure_checks import validated
from ui.figures.basics import backprop, minibatch, perceptron

POINTS = np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.5], [0.2, -0.3]])
SIGNS = np.array([1.0, 1.0, -1.0, -1.0, 1.0])
NAMES = {name: name.upper() for name in ("positive", "negative", "line", "before", "culprit", "path", "now",
                                         "optimum", "data")}
W_GRID, B_GRID = np.linspace(-2.0, 4.0, 7), np.linspace(-3.0, 5.0, 9)
LOSS_GRID = np.add.outer(B_GRID - 1.0, W_GRID - 1.0) ** 2 + 0.1  # rows: b, columns: w


def _by_name(fig) -> dict:
    return {trace.name: trace for trace in fig.data if trace.name}


def _blues(trace) -> bool:
    return [list(step) for step in trace.colorscale] == [list(step) for step in get_colorscale("Blues")]


def test_perceptron_figure_draws_the_points_both_lines_and_the_culprit():
    weights, previous = np.array([1.0, 1.0, -0.1]), np.array([0.5, 2.0, 0.3])
    fig = validated(perceptron.perceptron_figure(POINTS, SIGNS, weights, previous, 3, NAMES, title="update 2"))
    assert [trace.type for trace in fig.data] == ["heatmap"] + ["scatter"] * 5
    side = fig.data[0]
    np.testing.assert_allclose(np.asarray(side.x), np.linspace(*perceptron.BOX, 61))
    assert (side.zmin, side.zmax) == (-1, 1) and not side.showscale
    traces = _by_name(fig)
    np.testing.assert_allclose(np.asarray(traces["POSITIVE"].x), POINTS[SIGNS == 1, 0])
    np.testing.assert_allclose(np.asarray(traces["NEGATIVE"].y), POINTS[SIGNS == -1, 1])
    for name, w in (("LINE", weights), ("BEFORE", previous)):  # both lines lie on w·x + b = 0
        xs, ys = np.asarray(traces[name].x), np.asarray(traces[name].y)
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + w[2], 0.0, atol=1e-12)
    assert list(traces["CULPRIT"].x) == [-0.5] and list(traces["CULPRIT"].y) == [-1.5]
    assert list(fig.layout.xaxis.range) == list(perceptron.BOX) == list(fig.layout.yaxis.range)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.title.text == "x₁"
    assert fig.layout.showlegend and fig.layout.legend.to_plotly_json() == perceptron.LEGEND_BELOW
    assert fig.layout.title.text == "update 2" and fig.layout.height == 470

    start = validated(perceptron.perceptron_figure(POINTS, SIGNS, np.zeros(3), None, None, NAMES, title="start"))
    assert len(start.data) == 4 and len(_by_name(start)["LINE"].x) == 0  # w = 0: no line yet, no "before"


def test_mistakes_figure_highlights_the_current_pass():
    fig = validated(perceptron.mistakes_figure([4, 2, 0], 2, title="m", x_title="pass", y_title="mistakes"))
    bars = fig.data[0]
    assert bars.type == "bar" and list(bars.x) == [1, 2, 3] and list(bars.y) == [4, 2, 0]
    assert list(bars.marker.color) == [perceptron.PALETTE[0], perceptron.PALETTE[3], perceptron.PALETTE[0]]
    assert fig.layout.yaxis.rangemode == "tozero" and fig.layout.bargap == 0.15 and fig.layout.height == 250
    assert not fig.layout.showlegend and fig.layout.xaxis.title.text == "pass"


def test_loss_surface_figure_keeps_the_grid_box_and_marks_path_and_optimum():
    path = np.array([[-1.0, 4.0], [0.0, 2.5], [0.5, 1.5]])
    fig = validated(perceptron.loss_surface_figure(W_GRID, B_GRID, LOSS_GRID, path, (1.0, 1.0), NAMES, title="bowl"))
    surface = fig.data[0]
    assert surface.type == "contour" and _blues(surface) and surface.reversescale
    np.testing.assert_allclose(np.asarray(surface.z), np.log10(LOSS_GRID))
    np.testing.assert_allclose(np.asarray(surface.customdata), LOSS_GRID)
    traces = _by_name(fig)
    np.testing.assert_allclose(np.asarray(traces["PATH"].x), path[:, 0])
    assert list(traces["NOW"].x) == [0.5] and list(traces["NOW"].y) == [1.5]
    assert list(traces["OPTIMUM"].x) == [1.0] and traces["OPTIMUM"].marker.symbol == "star"
    assert list(fig.layout.xaxis.range) == [-2.0, 4.0] and list(fig.layout.yaxis.range) == [-3.0, 5.0]
    assert all(type(v) is float for v in (*fig.layout.xaxis.range, *fig.layout.yaxis.range))  # no NumPy scalars
    assert fig.layout.legend.y == perceptron.LEGEND_BELOW["y"] and fig.layout.height == 430


def test_regression_fit_figure_draws_both_lines_and_pads_the_y_range():
    x, y = np.array([-1.0, 0.0, 2.0]), np.array([-1.0, 1.0, 3.0])
    fig = validated(perceptron.regression_fit_figure(x, y, (0.5, 0.2), (2.0, 1.0), NAMES, title="fit"))
    traces = _by_name(fig)
    xs = np.array([-1.2, 2.2])
    np.testing.assert_allclose(np.asarray(traces["OPTIMUM"].x), xs)
    np.testing.assert_allclose(np.asarray(traces["OPTIMUM"].y), 2.0 * xs + 1.0)
    np.testing.assert_allclose(np.asarray(traces["NOW"].y), 0.5 * xs + 0.2)
    np.testing.assert_allclose(np.asarray(traces["DATA"].y), y)
    assert list(fig.layout.yaxis.range) == pytest.approx([-1.6, 3.6])
    assert fig.layout.legend.xanchor == "center" and fig.layout.legend.y == perceptron.LEGEND_BELOW["y"]
    diverged = validated(perceptron.regression_fit_figure(x, y, (np.nan, 1.0), (2.0, 1.0), NAMES, title="fit"))
    assert [trace.name for trace in diverged.data] == ["DATA", "OPTIMUM"]  # no line for a diverged (w, b)


def test_gradient_spread_figure_draws_one_arrow_per_sample_and_the_full_step():
    steps = np.array([[0.2, -0.1], [-0.3, 0.4], [0.1, 0.1]])
    labels = {"samples": "samples", "full": "full", "minimum": "min"}
    fig = validated(minibatch.gradient_spread_figure(W_GRID, B_GRID, LOSS_GRID, (-1.0, 3.0), steps,
                                                     np.array([0.5, -0.5]), (1.0, 1.0), labels, title="arrows",
                                                     x_title="w", y_title="b"))
    assert len(fig.data) == 5 and fig.data[0].type == "contour" and _blues(fig.data[0])
    segments = np.asarray(fig.data[1].y, dtype=float).reshape(-1, 3)  # start, end, gap per sample
    np.testing.assert_allclose(segments[:, 0], 3.0)
    np.testing.assert_allclose(segments[:, 1], 3.0 + steps[:, 1])
    assert np.isnan(segments[:, 2]).all()
    np.testing.assert_allclose(np.asarray(fig.data[2].x), -1.0 + steps[:, 0])
    full = _by_name(fig)["full"]
    assert list(full.x) == [-1.0, -0.5] and list(full.y) == [3.0, 2.5]
    assert list(full.marker.symbol) == ["circle", "arrow"]
    assert list(_by_name(fig)["min"].x) == [1.0]
    assert list(fig.layout.xaxis.range) == [-2.0, 4.0] and list(fig.layout.yaxis.range) == [-3.0, 5.0]
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.legend.to_plotly_json() == minibatch.LEGEND_BELOW and fig.layout.height == 430


def test_variance_figure_leaves_a_zero_spread_off_the_log_axes():
    fig = validated(minibatch.variance_figure([1, 4, 16], [3.9, 1.1, 0.0], [4.0, 1.0, 0.0], title="spread",
                                              x_title="B", y_title="tr Cov", labels={"formula": "F",
                                                                                     "measured": "M"}))
    formula, measured = fig.data
    assert list(formula.x) == [1, 4] and list(formula.y) == [4.0, 1.0] and formula.line.dash == "dash"
    assert list(measured.x) == [1, 4] and list(measured.y) == [3.9, 1.1]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert fig.layout.legend.y == minibatch.LEGEND_BELOW["y"]


def test_race_curves_figure_draws_each_run_and_the_floor():
    losses = {"full": [2.0, 1.0, 0.5], "single": [2.0, 1.5, 0.7]}
    xs = {"full": [0, 10, 20], "single": [0, 1, 2]}
    fig = validated(minibatch.race_curves_figure(xs, losses, {"full": "F", "single": "S"}, floor=0.4,
                                                 floor_label="floor", title="race", x_title="seen", y_title="L",
                                                 log_x=True))
    assert [trace.name for trace in fig.data] == ["F", "S"]
    np.testing.assert_allclose(np.asarray(fig.data[1].y), losses["single"])
    assert list(fig.data[0].x) == xs["full"] and fig.data[0].line.color == minibatch.RUN_COLORS["full"]
    losses["full"].append(0.45)  # the run goes on: the chart keeps what it was given
    assert len(fig.data[0].y) == 3
    floor = fig.layout.shapes
    assert len(floor) == 1 and (floor[0].y0, floor[0].y1) == (0.4, 0.4) and floor[0].label.text == "floor"
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log" and fig.layout.height == 340
    linear = validated(minibatch.race_curves_figure(xs, losses, {"full": "F", "single": "S"}, floor=0.4,
                                                    floor_label="", title="race", x_title="updates", y_title="L"))
    assert linear.layout.xaxis.type == "linear"


def test_paths_figure_draws_each_run_over_the_contours():
    paths = {"full": [(-1.0, 3.0), (0.0, 2.0), (0.5, 1.5)], "mini": [(-1.0, 3.0), (0.3, 1.0)]}
    fig = validated(minibatch.paths_figure(W_GRID, B_GRID, LOSS_GRID, paths, {"full": "F", "mini": "M", "minimum": "m"},
                                           (1.0, 1.0), title="paths", x_title="w", y_title="b"))
    assert [trace.type for trace in fig.data] == ["contour", "scatter", "scatter", "scatter"]
    np.testing.assert_allclose(np.asarray(fig.data[1].x), np.asarray(paths["full"])[:, 0])
    np.testing.assert_allclose(np.asarray(fig.data[2].y), np.asarray(paths["mini"])[:, 1])
    assert fig.data[2].line.color == minibatch.RUN_COLORS["mini"] and fig.data[3].name == "m"
    assert list(fig.layout.xaxis.range) == [-2.0, 4.0] and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.legend.y == minibatch.LEGEND_BELOW["y"]


def test_network_figure_labels_every_edge_and_node():
    p, x = Params(), Example()
    fw = forward(p, x, "sigmoid")
    bw = backward(p, x, fw, "sigmoid")
    fig = validated(backprop.network_figure(p, x, fw, bw.grads, p, title="graph"))
    edges = len(backprop.EDGES) + sum(len(nodes) for nodes in backprop.BIAS_EDGES.values())
    assert len(fig.data) == edges + 1 and not fig.layout.showlegend
    nodes = fig.data[-1]
    assert list(nodes.text) == list(backprop.NODES) and list(nodes.x) == [v[0] for v in backprop.NODES.values()]
    widths = {trace.line.width for trace in fig.data[:len(backprop.EDGES)]}
    assert all(1.5 <= w <= 9 for w in widths)
    texts = [note.text for note in fig.layout.annotations]
    assert any(text.startswith(f"<b>w1</b> = {p.w1:.4g}") and "∂E/∂w1" in text for text in texts)
    assert f"E<sub>o1</sub> = {fw.E_o1:.6g}" in texts
    assert list(fig.layout.xaxis.range) == [-0.3, 2.75] and not fig.layout.yaxis.visible
    assert fig.layout.height == 430 and fig.layout.plot_bgcolor == "white"
    before = validated(backprop.network_figure(p, x, None, None, None, title="graph", height=400))
    assert before.layout.height == 400 and not any("∂E" in note.text for note in before.layout.annotations)
    assert len(before.layout.annotations) == len(backprop.EDGES) + 4 + 2  # edges, inputs and biases, targets


def test_loss_curve_figure_leaves_step_zero_off_the_log_axes():
    fig = validated(backprop.loss_curve_figure([0, 1, 10, 100], [0.3, 0.2, 0.05, 0.0], title="E", x_title="steps",
                                               y_title="E"))
    curve = fig.data[0]
    assert list(curve.x) == [1.0, 10.0] and list(curve.y) == [0.2, 0.05]  # s = 0 and E = 0: off the log axes
    assert curve.line.color == backprop.LOSS_COLOR
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log" and not fig.layout.showlegend
