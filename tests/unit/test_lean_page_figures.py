"""The slider pages' figures are built from plain dicts without plotly's checks (speed, ui/figures/common.py
`lean_figure`): here each goes through plotly's full validation, and what it draws is checked against its inputs."""
import numpy as np
import pytest

from tests.unit.figure_checks import validated
from ui.figures.basics import activation, fitting, losses, optimizers, playground
from ui.figures.vision.pictures import kernel_figure, pool_grid_figure, shift_figure

X = np.linspace(-4, 4, 41)


def _ys(fig) -> list[np.ndarray]:
    return [np.asarray(trace.y, dtype=float) for trace in fig.data]


def test_activation_figures_put_the_legend_below_and_draw_the_curves_given():
    curves = {"tanh": np.tanh(X), "relu": np.maximum(X, 0)}
    masks = {"tanh": np.abs(X) > 3, "relu": X < 0}
    fig = validated(activation.curve_figure(X, curves, masks, {"tanh": "tanh", "relu": "ReLU"}, title="f",
                                            y_title="f(x)", eps=0.05, vanish_label="vanishes"))
    assert fig.layout.legend.y == activation.LEGEND_BELOW["y"] and fig.layout.showlegend
    lines = [trace for trace in fig.data if trace.name in ("tanh", "ReLU")]
    assert [trace.name for trace in lines] == ["tanh", "ReLU"]
    np.testing.assert_allclose(np.asarray(lines[0].y), np.tanh(X))
    assert fig.layout.shapes[0].y0 == -0.05 and fig.layout.shapes[0].y1 == 0.05

    edges = np.linspace(-1, 1, 11)
    one = validated(activation.histogram_figure(edges, {"a": np.full(10, 0.1)}, title="h", x_title="x", y_title="%"))
    assert not one.layout.showlegend  # one histogram needs no legend
    np.testing.assert_allclose(np.asarray(one.data[0].x), (edges[:-1] + edges[1:]) / 2)
    two = validated(activation.histogram_figure(edges, {"a": np.full(10, 0.1), "b": np.full(10, 0.1)}, title="h",
                                                x_title="x", y_title="%"))
    assert two.layout.showlegend and two.layout.legend.y == activation.LEGEND_BELOW["y"]

    spread = validated(activation.spread_figure({"a": [1.0, 0.5, 0.0]}, title="s", x_title="layer", y_title="std",
                                                starts={"a": 1}))
    assert list(spread.data[0].x) == [1, 2, 3] and np.isnan(spread.data[0].y[2])  # no 0 on a log axis
    assert spread.layout.yaxis.type == "log"


def test_loss_figures_mark_the_target_and_keep_their_ranges():
    fig = validated(losses.curves_with_marker(X, {"mse": X ** 2, "mae": np.abs(X)}, {"mse": "MSE", "mae": "MAE"},
                                              1.5, "target", title="L", x_title="ŷ", y_title="loss",
                                              y_range=[-0.3, 8]))
    assert list(fig.layout.yaxis.range) == [-0.3, 8] and fig.layout.shapes[0].x0 == 1.5
    np.testing.assert_allclose(_ys(fig)[0], X ** 2)
    free = validated(losses.curves_with_marker(X, {"mse": X ** 2}, {"mse": "MSE"}, 0.0, "t", title="L", x_title="",
                                               y_title=""))
    assert free.layout.yaxis.range is None  # no range given: the axis fits the data

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=20), rng.normal(size=20)
    outlier = np.arange(20) < 3
    fit = validated(losses.outlier_fit_figure(x, y, outlier, {"mse": (2.0, 1.0)}, (1.0, 0.0),
                                              {"clean": "c", "outliers": "o", "truth": "t", "mse": "MSE"}, title="F"))
    assert len(fit.data[0].x) == 17 and len(fit.data[1].x) == 3
    np.testing.assert_allclose(np.asarray(fit.data[3].y), 2.0 * np.array([-3.8, 3.8]) + 1.0)

    race = validated(losses.race_figure(X, {"bce": np.exp(-X), "sq": X ** 2}, {"bce": "CE", "sq": "SE"}, title="R",
                                        x_title="p", y_title="loss", log_y=True, marker=0.5, marker_label="m"))
    assert race.layout.yaxis.type == "log" and race.layout.legend.y == losses.LEGEND_BELOW["y"]


