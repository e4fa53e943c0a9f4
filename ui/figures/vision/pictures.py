"""Pictures and charts of the vision pages: images prepared for display, kernels, pooling grids, CNN panels.

Pure functions (data in, array / figure / DOT text / LaTeX out); the pages draw them. Images go to
`st.image` as uint8 arrays (cheap), matrices and curves to Plotly.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale
from plotly.subplots import make_subplots

from ui.figures.common import DIVERGING, PALETTE, lean_figure, matrix_figure, styled

BOX_COLOR = (249, 115, 22)  # orange, as the "negative" end of the app's diverging scale
DISPLAY_SIDE = 320  # pixels on screen for the main images


# ----- images -----
def to_display(image: np.ndarray, mode: str = "clip") -> np.ndarray:
    """Float image → uint8 for the screen. mode: "clip" (0..1), "stretch" (min..max), "abs" (|x|, 0..max)."""
    x = np.asarray(image, dtype=np.float32)
    if mode == "abs":
        x = np.abs(x)
        top = float(x.max())
        x = x / top if top > 0 else x
    elif mode == "stretch":
        lo, hi = float(x.min()), float(x.max())
        x = (x - lo) / (hi - lo) if hi > lo else np.full_like(x, 0.5)
    return (np.clip(x, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


def as_rgb(display: np.ndarray) -> np.ndarray:
    return np.repeat(display[..., None], 3, axis=2) if display.ndim == 2 else display


def enlarge(display: np.ndarray, side: int = DISPLAY_SIDE) -> tuple[np.ndarray, int]:
    """Whole-pixel enlargement so small images stay crisp; returns the image and the factor used.

    The factor brings the longer side close to `side` without passing it (at least 1).
    """
    factor = max(1, side // max(display.shape[:2]))
    big = np.repeat(np.repeat(display, factor, axis=0), factor, axis=1) if factor > 1 else display
    return big, factor


def draw_box(rgb: np.ndarray, top: int, left: int, height: int, width: int, scale: int,
             color=BOX_COLOR, thickness: int = 2) -> np.ndarray:
    """A rectangle outline around image cells [top, top+height) × [left, left+width), on an image enlarged by
    `scale`; parts outside the picture (padding) are clipped to its border."""
    out = rgb.copy()
    h, w = out.shape[:2]
    y0, x0 = max(0, top * scale), max(0, left * scale)
    y1, x1 = min(h, (top + height) * scale), min(w, (left + width) * scale)
    if y1 <= y0 or x1 <= x0:
        return out
    t = max(1, min(thickness, (y1 - y0) // 2, (x1 - x0) // 2))
    out[y0:y0 + t, x0:x1] = color
    out[y1 - t:y1, x0:x1] = color
    out[y0:y1, x0:x0 + t] = color
    out[y0:y1, x1 - t:x1] = color
    return out


def mosaic(maps: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """(N, H, W) maps tiled in a grid, each scaled to its own min..max, separated by white lines."""
    n, h, w = maps.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    sheet = np.ones((rows * (h + gap) - gap, columns * (w + gap) - gap), dtype=np.float32)
    for i, m in enumerate(maps):
        lo, hi = float(m.min()), float(m.max())
        r, c = divmod(i, columns)
        top, left = r * (h + gap), c * (w + gap)
        sheet[top:top + h, left:left + w] = (m - lo) / (hi - lo) if hi > lo else 0.0
    return sheet


# ----- numbers as LaTeX -----
def number(value: float) -> str:
    """Short, exact-looking numbers for formulas: integers as integers, others with up to 4 decimals."""
    if value != value:  # NaN
        return r"\cdot"
    if abs(value - round(value)) < 5e-4 and abs(value) < 1e6:
        return str(int(round(value)))
    return f"{value:.4f}".rstrip("0")


def latex_matrix(values: np.ndarray, muted: np.ndarray | None = None) -> str:
    """A bmatrix; cells where `muted` is True (padding) are grey."""
    rows = []
    for i, row in enumerate(values):
        cells = [(r"\color{gray}{" + number(v) + "}") if muted is not None and muted[i, j] else number(v)
                 for j, v in enumerate(row)]
        rows.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def conv_size_latex(symbol: str, n: int, k: int, s: int, p: int, d: int, out: int) -> str:
    """The output-size formula with the numbers filled in (torch.nn.Conv2d documentation)."""
    return (rf"{symbol}_{{\text{{out}}}} = \left\lfloor \frac{{{symbol} + 2p - d(k-1) - 1}}{{s}} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{n} + 2\cdot{p} - {d}\cdot({k}-1) - 1}}{{{s}}} \right\rfloor + 1 = {out}")


def pool_size_latex(symbol: str, n: int, k: int, s: int, p: int, out: int) -> str:
    return (rf"{symbol}_{{\text{{out}}}} = \left\lfloor \frac{{{symbol} + 2p - k}}{{s}} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{n} + 2\cdot{p} - {k}}}{{{s}}} \right\rfloor + 1 = {out}")


def window_latex(values: np.ndarray, weights: np.ndarray, products: np.ndarray, total: float, padding: np.ndarray,
                 window_word: str, kernel_word: str) -> tuple[str, str]:
    """Two lines: window ⊙ kernel = products, then Σ products = total — one output pixel by hand."""
    product = (rf"\underbrace{{{latex_matrix(values, padding)}}}_{{\text{{{window_word}}}}} \odot "
               rf"\underbrace{{{latex_matrix(weights)}}}_{{\text{{{kernel_word}}}}} = "
               + latex_matrix(products, padding))
    terms = ""
    if products.size <= 9:
        terms = " = " + " + ".join(number(v) if v >= 0 else f"({number(v)})" for v in products.ravel())
    return product, rf"\textstyle\sum{terms} = \mathbf{{{number(total)}}}"


def pool_latex(kind: str, values: np.ndarray, result: float, pad_symbol: str) -> str:
    """max(…) = v or (a + b + …)/n = v for one pooling window; padding cells shown as −∞ or 0."""
    cells = [pad_symbol if v != v else number(v) for v in values.ravel()]
    if len(cells) > 16:  # a big (global) window: write the reduction without listing every cell
        n = len(cells)
        if kind == "max":
            return rf"\max(x_{{1}}, \dots, x_{{{n}}}) = \mathbf{{{number(result)}}}"
        total = float(np.nan_to_num(values).sum())
        return (rf"\frac{{x_{{1}} + \dots + x_{{{n}}}}}{{{n}}} = \frac{{{number(total)}}}{{{n}}}"
                rf" = \mathbf{{{number(result)}}}")
    if kind == "max":
        return rf"\max({', '.join(cells)}) = \mathbf{{{number(result)}}}"
    return rf"\frac{{{' + '.join(cells)}}}{{{values.size}}} = \mathbf{{{number(result)}}}"


# ----- figures -----
def kernel_figure(kernel: np.ndarray, title: str) -> go.Figure:
    """The kernel's weights as a heat map (negative orange, positive blue) with the numbers written in."""
    top = float(np.abs(kernel).max()) or 1.0
    return matrix_figure(kernel, title=title, colorscale=DIVERGING, zmid=0.0, height=260, fmt=".3g",
                         trace=dict(zmin=-top, zmax=top, xgap=2, ygap=2),
                         layout=dict(xaxis=dict(showticklabels=False), yaxis=dict(showticklabels=False, scaleanchor="x")))


