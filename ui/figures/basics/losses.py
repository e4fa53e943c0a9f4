"""Figures of the loss-function page: loss and gradient curves, line fits with outliers, and the
confidently-wrong comparison of cross-entropy and squared error. One `lean_figure(data, layout)` call each."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.memo import memoized
from ui.figures.common import PALETTE, lean_figure

COLORS = {"mse": PALETTE[0], "mae": PALETTE[1], "huber": PALETTE[2], "bce": PALETTE[4], "cce": PALETTE[1],
          "kl": PALETTE[2], "sq": PALETTE[3]}
DASHES = {"kl": "dash"}
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="center", x=0.5)


def _marker_line(x: float, label: str) -> dict:
    return dict(type="line", xref="x", x0=x, x1=x, yref="paper", y0=0, y1=1, line=dict(color="#6b7280", dash="dot"),
                label=dict(text=label, textposition="end", font=dict(size=11, color="#374151")))


def curves_with_marker(x: np.ndarray, curves: dict[str, np.ndarray], labels: dict[str, str], marker: float,
                       marker_label: str, *, title: str, x_title: str, y_title: str, y_range=None,
                       hover_extra: np.ndarray | None = None, hover_name: str = "") -> go.Figure:
    """One line per loss over a shared x, with a dotted vertical line at the target (or any x of interest)."""
    data = []
    for name, y in curves.items():
        trace = dict(type="scatter", x=x, y=y, mode="lines", name=labels[name],
                     line=dict(color=COLORS[name], width=2.5, dash=DASHES.get(name, "solid")),
                     hovertemplate="%{x:.2f}: %{y:.4f}<extra>" + labels[name] + "</extra>")
        if hover_extra is not None:
            trace["customdata"] = hover_extra
            trace["hovertemplate"] = ("%{x:.2f} (" + hover_name + " = %{customdata:.3f}): %{y:.4f}<extra>"
                                      + labels[name] + "</extra>")
        data.append(trace)
    layout = dict(xaxis=dict(title=dict(text=x_title), zeroline=False),
                  yaxis=dict(title=dict(text=y_title), zeroline=True, **({} if y_range is None else {"range": y_range})),
                  shapes=[_marker_line(marker, marker_label)])
    return lean_figure(data, layout, title=title, height=360, legend=LEGEND_BELOW)


def outlier_fit_figure(x: np.ndarray, y: np.ndarray, is_outlier: np.ndarray, lines: dict[str, tuple[float, float]],
                       true_line: tuple[float, float], labels: dict[str, str], *, title: str) -> go.Figure:
    """The data (outliers in red), the line each loss fits, and the line the clean data came from."""
    xs = np.array([-3.8, 3.8])
    data = [dict(type="scatter", x=x[~is_outlier], y=y[~is_outlier], mode="markers", name=labels["clean"],
                 marker=dict(color="#64748b", size=7), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
            dict(type="scatter", x=x[is_outlier], y=y[is_outlier], mode="markers", name=labels["outliers"],
                 marker=dict(color=PALETTE[3], size=11, symbol="diamond"),
                 hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
            dict(type="scatter", x=xs, y=true_line[0] * xs + true_line[1], mode="lines", name=labels["truth"],
                 line=dict(color="#9ca3af", width=2, dash="dot"), hoverinfo="skip")]
    for name, (slope, intercept) in lines.items():
        data.append(dict(type="scatter", x=xs, y=slope * xs + intercept, mode="lines", name=labels[name],
                         line=dict(color=COLORS[name], width=3),
                         hovertemplate=f"y = {slope:.3f}x {intercept:+.3f}<extra>{labels[name]}</extra>"))
    low, high = min(-2.0, float(y.min()) - 0.5), max(4.0, float(y.max()) + 0.5)
    layout = dict(xaxis=dict(title=dict(text="x"), range=[-3.8, 3.8]),
                  yaxis=dict(title=dict(text="y"), range=[low, high]))
    return lean_figure(data, layout, title=title, height=420, legend=LEGEND_BELOW)


def race_figure(steps: np.ndarray, series: dict[str, np.ndarray], labels: dict[str, str], *, title: str,
                x_title: str, y_title: str, log_y: bool = False, marker: float | None = None,
                marker_label: str = "", height: int = 300) -> go.Figure:
    """Cross-entropy against squared error along some x (confidence, or training steps)."""
    data = [dict(type="scatter", x=steps, y=values, mode="lines", name=labels[name],
                 line=dict(color=COLORS[name], width=3),
                 hovertemplate="%{x:.2f}: %{y:.4g}<extra>" + labels[name] + "</extra>")
            for name, values in series.items()]
    layout = dict(xaxis=dict(title=dict(text=x_title)),
                  yaxis=dict(title=dict(text=y_title), type="log" if log_y else "linear", exponentformat="power"),
                  shapes=[_marker_line(marker, marker_label)] if marker is not None else [])
    return lean_figure(data, layout, title=title, height=height, legend=LEGEND_BELOW)


# For the page: rebuilt only when their inputs change.
curves_with_marker_memo = memoized(curves_with_marker)
outlier_fit_figure_memo = memoized(outlier_fit_figure)
race_figure_memo = memoized(race_figure)
