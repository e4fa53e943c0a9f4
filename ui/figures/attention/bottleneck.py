"""The bottleneck chart: each model's BLEU against the source sentence's length (Bahdanau et al. 2015, Fig. 2).

Each figure is one `lean_figure(data, layout)` call from plain dicts: plotly's per-property validation cost
several milliseconds a figure (tests validate them instead)."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure

LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0.0)  # long model names: not by the title


def score_by_length_figure(buckets: Sequence[str], scores: dict[str, Sequence[float]], *, title: str,
                           x_title: str, y_title: str, height: int = 340) -> go.Figure:
    """One line per model (name → BLEU per length bucket), buckets from short to long; y fixed at 0-100."""
    traces = [dict(type="scatter", x=list(buckets), y=list(values), name=name, mode="lines+markers",
                   line=dict(color=PALETTE[k % len(PALETTE)], width=3), marker=dict(size=9))
              for k, (name, values) in enumerate(scores.items())]
    layout = dict(xaxis=dict(title=dict(text=x_title), type="category"),
                  yaxis=dict(title=dict(text=y_title), range=[-2, 102]))
    return lean_figure(traces, layout, title=title, height=height, revision=title, legend=LEGEND_BELOW)


def length_counts_figure(counts: dict[int, int], edges: Sequence[int], *, title: str, x_title: str, y_title: str,
                         height: int = 240) -> go.Figure:
    """How many sentences have each source length (bars), with the length buckets' borders as dotted lines."""
    lengths = sorted(counts)
    bars = dict(type="bar", x=lengths, y=[counts[n] for n in lengths], marker=dict(color=PALETTE[0]),
                showlegend=False)
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title)), bargap=0.1,
                  shapes=[dict(type="line", x0=float(edge) + 0.5, x1=float(edge) + 0.5, y0=0, y1=1, yref="paper",
                               line=dict(dash="dot", color="#6b7280")) for edge in edges])
    return lean_figure([bars], layout, title=title, height=height, revision=title, legend=False)


def score_by_length_picture(buckets: Sequence[str], scores: Sequence[Sequence[float]]):
    """`score_by_length_figure` as a picture for the live view: one line per model on the fixed 0-100 axis."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(values, PALETTE[k % len(PALETTE)], width=3, markers=True)
                             for k, values in enumerate(scores)], y_range=(-2, 102), x_labels=list(buckets))
