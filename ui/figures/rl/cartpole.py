"""Figures of the CartPole page: the cart and pole, returns with the "solved" line, the policy map, values.

All redrawn on live refreshes, so built from plain dicts with `lean_figure` (no per-property validation; the tests
run plotly's full checks on each).
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import DIVERGING, PALETTE, lean_figure
from ui.figures.rl.curves import episode_curves_figure

TRACK = 2.4  # the cart fails beyond ±2.4 m
POLE = 1.0  # drawn pole length in metres (CartPole's pole is 2 × 0.5 m)
CART_W, CART_H = 0.5, 0.3
RETURN_RANGE = (0, 520)  # CartPole-v1 episodes end at 500 steps, +1 per step


def cart_figure(state: np.ndarray, title: str, *, action: int | None = None, height: int = 230) -> go.Figure:
    """The cart at x with the pole at angle θ (0 = upright, positive leans right), on the ±2.4 m track."""
    x, theta = float(state[0]), float(state[2])
    top = CART_H
    tip_x, tip_y = x + POLE * math.sin(theta), top + POLE * math.cos(theta)
    shapes = [
        dict(type="line", x0=-TRACK - 0.3, x1=TRACK + 0.3, y0=0, y1=0, line=dict(color="#94a3b8", width=2)),
        *[dict(type="line", x0=edge, x1=edge, y0=-0.1, y1=0.25, line=dict(color="#dc2626", width=2, dash="dot"))
          for edge in (-TRACK, TRACK)],
        dict(type="rect", x0=x - CART_W / 2, x1=x + CART_W / 2, y0=0.02, y1=top, fillcolor="#334155",
             line=dict(width=0)),
        dict(type="line", x0=x, y0=top, x1=tip_x, y1=tip_y, line=dict(color="#ca8a04", width=8)),
        dict(type="circle", x0=x - 0.04, x1=x + 0.04, y0=top - 0.04, y1=top + 0.04, fillcolor="#111827",
             line=dict(width=0)),
    ]
    data = []
    if action is not None:  # the push as an arrow beside the cart
        side = 1 if action == 1 else -1
        start = x - side * (CART_W / 2 + 0.35)
        data.append(dict(type="scatter", x=[start, x - side * CART_W / 2], y=[top / 2, top / 2],
                         mode="lines+markers", line=dict(color=PALETTE[0], width=3), hoverinfo="skip",
                         showlegend=False,
                         marker=dict(symbol="arrow", angleref="previous", size=[0, 12], color=PALETTE[0])))
    layout = dict(
        shapes=shapes,
        xaxis=dict(range=[-TRACK - 0.4, TRACK + 0.4], showgrid=False, zeroline=False, tickvals=[-2.4, 0, 2.4]),
        yaxis=dict(range=[-0.2, 1.45], showgrid=False, zeroline=False, showticklabels=False, scaleanchor="x",
                   scaleratio=1))
    return lean_figure(data, layout, title=title, height=height, legend=False, revision="cartpole.cart")


def returns_figure(returns: list[float], average: np.ndarray, solved_line: float, names: dict[str, str], *,
                   title: str, height: int = 250) -> go.Figure:
    """Each finished episode's return (faint), the mean of the last 100 (bold), and the "solved" threshold."""
    return episode_curves_figure(returns, average, names, title=title, height=height, y_range=RETURN_RANGE,
                                 threshold=(solved_line, names["solved"]))


def policy_map_figure(thetas: np.ndarray, omegas: np.ndarray, p_right: np.ndarray, names: dict[str, str], *,
                      title: str, path: np.ndarray | None = None, height: int = 300) -> go.Figure:
    """P(push right) over the pole's angle θ (x) and angular velocity θ̇ (y), cart at rest in the middle;
    `path`: an episode's (θ, θ̇) drawn on top."""
    degrees = np.degrees(thetas)
    data: list[dict] = [dict(type="heatmap", x=degrees, y=omegas, z=p_right, zmin=0, zmax=1, colorscale=DIVERGING,
                             zsmooth="fast", hovertemplate="θ=%{x:.1f}°, θ̇=%{y:.2f}: %{z:.2f}<extra></extra>",
                             colorbar=dict(title=dict(text=names["prob"], side="top"), thickness=10, len=0.8,
                                           orientation="h", y=-0.3, yanchor="top"))]  # under the x title: a phone keeps the width
    if path is not None and len(path):
        data.append(dict(type="scatter", x=np.degrees(path[:, 0]), y=path[:, 1], mode="lines", name=names["path"],
                         line=dict(color="#111827", width=1.5), hoverinfo="skip"))
    layout = dict(xaxis=dict(title=dict(text=names["x"]), range=[float(degrees[0]), float(degrees[-1])]),
                  yaxis=dict(title=dict(text=names["y"]), range=[float(omegas[0]), float(omegas[-1])]))
    return lean_figure(data, layout, title=title, height=height,
                       legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))


def value_figure(values: np.ndarray, returns: np.ndarray, names: dict[str, str], *, title: str,
                 frame: int | None = None, height: int = 250) -> go.Figure:
    """The agent's value estimate V(s_t) along an episode next to the discounted return G_t that followed."""
    t = np.arange(len(values))
    data = [dict(type="scatter", x=t, y=np.asarray(values, dtype=float), mode="lines", name=names["value"],
                 line=dict(color=PALETTE[4], width=2)),
            dict(type="scatter", x=t, y=np.asarray(returns, dtype=float), mode="lines", name=names["return"],
                 line=dict(color=PALETTE[1], width=2, dash="dot"))]
    layout: dict = dict(xaxis=dict(title=dict(text=names["x"])))
    if frame is not None:  # what plotly's add_vline would add
        layout["shapes"] = [dict(type="line", xref="x", x0=frame, x1=frame, yref="y domain", y0=0, y1=1,
                                 line=dict(color="#64748b", width=1))]
    return lean_figure(data, layout, title=title, height=height)
