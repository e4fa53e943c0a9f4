"""Figures of the text-generation page: validation perplexity while training, the next-character distribution."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure

SHOWN = {" ": "␣", "\n": "↵"}  # characters that would be invisible on an axis


def char_label(c: str) -> str:
    return SHOWN.get(c, c)


def perplexity_figure(steps, valid, *, target: float, target_label: str, floor: float, floor_label: str, title: str,
                      x_title: str, y_title: str, name: str) -> go.Figure:
    """Validation perplexity against steps (log scale), the stated target and the vocabulary size (a uniform guess)."""
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=value, y1=value,
                   line=dict(color=color, dash="dash", width=1.5),
                   label=dict(text=text, textposition="end", font=dict(size=11, color=color)))
              for value, text, color in ((target, target_label, "#166534"), (floor, floor_label, "#6b7280"))]
    data = [dict(type="scatter", x=np.asarray(steps), y=np.asarray(valid, dtype=float), mode="lines+markers", name=name,
                 line=dict(color=PALETTE[0], width=2.5), marker=dict(size=4),
                 hovertemplate="%{x}: %{y:.3f}<extra></extra>")]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title), type="log"),
                  shapes=shapes)
    return lean_figure(data, layout, title=title, height=330, legend=False)


def next_char_figure(chars: list[str], probs: np.ndarray, model_probs: np.ndarray, chosen: int, *, top: int,
                     title: str, labels: dict) -> go.Figure:
    """The `top` most likely next characters: probability at the chosen temperature (bars, the sampled one
    highlighted) and at T = 1 (the model's own distribution, markers)."""
    order = np.argsort(-np.maximum(probs, model_probs))[:top]
    names = [char_label(chars[i]) for i in order]
    colors = [PALETTE[1] if i == chosen else PALETTE[0] for i in order]
    data = [dict(type="bar", x=names, y=probs[order], name=labels["scaled"], marker=dict(color=colors),
                 hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
            dict(type="scatter", x=names, y=model_probs[order], mode="markers", name=labels["model"],
                 marker=dict(symbol="line-ew-open", size=22, color="#111827", line=dict(width=2)),
                 hovertemplate="%{x}: %{y:.3f}<extra>T = 1</extra>")]
    layout = dict(xaxis=dict(type="category"), yaxis=dict(title=dict(text=labels["axis"]), range=[0, 1.02]),
                  bargap=0.25)
    return lean_figure(data, layout, title=title, height=320)
