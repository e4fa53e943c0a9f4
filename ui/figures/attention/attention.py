"""Attention pictures: step matrices with their numbers, alignment heat maps, a BertViz-style head view,
a grid of heads, the sinusoidal positional encodings, and training curves. Pure builders: arrays and
labels in, figures out.

Token axes are numeric positions with the tokens as tick labels, so a word that occurs twice ("the ...
the") keeps two rows instead of being merged into one category.

Speed: these pages draw up to a dozen figures per run, several times a second while training. Each
figure is one `lean_figure(data, layout)` call from plain dicts, in the app's look: plotly's per-property
validation cost milliseconds a figure (tests validate them instead).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.figures.common import PALETTE, lean_figure

ATTENTION_SCALE = "Blues"  # a name: figures get its colour list (`get_colorscale`), plotly.js knows fewer names
VALUE_SCALE = [[0.0, "#f97316"], [0.5, "#f8fafc"], [1.0, "#2563eb"]]  # negative orange, positive blue
MINUS_INFINITY = "−∞"
_LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.28, xanchor="left", x=0.0)


def _cell_text(values: np.ndarray, fmt: str) -> list[list[str]]:
    return [[MINUS_INFINITY if v == -np.inf else format(v, fmt) for v in row] for row in values.tolist()]


def _hover_pairs(rows: Sequence[str], cols: Sequence[str]) -> list[list[str]]:
    return [[f"{r} → {c}" for c in cols] for r in rows]


def _token_heatmap_trace(arr: np.ndarray, rows, cols, *, diverging: bool, text: bool, fmt: str) -> dict:
    finite = np.where(np.isfinite(arr), arr, np.nan)
    bound = float(np.nanmax(np.abs(finite))) if np.isfinite(finite).any() else 1.0
    trace = dict(
        type="heatmap", z=finite, x=list(range(arr.shape[1])), y=list(range(arr.shape[0])),
        colorscale=VALUE_SCALE if diverging else get_colorscale(ATTENTION_SCALE),
        zmin=-bound if diverging else 0.0, zmax=bound if diverging else max(bound, 1.0),  # weights: 0..1 fixed
        customdata=_hover_pairs(rows, cols), hovertemplate="%{customdata}: %{z:.4f}<extra></extra>",
        showscale=False, xgap=1, ygap=1)
    if text:
        trace.update(text=_cell_text(arr, fmt), texttemplate="%{text}")
    return trace


def token_heatmap(values, row_labels: Sequence[str], col_labels: Sequence[str], *, title: str | None = None,
                  text: bool = True, fmt: str = ".2f", diverging: bool = False, height: int | None = None,
                  x_title: str = "", y_title: str = "", revision: str | None = None,
                  extra_traces: Sequence[dict] = ()) -> go.Figure:
    """A labelled matrix; −∞ cells (masked scores) are left blank and written as −∞. `extra_traces`: plain
    trace dicts drawn over it (with a legend).

    Columns are labelled on top, so their axis name goes under the title instead of colliding with it.
    """
    arr = np.asarray(values, dtype=float)
    longest = max((len(c) for c in col_labels), default=1)
    layout = dict(margin=dict(l=10, r=10, t=(58 if x_title else 40) + (6 * longest if longest > 4 else 20),
                              b=40 if extra_traces else 10),
                  xaxis=dict(tickmode="array", tickvals=list(range(len(col_labels))), ticktext=list(col_labels),
                             side="top", showgrid=False, zeroline=False),
                  yaxis=dict(tickmode="array", tickvals=list(range(len(row_labels))), ticktext=list(row_labels),
                             title=dict(text=y_title), autorange="reversed", showgrid=False, zeroline=False))
    if title and x_title:
        layout["title"] = dict(subtitle=dict(text=x_title))
    # the x axis is on top, so a legend goes underneath
    legend = dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0.0) if extra_traces else False
    traces = [_token_heatmap_trace(arr, row_labels, col_labels, diverging=diverging, text=text, fmt=fmt)]
    masked = np.isneginf(arr)
    if masked.any():  # masked cells in a flat grey underneath, so they read as "nothing here"
        traces.insert(0, dict(type="heatmap", z=np.where(masked, 0.0, np.nan), x=traces[0]["x"], y=traces[0]["y"],
                              showscale=False, colorscale=[[0, "#e5e7eb"], [1, "#e5e7eb"]], hoverinfo="skip", xgap=1,
                              ygap=1))
    return lean_figure([*traces, *extra_traces], layout, title=title,
                       height=height or max(180, 80 + 34 * len(row_labels)), revision=revision, legend=legend)


def alignment_figure(alpha, src_tokens: Sequence[str], out_tokens: Sequence[str], *, title: str,
                     x_title: str, y_title: str, gold: Sequence[tuple[int, int]] = (), gold_name: str = "",
                     revision: str = "alignment") -> go.Figure:
    """Source words across, output words down, α_ij as shade; gold links (when known) as open squares."""
    links = [(i, j) for i, j in gold if i < len(out_tokens) and j < len(src_tokens)]
    marks = [dict(type="scatter", x=[j for _, j in links], y=[i for i, _ in links], mode="markers", name=gold_name,
                  hoverinfo="skip", marker=dict(symbol="square-open", size=24, color=PALETTE[1],
                                                line=dict(width=2)))] if links else []
    return token_heatmap(alpha, out_tokens, src_tokens, title=title, text=len(src_tokens) <= 14, fmt=".1f",
                         x_title=x_title, y_title=y_title, revision=revision, extra_traces=marks)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i: i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def head_view_figure(tokens: Sequence[str], weights, heads: Sequence[int], *, title: str, head_name: str,
                     threshold: float = 0.03, bins: int = 5, revision: str = "head-view") -> go.Figure:
    """BertViz's head view: tokens on the left attend to tokens on the right; a line's strength is the weight.

    weights (heads, T, T), rows are queries. Lines are grouped into a few opacity bins per head so a
    12-head view of a long sentence stays a handful of traces; many overlaid heads get fainter, thinner
    lines and only their stronger links.
    """
    weights = np.asarray(weights, dtype=float)
    n = len(tokens)
    crowd = len(heads) ** -0.4
    threshold = threshold if len(heads) == 1 else max(threshold, 0.1)
    bins = bins if len(heads) == 1 else 3
    edges = np.linspace(threshold, 1.0, bins + 1)
    traces = []
    for h in heads:
        color = PALETTE[h % len(PALETTE)]
        first = True  # a head's first drawn bin carries its legend entry
        for b in range(bins):
            lo, hi = edges[b], edges[b + 1]
            i_idx, j_idx = np.nonzero((weights[h] >= lo) & ((weights[h] < hi) if b < bins - 1 else (weights[h] <= hi)))
            if not len(i_idx):
                continue
            xs = np.tile([0.0, 1.0, np.nan], len(i_idx))
            ys = np.column_stack([-i_idx, -j_idx, np.full(len(i_idx), np.nan)]).ravel()
            traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=first,
                               name=f"{head_name} {h + 1}", legendgroup=str(h),
                               line=dict(color=_rgba(color, crowd * (0.15 + 0.85 * (lo + hi) / 2)),
                                         width=float(0.5 + 3 * hi * crowd))))
            first = False
    positions = [-float(i) for i in range(n)]
    for x, side in ((0.0, "middle left"), (1.0, "middle right")):
        traces.append(dict(type="scatter", x=[x] * n, y=positions, mode="text", text=list(tokens), textposition=side,
                           showlegend=False, hoverinfo="skip", textfont=dict(size=13)))
    layout = dict(xaxis=dict(visible=False, range=[-0.6, 1.6]), yaxis=dict(visible=False, range=[-n + 0.5, 0.5]))
    below = False
    if len(heads) > 1:  # the legend's font goes in the layout: `lean_figure` takes a flat placement only
        below = dict(orientation="h", yanchor="top", y=-0.02, xanchor="center", x=0.5)
        layout["legend"] = dict(font=dict(size=11))
    return lean_figure(traces, layout, title=title, height=max(300, 130 + 22 * n), revision=revision, legend=below)


def heads_grid_figure(maps, row_tokens: Sequence[str], col_tokens: Sequence[str], *, title: str,
                      head_name: str, revision: str = "heads") -> go.Figure:
    """One small heat map per head, side by side (4 to a row): maps (h, T_q, T_k), rows are queries."""
    maps = np.asarray(maps, dtype=float)
    h = maps.shape[0]
    cols = min(h, 4)
    rows = (h + cols - 1) // cols
    gap_x, gap_y = 0.06, 0.12 / max(rows, 1)
    width, height = (1 - gap_x * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    x, y = list(range(len(col_tokens))), list(range(len(row_tokens)))
    hover = _hover_pairs(row_tokens, col_tokens)
    scale = get_colorscale(ATTENTION_SCALE)
    traces, axes, labels = [], {}, []
    for i in range(h):
        r, c = divmod(i, cols)
        n = "" if i == 0 else str(i + 1)
        x0, y1 = c * (width + gap_x), 1 - r * (height + gap_y)
        traces.append(dict(type="heatmap", z=maps[i], x=x, y=y, xaxis=f"x{n}", yaxis=f"y{n}", colorscale=scale,
                           zmin=0, zmax=1, showscale=False, customdata=hover,
                           hovertemplate="%{customdata}: %{z:.3f}<extra></extra>"))
        axes[f"xaxis{n}"] = dict(domain=[x0, x0 + width], anchor=f"y{n}", tickmode="array", tickvals=x,
                                 ticktext=list(col_tokens), tickangle=-60, tickfont=dict(size=10), showgrid=False)
        axes[f"yaxis{n}"] = dict(domain=[y1 - height, y1], anchor=f"x{n}", tickmode="array", tickvals=y,
                                 ticktext=list(row_tokens), autorange="reversed", tickfont=dict(size=10),
                                 showticklabels=c == 0, showgrid=False)
        labels.append(dict(text=f"{head_name} {i + 1}", x=x0 + width / 2, y=y1, xref="paper", yref="paper",
                           xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=12)))
    per_row = max(200, 90 + 18 * len(row_tokens))
    layout = dict(annotations=labels, margin=dict(l=10, r=10, t=75, b=10), title=dict(y=0.99, yanchor="top"), **axes)
    return lean_figure(traces, layout, title=title, height=80 + rows * per_row, revision=revision, legend=False)


def positional_encoding_figure(pe, *, title: str, x_title: str, y_title: str) -> go.Figure:
    """PE as a picture: position down, dimension across; sin/cos waves slow down as the dimension grows."""
    trace = dict(type="heatmap", z=np.asarray(pe, dtype=float), colorscale=VALUE_SCALE, zmin=-1, zmax=1,
                 showscale=True,  # the colour bar lies under the map: a phone keeps the width
                 colorbar=dict(thickness=10, len=0.8, orientation="h", y=-0.25, yanchor="top"),
                 hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: %{{z:.3f}}<extra></extra>")
    return lean_figure([trace], dict(xaxis=dict(title=dict(text=x_title)),
                                     yaxis=dict(title=dict(text=y_title), autorange="reversed")),
                       title=title, height=360, revision="pe", legend=False)


def positional_waves_figure(pe, dims: Sequence[int], *, title: str, x_title: str, dim_name: str) -> go.Figure:
    """A few columns of PE over positions: each dimension is a wave of its own wavelength."""
    pe = np.asarray(pe, dtype=float)
    traces = [dict(type="scatter", x=list(range(pe.shape[0])), y=pe[:, d], mode="lines+markers", marker=dict(size=4),
                   name=f"{dim_name} {d}", line=dict(color=PALETTE[k % len(PALETTE)], width=2))
              for k, d in enumerate(dims)]
    return lean_figure(traces, dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(range=[-1.1, 1.1])),
                       title=title, height=340, revision="pe-waves", legend=_LEGEND_BELOW)


def metric_curves_figure(series: Sequence[tuple[str, Sequence[float], Sequence[float]]], *, title: str,
                         x_title: str, y_range: tuple[float, float] | None = None, log_y: bool = False,
                         height: int = 300) -> go.Figure:
    """Training curves, each with its own x (per-step training metrics beside held-out evaluations)."""
    # list(): copies, as a trainer's history lists keep growing
    traces = [dict(type="scatter", x=list(xs), y=list(ys), name=name, mode="lines+markers" if len(xs) < 40 else "lines",
                   line=dict(color=PALETTE[k % len(PALETTE)], width=2), marker=dict(size=5))
              for k, (name, xs, ys) in enumerate(series)]
    yaxis = dict(type="log" if log_y else "linear")
    if y_range:
        yaxis["range"] = [float(v) for v in y_range]
    return lean_figure(traces, dict(xaxis=dict(title=dict(text=x_title), rangemode="tozero"), yaxis=yaxis),
                       title=title, height=height, revision=title, legend=_LEGEND_BELOW)


def metric_curves_picture(series: Sequence[tuple[Sequence[float], Sequence[float]]], *, y_range=None,
                          log_y: bool = False, width: int = 520, height: int = 280):
    """`metric_curves_figure` as a picture for the live view: (xs, ys) per curve, in the same colours. A narrow
    column gets a smaller picture (`width`), so its digits are not shrunk to unreadable."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(ys, PALETTE[k % len(PALETTE)], xs=xs, markers=len(xs) < 40)
                             for k, (xs, ys) in enumerate(series)], y_range=y_range, log_y=log_y, width=width,
                            height=height)
