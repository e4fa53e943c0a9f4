"""Pooling: reduce each window of a small matrix step by step, then see what pooling does to a shifted picture."""
import numpy as np
import pandas as pd
import streamlit as st

from core.vision import pooling
from core.vision.images import PHOTOS, photo, to_gray
from ui.figures.common import show
from ui.figures.vision.pictures import (as_rgb, enlarge, pool_grid_figure, pool_latex, pool_size_latex, shift_figure,
                               to_display)
from ui.i18n import error_text, options, t
from ui.page import Page, seed
from ui.teaching import takeaway

NS = "pooling"
EXAMPLE = np.array([[1, 3, 2, 1, 0, 2],
                    [4, 6, 5, 0, 1, 3],
                    [3, 1, 9, 2, 4, 1],
                    [0, 2, 1, 7, 3, 0],
                    [5, 1, 0, 2, 8, 6],
                    [2, 4, 3, 1, 5, 2]], dtype=float)
MAX_SHIFT = 8
IMAGE_SIDE = 160

page = Page(NS)
page.header()



@st.cache_data(max_entries=128, show_spinner=False)
def similarity_curve(name: str, kind: str, kernel: int, stride: int, padding: int) -> list[float]:
    """Correlation between the outputs for the picture and for the picture moved 0..MAX_SHIFT px."""
    settings = pooling.PoolSettings(kind, kernel, stride, padding)
    return pooling.shift_similarity(to_gray(photo(name, IMAGE_SIDE)), settings, range(MAX_SHIFT + 1))


controls = st.columns([1.3, 1, 1, 1])
kind = page.choice("kind", list(pooling.KINDS), "max", labels=options(f"{NS}.kind", list(pooling.KINDS)),
                   style="radio", where=controls[0])
is_global = kind == "global_avg"
kernel = page.slider("kernel", 1, 5, 2, where=controls[1])
stride = page.slider("stride", 1, 5, 2, where=controls[2])
padding = page.slider("padding", 0, 2, 0, where=controls[3])
if is_global:
    st.caption(t(f"{NS}.global_note"))
settings = pooling.PoolSettings(kind, kernel, stride, padding)

# ----- 1. a small matrix, one window at a time -----
st.subheader(t(f"{NS}.matrix_header"))
st.markdown(t(f"{NS}.matrix_text"))
left, right = st.columns([1.15, 1.5], gap="large")
source = page.choice("matrix", ["example", "random"], "example", labels=options(f"{NS}.matrix", ["example", "random"]),
                     style="segmented", where=left)
base = EXAMPLE if source == "example" else np.random.default_rng(seed()).integers(0, 10, (6, 6)).astype(float)
columns = [str(j + 1) for j in range(base.shape[1])]
grid_key = f"{NS}.grid.{source}.{seed()}"
edited = left.data_editor(pd.DataFrame(base, columns=columns), key=grid_key, hide_index=True,
                          column_config={c: st.column_config.NumberColumn(c, min_value=-999, max_value=999, format="%g",
                                                                          width=44) for c in columns})
matrix = edited.to_numpy(dtype=float, na_value=np.nan)
if not np.array_equal(matrix, base):  # edited (or emptied) cells: offer the way back
    left.button(t(f"{NS}.restore"), key=f"{NS}.restore", icon=":material/undo:", type="tertiary",
                on_click=lambda: st.session_state.pop(grid_key, None))
if not np.all(np.isfinite(matrix)):
    left.error(t(f"{NS}.error.bad_cell"), icon=":material/grid_off:")
    matrix = base

try:
    out_h, out_w = pooling.output_shape(*matrix.shape, settings)
except pooling.PoolShapeError as err:
    right.error(error_text(f"{NS}.error", err), icon=":material/crop_free:")
    out_h = out_w = 0
