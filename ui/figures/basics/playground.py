"""Playground figures: the decision-boundary heat map with the points, and every hidden neuron's map."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import DIVERGING, lean_figure, png_data_uri

CLASS_COLORS = ["#f97316", "#2563eb", "#16a34a", "#9333ea"]  # class 0 orange, 1 blue (TF Playground), 2, 3


def _class_colorscale(classes: int) -> list:
    """A stepped, light colour scale so class regions read as areas behind the points."""
    light = ["#fed7aa", "#bfdbfe", "#bbf7d0", "#e9d5ff"][:classes]
    scale = []
    for k, color in enumerate(light):
        scale += [[k / classes, color], [(k + 1) / classes, color]]
    return scale


def boundary_figure(grid: np.ndarray, extent: float, points: np.ndarray, labels: np.ndarray,
                    train_idx: np.ndarray, test_idx: np.ndarray, *, classes: int, regression: bool,
                    show_test: bool, names: dict[str, str], height: int = 420) -> go.Figure:
    """What the network outputs everywhere (background) and the data (dots: training filled, test ringed).

    Two classes and regression: a diverging map of the output in [-1, 1] (orange −, blue +), as TF Playground;
    more classes: the predicted class's colour.
    """
    axis = np.linspace(-extent, extent, grid.shape[0])
    if regression or classes == 2:
        heat = dict(type="heatmap", x=axis, y=axis, z=grid, zmin=-1, zmax=1, colorscale=DIVERGING, showscale=False,
                    opacity=0.75, hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}: %{z:.2f}<extra></extra>")
    else:
        heat = dict(type="heatmap", x=axis, y=axis, z=grid, zmin=-0.5, zmax=classes - 0.5,
                    colorscale=_class_colorscale(classes), showscale=False, hoverinfo="skip")
    data = [heat]
    groups = [("train", train_idx, dict(line=dict(color="white", width=1)))]
    if show_test:
        groups.append(("test", test_idx, dict(line=dict(color="#111827", width=1.5))))
    for group, idx, marker in groups:
        pts = points[idx]
        if regression:
            data.append(dict(type="scatter", x=pts[:, 0], y=pts[:, 1], mode="markers", name=names[group],
                             marker=dict(size=6, color=labels[idx], cmin=-1, cmax=1, colorscale=DIVERGING, **marker)))
            continue
        for k in range(classes):
            sel = pts[labels[idx] == k]
            data.append(dict(type="scatter", x=sel[:, 0], y=sel[:, 1], mode="markers",
                             name=f"{names[group]} · {names['class']} {k}",
                             marker=dict(size=6, color=CLASS_COLORS[k], **marker), showlegend=False))
    layout = dict(xaxis=dict(range=[-extent, extent], constrain="domain", title=dict(text="x1"), zeroline=False),
                  yaxis=dict(range=[-extent, extent], scaleanchor="x", title=dict(text="x2"), zeroline=False))
    return lean_figure(data, layout, height=height, legend=False, revision="playground.boundary")


def neuron_mosaic(hidden: list[np.ndarray], gap: int = 3) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Tile every hidden neuron's map into one array (columns = layers, rows = neurons), NaN between tiles.

    One heat map with gaps draws far faster than dozens of subplots. Returns the mosaic and, per tile,
    (layer, neuron, top-left x) for labels.
    """
    if not hidden:
        return np.full((1, 1), np.nan), []
    res = hidden[0].shape[0]
    rows = max(h.shape[2] for h in hidden)
    height = rows * res + (rows - 1) * gap
    width = len(hidden) * res + (len(hidden) - 1) * gap
    mosaic = np.full((height, width), np.nan, dtype=np.float32)
    tiles = []
    for layer, acts in enumerate(hidden):
        x0 = layer * (res + gap)
        for neuron in range(acts.shape[2]):
            y0 = neuron * (res + gap)
            tile = acts[:, :, neuron]
            span = max(float(np.abs(tile).max()), 1e-6)
            mosaic[y0:y0 + res, x0:x0 + res] = tile / span  # each neuron on its own scale, sign kept
            tiles.append((layer, neuron, x0))
    return mosaic, tiles


def neurons_figure(hidden: list[np.ndarray], layer_label: str, height: int = 300) -> go.Figure:
    """What every hidden neuron computes over the input plane (orange negative, blue positive)."""
    mosaic, _ = neuron_mosaic(hidden)
    heat = dict(type="heatmap", z=mosaic, zmin=-1, zmax=1, colorscale=DIVERGING, showscale=False, hoverinfo="skip")
    res = hidden[0].shape[0] if hidden else 1
    ticks = [layer * (res + 3) + res / 2 for layer in range(len(hidden))]
    layout = dict(xaxis=dict(tickvals=ticks, ticktext=[f"{layer_label} {i + 1}" for i in range(len(hidden))],
                             showgrid=False, zeroline=False),
                  yaxis=dict(showticklabels=False, showgrid=False, zeroline=False, scaleanchor="x"))
    return lean_figure([heat], layout, height=height, legend=False, revision="playground.neurons")


