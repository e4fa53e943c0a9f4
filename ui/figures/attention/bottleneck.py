"""The bottleneck chart: each model's BLEU against the source sentence's length (Bahdanau et al. 2015, Fig. 2)."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from ui.figures.common import PALETTE, styled


def score_by_length_figure(buckets: Sequence[str], scores: dict[str, Sequence[float]], *, title: str,
                           x_title: str, y_title: str, height: int = 320) -> go.Figure:
    """One line per model (name → BLEU per length bucket), buckets from short to long; y fixed at 0-100."""
    traces = [go.Scatter(x=list(buckets), y=list(values), name=name, mode="lines+markers",
                         line=dict(color=PALETTE[k % len(PALETTE)], width=3), marker=dict(size=9))
              for k, (name, values) in enumerate(scores.items())]
    fig = go.Figure(traces, dict(xaxis=dict(title=dict(text=x_title), type="category"),
                                 yaxis=dict(title=dict(text=y_title), range=[-2, 102])))
    return styled(fig, title=title, height=height, revision=title)
