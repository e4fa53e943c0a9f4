"""Figures of the autoencoder page: codes as a scatter coloured by digit (hover shows the digit), the decoded manifold.

One trace holds all digits (coloured through a 10-step colour scale) and the digit names are written at each
group's median: a trace per digit would cost ~2 ms each to build on every live refresh. Each figure is one
`lean_figure(data, layout)` call from plain dicts, without plotly's per-property validation (tests validate them).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.figures.common import PALETTE, lean_figure

PROBE_COLOR = "#111827"
GAP_INK = 0.15  # the manifold's separator lines: a light grey on the ink scale
PATH_COLOR = "#dc2626"


def digit_colorscale() -> list[list]:
    """A step colour scale: value d in 0..9 (with cmin -0.5, cmax 9.5) gets PALETTE[d]."""
    scale = []
    for d in range(10):
        scale += [[d / 10, PALETTE[d]], [(d + 1) / 10, PALETTE[d]]]
    return scale


def group_centres(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Median code of every digit present: where its name is written on the map."""
    digits = [d for d in range(10) if np.any(labels == d)]
    return np.array([np.median(codes[labels == d], axis=0) for d in digits]), [str(d) for d in digits]


def code_scatter_figure(codes: np.ndarray, labels: np.ndarray, hover: list[str] | None, *, title: str,
                        axis_names: tuple[str, str], revision: str, probe: tuple[float, float] | None = None,
                        probe_name: str = "", path: np.ndarray | None = None, path_name: str = "",
                        picked: tuple[float, float] | None = None, picked_name: str = "",
                        box: tuple[float, float, float, float] | None = None, height: int = 440) -> go.Figure:
    """Codes (N, 2) coloured by digit; trace 0 point i is data point i (selections map straight back).

    `hover[i]` labels point i (None: no hover). Optional: the probe (a cross), an interpolation path (a line
    with its decoded stops), and the digit the user clicked (a ring).
    """
    points = dict(type="scatter", x=codes[:, 0], y=codes[:, 1], mode="markers", showlegend=False,
                  marker=dict(color=labels, colorscale=digit_colorscale(), cmin=-0.5, cmax=9.5, size=6, opacity=0.75))
    if hover is not None:
        points.update(hovertext=list(hover), hovertemplate="%{hovertext}<extra></extra>")
    else:
        points["hoverinfo"] = "skip"
    traces = [points]
    centres, names = group_centres(codes, labels)
    traces.append(dict(type="scatter", x=centres[:, 0], y=centres[:, 1], mode="text", text=names, showlegend=False,
                       textfont=dict(size=17, color=PROBE_COLOR, weight="bold"), hoverinfo="skip"))
    if path is not None:
        traces.append(dict(type="scatter", x=path[:, 0], y=path[:, 1], mode="lines+markers", name=path_name,
                           line=dict(color=PATH_COLOR, width=2), marker=dict(size=5, color=PATH_COLOR),
                           hoverinfo="skip"))
    if picked is not None:  # float(): the page passes NumPy scalars (a row of the codes)
        traces.append(dict(type="scatter", x=[float(picked[0])], y=[float(picked[1])], mode="markers",
                           name=picked_name,
                           marker=dict(symbol="circle-open", size=18, color=PROBE_COLOR, line=dict(width=2)),
                           hoverinfo="skip"))
    if probe is not None:
        traces.append(dict(type="scatter", x=[float(probe[0])], y=[float(probe[1])], mode="markers", name=probe_name,
                           marker=dict(symbol="x-thin", size=16, color=PROBE_COLOR,
                                       line=dict(width=3, color=PROBE_COLOR)), hoverinfo="skip"))
    xaxis = dict(title=dict(text=axis_names[0]), zeroline=False)
    yaxis = dict(title=dict(text=axis_names[1]), zeroline=False)
    if box is not None:
        xaxis["range"], yaxis["range"] = [float(box[0]), float(box[1])], [float(box[2]), float(box[3])]
    layout = dict(xaxis=xaxis, yaxis=yaxis, clickmode="event+select", dragmode="pan",
                  hoverlabel=dict(font=dict(family="DejaVu Sans Mono, Menlo, Consolas, monospace", size=11)))
    return lean_figure(traces, layout, title=title, height=height, revision=revision)


def manifold_figure(images: np.ndarray, box: tuple[float, float, float, float], *, title: str,
                    axis_names: tuple[str, str], height: int = 440) -> go.Figure:
    """Decoded images on an n × n grid of codes over `box`, tiled where their codes are (z₂ grows upwards).

    `images` is (n, n, 8, 8): images[i, j] decoded at (z1 = column j, z2 = row i), row 0 at the bottom.
    """
    tiled = manifold_tiles(images)
    x0, x1, y0, y1 = (float(v) for v in box)
    dx, dy = (x1 - x0) / tiled.shape[1], (y1 - y0) / tiled.shape[0]
    heat = dict(type="heatmap", z=tiled, x0=x0 + dx / 2, dx=dx, y0=y0 + dy / 2, dy=dy, zmin=0, zmax=1,
                colorscale=get_colorscale("Greys"), showscale=False, hoverinfo="skip")
    layout = dict(
        xaxis=dict(title=dict(text=axis_names[0]), range=[x0, x1], showgrid=False, zeroline=False),
        yaxis=dict(title=dict(text=axis_names[1]), range=[y0, y1], showgrid=False, zeroline=False,
                   scaleanchor="x", scaleratio=(x1 - x0) / max(y1 - y0, 1e-9)))  # square tiles on screen
    return lean_figure([heat], layout, title=title, height=height, legend=False, revision="autoencoder.manifold")


def manifold_tiles(images: np.ndarray) -> np.ndarray:
    """The (n, n, 8, 8) decoded images as one ink array, tiles separated by faint lines; row 0 at the bottom (the
    heat map's rows grow upwards, so each tile is flipped to stand upright)."""
    n = images.shape[0]
    cell = 9  # 8 pixels and a faint separator line, so neighbouring tiles do not run into each other
    tiled = np.full((n, cell, n, cell), GAP_INK)
    tiled[:, 1:, :, 1:] = images.transpose(0, 2, 1, 3)[:, ::-1, :, :]
    return tiled.reshape(n * cell, n * cell)
