"""Figures of the perceptron page: points with the separating line, mistakes per pass, the (w, b) loss bowl
with the gradient-descent path, and the fitted line over the data. Each is one `lean_figure(data, layout)` call,
from plain dicts: plotly's validated objects cost several milliseconds per figure on every slider move (tests
validate them instead)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.figures.memo import memoized
from ui.figures.common import PALETTE, curves_figure, lean_figure

LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.14, xanchor="center", x=0.5)  # a long title cannot hit it

POSITIVE, NEGATIVE = PALETTE[0], PALETTE[1]
BOX = (-1.8, 1.8)


def _line_points(weights: np.ndarray, box=BOX) -> tuple[list[float], list[float]]:
    """Two points of w₁x₁ + w₂x₂ + b = 0 spanning the box (empty while w = 0: no line yet)."""
    w1, w2, b = weights
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return [], []
    if abs(w2) >= abs(w1):
        xs = np.array(box)
        return xs.tolist(), ((-b - w1 * xs) / w2).tolist()
    ys = np.array(box)
    return ((-b - w2 * ys) / w1).tolist(), ys.tolist()


def perceptron_figure(x: np.ndarray, y: np.ndarray, weights: np.ndarray, previous: np.ndarray | None,
                      culprit: int | None, names: dict[str, str], *, title: str) -> go.Figure:
    """The points, the half-plane the neuron calls +1 (pale blue), the line now and before the last update."""
    grid = np.linspace(*BOX, 61)
    gx, gy = np.meshgrid(grid, grid)
    side = np.sign(weights[0] * gx + weights[1] * gy + weights[2])
    data = [dict(type="heatmap", x=grid, y=grid, z=side, zmin=-1, zmax=1, showscale=False, hoverinfo="skip",
                 colorscale=[[0, "#fde7d4"], [0.5, "#ffffff"], [1, "#dbe7fd"]])]
    for label, sign, color, symbol in ((names["positive"], 1, POSITIVE, "circle"),
                                       (names["negative"], -1, NEGATIVE, "x")):
        pick = y == sign
        data.append(dict(type="scatter", x=x[pick, 0], y=x[pick, 1], mode="markers", name=label,
                         marker=dict(color=color, symbol=symbol, size=9, line=dict(width=1, color="white")),
                         hovertemplate="(%{x:.2f}, %{y:.2f})<extra>" + label + "</extra>"))
    if previous is not None:
        px, py = _line_points(previous)
        data.append(dict(type="scatter", x=px, y=py, mode="lines", name=names["before"], hoverinfo="skip",
                         line=dict(color="#94a3b8", width=2, dash="dash")))
    lx, ly = _line_points(weights)
    data.append(dict(type="scatter", x=lx, y=ly, mode="lines", name=names["line"], hoverinfo="skip",
                     line=dict(color="#111827", width=3)))
    if culprit is not None:
        data.append(dict(type="scatter", x=[float(x[culprit, 0])], y=[float(x[culprit, 1])], mode="markers",
                         name=names["culprit"],
                         marker=dict(size=22, color="rgba(0,0,0,0)", line=dict(color=PALETTE[3], width=3)),
                         hoverinfo="skip"))
    axis = dict(zeroline=False, showgrid=False, constrain="domain")
    layout = dict(xaxis=dict(axis, range=list(BOX), title=dict(text="x₁")),
                  yaxis=dict(axis, range=list(BOX), title=dict(text="x₂"), scaleanchor="x"))
    return lean_figure(data, layout, title=title, height=470, legend=LEGEND_BELOW)


def mistakes_figure(mistakes: list[int], current_epoch: int | None, *, title: str, x_title: str,
                    y_title: str) -> go.Figure:
    """Mistakes in each pass over the data; the pass of the update on screen is highlighted."""
    passes = np.arange(1, len(mistakes) + 1)
    colors = [PALETTE[3] if p == current_epoch else PALETTE[0] for p in passes]
    data = [dict(type="bar", x=passes, y=mistakes, marker=dict(color=colors),
                 hovertemplate="%{x}: %{y}<extra></extra>")]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title), rangemode="tozero"),
                  bargap=0.15)
    return lean_figure(data, layout, title=title, height=250, legend=False)


def loss_surface_figure(ws: np.ndarray, bs: np.ndarray, loss_grid: np.ndarray, path: np.ndarray,
                        optimum: tuple[float, float], names: dict[str, str], *, title: str) -> go.Figure:
    """log₁₀ of the loss over (w, b) as filled contours, the descent path so far, and the least-squares point."""
    data = [dict(type="contour", x=ws, y=bs, z=np.log10(loss_grid), colorscale=get_colorscale("Blues"),
                 reversescale=True,
                 ncontours=24, showscale=False, contours=dict(coloring="heatmap", showlines=True),
                 line=dict(width=0.5, color="rgba(255,255,255,0.5)"), customdata=loss_grid,
                 hovertemplate="w=%{x:.2f}, b=%{y:.2f}<br>L=%{customdata:.4g}<extra></extra>"),
            dict(type="scatter", x=path[:, 0], y=path[:, 1], mode="lines+markers", name=names["path"],
                 line=dict(color=PALETTE[1], width=2), marker=dict(size=4),
                 hovertemplate="w=%{x:.3f}, b=%{y:.3f}<extra></extra>"),
            dict(type="scatter", x=[float(path[-1, 0])], y=[float(path[-1, 1])], mode="markers", name=names["now"],
                 marker=dict(size=12, color=PALETTE[1], line=dict(color="white", width=2)), hoverinfo="skip"),
            dict(type="scatter", x=[float(optimum[0])], y=[float(optimum[1])], mode="markers", name=names["optimum"],
                 marker=dict(size=16, symbol="star", color=PALETTE[2], line=dict(color="white", width=1)),
                 hovertemplate="w*=%{x:.3f}, b*=%{y:.3f}<extra></extra>")]
    layout = dict(xaxis=dict(title=dict(text="w"), range=[float(ws[0]), float(ws[-1])]),
                  yaxis=dict(title=dict(text="b"), range=[float(bs[0]), float(bs[-1])]))
    return lean_figure(data, layout, title=title, height=430, legend=LEGEND_BELOW)


def regression_fit_figure(x: np.ndarray, y: np.ndarray, now: tuple[float, float], optimum: tuple[float, float],
                          names: dict[str, str], *, title: str) -> go.Figure:
    """The data, the line of the current (w, b), and the least-squares line."""
    xs = np.array([x.min() - 0.2, x.max() + 0.2])
    data = [dict(type="scatter", x=x, y=y, mode="markers", name=names["data"],
                 marker=dict(color=PALETTE[0], size=8), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
            dict(type="scatter", x=xs, y=optimum[0] * xs + optimum[1], mode="lines", name=names["optimum"],
                 line=dict(color=PALETTE[2], width=2, dash="dash"), hoverinfo="skip")]
    if np.isfinite(now).all():
        data.append(dict(type="scatter", x=xs, y=now[0] * xs + now[1], mode="lines", name=names["now"],
                         line=dict(color=PALETTE[1], width=3), hoverinfo="skip"))
    pad = 0.15 * (y.max() - y.min() + 1e-9)
    layout = dict(xaxis=dict(title=dict(text="x")),
                  yaxis=dict(title=dict(text="y"), range=[float(y.min() - pad), float(y.max() + pad)]))
    return lean_figure(data, layout, title=title, height=430, legend=LEGEND_BELOW)


# For the page: rebuilt only when their inputs change.
perceptron_figure_memo = memoized(perceptron_figure)
mistakes_figure_memo = memoized(mistakes_figure)
loss_surface_figure_memo = memoized(loss_surface_figure)
regression_fit_figure_memo = memoized(regression_fit_figure)
curves_figure_memo = memoized(curves_figure)
