"""Figures of the optimizer race: trajectories over the surface's contours, and the loss over the steps.
Each optimizer keeps one colour in both charts, whichever racers are shown."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.basics.optimizer_race import OPTIMIZERS
from ui.figures.memo import memoized
from ui.figures.common import PALETTE, lean_figure

COLORS = dict(zip(OPTIMIZERS, [PALETTE[3], PALETTE[1], PALETTE[4], PALETTE[5], PALETTE[2], PALETTE[0]]))
FLOOR = 1e-16
MAX_MARKERS = 50  # step markers drawn per path (the line shows every step)
# The race chart keeps x and y at one scale, so its drawing area has the box's shape: the legend sits on top of it,
# centred, and the drawing hangs from the top of its area (a narrow screen leaves the spare height below it, a wide
# one the spare width at both sides), so the legend always touches the drawing. Its height is the box's shape at the
# page's full width (~880 px of drawing on a 1366-1440 px laptop), within bounds.
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="center", x=0.5)
RACE_DRAWING_WIDTH = 880
RACE_HEIGHT = (380, 640)
RACE_ROOM = 150  # px above and below the drawing: title, legend rows, x axis and its title


def contour_levels(values: np.ndarray) -> np.ndarray:
    """Each grid value's rank in [0, 1]: contours at quantiles stay evenly spread whether the surface spans
    one decade (a quadratic) or twelve (Rosenbrock, Beale). NaN (no value) stays NaN."""
    flat = values.ravel()
    finite = np.isfinite(flat)
    ranks = np.full(flat.shape, np.nan)
    order = np.argsort(flat[finite], kind="stable")
    positions = np.empty(order.size)
    positions[order] = np.arange(order.size) / max(order.size - 1, 1)
    ranks[finite] = positions
    return ranks.reshape(values.shape)


def race_figure(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, paths: dict[str, np.ndarray],
                labels: dict[str, str], start: tuple[float, float], minimum: tuple[float, float] | None,
                names: dict[str, str], *, title: str) -> go.Figure:
    """Filled contours of f (coloured by quantile, hover shows f) and each optimizer's path from the start."""
    data = [dict(type="contour", x=xs, y=ys, z=contour_levels(values), customdata=values, ncontours=22,
                 colorscale="Greys", reversescale=True, showscale=False, opacity=0.55,
                 contours=dict(coloring="heatmap", showlines=True), line=dict(width=0.6, color="rgba(0,0,0,0.25)"),
                 hovertemplate="x=%{x:.2f}, y=%{y:.2f}<br>f=%{customdata:.4g}<extra></extra>")]
    # Plotly draws at most `maxdisplayed` step markers per path, thinning where they crowd (the slow tail) and keeping
    # the big early steps: 6 × 200 SVG markers cost a browser a quarter of its work per slider move here
    # (benchmarks/render_cost.py: 847 → 623 ms of main-thread time per move, measured back to back).
    for name, path in paths.items():
        data.append(dict(type="scatter", x=path[:, 0], y=path[:, 1], mode="lines+markers", name=labels[name],
                         line=dict(color=COLORS[name], width=2.5),
                         marker=dict(size=3.5, color=COLORS[name], maxdisplayed=MAX_MARKERS),
                         hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + labels[name] + "</extra>"))
    data.append(dict(type="scatter", x=[start[0]], y=[start[1]], mode="markers", name=names["start"],
                     marker=dict(size=13, color="#111827", symbol="circle-open", line=dict(width=3)),
                     hoverinfo="skip"))
    if minimum is not None:
        data.append(dict(type="scatter", x=[minimum[0]], y=[minimum[1]], mode="markers", name=names["minimum"],
                         marker=dict(size=17, color="#facc15", symbol="star", line=dict(color="#111827", width=1)),
                         hoverinfo="skip"))
    layout = dict(xaxis=dict(title=dict(text="x"), range=[float(xs[0]), float(xs[-1])], constrain="domain"),
                  yaxis=dict(title=dict(text="y"), range=[float(ys[0]), float(ys[-1])], scaleanchor="x", constrain="domain",
                             constraintoward="top"))
    return lean_figure(data, layout, title=title, height=race_height(xs, ys), legend=LEGEND_ABOVE)


def race_height(xs: np.ndarray, ys: np.ndarray) -> int:
    """Figure height whose drawing, at the page's full width, has the box's shape (x and y share one scale)."""
    shape = (ys[-1] - ys[0]) / max(xs[-1] - xs[0], 1e-12)
    return int(np.clip(RACE_DRAWING_WIDTH * shape + RACE_ROOM, *RACE_HEIGHT))


def loss_figure(losses: dict[str, np.ndarray], labels: dict[str, str], *, log: bool, title: str,
                x_title: str, y_title: str) -> go.Figure:
    """Loss (or its gap to the minimum, on a log axis) after each step, one line per optimizer (colours as in
    the race chart)."""
    data = []
    for name, values in losses.items():
        ys = np.where(np.isfinite(values), values, np.nan)
        if log:  # below ~1e-16 is float64 round-off, not progress: the axis stops there
            ys = np.where(ys > 0, np.maximum(ys, FLOOR), np.nan)
        data.append(dict(type="scatter", x=np.arange(len(values)), y=ys, mode="lines", name=labels[name],
                         line=dict(color=COLORS[name], width=2.5),
                         hovertemplate="%{x}: %{y:.4g}<extra>" + labels[name] + "</extra>"))
    layout = dict(xaxis=dict(title=dict(text=x_title)),
                  yaxis=dict(title=dict(text=y_title), type="log" if log else "linear", exponentformat="power"))
    return lean_figure(data, layout, title=title, height=360)


# For the page: rebuilt only when their inputs change.
race_figure_memo = memoized(race_figure)
loss_figure_memo = memoized(loss_figure)
