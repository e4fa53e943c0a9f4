"""Pictures and charts of the 3-D convolution page: clips as rows of frames, kernels slice by slice, one voxel
by hand, the three-model race and the cost comparison. Pure functions: data in, array / figure / LaTeX out.

Each figure is one `lean_figure(data, layout)` call from plain dicts: plotly's per-property validation cost
several milliseconds a figure (tests validate them instead)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import DIVERGING, PALETTE, lean_figure
from ui.figures.memo import memoized
from ui.figures.vision.pictures import BOX_COLOR, as_rgb, draw_box, latex_matrix, number, to_display

FRAME_PX = 112  # on-screen side of one frame in a strip
GAP_PX = 6  # white gap between frames
MODEL_COLORS = {"3d": PALETTE[0], "stack": PALETTE[2], "frame": PALETTE[1]}
MODEL_TEXT_COLORS = {"3d": "blue", "stack": "green", "frame": "orange"}  # the same, as Streamlit Markdown colours


def frames_strip(frames: np.ndarray, boxes: dict[int, tuple[int, int, int, int]] | None = None,
                 mode: str = "clip", frame_px: int = FRAME_PX) -> np.ndarray:
    """Frames (T, H, W) side by side as one uint8 RGB picture, each enlarged to about `frame_px`.

    `boxes` maps a frame to (top, left, height, width) in its pixels: that frame gets an orange outline and the
    frames without a box are dimmed (they are not read). mode as `to_display` ("stretch" shares one range).
    """
    frames = np.asarray(frames, dtype=np.float32)
    t, h, w = frames.shape
    scale = max(1, frame_px // max(h, w))
    shown = to_display(frames, mode)  # one range for the whole clip
    strip = np.full((h * scale, t * w * scale + (t - 1) * GAP_PX, 3), 255, np.uint8)
    for i in range(t):
        big = as_rgb(np.repeat(np.repeat(shown[i], scale, axis=0), scale, axis=1))
        if boxes is not None:
            if i in boxes:
                big = draw_box(big, *boxes[i], scale, color=BOX_COLOR, thickness=3)
            else:
                big = (255 - (255 - big.astype(np.int16)) * 0.35).astype(np.uint8)  # faded towards white
        left = i * (w * scale + GAP_PX)
        strip[:, left:left + w * scale] = big
    return strip


def kernel_slices_figure(kernel: np.ndarray, titles: list[str]) -> go.Figure:
    """A (k_t, k_h, k_w) kernel as k_t heat maps side by side (one per time slice), numbers written in.

    One heat map with a blank column between the slices (one trace draws far faster than k_t subplots)."""
    kt, kh, kw = kernel.shape
    top = float(np.abs(kernel).max()) or 1.0
    sheet = np.full((kh, kt * (kw + 1) - 1), np.nan)
    text = np.full(sheet.shape, "", dtype=object)
    for a in range(kt):
        sheet[:, a * (kw + 1):a * (kw + 1) + kw] = kernel[a]
        text[:, a * (kw + 1):a * (kw + 1) + kw] = np.vectorize(number, otypes=[object])(kernel[a])
    heatmap = dict(type="heatmap", z=sheet, zmin=-top, zmax=top, colorscale=DIVERGING, showscale=False,
                   text=text.tolist(), texttemplate="%{text}", xgap=2, ygap=2, hovertemplate="%{z:.4f}<extra></extra>")
    layout = dict(xaxis=dict(tickvals=[a * (kw + 1) + (kw - 1) / 2 for a in range(kt)], ticktext=list(titles),
                             side="top", showgrid=False, zeroline=False),
                  yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"))
    return lean_figure([heatmap], layout, height=min(260, 70 + 40 * kh), legend=False)


def voxel_latex(values: np.ndarray, weights: np.ndarray, products: np.ndarray, inside: np.ndarray,
                frames: np.ndarray, total: float, frame_word: str, padding_word: str) -> list[str]:
    """One line per kernel slice — (input block of that frame) ⊙ (kernel slice) summed — then the total.

    `frames` holds the input frame each slice reads (outside 0..T−1: padding). Grey numbers are padding.
    """
    lines, sums = [], []
    for a in range(values.shape[0]):
        partial = float(products[a].sum())
        sums.append(partial)
        where = rf"\text{{{frame_word} {int(frames[a])}}}" if inside[a].any() else rf"\text{{{padding_word}}}"
        lines.append(rf"a={a}\;({where}):\quad \textstyle\sum {latex_matrix(values[a], ~inside[a])} \odot "
                     rf"{latex_matrix(weights[a])} = {number(partial)}")
    terms = " + ".join(number(v) if v >= 0 else f"({number(v)})" for v in sums)
    lines.append(rf"y = {terms} = \mathbf{{{number(total)}}}")
    return lines


def race_figure(history: dict[str, list[float]], names: dict[str, str], metric: str, x_title: str,
                reference: float, legend: bool = True) -> go.Figure:
    """One metric of the three models over the lock-step updates: "test_acc" (x = the evaluation steps, in %)
    or "loss" (x = every recorded step); `reference` is drawn dotted (chance, or the loss of answering 1/4 each)."""
    x = list(history.get("test_step" if metric == "test_acc" else "step", []))  # copies: the history grows
    data = [dict(type="scatter", x=x, y=list(history.get(f"{metric}_{view}", [])), name=name, mode="lines",
                 line=dict(color=MODEL_COLORS[view], width=2)) for view, name in names.items()]
    reference_line = dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=float(reference), y1=float(reference),
                          line=dict(color=PALETTE[8], dash="dot", width=1))  # as `add_hline` draws it
    yaxis = dict(range=[0, 1.02], tickformat=".0%") if metric == "test_acc" else dict(rangemode="tozero")
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=yaxis, shapes=[reference_line])
    return lean_figure(data, layout, height=280, legend=legend, revision=f"conv3d.race.{metric}")


def predictions_figure(probs: dict[str, np.ndarray], names: dict[str, str], directions: list[str],
                       title: str) -> go.Figure:
    """Each model's probabilities over the four directions for one clip, as grouped bars."""
    data = []
    for view, name in names.items():
        p = np.nan_to_num(np.asarray(probs[view], dtype=float))
        data.append(dict(type="bar", x=list(directions), y=p, name=name, marker=dict(color=MODEL_COLORS[view]),
                         text=[f"{v:.0%}" for v in p], textposition="outside",
                         hovertemplate="%{x}: %{y:.3f}<extra></extra>"))
    layout = dict(xaxis=dict(type="category"), yaxis=dict(range=[0, 1.15], tickformat=".0%"))
    return lean_figure(data, layout, title=title, height=280, revision="conv3d.predictions")


