"""Figures of the GAN page: the 2-D view (data, samples, D's opinion, G's pull, warped noise) and the drawing pad.

Builders take plain NumPy arrays and translated labels and return `go.Figure`s; line collections are
single traces with NaN gaps (one trace draws fast; a trace per arrow would not). Each figure is one
`lean_figure(data, layout)` call from plain dicts: plotly's per-property validation cost several milliseconds
a figure, on every live refresh (tests validate them instead).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.generative.gan import GanView
from ui.figures.common import lean_figure

REAL_COLOR = "#16a34a"  # green: the data (as in GAN Lab)
FAKE_COLOR = "#9333ea"  # purple: the generator's samples
D_SCALE = [[0.0, "#e9d5ff"], [0.5, "#ffffff"], [1.0, "#bbf7d0"]]  # D says fake ← → D says real
ARROW_COLOR = "#7c3aed"
GRID_COLOR = "rgba(147, 51, 234, 0.35)"
MODE_COLOR = "rgba(71, 85, 105, 0.7)"


def polylines(lines: list[np.ndarray] | np.ndarray) -> np.ndarray:
    """Stack polylines (each (P, 2)) into one (Σ(P+1), 2) array with a NaN row after each: one trace draws all."""
    parts = []
    for line in lines:
        parts.append(np.asarray(line, dtype=float))
        parts.append(np.full((1, 2), np.nan))
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def arrow_segments(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(xy with NaN gaps, marker sizes): a line per arrow, an arrow-head marker at its end only."""
    k = len(starts)
    xy = np.full((3 * k, 2), np.nan)
    xy[0::3], xy[1::3] = starts, ends
    sizes = np.zeros(3 * k)
    sizes[1::3] = 7
    return xy, sizes


def arrow_ends(starts: np.ndarray, pull: np.ndarray, unit_length: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Arrow (starts, ends): a pull of size 1 is drawn `unit_length` long, proportionally, capped at 2 units.

    Absolute, not per-frame, scaling: arrows shrink when G's gradients vanish (a saturated loss, or the
    end of training) — that is part of what they show. The cap keeps one huge gradient from crossing the view.
    """
    norms = np.linalg.norm(pull, axis=1)
    if not len(norms) or not np.isfinite(norms).all():
        return None
    lengths = np.minimum(norms, 2.0) * unit_length
    directions = pull / np.maximum(norms, 1e-12)[:, None]
    return starts, starts + directions * lengths[:, None]


def circles(centers: np.ndarray, radius: float, points: int = 32) -> np.ndarray:
    angle = np.linspace(0, 2 * np.pi, points)
    ring = np.stack([np.cos(angle), np.sin(angle)], axis=1) * radius
    return polylines([c + ring for c in centers])


def gan_view_figure(view: GanView, names: dict[str, str], *, height: int = 520) -> go.Figure:
    """The main view. `names`: legend/colour-bar labels for real, fake, surface, arrows, warped, modes."""
    traces = []
    if view.surface is not None:
        xs, ys, z = view.surface
        lo, hi = view.surface_range
        traces.append(dict(type="heatmap", x=xs, y=ys, z=z, zmin=float(lo), zmax=float(hi), colorscale=D_SCALE,
                           showscale=True, zsmooth="fast",
                           colorbar=dict(title=dict(text=names["surface"], side="top"), thickness=10, len=0.8,
                                         orientation="h", y=-0.06, yanchor="top"),  # under: a phone keeps the width
                           hovertemplate="x=%{x:.2f}, y=%{y:.2f}: %{z:.2f}<extra></extra>", name=names["surface"]))
    if view.modes is not None and view.mode_radius > 0:
        ring = circles(view.modes, view.mode_radius)
        traces.append(dict(type="scatter", x=ring[:, 0], y=ring[:, 1], mode="lines", name=names["modes"],
                           line=dict(color=MODE_COLOR, width=1, dash="dot"), hoverinfo="skip"))
    traces.append(dict(type="scatter", x=view.real[:, 0], y=view.real[:, 1], mode="markers", name=names["real"],
                       marker=dict(color=REAL_COLOR, size=4, opacity=0.55), hoverinfo="skip"))
    if view.warped is not None:
        mesh = polylines(view.warped)
        traces.append(dict(type="scatter", x=mesh[:, 0], y=mesh[:, 1], mode="lines", name=names["warped"],
                           line=dict(color=GRID_COLOR, width=1), hoverinfo="skip"))
    traces.append(dict(type="scatter", x=view.fake[:, 0], y=view.fake[:, 1], mode="markers", name=names["fake"],
                       marker=dict(color=FAKE_COLOR, size=4, opacity=0.8), hoverinfo="skip"))
    arrows = None if view.pull is None else arrow_ends(*view.pull, 0.1 * view.box)
    if arrows is not None:
        xy, sizes = arrow_segments(*arrows)
        traces.append(dict(type="scatter", x=xy[:, 0], y=xy[:, 1], mode="lines+markers", name=names["arrows"],
                           line=dict(color=ARROW_COLOR, width=1.2),
                           marker=dict(symbol="arrow", angleref="previous", size=sizes, color=ARROW_COLOR),
                           hoverinfo="skip"))
    b = float(view.box)
    layout = dict(
        xaxis=dict(range=[-b, b], zeroline=False, showgrid=False, constrain="domain"),
        yaxis=dict(range=[-b, b], zeroline=False, showgrid=False, scaleanchor="x", scaleratio=1, constrain="domain"))
    return lean_figure(traces, layout, height=height, revision="gan.view")


def draw_pad_figure(centers: np.ndarray, box: float, title: str, hint: str, *, height: int = 380) -> go.Figure:
    """The drawing grid: one faint dot per cell; the user clicks, boxes or lassoes the cells of a shape."""
    pad = dict(type="scatter", x=centers[:, 0], y=centers[:, 1], mode="markers",
               marker=dict(size=9, color="#cbd5e1", symbol="square"),
               selected=dict(marker=dict(color=REAL_COLOR)),
               unselected=dict(marker=dict(opacity=0.6)), hovertemplate=hint + "<extra></extra>")
    box = float(box)
    layout = dict(
        xaxis=dict(range=[-box, box], showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=[-box, box], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1),
        dragmode="lasso", clickmode="event+select")
    return lean_figure([pad], layout, title=title, height=height, legend=False, revision="gan.pad")


def coverage_figure(steps: list[float], left: dict[str, list[float]], *, title: str, x_title: str,
                    left_range: tuple[float, float], right: dict[str, list[float]] | None = None,
                    height: int = 230) -> go.Figure:
    """Coverage measures over training: counts on the left axis, percentages (0–100) on the right one."""
    colors = iter([REAL_COLOR, FAKE_COLOR, "#0891b2", "#f97316"])
    steps = list(steps)  # a copy: short histories come as the trainer's own (growing) list
    traces = [dict(type="scatter", x=steps, y=list(ys), name=name, mode="lines", line=dict(color=next(colors), width=2))
              for name, ys in left.items()]
    traces += [dict(type="scatter", x=steps, y=list(ys), name=name, mode="lines", yaxis="y2",
                    line=dict(color=next(colors), width=2, dash="dot")) for name, ys in (right or {}).items()]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(range=[float(v) for v in left_range]))
    if right:
        layout["yaxis2"] = dict(range=[0, 100], overlaying="y", side="right", showgrid=False, ticksuffix="%",
                                tickmode="array", tickvals=[0, 25, 50, 75, 100])
    return lean_figure(traces, layout, title=title, height=height)