if out_h:
    pooled = pooling.pool2d(matrix, settings)
    cell = 0
    if out_h * out_w > 1:
        page.limit("cell", out_h * out_w - 1)
        cell = page.slider("cell", 0, out_h * out_w - 1, 0, where=right)
    row, col = divmod(cell, out_w)
    win = pooling.window(matrix, settings, row, col)
    kh, kw, _, p = pooling.resolved(settings, *matrix.shape)
    padded = np.pad(matrix, p, constant_values=np.nan) if p else matrix
    pad_symbol = r"-\infty" if kind == "max" else "0"
    with right:
        titles = (t(f"{NS}.input_title_padded" if p else f"{NS}.input_title"), t(f"{NS}.output_title"))
        show(pool_grid_figure(padded, pooled, (win.top + p, win.left + p, kh, kw), (row, col), titles,
                              "−∞" if kind == "max" else "0"), key=f"{NS}.grid_figure", csv=False)
        st.latex(pool_latex(kind, win.values, win.result, pad_symbol))
    st.markdown(t(f"{NS}.size_text"))
    sizes = st.columns(2)
    sizes[0].latex(pool_size_latex("H", matrix.shape[0], kh, settings.stride if not is_global else 1, p, out_h))
    sizes[1].latex(pool_size_latex("W", matrix.shape[1], kw, settings.stride if not is_global else 1, p, out_w))

takeaway(NS, "matrix")
# ----- 2. a picture, and the same picture moved a few pixels -----
st.divider()
st.subheader(t(f"{NS}.shift_header"))
st.markdown(t(f"{NS}.shift_text"))
pick = st.columns(2)
# coins: bright shapes on a dark ground, which max pooling keeps (it erased the dark strokes of "text")
name = page.choice("photo", list(PHOTOS), "coins", labels=options("vision.photo", list(PHOTOS)), where=pick[0])
shift_px = page.slider("shift", 0, MAX_SHIFT, 1, where=pick[1])
image = photo(name, IMAGE_SIDE)
before, after = pooling.shifted_views(image, shift_px, MAX_SHIFT)
try:
    pooled_before, pooled_after = pooling.pool2d(before, settings), pooling.pool2d(after, settings)
except pooling.PoolShapeError as err:
    st.error(error_text(f"{NS}.error", err), icon=":material/crop_free:")
else:
    captions = [t(f"{NS}.tile_input", h=before.shape[0], w=before.shape[1]), t(f"{NS}.tile_shifted", px=shift_px),
                t(f"{NS}.tile_pooled", h=pooled_before.shape[0], w=pooled_before.shape[1]),
                t(f"{NS}.tile_pooled_shifted", px=shift_px)]
    for where, picture, caption in zip(st.columns(4), (before, after, pooled_before, pooled_after), captions):
        where.image(enlarge(as_rgb(to_display(picture)), 300)[0], caption=caption, width="stretch")
    gray = to_gray(image)
    numbers = st.columns(2)
    if is_global:  # one number per picture: how much does it move?
        numbers[0].metric(t(f"{NS}.global_before"), f"{float(pooled_before.mean()):.4f}")
        numbers[1].metric(t(f"{NS}.global_after"), f"{float(pooled_after.mean()):.4f}")
    else:
        raw_same = pooling.unchanged_share(gray, pooling.PoolSettings("max", 1, 1), shift_px, MAX_SHIFT)
        pooled_same = pooling.unchanged_share(gray, settings, shift_px, MAX_SHIFT)
        numbers[0].metric(t(f"{NS}.same_raw"), f"{raw_same:.0%}")
        numbers[1].metric(t(f"{NS}.same_pooled"), f"{pooled_same:.0%}")
        curves = {"none": similarity_curve(name, "max", 1, 1, 0),  # kernel 1: the raw pixels
                  **{k: similarity_curve(name, k, kernel, stride, padding) for k in ("max", "avg")}}
        labels = {"none": t(f"{NS}.curve.none"), "max": t(f"{NS}.curve.max", k=kernel, s=stride),
                  "avg": t(f"{NS}.curve.avg", k=kernel, s=stride)}
        show(shift_figure(list(range(MAX_SHIFT + 1)), {labels[k]: v for k, v in curves.items()},
                          t(f"{NS}.curve.title"), t(f"{NS}.curve.x"), t(f"{NS}.curve.y")), key=f"{NS}.shift_curve")
    st.markdown(t(f"{NS}.shift_explain"))

takeaway(NS, "shift")
page.finish()
