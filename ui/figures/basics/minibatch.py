"""Figures of the mini-batch page: gradient arrows over the loss contours, the spread against B, the race curves.

Each figure is one `lean_figure(data, layout)` call, from plain dicts: plotly's validated objects cost several
milliseconds per figure on every control change (tests validate them instead).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.figures.common import PALETTE, lean_figure

RUN_COLORS = {"full": PALETTE[0], "mini": PALETTE[1], "single": PALETTE[3]}
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.22, xanchor="center", x=0.5)
PLANE_PIXELS = 380 - 52 - 10  # the plot area of chart_pictures.plane_image at its default size


def _contours(w_grid, b_grid, loss_grid) -> dict:
    """The loss surface as filled contours on a log scale of levels (the bowl is steep far from its minimum)."""
    return dict(type="contour", x=w_grid, y=b_grid, z=np.log10(loss_grid), showscale=False, hoverinfo="skip",
                colorscale=get_colorscale("Blues"), reversescale=True, contours=dict(coloring="fill", showlines=True),
                line=dict(width=0.5, color="rgba(255,255,255,0.6)"), opacity=0.75, name="L")


def _plane_layout(w_grid, b_grid, x_title: str, y_title: str) -> dict:
    return dict(xaxis=dict(title=dict(text=x_title), range=[float(w_grid[0]), float(w_grid[-1])]),
                yaxis=dict(title=dict(text=y_title), range=[float(b_grid[0]), float(b_grid[-1])], scaleanchor="x",
                           scaleratio=1))


def _minimum_marker(minimum, name: str) -> dict:
    return dict(type="scatter", x=[float(minimum[0])], y=[float(minimum[1])], mode="markers", name=name,
                marker=dict(symbol="x", size=11, color="#16a34a"))


def gradient_spread_figure(w_grid, b_grid, loss_grid, point, steps: np.ndarray, full_step, minimum, labels: dict,
                           *, title: str, x_title: str, y_title: str) -> go.Figure:
    """At `point`, the steps −η·g_B of many sampled mini-batches (thin grey arrows ending in dots) around the
    full-batch step −η·∇L (thick arrow)."""
    px, py = float(point[0]), float(point[1])
    ends = np.asarray(point) + np.asarray(steps)  # (K, 2)
    seg_x = np.column_stack([np.full(len(ends), px), ends[:, 0], np.full(len(ends), np.nan)]).ravel()
    seg_y = np.column_stack([np.full(len(ends), py), ends[:, 1], np.full(len(ends), np.nan)]).ravel()
    fx, fy = px + float(full_step[0]), py + float(full_step[1])
    data = [_contours(w_grid, b_grid, loss_grid),
            dict(type="scatter", x=seg_x, y=seg_y, mode="lines", name=labels["samples"], hoverinfo="skip",
                 line=dict(color="rgba(220,38,38,0.35)", width=1)),
            dict(type="scatter", x=ends[:, 0], y=ends[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                 marker=dict(color="rgba(220,38,38,0.6)", size=4)),
            dict(type="scatter", x=[px, fx], y=[py, fy], mode="lines+markers", name=labels["full"],
                 line=dict(color="#111827", width=4), marker=dict(size=[8, 11], symbol=["circle", "arrow"],
                                                                  angleref="previous", color="#111827")),
            _minimum_marker(minimum, labels["minimum"])]
    return lean_figure(data, _plane_layout(w_grid, b_grid, x_title, y_title), title=title, height=430,
                       legend=LEGEND_BELOW)


def variance_figure(batches, measured, predicted, *, title: str, x_title: str, y_title: str, labels: dict) -> go.Figure:
    """tr Cov[g_B] against B on log–log axes: measured from samples, and the formula (a slope −1 line that bends
    down to zero at B = n)."""
    keep = [i for i, v in enumerate(predicted) if v > 0]  # B = n has no spread at all: off a log axis
    data = [dict(type="scatter", x=[batches[i] for i in keep], y=[predicted[i] for i in keep], mode="lines",
                 name=labels["formula"], line=dict(color="#111827", width=2, dash="dash")),
            dict(type="scatter", x=[batches[i] for i in keep], y=[measured[i] for i in keep], mode="markers",
                 name=labels["measured"], marker=dict(color=PALETTE[3], size=9),
                 hovertemplate="B = %{x}: %{y:.3g}<extra></extra>")]
    layout = dict(xaxis=dict(title=dict(text=x_title), type="log"),
                  yaxis=dict(title=dict(text=y_title), type="log", exponentformat="power"))
    return lean_figure(data, layout, title=title, height=430, legend=LEGEND_BELOW)


def race_curves_figure(xs: dict, ys: dict, labels: dict, *, floor: float, floor_label: str, title: str,
                       x_title: str, y_title: str, log_x: bool = False) -> go.Figure:
    """Full-data loss of each run against updates or examples seen, with the least-squares minimum as a floor."""
    # Copies, as plotly's validation made: a run's own lists keep growing after the chart is drawn.
    data = [dict(type="scatter", x=list(xs[name]), y=list(ys[name]), mode="lines", name=labels[name],
                 line=dict(color=RUN_COLORS[name], width=2), hovertemplate="%{x}: %{y:.4f}<extra></extra>")
            for name in ys]
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=float(floor), y1=float(floor),
                   line=dict(color="#16a34a", dash="dash", width=1.5),
                   label=dict(text=floor_label, textposition="end", font=dict(size=11, color="#166534")))]
    layout = dict(xaxis=dict(title=dict(text=x_title), type="log" if log_x else "linear"),
                  yaxis=dict(title=dict(text=y_title), type="log", exponentformat="power"), shapes=shapes)
    return lean_figure(data, layout, title=title, height=340, legend=LEGEND_BELOW)


def paths_figure(w_grid, b_grid, loss_grid, paths: dict, labels: dict, minimum, *, title: str, x_title: str,
                 y_title: str) -> go.Figure:
    """The three runs' paths through the (w, b) plane over the loss contours."""
    data = [_contours(w_grid, b_grid, loss_grid)]
    for name, path in paths.items():
        arr = np.asarray(path)
        data.append(dict(type="scatter", x=arr[:, 0], y=arr[:, 1], mode="lines", name=labels[name],
                         line=dict(color=RUN_COLORS[name], width=1.5)))
    data.append(_minimum_marker(minimum, labels["minimum"]))
    return lean_figure(data, _plane_layout(w_grid, b_grid, x_title, y_title), title=title, height=430,
                       legend=LEGEND_BELOW)


