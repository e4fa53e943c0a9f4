"""The attention, bottleneck, 3-D convolution, GAN and autoencoder figures are built from plain dicts without
plotly's checks (speed, ui/figures/common.py `lean_figure`): here each goes through plotly's full validation, and
what it draws is checked against its inputs."""
import math

import numpy as np
from plotly.colors import get_colorscale

from core.generative.gan import GanView
from tests.unit.figure_checks import validated
from ui.figures.attention import attention, bottleneck
from ui.figures.generative import autoencoder, gan
from ui.figures.vision import conv3d

NAMES = {"3d": "3-D", "stack": "stacked", "frame": "one frame"}


def _colors(scale) -> list[str]:
    return [color for _, color in scale]


# ----- attention -----
def test_token_heatmap_blanks_masked_cells_and_labels_its_axes():
    values = np.array([[1.0, -np.inf, 0.5], [-2.0, 0.25, 3.0]])
    fig = validated(attention.token_heatmap(values, ["q1", "q2"], ["k1", "k2", "k3"], title="scores", x_title="keys",
                                            y_title="queries", diverging=True))
    grey, heat = fig.data  # the masked cell's grey layer lies under the numbers
    assert grey.type == heat.type == "heatmap" and np.isnan(grey.z[0][0]) and grey.z[0][1] == 0.0
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), np.where(np.isinf(values), np.nan, values))
    assert (heat.zmin, heat.zmax) == (-3.0, 3.0) and _colors(heat.colorscale) == _colors(attention.VALUE_SCALE)
    assert heat.text[0][1] == attention.MINUS_INFINITY and heat.text[1][2] == "3.00"
    assert list(fig.layout.xaxis.ticktext) == ["k1", "k2", "k3"] and list(heat.x) == [0, 1, 2]
    assert fig.layout.xaxis.side == "top" and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.title.text == "queries" and fig.layout.title.subtitle.text == "keys"
    assert fig.layout.showlegend is False and fig.layout.uirevision == "scores" and fig.layout.height == 180

    weights = validated(attention.token_heatmap([[0.2, 0.8]], ["a"], ["b", "c"], text=False))
    (heat,) = weights.data  # nothing masked: no grey layer
    assert (heat.zmin, heat.zmax) == (0.0, 1.0) and heat.text is None and heat.texttemplate is None
    assert _colors(heat.colorscale) == _colors(get_colorscale("Blues"))
    assert weights.layout.title.text is None and weights.layout.uirevision == "fixed"


def test_alignment_figure_marks_the_gold_links_under_a_legend():
    alpha = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    fig = validated(attention.alignment_figure(alpha, ["le", "chat"], ["the", "cat", "<eos>"], title="α",
                                               x_title="source", y_title="output", gold=[(0, 0), (1, 1), (7, 0)],
                                               gold_name="gold"))
    heat, gold = fig.data
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), alpha)
    assert heat.text[0][0] == "0.9"  # one decimal
    assert list(gold.x) == [0, 1] and list(gold.y) == [0, 1] and gold.name == "gold"  # (7, 0) is off the map
    assert gold.marker.symbol == "square-open"
    assert fig.layout.showlegend and fig.layout.legend.y == -0.02 and fig.layout.margin.b >= 40
    assert fig.layout.uirevision == "alignment"
    plain = validated(attention.alignment_figure(alpha, ["le", "chat"], ["the", "cat", "<eos>"], title="α",
                                                 x_title="s", y_title="o"))
    assert len(plain.data) == 1 and plain.layout.showlegend is False


def test_head_view_draws_the_strong_links_and_both_token_columns():
    weights = np.zeros((2, 3, 3))
    weights[0] = np.eye(3)
    weights[1, :, 0] = 1.0
    fig = validated(attention.head_view_figure(["a", "b", "c"], weights, [0, 1], title="heads", head_name="head"))
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert len(lines) == 2 and [trace.name for trace in lines] == ["head 1", "head 2"]
    np.testing.assert_allclose(np.asarray(lines[0].y, dtype=float)[1::3], [0.0, -1.0, -2.0])  # each token to itself
    texts = [trace for trace in fig.data if trace.mode == "text"]
    assert [list(trace.text) for trace in texts] == [["a", "b", "c"]] * 2 and list(texts[1].x) == [1.0] * 3
    assert fig.layout.showlegend and fig.layout.legend.y == -0.02 and fig.layout.legend.font.size == 11
    assert list(fig.layout.yaxis.range) == [-2.5, 0.5] and list(fig.layout.xaxis.range) == [-0.6, 1.6]
    one = validated(attention.head_view_figure(["a", "b", "c"], weights, [1], title="heads", head_name="head"))
    assert one.layout.showlegend is False and one.layout.legend.font.size is None


