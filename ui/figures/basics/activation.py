"""Figures of the activation page: functions with their derivatives, batch histograms, deep-stack spread.

Each figure is one `lean_figure(data, layout)` call, from plain dicts: plotly's validated objects cost several
milliseconds per figure, and these charts are redrawn on every slider move (tests validate them instead).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.basics.activations import CUSTOM, NAMES
from ui.figures.common import PALETTE, lean_figure


LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0.0)  # titles stay readable
CUSTOM_COLOR = "#111827"  # the user's own function in near-black: it never looks like a built-in one


def color_of(name: str) -> str:
    """A fixed colour per activation, so a function keeps its colour whatever else is picked."""
    if name == CUSTOM:
        return CUSTOM_COLOR
    return PALETTE[NAMES.index(name) % len(PALETTE)] if name in NAMES else PALETTE[-1]


def _band(y0: float, y1: float, color: str, opacity: float) -> dict:
    """A horizontal strip across the whole plot (a layout shape: cheaper than fig.add_hrect)."""
    return dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=y0, y1=y1, fillcolor=color, opacity=opacity,
                line=dict(width=0), layer="below")


def curve_figure(x: np.ndarray, curves: dict[str, np.ndarray], vanishing: dict[str, np.ndarray],
                 labels: dict[str, str], *, title: str, y_title: str, eps: float | None = None,
                 vanish_label: str = "") -> go.Figure:
    """One line per function; where its gradient vanishes (mask) a wide pale band lies under the line.

    `eps` (derivative plots) shades the strip |y| < eps, the zone a gradient shrinks into.
    """
    data = []
    for name, y in curves.items():
        mask = vanishing.get(name)
        if mask is not None and mask.any():
            data.append(dict(type="scatter", x=x, y=np.where(mask, y, np.nan), mode="lines", hoverinfo="skip",
                             line=dict(color=color_of(name), width=12), opacity=0.25, name=vanish_label,
                             legendgroup="vanish", showlegend=not any(d.get("legendgroup") for d in data)))
    for name, y in curves.items():
        data.append(dict(type="scatter", x=x, y=y, mode="lines", name=labels[name],
                         line=dict(color=color_of(name), width=2.5),
                         hovertemplate="x=%{x:.3f}<br>%{y:.4f}<extra>" + labels[name] + "</extra>"))
    layout = dict(xaxis=dict(title=dict(text="x"), zeroline=True), yaxis=dict(title=dict(text=y_title), zeroline=True),
                  shapes=[_band(-eps, eps, "#94a3b8", 0.3)] if eps is not None else [])
    return lean_figure(data, layout, title=title, height=360, legend=LEGEND_BELOW)


def histogram_figure(edges: np.ndarray, shares: dict[str, np.ndarray], *, title: str, x_title: str,
                     y_title: str, colors: dict[str, str] | None = None, fill: bool = False) -> go.Figure:
    """Histograms on shared bins drawn as steps, so several can overlap and stay readable."""
    centers = (edges[:-1] + edges[1:]) / 2
    data = [dict(type="scatter", x=centers, y=share, mode="lines", name=label,
                 line=dict(color=(colors or {}).get(label, PALETTE[i % len(PALETTE)]), width=2, shape="hvh"),
                 fill="tozeroy" if fill else "none", hovertemplate="%{x:.3f}: %{y:.1%}<extra>" + label + "</extra>")
            for i, (label, share) in enumerate(shares.items())]
    layout = dict(xaxis=dict(title=dict(text=x_title)),
                  yaxis=dict(title=dict(text=y_title), tickformat=".0%", rangemode="tozero"))
    return lean_figure(data, layout, title=title, height=320, legend=LEGEND_BELOW if len(shares) > 1 else False)


def spread_figure(series: dict[str, Sequence[float]], *, title: str, x_title: str, y_title: str,
                  starts: dict[str, int]) -> go.Figure:
    """Standard deviation per layer on a log axis: shrinking is vanishing, growing is exploding.

    The green strip (0.1 to 10) is "within ten times of the start": inputs and the top gradient have std 1.
    """
    data = []
    for i, (label, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        layers = np.arange(starts[label], starts[label] + len(values))
        data.append(dict(type="scatter", x=layers, y=np.where(values > 0, values, np.nan),  # log axis: no 0
                         mode="lines+markers", name=label, marker=dict(size=5),
                         line=dict(color=PALETTE[i % len(PALETTE)], width=2, dash="dot" if i == 2 else "solid"),
                         hovertemplate="%{x}: %{y:.3g}<extra>" + label + "</extra>"))
    layout = dict(xaxis=dict(title=dict(text=x_title)),
                  yaxis=dict(title=dict(text=y_title), type="log", exponentformat="power"),
                  shapes=[_band(0.1, 10, "#16a34a", 0.08)])
    return lean_figure(data, layout, title=title, height=360, legend=LEGEND_BELOW)
