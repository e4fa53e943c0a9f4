"""Figures of the over/underfitting page: fits over the data, and error curves against capacity, training-set
size, the L2 penalty or training steps. One `lean_figure(data, layout)` call each."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.memo import memoized
from ui.figures.common import PALETTE, lean_figure

TRAIN_COLOR, TEST_COLOR = PALETTE[0], PALETTE[1]
# The theme's named colours (a Markdown legend matches them), and near-black for no remedy: the text's own colour.
MODEL_COLORS = {"none": "#111827", "l2": PALETTE[2], "dropout": PALETTE[4], "early": PALETTE[1], "data": PALETTE[3]}
TRUTH_COLOR, TEST_POINT_COLOR, FLOOR_COLOR = "#9ca3af", "#cbd5e1", "#16a34a"
FIT_X_RANGE = (-1.05, 1.05)
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="center", x=0.5)
Y_CAP = 10.0  # errors above this are off the chart: an interpolating polynomial can reach 10⁹


def fit_figure(x_train, y_train, x_test, y_test, grid_x, truth_y, fits: dict[str, np.ndarray],
               labels: dict[str, str], *, title: str, colors: dict[str, str] | None = None) -> go.Figure:
    """Training points, faint test points, the true function, and one or more fitted curves."""
    data = [dict(type="scatter", x=x_test, y=y_test, mode="markers", name=labels["test"], hoverinfo="skip",
                 marker=dict(color=TEST_POINT_COLOR, size=4)),
            dict(type="scatter", x=grid_x, y=truth_y, mode="lines", name=labels["truth"], hoverinfo="skip",
                 line=dict(color=TRUTH_COLOR, width=2, dash="dot")),
            dict(type="scatter", x=x_train, y=y_train, mode="markers", name=labels["train"],
                 marker=dict(color=TRAIN_COLOR, size=8, line=dict(color="white", width=1)),
                 hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>")]
    for i, (name, y) in enumerate(fits.items()):
        color = (colors or {}).get(name, PALETTE[(i + 1) % len(PALETTE)])
        data.append(dict(type="scatter", x=grid_x, y=y, mode="lines", name=labels[name],
                         line=dict(color=color, width=3 if i == 0 else 2.5),
                         hovertemplate="%{x:.2f}: %{y:.3f}<extra>" + labels[name] + "</extra>"))
    layout = dict(xaxis=dict(title=dict(text="x"), range=list(FIT_X_RANGE)),
                  yaxis=dict(title=dict(text="y"), range=list(fit_y_range(truth_y))))
    return lean_figure(data, layout, title=title, height=420, legend=dict(LEGEND_BELOW, y=-0.26))  # clear of the x axis's title


def fit_y_range(truth_y) -> tuple[float, float]:
    """The y axis of a fit chart: the true function with room for the noise around it."""
    low, high = float(np.min(truth_y)), float(np.max(truth_y))
    pad = 0.6 + 0.2 * (high - low)
    return low - pad, high + pad


def error_figure(axis, series: dict[str, np.ndarray], labels: dict[str, str], *, title: str, x_title: str,
                 y_title: str, floor: float, floor_label: str, marker=None, marker_label: str = "",
                 log_x: bool = False, styles: dict[str, dict] | None = None, height: int = 330) -> go.Figure:
    """Error curves on a log axis capped at Y_CAP, the noise floor σ² as a band edge, and a marker line."""
    data = []
    for name, values in series.items():
        style = (styles or {}).get(name, {})
        data.append(dict(type="scatter", x=list(axis), y=np.minimum(values, Y_CAP * 10),
                         mode=style.get("mode", "lines+markers"), name=labels[name],
                         line=dict(color=style.get("color", PALETTE[0]), width=2.5, dash=style.get("dash", "solid")),
                         marker=dict(size=5), customdata=values,
                         hovertemplate="%{x}: %{customdata:.4g}<extra>" + labels[name] + "</extra>"))
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=floor, y1=floor,
                   line=dict(color=FLOOR_COLOR, dash="dash", width=1.5),
                   label=dict(text=floor_label, textposition="end", font=dict(size=11, color="#166534")))]
    if marker is not None:
        shapes.append(dict(type="line", xref="x", x0=marker, x1=marker, yref="paper", y0=0, y1=1,
                           line=dict(color="#6b7280", dash="dot"),
                           label=dict(text=marker_label, textposition="end", font=dict(size=11, color="#374151"))))
    finite = [v for values in series.values() for v in np.asarray(values, dtype=float) if np.isfinite(v) and v > 0]
    bottom = max(min([floor, *finite]) / 2, floor / 100)  # an interpolating fit's ~0 training error drops off
    categorical = any(isinstance(a, str) for a in axis)
    x_type = "category" if categorical else "log" if log_x else "linear"
    layout = dict(xaxis=dict(title=dict(text=x_title), type=x_type),
                  yaxis=dict(title=dict(text=y_title), type="log", range=[float(np.log10(bottom)), float(np.log10(Y_CAP))],
                             exponentformat="power"),
                  shapes=shapes)
    return lean_figure(data, layout, title=title, height=height + 30, legend=LEGEND_BELOW)


def fit_picture(x_train, y_train, x_test, y_test, grid_x, truth_y, fits: dict[str, np.ndarray],
                colors: dict[str, str], *, size: int = 400) -> np.ndarray:
    """The fit chart as a picture for the live view, on its x and y ranges: test points and the true function
    (dashed) faint behind, the fitted curves (one beyond the y axis runs along its edge, as Plotly clips it), and the
    training points as crosses on top, so the few points a network fits stay visible."""
    from PIL import Image, ImageDraw

    from ui.figures.chart_pictures import plane_image, rgb

    (x_lo, x_hi), (y_lo, y_hi) = FIT_X_RANGE, fit_y_range(truth_y)
    side = 2 * size  # the background is drawn at twice the plot's resolution, then scaled down: smooth dots

    def to_px(xs, ys) -> np.ndarray:
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        return np.stack([(xs - x_lo) / (x_hi - x_lo) * side, (y_hi - ys) / (y_hi - y_lo) * side], 1)

    background = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(background)
    for px, py in to_px(x_test, y_test).tolist():
        draw.ellipse((px - 5, py - 5, px + 5, py + 5), fill=rgb(TEST_POINT_COLOR))
    truth_px = to_px(grid_x, truth_y).tolist()
    for i, (a, b) in enumerate(zip(truth_px, truth_px[1:])):  # dashed: three grid steps drawn, three left out
        if i // 3 % 2 == 0:
            draw.line((*a, *b), fill=rgb(TRUTH_COLOR), width=4)
    curves = [(np.stack([grid_x, np.clip(y, y_lo, y_hi)], 1), colors[name]) for name, y in fits.items()]
    crosses = [(x, y, TRAIN_COLOR) for x, y in zip(np.asarray(x_train, float), np.asarray(y_train, float))
               if y_lo <= y <= y_hi]
    return plane_image(np.asarray(background), (x_lo, x_hi), (y_lo, y_hi), paths=curves, crosses=crosses, size=size)


def error_curves_picture(steps, series: dict[str, np.ndarray], colors: dict[str, str], *, floor: float) -> np.ndarray:
    """Error curves during training as a picture: log axis, values above Y_CAP at the cap, the noise floor dashed."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(np.minimum(np.asarray(values, float), Y_CAP), colors[name], xs=steps)
                             for name, values in series.items()], log_y=True, hlines=[(floor, FLOOR_COLOR)])


# For the page: rebuilt only when their inputs change.
fit_figure_memo = memoized(fit_figure)
error_figure_memo = memoized(error_figure)