def pool_grid_figure(padded: np.ndarray, out: np.ndarray, window: tuple[int, int, int, int],
                     cell: tuple[int, int], titles: tuple[str, str], pad_text: str) -> go.Figure:
    """Input (with its padding ring) and the pooled output side by side; the window and its cell outlined.

    `padded` holds NaN in padding cells; `window` = (top, left, height, width) in padded coordinates. Both
    grids share one heat map (a blank column between them): one trace and one pair of axes draw fast.
    """
    rows = max(padded.shape[0], out.shape[0])
    gap = 2
    offset_x, offset_y = padded.shape[1] + gap, (rows - out.shape[0]) // 2  # output centred on the right
    z = np.full((rows, offset_x + out.shape[1]), np.nan)
    z[:padded.shape[0], :padded.shape[1]] = padded
    z[offset_y:offset_y + out.shape[0], offset_x:] = out
    text = np.full(z.shape, "", dtype=object)
    text[:padded.shape[0], :padded.shape[1]] = np.where(np.isnan(padded), pad_text,
                                                        np.vectorize(number, otypes=[object])(np.nan_to_num(padded)))
    text[offset_y:offset_y + out.shape[0], offset_x:] = np.vectorize(number, otypes=[object])(out)
    heat = dict(type="heatmap", z=z, text=text.tolist(), texttemplate="%{text}", colorscale=get_colorscale("Blues"),
                showscale=False, xgap=2, ygap=2, hoverinfo="skip")
    shapes = [dict(type="rect", x0=-0.5, x1=padded.shape[1] - 0.5, y0=-0.5, y1=padded.shape[0] - 0.5,
                   line=dict(color=PALETTE[8], width=1, dash="dot"), fillcolor="rgba(226,232,240,0.5)", layer="below")]
    top, left, h, w = window
    outlines = [(left, top, w, h), (offset_x + cell[1], offset_y + cell[0], 1, 1)]
    for x, y, width, height in outlines:
        shapes.append(dict(type="rect", x0=x - 0.5, x1=x + width - 0.5, y0=y - 0.5, y1=y + height - 0.5,
                           line=dict(color=PALETTE[1], width=4)))
    annotations = [dict(x=x, y=-0.9, text=title, showarrow=False, yanchor="bottom", font=dict(color=PALETTE[8]))
                   for x, title in ((padded.shape[1] / 2 - 0.5, titles[0]),
                                    (offset_x + out.shape[1] / 2 - 0.5, titles[1]))]
    layout = dict(xaxis=dict(visible=False), yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"),
                  shapes=shapes, annotations=annotations, margin=dict(t=30))  # room for the two titles
    return lean_figure([heat], layout, height=360, legend=False)