def costs_figure(names: list[str], params: list[float], macs: list[float], titles: tuple[str, str],
                 y_title: str) -> go.Figure:
    """Parameters and multiply-adds of each kernel kind relative to the 2-D kernel's (grouped bars)."""
    data = [dict(type="bar", x=list(names), y=list(values), name=title, marker=dict(color=PALETTE[i]),
                 text=[f"{v:.2f}×" for v in values], textposition="outside",
                 hovertemplate="%{x}: %{y:.3f}×<extra></extra>")
            for i, (title, values) in enumerate(zip(titles, (params, macs)))]
    layout = dict(xaxis=dict(type="category"), yaxis=dict(title=dict(text=y_title), rangemode="tozero"))
    return lean_figure(data, layout, height=300)


kernel_slices_memo = memoized(kernel_slices_figure)
costs_memo = memoized(costs_figure)


def race_picture(history: dict[str, list[float]], views, metric: str, reference: float) -> np.ndarray:
    """`race_figure` as a picture for the live view: the same lines, colours and dotted reference (accuracy as a
    fraction 0 … 1.02; the loss from 0)."""
    from ui.figures.chart_pictures import Series, line_chart_image

    x = history.get("test_step" if metric == "test_acc" else "step", [])
    lines = [Series(history.get(f"{metric}_{view}", []), MODEL_COLORS[view], xs=x) for view in views]
    if metric == "test_acc":
        return line_chart_image(lines, y_range=(0.0, 1.02), hlines=[(reference, PALETTE[8])], height=260)
    return line_chart_image(lines, y_from_zero=True, hlines=[(reference, PALETTE[8])], height=260)
