"""Figures of the depth page: the four variants' loss curves, and their gradient norms layer by layer."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure

VARIANT_COLORS = {"plain": "#6b7280", "residual": PALETTE[0], "norm": PALETTE[1], "both": PALETTE[2]}
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.22, xanchor="center", x=0.5)
TINY = 1e-30  # a gradient that underflowed to 0 is drawn at this floor of the log axis


def variant_loss_figure(steps, curves: dict[str, list[float]], labels: dict[str, str], *, target: float,
                        target_label: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """Full-data loss against training steps, one line per variant, and the stated target as a dashed line."""
    data = [dict(type="scatter", x=np.asarray(steps), y=np.asarray(values, dtype=float), mode="lines", name=labels[name],
                 line=dict(color=VARIANT_COLORS[name], width=2.5),
                 hovertemplate="%{x}: %{y:.4f}<extra>" + labels[name] + "</extra>")
            for name, values in curves.items()]
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=target, y1=target,
                   line=dict(color="#16a34a", dash="dash", width=1.5),
                   label=dict(text=target_label, textposition="end", font=dict(size=11, color="#166534")))]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title), rangemode="tozero"),
                  shapes=shapes)
    return lean_figure(data, layout, title=title, height=360, legend=LEGEND_BELOW)


def gradient_norms_by_layer_figure(norms: dict[str, list[float]], labels: dict[str, str], *, title: str,
                                   x_title: str, y_title: str) -> go.Figure:
    """‖∂L/∂W_l‖ for every layer l (input layer 0 … output layer), log scale: a straight falling line is
    a gradient shrinking by the same factor per layer on its way back."""
    data = []
    for name, values in norms.items():
        values = np.asarray(values, dtype=float)
        data.append(dict(type="scatter", x=np.arange(len(values)), y=np.maximum(values, TINY), mode="lines+markers",
                         name=labels[name], line=dict(color=VARIANT_COLORS[name], width=2), marker=dict(size=4),
                         customdata=values, hovertemplate="%{x}: %{customdata:.3g}<extra>" + labels[name] + "</extra>"))
    layout = dict(xaxis=dict(title=dict(text=x_title)),
                  yaxis=dict(title=dict(text=y_title), type="log", exponentformat="power"))
    return lean_figure(data, layout, title=title, height=360, legend=LEGEND_BELOW)


def variant_loss_picture(steps, curves: dict[str, list[float]], *, target: float) -> np.ndarray:
    """The loss chart as a picture, for the live view (same lines and colours, no hover)."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(values, VARIANT_COLORS[name], xs=steps) for name, values in curves.items()],
                            y_from_zero=True, hlines=[(target, "#16a34a")])


def gradient_norms_picture(norms: dict[str, list[float]]) -> np.ndarray:
    """The gradient-norm chart as a picture (log axis; a norm that underflowed to 0 at the floor TINY)."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(np.maximum(np.asarray(values, dtype=float), TINY), VARIANT_COLORS[name],
                                    markers=True) for name, values in norms.items()], log_y=True)