# ----- live view: pictures instead of Plotly charts while training runs -----
# A browser redraws an <img> far faster than a Plotly heat map with hundreds of SVG points, so the live view
# is drawn on the server as images; when the run pauses the interactive charts (hover, zoom, PNG/CSV) return.

_NEG, _MID, _POS = np.array([249, 115, 22.0]), np.array([248, 250, 252.0]), np.array([37, 99, 235.0])
_CLASS_RGB = np.array([[249, 115, 22], [37, 99, 235], [22, 163, 74], [147, 51, 234]], dtype=float)
_CLASS_LIGHT = np.array([[254, 215, 170], [191, 219, 254], [187, 247, 208], [233, 213, 255]], dtype=float)


def diverging_rgb(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] to RGB: orange for negative, near-white at 0, blue for positive (NaN: white)."""
    v = np.clip(np.nan_to_num(values, nan=0.0), -1, 1)[..., None]
    rgb = np.where(v < 0, _MID + (_NEG - _MID) * -v, _MID + (_POS - _MID) * v)
    rgb[np.isnan(values)] = 255
    return rgb.astype(np.uint8)


def boundary_image(grid: np.ndarray, extent: float, points: np.ndarray, labels: np.ndarray, idx: np.ndarray, *,
                   classes: int, regression: bool, size: int = 360) -> np.ndarray:
    """The decision map with the points as an RGB picture (y up, as in the chart)."""
    from PIL import Image, ImageDraw

    if regression or classes == 2:
        background = diverging_rgb(grid * 0.75)  # lighter than the points, as in the chart
    else:
        background = _CLASS_LIGHT[np.clip(grid.astype(int), 0, classes - 1)].astype(np.uint8)
    picture = Image.fromarray(background[::-1]).resize((size, size), Image.BILINEAR)
    draw = ImageDraw.Draw(picture)
    scale = size / (2 * extent)
    for (x, y), label in zip(points[idx], labels[idx]):
        px, py = (x + extent) * scale, (extent - y) * scale
        if regression:
            color = tuple(int(c) for c in diverging_rgb(np.array([label]))[0])
        else:
            color = tuple(int(c) for c in _CLASS_RGB[int(label)])
        draw.ellipse((px - 3.2, py - 3.2, px + 3.2, py + 3.2), fill=color, outline=(255, 255, 255))
    return np.asarray(picture)


def neurons_image(hidden: list[np.ndarray], scale: int = 3) -> np.ndarray:
    """Every hidden neuron's map as one RGB picture (columns = layers), enlarged `scale` times."""
    mosaic, _ = neuron_mosaic(hidden)
    rgb = diverging_rgb(mosaic)
    return np.kron(rgb, np.ones((scale, scale, 1), dtype=np.uint8))


def curves_image(xs, series: list[tuple[list[float], str]], width: int = 360, height: int = 110) -> np.ndarray:
    """Live loss curves as a small RGB picture: each (values, hex colour) drawn over the same x range."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(226, 232, 240))
    values = [v for ys, _ in series for v in ys if np.isfinite(v)]
    if len(xs) < 2 or not values:
        return np.asarray(picture)
    top, bottom = max(values), min(min(values), 0.0)
    span_y = (top - bottom) or 1.0
    x0, x1 = xs[0], xs[-1]
    span_x = (x1 - x0) or 1
    for ys, color in series:
        points = [(4 + (x - x0) / span_x * (width - 8), height - 4 - (y - bottom) / span_y * (height - 8))
                  for x, y in zip(xs, ys) if np.isfinite(y)]
        if len(points) > 1:
            draw.line(points, fill=color, width=2)
    return np.asarray(picture)


def live_view_pictures(trainer, extent: float, show_test: bool, colors: list[str]) -> dict[str, str]:
    """The live view of a Playground trainer as inline PNGs: "boundary" (with the training points, or all points
    when `show_test`), "curves" (train and test loss in `colors`, once there is a history) and "neurons"
    (when the network has hidden layers)."""
    cfg, data, history = trainer.cfg, trainer.data, trainer.history
    regression = cfg.problem == "regression"
    grid, hidden = trainer.predict_grid(80, extent)
    idx = np.arange(len(data.points)) if show_test else data.train_idx
    pictures = {"boundary": png_data_uri(boundary_image(grid, extent, data.points, data.labels, idx,
                                                        classes=cfg.classes, regression=regression))}
    if history.get("train_loss"):
        pictures["curves"] = png_data_uri(curves_image(history["step"], [(history["train_loss"], colors[0]),
                                                                         (history["test_loss"], colors[1])]))
    if hidden:
        pictures["neurons"] = png_data_uri(neurons_image(trainer.predict_grid(24, extent)[1]))
    return pictures