def test_optimizer_race_figures():
    xs, ys = np.linspace(-2, 2, 9), np.linspace(-1, 3, 9)
    values = np.add.outer(ys, xs) ** 2
    path = np.array([[1.0, 2.0], [0.5, 1.0], [0.0, 0.0]])
    race = validated(optimizers.race_figure(xs, ys, values, {"sgd": path}, {"sgd": "SGD"}, (1.0, 2.0), (0.0, 0.0),
                                            {"start": "start", "minimum": "min"}, title="race"))
    assert list(race.layout.xaxis.range) == [-2.0, 2.0] and list(race.layout.yaxis.range) == [-1.0, 3.0]
    assert race.layout.legend.yanchor == "bottom" and race.layout.height == optimizers.race_height(xs, ys)
    np.testing.assert_allclose(np.asarray(race.data[1].x), path[:, 0])
    loss = validated(optimizers.loss_figure({"sgd": np.array([1.0, 0.1, 0.0])}, {"sgd": "SGD"}, log=True,
                                            title="l", x_title="step", y_title="gap"))
    assert np.isnan(loss.data[0].y[2]) and loss.layout.yaxis.type == "log"  # 0 has no place on a log axis


def test_fitting_figures():
    grid = np.linspace(-1, 1, 21)
    fit = validated(fitting.fit_figure(grid[:5], grid[:5] ** 2, grid[5:9], grid[5:9] ** 2, grid, grid ** 2,
                                       {"none": grid ** 3}, {"test": "test", "truth": "truth", "train": "train",
                                                             "none": "fit"}, title="fit"))
    assert list(fit.layout.xaxis.range) == list(fitting.FIT_X_RANGE) and fit.layout.legend.y == -0.26
    np.testing.assert_allclose(np.asarray(fit.data[3].y), grid ** 3)
    errors = validated(fitting.error_figure([1, 2, 3], {"train": np.array([0.5, 0.1, 1e-9])}, {"train": "train"},
                                            title="e", x_title="degree", y_title="MSE", floor=0.01, floor_label="σ²",
                                            marker=2, marker_label="now"))
    low, high = errors.layout.yaxis.range
    assert high == pytest.approx(np.log10(fitting.Y_CAP)) and low == pytest.approx(np.log10(0.01 / 100))
    assert [shape.type for shape in errors.layout.shapes] == ["line", "line"]


def test_playground_figures():
    grid = np.tanh(np.add.outer(np.linspace(-1, 1, 8), np.linspace(-1, 1, 8)))
    points = np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, -2.0], [-2.0, 2.0]])
    labels = np.array([1, 0, 1, 0])
    names = {"train": "train", "test": "test", "class": "class"}
    fig = validated(playground.boundary_figure(grid, 6.0, points, labels, np.array([0, 1]), np.array([2, 3]),
                                               classes=2, regression=False, show_test=True, names=names))
    assert fig.data[0].type == "heatmap" and list(fig.layout.xaxis.range) == [-6.0, 6.0]
    assert fig.layout.yaxis.scaleanchor == "x" and len(fig.data) == 5  # map, then train and test per class
    assert list(fig.data[2].x) == [1.0] and fig.data[2].marker.color == playground.CLASS_COLORS[1]
    regression = validated(playground.boundary_figure(grid, 6.0, points, labels.astype(float), np.array([0, 1]),
                                                      np.array([2, 3]), classes=2, regression=True, show_test=False,
                                                      names=names))
    assert len(regression.data) == 2
    hidden = [np.ones((4, 4, 2)), -np.ones((4, 4, 3))]
    neurons = validated(playground.neurons_figure(hidden, "layer"))
    assert list(neurons.layout.xaxis.ticktext) == ["layer 1", "layer 2"]
    assert np.asarray(neurons.data[0].z).shape == playground.neuron_mosaic(hidden)[0].shape


def test_vision_figures():
    kernel = np.array([[0.0, -2.0], [1.0, 0.5]])
    fig = validated(kernel_figure(kernel, "k"))
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-2.0, 2.0) and fig.layout.yaxis.scaleanchor == "x"
    assert not fig.layout.xaxis.showticklabels and fig.layout.yaxis.autorange == "reversed"
    padded = np.full((4, 4), np.nan)
    padded[1:3, 1:3] = [[1.0, 2.0], [3.0, 4.0]]
    pool = validated(pool_grid_figure(padded, np.array([[4.0]]), (0, 0, 4, 4), (0, 0), ("in", "out"), "0"))
    assert [a.text for a in pool.layout.annotations] == ["in", "out"] and len(pool.layout.shapes) == 3
    assert pool.data[0].text[0][0] == "0" and pool.data[0].text[1][1] == "1"
    shifts = validated(shift_figure([0, 1, 2], {"max": [1.0, 0.5, 0.2]}, "s", "shift", "same"))
    assert list(shifts.data[0].y) == [1.0, 0.5, 0.2] and shifts.layout.xaxis.dtick == 1
