"""Figures of the GAN-variants page: points coloured by a code, round trips between two domains, bars per digit.

Builders take NumPy arrays and translated labels and return `go.Figure`s; every line collection is one trace
with NaN gaps, and the colours of a code are one trace per value (a legend entry each), so a live refresh stays cheap.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, styled
from ui.figures.generative.gan import arrow_segments, circles

REAL_COLOR = "rgba(100, 116, 139, 0.35)"  # the data, in grey so the codes' colours stand out
DOMAIN_A, DOMAIN_B = "#2563eb", "#f97316"
THERE_COLOR, BACK_COLOR = "#9333ea", "#16a34a"


def _square_axes(box: float) -> dict:
    return dict(xaxis=dict(range=[-box, box], zeroline=False, showgrid=False, constrain="domain"),
                yaxis=dict(range=[-box, box], zeroline=False, showgrid=False, scaleanchor="x", scaleratio=1))


def coded_points_figure(real: np.ndarray, samples: np.ndarray, codes: np.ndarray, *, title: str, real_name: str,
                        sample_name: str, modes: np.ndarray, mode_radius: float, box: float, revision: str,
                        height: int = 380) -> go.Figure:
    """Generated points coloured by the code value they were made with, over the real data and its modes.

    One trace for all samples (a colour per point): a trace per code value cost several times more per refresh."""
    ring = circles(modes, mode_radius)
    colors = np.asarray(PALETTE)[codes % len(PALETTE)]
    traces = [go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name=real_name, hoverinfo="skip",
                         marker=dict(color=REAL_COLOR, size=4)),
              go.Scatter(x=ring[:, 0], y=ring[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                         line=dict(color="rgba(71, 85, 105, 0.6)", width=1, dash="dot")),
              go.Scatter(x=samples[:, 0], y=samples[:, 1], mode="markers", name=sample_name, hoverinfo="skip",
                         marker=dict(color=colors, size=4, opacity=0.8))]
    fig = go.Figure(traces, layout=_square_axes(box))
    return styled(fig, title=title, height=height, revision=revision)


def cycle_figure(domain_a: np.ndarray, domain_b: np.ndarray, starts: np.ndarray, there: np.ndarray,
                 back: np.ndarray, names: dict[str, str], *, box: float, revision: str,
                 height: int = 420) -> go.Figure:
    """Both domains, and for a few points a: an arrow a → G(a) and an arrow G(a) → F(G(a)) back."""
    there_xy, there_sizes = arrow_segments(starts, there)
    back_xy, back_sizes = arrow_segments(there, back)
    traces = [
        go.Scatter(x=domain_a[:, 0], y=domain_a[:, 1], mode="markers", name=names["a"], hoverinfo="skip",
                   marker=dict(color=DOMAIN_A, size=4, opacity=0.35)),
        go.Scatter(x=domain_b[:, 0], y=domain_b[:, 1], mode="markers", name=names["b"], hoverinfo="skip",
                   marker=dict(color=DOMAIN_B, size=4, opacity=0.35)),
        go.Scatter(x=there_xy[:, 0], y=there_xy[:, 1], mode="lines+markers", name=names["there"], hoverinfo="skip",
                   line=dict(color=THERE_COLOR, width=1.2),
                   marker=dict(symbol="arrow", angleref="previous", size=there_sizes, color=THERE_COLOR)),
        go.Scatter(x=back_xy[:, 0], y=back_xy[:, 1], mode="lines+markers", name=names["back"], hoverinfo="skip",
                   line=dict(color=BACK_COLOR, width=1.2, dash="dot"),
                   marker=dict(symbol="arrow", angleref="previous", size=back_sizes, color=BACK_COLOR)),
        go.Scatter(x=starts[:, 0], y=starts[:, 1], mode="markers", name=names["start"], hoverinfo="skip",
                   marker=dict(color=DOMAIN_A, size=7, line=dict(color="white", width=1))),
    ]
    fig = go.Figure(traces, layout=_square_axes(box))
    fig.layout.yaxis.range = [-0.6 * box, 0.6 * box]
    return styled(fig, height=height, revision=revision,
                  legend=dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0.0))


def per_class_figure(values: list[float], *, title: str, chosen: int | None = None, target: float | None = None,
                     height: int = 220) -> go.Figure:
    """A bar per digit 0–9 (percentages); the chosen digit highlighted, the target as a dashed line."""
    colors = [PALETTE[1] if i == chosen else PALETTE[0] for i in range(len(values))]
    fig = go.Figure(go.Bar(x=[str(i) for i in range(len(values))], y=[100 * v for v in values],
                           marker_color=colors, hovertemplate="%{x}: %{y:.0f}%<extra></extra>"),
                    layout=dict(yaxis=dict(range=[0, 105], ticksuffix="%"), xaxis=dict(type="category")))
    if target is not None:
        fig.add_hline(y=100 * target, line=dict(color="#64748b", dash="dash", width=1))
    return styled(fig, title=title, height=height, legend=False)