def race_curves_picture(xs: dict, ys: dict, *, floor: float, log_x: bool = False) -> np.ndarray:
    """`race_curves_figure` as a picture for the live race: the same colours, log loss axis and floor line."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(ys[name], RUN_COLORS[name], xs=xs[name]) for name in ys], log_y=True,
                            log_x=log_x, hlines=[(floor, "#16a34a")])


def loss_bands_image(loss_grid, pixels: int, bands: int = 14) -> np.ndarray:
    """The loss surface as the Plotly chart fills it, `pixels` square: log10(L) in `bands` equal bands of Blues
    reversed (dark at the bottom of the bowl), 75 % opaque over white; the first row is the top of the plane
    (largest b). Depends only on the data: cache it."""
    from plotly.colors import sequential, unlabel_rgb

    from ui.figures.chart_pictures import banded_surface

    blues = ["#%02x%02x%02x" % tuple(int(v) for v in unlabel_rgb(c)) for c in sequential.Blues[::-1]]
    scale = [[k / (len(blues) - 1), c] for k, c in enumerate(blues)]
    z = np.log10(np.asarray(loss_grid, dtype=float))
    rgb = banded_surface(z, pixels, scale, float(z.min()), float(z.max()), bands=bands).astype(float)
    return (0.75 * rgb + 0.25 * 255).astype(np.uint8)


def paths_picture(w_grid, b_grid, bands: np.ndarray, paths: dict, minimum) -> np.ndarray:
    """`paths_figure` as a picture for the live race: the banded loss surface (`loss_bands_image` at
    PLANE_PIXELS), each run's path, the minimum."""
    from ui.figures.chart_pictures import plane_image

    return plane_image(bands, (w_grid[0], w_grid[-1]), (b_grid[0], b_grid[-1]),
                       paths=[(np.asarray(path), RUN_COLORS[name]) for name, path in paths.items()],
                       crosses=[(minimum[0], minimum[1], "#16a34a")])