def training_figure(history: dict[str, list[float]], names: dict[str, str], titles: tuple[str, str],
                    x_title: str) -> go.Figure:
    """Loss (left) and accuracy (right) over training steps; `names` translates the series."""
    fig = make_subplots(1, 2, subplot_titles=titles, horizontal_spacing=0.1)
    x = history.get("step", [])
    for i, key in enumerate(("loss", "test_loss")):
        fig.add_trace(go.Scatter(x=x, y=history.get(key, []), name=names[key], mode="lines",
                                 line=dict(color=PALETTE[i], width=2)), 1, 1)
    for i, key in enumerate(("train_acc", "test_acc")):
        fig.add_trace(go.Scatter(x=x, y=history.get(key, []), name=names[key], mode="lines",
                                 line=dict(color=PALETTE[i + 2], width=2)), 1, 2)
    fig.add_hline(y=0.97, line=dict(color=PALETTE[8], dash="dot", width=1), row=1, col=2)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(range=[0, 1.01], row=1, col=2)
    # the legend under the plots: above them it covered the subplot titles
    return styled(fig, height=330, revision="cnn.curves",
                  legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="center", x=0.5))


def filter_sheet(filters: np.ndarray) -> tuple[np.ndarray, float]:
    """Kernels (N, k, k) tiled 4 or 8 to a row with NaN gaps between, and the largest |weight| (their shared scale;
    1 when there is none: NaN weights of a diverged run stay blank)."""
    n, k, _ = filters.shape
    columns = n if n <= 4 else 4 if n <= 8 else 8
    rows = int(np.ceil(n / columns))
    sheet = np.full((rows * (k + 1) - 1, columns * (k + 1) - 1), np.nan)
    for i, f in enumerate(filters):
        r, c = divmod(i, columns)
        sheet[r * (k + 1):r * (k + 1) + k, c * (k + 1):c * (k + 1) + k] = f
    finite = np.abs(sheet[np.isfinite(sheet)])
    return sheet, float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def filters_figure(filters: np.ndarray, title: str) -> go.Figure:
    """First-layer kernels (N, k, k) tiled in one heat map on a shared symmetric scale (NaN gaps between)."""
    sheet, top = filter_sheet(filters)
    rows = (sheet.shape[0] + 1) // (filters.shape[1] + 1)
    fig = go.Figure(go.Heatmap(z=sheet, colorscale=DIVERGING, zmid=0, zmin=-top, zmax=top, showscale=False,
                               hovertemplate="%{z:.3f}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return styled(fig, title=title, height=min(340, 90 + 70 * rows), legend=False, revision="cnn.filters")


def confusion_figure(counts: np.ndarray, title: str, x_title: str, y_title: str) -> go.Figure:
    labels = [str(d) for d in range(10)]
    fig = matrix_figure(counts, row_labels=labels, col_labels=labels, title=title, fmt=".0f", height=340)
    fig.update_xaxes(title_text=x_title, side="bottom", type="category")
    fig.update_yaxes(title_text=y_title, type="category")
    fig.update_layout(uirevision="cnn.confusion")
    return fig


def probabilities_figure(probs: np.ndarray, title: str) -> go.Figure:
    probs = np.nan_to_num(np.asarray(probs, dtype=float))  # a diverged model: show zeros, not "nan%"
    best = int(np.argmax(probs))
    colors = [PALETTE[1] if d == best else PALETTE[0] for d in range(10)]
    fig = go.Figure(go.Bar(x=[str(d) for d in range(10)], y=probs, marker_color=colors,
                           text=[f"{p:.0%}" for p in probs], textposition="outside",
                           hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%")
    return styled(fig, title=title, height=260, legend=False)


def shift_figure(shifts: list[int], series: dict[str, list[float]], title: str, x_title: str,
                 y_title: str) -> go.Figure:
    data = [dict(type="scatter", x=list(shifts), y=list(ys), name=name, mode="lines+markers",
                 line=dict(color=PALETTE[i], width=2)) for i, (name, ys) in enumerate(series.items())]
    layout = dict(xaxis=dict(title=dict(text=x_title), dtick=1),
                  yaxis=dict(title=dict(text=y_title), rangemode="tozero"))
    return lean_figure(data, layout, title=title, height=300)


def architecture_figure(names: list[str], params: list[int], macs: list[int], titles: tuple[str, str]) -> go.Figure:
    """Parameters and multiply-adds per block, log scale (they span six orders of magnitude)."""
    fig = make_subplots(2, 1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.12)
    fig.add_trace(go.Bar(x=names, y=[p or None for p in params], marker_color=PALETTE[0], name=titles[0],
                         hovertemplate="%{x}: %{y:,}<extra></extra>"), 1, 1)
    fig.add_trace(go.Bar(x=names, y=[m or None for m in macs], marker_color=PALETTE[1], name=titles[1],
                         hovertemplate="%{x}: %{y:,}<extra></extra>"), 2, 1)
    fig.update_yaxes(type="log")
    fig.update_xaxes(type="category", tickangle=-45)
    fig = styled(fig, height=460, legend=False)
    fig.update_layout(margin=dict(t=40))  # room for the subplot titles
    return fig


# ----- block diagrams (Graphviz DOT, rendered by st.graphviz_chart) -----
def _dot(nodes: list[tuple[str, str, str]], edges: list[tuple[str, ...]], rankdir: str = "TB") -> str:
    """DOT text: nodes (name, label, fill colour); edges (from, to[, style such as "dashed"])."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"digraph {{ rankdir={rankdir}; bgcolor=transparent; node [shape=box, style=\"rounded,filled\", "
             "fontname=\"sans-serif\", fontsize=11, color=\"#94a3b8\"]; edge [color=\"#64748b\"];"]
    lines += [f"  {name} [label={quoted(label)}, fillcolor={quoted(fill)}];" for name, label, fill in nodes]
    lines += [f"  {edge[0]} -> {edge[1]}" + (f" [style={edge[2]}];" if len(edge) > 2 else ";") for edge in edges]
    return "\n".join(lines + ["}"])


def inception_dot(labels: dict[str, str]) -> str:
    """An Inception block: four branches from the previous layer, concatenated. `labels` are translated."""
    cheap, wide, pool, io = "#dbeafe", "#fed7aa", "#dcfce7", "#f1f5f9"
    nodes = [("prev", labels["prev"], io), ("b1", labels["b1"], cheap), ("r3", labels["r3"], cheap),
             ("c3", labels["c3"], wide), ("r5", labels["r5"], cheap), ("c5", labels["c5"], wide),
             ("mp", labels["pool"], pool), ("pp", labels["proj"], cheap), ("cat", labels["concat"], io)]
    edges = [("prev", "b1"), ("prev", "r3"), ("r3", "c3"), ("prev", "r5"), ("r5", "c5"), ("prev", "mp"),
             ("mp", "pp"), ("b1", "cat"), ("c3", "cat"), ("c5", "cat"), ("pp", "cat")]
    return _dot(nodes, edges)


def inverted_residual_dot(labels: dict[str, str]) -> str:
    """An inverted residual block: expand 1×1, depthwise 3×3, project 1×1, plus the skip connection."""
    cheap, wide, io = "#dbeafe", "#fed7aa", "#f1f5f9"
    nodes = [("x", labels["input"], io), ("e", labels["expand"], cheap), ("d", labels["depthwise"], wide),
             ("p", labels["project"], cheap), ("add", labels["add"], io)]
    edges = [("x", "e"), ("e", "d"), ("d", "p"), ("p", "add"), ("x", "add", "dashed")]
    return _dot(nodes, edges)