def test_heads_grid_places_one_map_per_head():
    maps = np.random.default_rng(0).dirichlet(np.ones(3), size=(5, 2))
    fig = validated(attention.heads_grid_figure(maps, ["x", "y"], ["a", "b", "c"], title="grid", head_name="head"))
    assert len(fig.data) == 5 and [a.text for a in fig.layout.annotations] == [f"head {i}" for i in range(1, 6)]
    for i, trace in enumerate(fig.data):
        np.testing.assert_allclose(np.asarray(trace.z, dtype=float), maps[i])
    assert fig.data[4].xaxis == "x5" and fig.layout.xaxis5.anchor == "y5"
    assert list(fig.layout.xaxis.ticktext) == ["a", "b", "c"]
    assert fig.layout.yaxis.showticklabels and not fig.layout.yaxis2.showticklabels  # labels on the first column only
    assert fig.layout.yaxis5.showticklabels  # a second row
    assert fig.layout.title.y == 0.99 and fig.layout.title.yanchor == "top" and fig.layout.margin.t == 75
    assert fig.layout.height == 80 + 2 * 200 and fig.layout.showlegend is False


PE = np.sin(np.arange(6)[:, None] / (1.0 + np.arange(4))[None])


def test_positional_encoding_map():
    fig = validated(attention.positional_encoding_figure(PE, title="PE", x_title="dim", y_title="pos"))
    (heat,) = fig.data
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), PE)
    assert (heat.zmin, heat.zmax) == (-1, 1) and heat.colorbar.orientation == "h" and heat.showscale
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.xaxis.title.text == "dim"
    assert fig.layout.uirevision == "pe" and fig.layout.showlegend is False and fig.layout.height == 360


def test_positional_waves_one_line_per_dimension():
    waves = validated(attention.positional_waves_figure(PE, [0, 3], title="waves", x_title="pos", dim_name="dim"))
    assert [trace.name for trace in waves.data] == ["dim 0", "dim 3"]
    np.testing.assert_allclose(np.asarray(waves.data[1].y, dtype=float), PE[:, 3])
    np.testing.assert_allclose(np.asarray(waves.data[0].x, dtype=float), np.arange(6))
    assert list(waves.layout.yaxis.range) == [-1.1, 1.1] and waves.layout.legend.y == -0.28
    assert waves.layout.uirevision == "pe-waves"


def test_metric_curves_keep_each_series_x_and_the_range():
    series = [("loss", [1, 2, 3], [0.9, 0.5, 0.4]), ("eval", list(range(0, 100, 2)), list(np.linspace(0, 1, 50)))]
    fig = validated(attention.metric_curves_figure(series, title="curves", x_title="step", y_range=(0, 1.02)))
    assert [trace.name for trace in fig.data] == ["loss", "eval"]
    assert [trace.mode for trace in fig.data] == ["lines+markers", "lines"]  # many points: no markers
    np.testing.assert_allclose(np.asarray(fig.data[0].y, dtype=float), [0.9, 0.5, 0.4])
    np.testing.assert_allclose(np.asarray(fig.data[1].x, dtype=float), np.arange(0, 100, 2))
    assert list(fig.layout.yaxis.range) == [0, 1.02] and fig.layout.yaxis.type == "linear"
    assert fig.layout.xaxis.rangemode == "tozero" and fig.layout.uirevision == "curves"
    log = validated(attention.metric_curves_figure(series[:1], title="l", x_title="s", log_y=True, height=250))
    assert log.layout.yaxis.type == "log" and log.layout.yaxis.range is None and log.layout.height == 250


