"""Figures of the text-generation page: validation perplexity while training, the next-character distribution;
Plotly charts, and pictures of them for the live view (ui/figures/chart_pictures.py)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure

SHOWN = {" ": "␣", "\n": "↵"}  # characters that would be invisible on an axis
TARGET_COLOR, FLOOR_COLOR, MODEL_COLOR = "#166534", "#6b7280", "#111827"


def char_label(c: str) -> str:
    return SHOWN.get(c, c)


def perplexity_figure(steps, valid, *, target: float, target_label: str, floor: float, floor_label: str, title: str,
                      x_title: str, y_title: str, name: str) -> go.Figure:
    """Validation perplexity against steps (log scale), the stated target and the vocabulary size (a uniform guess)."""
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=value, y1=value,
                   line=dict(color=color, dash="dash", width=1.5),
                   label=dict(text=text, textposition="end", font=dict(size=11, color=color)))
              for value, text, color in ((target, target_label, TARGET_COLOR), (floor, floor_label, FLOOR_COLOR))]
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
    order = top_order(probs, model_probs, top)
    names = [char_label(chars[i]) for i in order]
    colors = [PALETTE[1] if i == chosen else PALETTE[0] for i in order]
    data = [dict(type="bar", x=names, y=probs[order], name=labels["scaled"], marker=dict(color=colors),
                 hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
            dict(type="scatter", x=names, y=model_probs[order], mode="markers", name=labels["model"],
                 marker=dict(symbol="line-ew-open", size=22, color=MODEL_COLOR, line=dict(width=2)),
                 hovertemplate="%{x}: %{y:.3f}<extra>T = 1</extra>")]
    layout = dict(xaxis=dict(type="category"), yaxis=dict(title=dict(text=labels["axis"]), range=[0, 1.02]),
                  bargap=0.25)
    return lean_figure(data, layout, title=title, height=320)


def top_order(probs: np.ndarray, model_probs: np.ndarray, top: int) -> np.ndarray:
    """The `top` characters likeliest at either temperature, likeliest first."""
    return np.argsort(-np.maximum(probs, model_probs))[:top]


def perplexity_picture(steps, valid, *, target: float, floor: float, width: int = 460,
                       height: int = 300) -> np.ndarray:
    """`perplexity_figure` as a picture: the curve with dots on a log axis, the target and the floor dashed."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(list(valid), PALETTE[0], xs=list(steps), markers=True)], log_y=True,
                            hlines=[(target, TARGET_COLOR), (floor, FLOOR_COLOR)], width=width, height=height)


def next_char_picture(chars: list[str], probs: np.ndarray, model_probs: np.ndarray, chosen: int, *, top: int,
                      width: int = 560, height: int = 280) -> np.ndarray:
    """`next_char_figure` as a picture on the same 0 … 1.02 axis: a bar per character (the sampled one orange) and
    the model's own probability (T = 1) as a dark dash across it."""
    from ui.figures.chart_pictures import Series, line_chart_image

    order = top_order(probs, model_probs, top)
    bar = max(2, int((width - 62) / max(len(order), 1) * 0.7))  # 70 % of a slot of the plot area (52 + 10 margins)
    series = [Series([0.0, float(probs[i])], PALETTE[1] if i == chosen else PALETTE[0], xs=[k, k], width=bar)
              for k, i in enumerate(order) if probs[i] >= 1e-3]  # (a bar too short to see would be a sliver across)
    series += [Series([float(model_probs[i])] * 2, MODEL_COLOR, xs=[k - 0.4, k + 0.4], width=2)
               for k, i in enumerate(order)]
    return line_chart_image(series, y_range=(0, 1.02), x_labels=[char_label(chars[i]) for i in order], width=width,
                            height=height)
