"""The per-episode curves both RL pages draw live: each episode's number (faint) under its moving average (bold).

Built from plain dicts with `lean_figure` (plotly's per-property validation cost more than the rest of a live
refresh's drawing); long histories are thinned to every k-th episode with NumPy, not Python lists.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure, thinned_index


def episode_curves_figure(values: Sequence[float], average: np.ndarray, names: dict[str, str], *, title: str,
                          color: str = PALETTE[0], height: int = 230, y_range: tuple[float, float] | None = None,
                          threshold: tuple[float, str] | None = None) -> go.Figure:
    """One number per episode (faint) and its moving average (bold) over the episode number, both thinned alike;
    `threshold`: (value, label) drawn as a dashed line across the chart (CartPole's "solved")."""
    idx = thinned_index(len(values))
    x = idx + 1
    data = [dict(type="scatter", x=x, y=np.asarray(values, dtype=float)[idx], mode="lines", name=names["each"],
                 line=dict(color=color, width=1), opacity=0.35),
            dict(type="scatter", x=x, y=np.asarray(average, dtype=float)[idx], mode="lines", name=names["average"],
                 line=dict(color=color, width=2.5))]
    layout: dict = dict(xaxis=dict(title=dict(text=names["x"])))
    if y_range is not None:
        layout["yaxis"] = dict(range=list(y_range))
    if threshold is not None:  # what plotly's add_hline would add
        level, label = threshold
        layout["shapes"] = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=level, y1=level,
                                 line=dict(color=PALETTE[2], dash="dash", width=1.5))]
        layout["annotations"] = [dict(text=label, showarrow=False, xref="x domain", x=1, xanchor="right", yref="y",
                                      y=level, yanchor="top")]
    return lean_figure(data, layout, title=title, height=height)