# ----- the seq2seq bottleneck -----
def test_score_by_length_one_line_per_model():
    fig = validated(bottleneck.score_by_length_figure(["≤10", "11-17"], {"plain": [50.0, 10.0], "attn": [90.0, 88.0]},
                                                      title="BLEU", x_title="length", y_title="BLEU"))
    assert [trace.name for trace in fig.data] == ["plain", "attn"]
    assert list(fig.data[0].x) == ["≤10", "11-17"] and list(fig.data[1].y) == [90.0, 88.0]
    assert fig.layout.xaxis.type == "category" and list(fig.layout.yaxis.range) == [-2, 102]
    assert fig.layout.legend.y == bottleneck.LEGEND_BELOW["y"] and fig.layout.showlegend


def test_length_counts_bars_and_bucket_borders():
    fig = validated(bottleneck.length_counts_figure({7: 3, 6: 1, 12: 2}, (10, 17), title="corpus", x_title="length",
                                                    y_title="sentences"))
    (bars,) = fig.data
    assert bars.type == "bar" and list(bars.x) == [6, 7, 12] and list(bars.y) == [1, 3, 2]
    assert bars.marker.color == bottleneck.PALETTE[0] and fig.layout.bargap == 0.1
    assert [shape.x0 for shape in fig.layout.shapes] == [10.5, 17.5] and fig.layout.shapes[0].yref == "paper"
    assert fig.layout.showlegend is False and fig.layout.yaxis.title.text == "sentences"


# ----- 3-D convolution -----
def test_kernel_slices_side_by_side_with_their_numbers():
    kernel = np.arange(12, dtype=float).reshape(2, 2, 3) - 6
    fig = validated(conv3d.kernel_slices_figure(kernel, ["a=0", "a=1"]))
    (heat,) = fig.data
    z = np.asarray(heat.z, dtype=float)
    assert z.shape == (2, 7) and np.isnan(z[:, 3]).all()  # a blank column between the slices
    np.testing.assert_allclose(z[:, :3], kernel[0])
    np.testing.assert_allclose(z[:, 4:], kernel[1])
    assert (heat.zmin, heat.zmax) == (-6.0, 6.0) and heat.text[0][3] == "" and heat.text[0][0] == conv3d.number(-6.0)
    assert list(fig.layout.xaxis.tickvals) == [1.0, 5.0] and list(fig.layout.xaxis.ticktext) == ["a=0", "a=1"]
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.visible is False
    assert fig.layout.showlegend is False and fig.layout.height == 150


def test_race_figure_draws_each_model_and_the_reference():
    history = {"step": [1, 2, 3], "test_step": [2, 4], "loss_3d": [1.4, 1.0, 0.6], "loss_stack": [1.4, 1.2, 1.1],
               "loss_frame": [1.4, 1.4, 1.4], "test_acc_3d": [0.3, 0.7], "test_acc_stack": [0.25, 0.5],
               "test_acc_frame": [0.25, 0.26]}
    acc = validated(conv3d.race_figure(history, NAMES, "test_acc", "step", 0.25))
    assert [trace.name for trace in acc.data] == list(NAMES.values())
    assert list(acc.data[0].x) == [2, 4] and list(acc.data[0].y) == [0.3, 0.7]
    assert acc.data[1].line.color == conv3d.MODEL_COLORS["stack"]
    (line,) = acc.layout.shapes
    assert (line.y0, line.y1, line.xref, line.x0, line.x1) == (0.25, 0.25, "x domain", 0, 1)
    assert list(acc.layout.yaxis.range) == [0, 1.02] and acc.layout.yaxis.tickformat == ".0%"
    assert acc.layout.showlegend and acc.layout.uirevision == "conv3d.race.test_acc"
    loss = validated(conv3d.race_figure(history, NAMES, "loss", "step", math.log(4), legend=False))
    assert list(loss.data[2].y) == [1.4, 1.4, 1.4] and list(loss.data[2].x) == [1, 2, 3]
    assert loss.layout.yaxis.rangemode == "tozero" and loss.layout.yaxis.range is None
    assert loss.layout.shapes[0].y0 == math.log(4) and loss.layout.showlegend is False
    assert loss.layout.xaxis.title.text == "step"


def test_predictions_grouped_bars_per_model():
    probs = {"3d": np.array([0.7, 0.1, 0.1, 0.1]), "stack": np.array([0.25, np.nan, 0.25, 0.5]),
             "frame": np.full(4, 0.25)}
    fig = validated(conv3d.predictions_figure(probs, NAMES, ["up", "down", "left", "right"], "clip"))
    assert [trace.type for trace in fig.data] == ["bar"] * 3 and list(fig.data[0].x) == ["up", "down", "left", "right"]
    np.testing.assert_allclose(np.asarray(fig.data[1].y, dtype=float), [0.25, 0.0, 0.25, 0.5])  # NaN drawn as 0
    assert list(fig.data[0].text) == ["70%", "10%", "10%", "10%"]
    assert fig.data[2].marker.color == conv3d.MODEL_COLORS["frame"]
    assert list(fig.layout.yaxis.range) == [0, 1.15] and fig.layout.xaxis.type == "category"
    assert fig.layout.title.text == "clip" and fig.layout.uirevision == "conv3d.predictions"


def test_costs_bars_relative_to_the_2d_kernel():
    fig = validated(conv3d.costs_figure(["2-D", "3-D"], [1.0, 3.0], [1.0, 2.5], ("params", "MACs"), "× 2-D"))
    assert [trace.name for trace in fig.data] == ["params", "MACs"]
    assert list(fig.data[1].y) == [1.0, 2.5] and list(fig.data[1].text) == ["1.00×", "2.50×"]
    assert fig.data[0].marker.color == conv3d.PALETTE[0] and fig.data[1].marker.color == conv3d.PALETTE[1]
    assert fig.layout.yaxis.title.text == "× 2-D" and fig.layout.yaxis.rangemode == "tozero"
    assert fig.layout.showlegend and fig.layout.height == 300


# ----- GAN -----
GAN_NAMES = {key: key.upper() for key in ("real", "fake", "surface", "arrows", "warped", "modes")}


def test_gan_view_draws_every_layer_it_is_given():
    rng = np.random.default_rng(1)
    xs = np.linspace(-2, 2, 5)
    z = rng.random((5, 5))
    starts, pull = rng.normal(size=(3, 2)), np.array([[1.0, 0.0], [0.0, 0.5], [0.0, 0.0]])
    view = GanView(box=2.0, real=rng.normal(size=(8, 2)), fake=rng.normal(size=(6, 2)), surface=(xs, xs, z),
                   surface_range=(0.1, 0.9), pull=(starts, pull), warped=rng.normal(size=(2, 4, 2)),
                   modes=np.zeros((2, 2)), mode_radius=0.5)
    fig = validated(gan.gan_view_figure(view, GAN_NAMES))
    assert [trace.name for trace in fig.data] == ["SURFACE", "MODES", "REAL", "WARPED", "FAKE", "ARROWS"]
    surface, rings, real, warped, fake, arrows = fig.data
    np.testing.assert_allclose(np.asarray(surface.z, dtype=float), z)
    assert (surface.zmin, surface.zmax) == (0.1, 0.9) and surface.colorbar.title.text == "SURFACE"
    np.testing.assert_allclose(np.asarray(real.x, dtype=float), view.real[:, 0])
    np.testing.assert_allclose(np.asarray(fake.y, dtype=float), view.fake[:, 1])
    assert int(np.isnan(np.asarray(warped.x, dtype=float)).sum()) == 2  # one gap after each line
    assert int(np.isnan(np.asarray(rings.x, dtype=float)).sum()) == 2
    ends = np.asarray(arrows.x, dtype=float)[1::3]
    np.testing.assert_allclose(ends, starts[:, 0] + np.array([1.0, 0.0, 0.0]) * 0.2)  # a pull of 1: a tenth of the box
    assert list(arrows.marker.size) == [0, 7, 0] * 3
    assert list(fig.layout.xaxis.range) == [-2.0, 2.0] and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.uirevision == "gan.view" and fig.layout.showlegend

    bare = validated(gan.gan_view_figure(GanView(box=np.float64(3.0), real=np.zeros((2, 2)), fake=np.ones((2, 2))),
                                         GAN_NAMES, height=400))
    assert [trace.name for trace in bare.data] == ["REAL", "FAKE"] and bare.layout.height == 400
    assert list(bare.layout.yaxis.range) == [-3.0, 3.0]


def test_draw_pad_is_a_grid_of_selectable_cells():
    centers = np.array([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]])
    fig = validated(gan.draw_pad_figure(centers, 2.0, "draw", "click"))
    (pad,) = fig.data
    np.testing.assert_allclose(np.asarray(pad.x, dtype=float), centers[:, 0])
    assert pad.selected.marker.color == gan.REAL_COLOR and pad.unselected.marker.opacity == 0.6
    assert pad.hovertemplate == "click<extra></extra>"
    assert fig.layout.dragmode == "lasso" and fig.layout.clickmode == "event+select"
    assert list(fig.layout.xaxis.range) == [-2.0, 2.0] and fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.title.text == "draw" and fig.layout.showlegend is False and fig.layout.uirevision == "gan.pad"


def test_coverage_uses_a_second_axis_for_percentages_only_when_given():
    fig = validated(gan.coverage_figure([1, 2, 3], {"modes": [1, 3, 8]}, title="coverage", x_title="step",
                                        left_range=(0, 8.5), right={"quality": [10.0, 40.0, 90.0]}))
    modes, quality = fig.data
    assert list(modes.x) == [1, 2, 3] and list(modes.y) == [1, 3, 8] and modes.yaxis is None
    assert list(quality.y) == [10.0, 40.0, 90.0] and quality.yaxis == "y2" and quality.line.dash == "dot"
    assert list(fig.layout.yaxis.range) == [0, 8.5] and list(fig.layout.yaxis2.range) == [0, 100]
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert fig.layout.showlegend and fig.layout.height == 230
    left = validated(gan.coverage_figure([1, 2], {"p": [50.0, 60.0], "r": [40.0, 45.0]}, title="pr", x_title="step",
                                         left_range=(0, 100)))
    assert [trace.name for trace in left.data] == ["p", "r"] and "yaxis2" not in left.to_dict()["layout"]


# ----- autoencoder -----
def test_code_scatter_keeps_point_order_and_draws_the_extras():
    rng = np.random.default_rng(2)
    codes = rng.normal(size=(12, 2)).astype(np.float32)
    labels = np.array([0, 1, 2] * 4)
    hover = [f"digit {d}" for d in labels]
    path = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    fig = validated(autoencoder.code_scatter_figure(
        codes, labels, hover, title="codes", axis_names=("z1", "z2"), revision="r", probe=(0.5, -0.25),
        probe_name="probe", path=path, path_name="path", picked=tuple(codes[3]), picked_name="picked",
        box=(-2.0, 2.0, -1.5, 1.5)))
    points, names, line, ring, cross = fig.data
    np.testing.assert_allclose(np.asarray(points.x, dtype=float), codes[:, 0])  # point i is data point i
    assert list(points.marker.color) == labels.tolist() and list(points.hovertext) == hover
    assert points.hovertemplate == "%{hovertext}<extra></extra>" and points.hoverinfo is None
    assert list(names.text) == ["0", "1", "2"]
    np.testing.assert_allclose(np.asarray(names.x, dtype=float),
                               [np.median(codes[labels == d, 0]) for d in range(3)])
    np.testing.assert_allclose(np.asarray(line.y, dtype=float), path[:, 1])
    assert ring.x[0] == float(codes[3, 0]) and (cross.x[0], cross.y[0]) == (0.5, -0.25)
    assert list(fig.layout.xaxis.range) == [-2.0, 2.0] and list(fig.layout.yaxis.range) == [-1.5, 1.5]
    assert fig.layout.clickmode == "event+select" and fig.layout.dragmode == "pan" and fig.layout.uirevision == "r"
    bare = validated(autoencoder.code_scatter_figure(codes, labels, None, title="pca", axis_names=("a", "b"),
                                                     revision="pca"))
    assert len(bare.data) == 2 and bare.data[0].hoverinfo == "skip" and bare.data[0].hovertext is None
    assert bare.data[0].hovertemplate is None and bare.layout.xaxis.range is None


def test_manifold_tiles_the_decoded_images_over_the_box():
    images = np.random.default_rng(3).random((3, 3, 8, 8))
    fig = validated(autoencoder.manifold_figure(images, (-1.5, 1.5, -1.0, 2.0), title="grid", axis_names=("z1", "z2")))
    (heat,) = fig.data
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), autoencoder.manifold_tiles(images))
    assert heat.dx == 3.0 / 27 and heat.x0 == -1.5 + heat.dx / 2 and heat.dy == 3.0 / 27
    assert _colors(heat.colorscale) == _colors(get_colorscale("Greys"))
    assert list(fig.layout.xaxis.range) == [-1.5, 1.5] and list(fig.layout.yaxis.range) == [-1.0, 2.0]
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1.0
    assert fig.layout.showlegend is False and fig.layout.uirevision == "autoencoder.manifold"
