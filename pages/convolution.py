"""Convolution filters: slide a kernel over a picture, see the output, and work one output pixel out by hand."""
import numpy as np
import pandas as pd
import streamlit as st

from core.vision import convolution as conv
from core.vision.conv_vs_dense import parameter_counts, shift_check
from core.digits import digits_arrays
from core.vision.images import PHOTOS, fit, photo, to_gray
from ui.canvas import drawing_canvas
from ui.figures.common import show
from ui.figures.vision.pictures import (as_rgb, conv_size_latex, draw_box, enlarge, kernel_figure, to_display,
                               window_latex)
from ui.i18n import error_text, options, t
from ui.page import Page
from ui.teaching import takeaway
from ui.uploads import image_upload

NS = "convolution"
SOURCES = ["photo", "digit", "drawing", "upload"]
SIZES = [16, 32, 64, 128, 256]
CHANNELS = ["r", "g", "b"]

page = Page(NS)
page.header()



def pick_picture(where) -> np.ndarray | None:
    """The chosen picture as a float image, or None (with a hint) while there is nothing to filter."""
    source = page.choice("source", SOURCES, "photo", labels=options("vision.source", SOURCES), style="radio",
                         where=where)
    if source == "digit":
        images, labels = digits_arrays()
        index = page.slider("digit", 0, len(images) - 1, 0, where=where)
        where.caption(t(f"{NS}.digit_caption", label=int(labels[index])))
        return images[index]
    size = page.choice("size", SIZES, 64, style="slider", where=where)
    if source == "photo":
        name = page.choice("photo", list(PHOTOS), "camera", labels=options("vision.photo", list(PHOTOS)), where=where)
        return fit(photo(name, 256), size)
    if source == "drawing":
        where.caption(t("vision.canvas.hint"))
        ink = drawing_canvas(f"{NS}.canvas", size=size, canvas_px=220, where=where)
        if ink is None:
            where.info(t("vision.canvas.blank"), icon=":material/draw:")
            return None
        return 1.0 - ink  # dark strokes on white, as drawn
    image = image_upload(f"{NS}.upload", max_side=size, where=where)
    if image is None and st.session_state.get(f"{NS}.upload") is None:
        where.info(t("vision.upload.waiting"), icon=":material/upload:")
    return image


def pick_kernel(where) -> np.ndarray:
    """A preset, shown in an editable grid; the grid's (checked) numbers are the kernel."""
    preset = page.choice("preset", list(conv.PRESETS), "sobel_x", labels=options(f"{NS}.preset", list(conv.PRESETS)),
                         where=where)
    ksize = page.choice("ksize", list(conv.KERNEL_SIZES), 3, labels=lambda k: f"{k}×{k}", style="segmented",
                        where=where)
    where.caption(t(f"{NS}.preset_help.{preset}"))
    base = conv.preset_kernel(preset, ksize)
    columns = [str(j + 1) for j in range(ksize)]
    grid_key = f"{NS}.grid.{preset}.{ksize}"
    edited = where.data_editor(
        pd.DataFrame(base, columns=columns), key=grid_key, hide_index=True,
        column_config={c: st.column_config.NumberColumn(c, min_value=-conv.MAX_KERNEL_VALUE,
                                                        max_value=conv.MAX_KERNEL_VALUE, format="%.4g")
                       for c in columns})
    try:
        kernel = conv.check_kernel(edited.to_numpy(dtype=float, na_value=np.nan))
    except (conv.ConvShapeError, ValueError, TypeError):
        where.error(t(f"{NS}.error.bad_kernel", limit=f"{conv.MAX_KERNEL_VALUE:g}"), icon=":material/grid_off:")
        where.button(t(f"{NS}.restore"), key=f"{NS}.restore", icon=":material/undo:", type="tertiary",
                     on_click=lambda: st.session_state.pop(grid_key, None))
        return base
    if not np.array_equal(kernel, base):
        where.button(t(f"{NS}.restore"), key=f"{NS}.restore", icon=":material/undo:", type="tertiary",
                     on_click=lambda: st.session_state.pop(grid_key, None))
    return kernel


def pick_settings(where, colour: bool) -> tuple[conv.ConvSettings, str, bool]:
    stride = page.slider("stride", 1, 4, 1, where=where)
    padding = page.slider("padding", 0, 4, 1, where=where)
    pad_mode = page.choice("pad_mode", list(conv.PAD_MODES), "zeros", labels=options(f"{NS}.pad_mode",
                           list(conv.PAD_MODES)), style="segmented", where=where)
    dilation = page.slider("dilation", 1, 3, 1, where=where)
    flip = page.toggle("flip", False, where=where)
    rgb = colour and page.choice("color", ["gray", "rgb"], "gray", labels=options(f"{NS}.color", ["gray", "rgb"]),
                                 style="segmented", where=where) == "rgb"
    view = page.choice("view", ["stretch", "clip", "abs"], "stretch",
                       labels=options(f"{NS}.view", ["stretch", "clip", "abs"]), where=where)
    return conv.ConvSettings(stride, padding, pad_mode, dilation, flip), view, rgb


def shape_error(err: conv.ConvShapeError) -> None:
    st.error(error_text(f"{NS}.error", err), icon=":material/crop_free:")


@st.cache_data(max_entries=4, show_spinner=False)
def moved_feature_maps(image: np.ndarray, kernel: np.ndarray, shift: int, settings: conv.ConvSettings):
    return shift_check(image, kernel, shift, shift, settings)


def conv_versus_dense(image: np.ndarray, kernel: np.ndarray, settings: conv.ConvSettings, view: str,
                      out_shape: tuple[int, int]) -> None:
    """Local windows and shared weights: the parameter counts side by side, and a moved picture's feature map."""
    st.subheader(t(f"{NS}.dense.heading"))
    st.markdown(t(f"{NS}.dense.text"))
    h, w, k = image.shape[0], image.shape[1], kernel.shape[0]
    c = image.shape[2] if image.ndim == 3 else 1
    cols = st.columns([1, 1.3, 1.3], vertical_alignment="bottom")
    filters = page.slider("filters", 1, 64, 8, where=cols[0])
    counts = parameter_counts(h, w, c, k, filters, *out_shape)
    cols[1].metric(t(f"{NS}.dense.conv_metric", filters=filters, k=k, c=c), f"{counts.conv:,}")
    outputs = filters * out_shape[0] * out_shape[1]
    cols[2].metric(t(f"{NS}.dense.dense_metric", inputs=f"{h * w * c:,}", outputs=f"{outputs:,}"), f"{counts.dense:,}")
    st.markdown(t(f"{NS}.dense.ratio", ratio=f"{counts.ratio:,.0f}"))
    top = max(1, min(h, w) // 4)  # a quarter of the picture at most
    page.limit("shift", top)
    shift = page.slider("shift", 0, top, min(3, top))
    check = moved_feature_maps(image, kernel, shift, settings)
    left, right = st.columns(2)
    left.image(enlarge(as_rgb(to_display(check.conv_of_shifted, view)))[0], width="stretch",
               caption=t(f"{NS}.dense.conv_of_shifted", shift=shift))
    right.image(enlarge(as_rgb(to_display(check.shifted_conv, view)))[0], width="stretch",
                caption=t(f"{NS}.dense.shifted_conv", shift=shift))
    st.caption(t(f"{NS}.dense.equal", border=check.border, diff=f"{check.max_difference:.1e}"))
    takeaway(NS, "dense")


col_picture, col_kernel, col_settings = st.columns([1.1, 1, 1], gap="medium")
col_picture.subheader(t(f"{NS}.picture"))
col_kernel.subheader(t(f"{NS}.kernel"))
col_settings.subheader(t(f"{NS}.sliding"))
picture = pick_picture(col_picture)
kernel = pick_kernel(col_kernel)
settings, view, rgb = pick_settings(col_settings, colour=picture is not None and picture.ndim == 3)

if picture is not None:
    image = picture if rgb else to_gray(picture)
    h, w, k = image.shape[0], image.shape[1], kernel.shape[0]
    try:
        out_h, out_w = conv.output_shape(h, w, k, settings)
    except conv.ConvShapeError as err:
        shape_error(err)
        out_h = out_w = 0
    if out_h:
        output = conv.cross_correlate(image, kernel, settings)
        st.divider()
        images_area = st.container()  # filled below, once the chosen output pixel is known
        st.subheader(t(f"{NS}.step_header"))
        st.markdown(t(f"{NS}.step_text"))
        pos = st.columns([1, 1, 1] if rgb else [1, 1])
        row = col = 0
        if out_h > 1:
            page.limit("row", out_h - 1)
            row = page.slider("row", 0, out_h - 1, out_h // 2, where=pos[0])
        if out_w > 1:
            page.limit("col", out_w - 1)
            col = page.slider("col", 0, out_w - 1, out_w // 2, where=pos[1])
        channel = CHANNELS.index(page.choice("channel", CHANNELS, "r", labels=options(f"{NS}.channel", CHANNELS),
                                             style="segmented", where=pos[2])) if rgb else None
        win = conv.window(image, kernel, settings, row, col, channel)

        span = settings.dilation * (k - 1) + 1
        shown_in, scale_in = enlarge(as_rgb(to_display(image, "clip")))
        shown_in = draw_box(shown_in, int(win.rows[0]), int(win.cols[0]), span, span, scale_in)
        shown_out, scale_out = enlarge(as_rgb(to_display(output, view)))
        shown_out = draw_box(shown_out, row, col, 1, 1, scale_out)
        left, middle, right = images_area.columns([1, 0.8, 1], gap="medium")
        depth = "×3" if rgb else ""
        left.image(shown_in, caption=t(f"{NS}.input_caption", h=h, w=w, depth=depth), width="stretch")
        with middle:
            show(kernel_figure(conv.effective_kernel(kernel, settings.flip), t(f"{NS}.kernel_title")),
                 key=f"{NS}.kernel", csv=False)  # the grid above already holds its numbers
            if settings.flip:
                st.caption(t(f"{NS}.flipped"))
        low, high = f"{float(output.min()):.3g}", f"{float(output.max()):.3g}"
        right.image(shown_out, width="stretch",
                    caption=t(f"{NS}.output_caption", h=out_h, w=out_w, depth=depth, lo=low, hi=high))

        for line in window_latex(win.values, win.weights, win.products, win.total, ~win.inside,
                                 t(f"{NS}.window_word"), t(f"{NS}.kernel_word")):
            st.latex(line)
        pixel = output[row, col] if channel is None else output[row, col, channel]
        st.caption(t(f"{NS}.step_check", value=f"{float(pixel):.4g}", row=row, col=col))

        st.subheader(t(f"{NS}.size_header"))
        st.markdown(t(f"{NS}.size_text"))
        p, d, s = settings.padding, settings.dilation, settings.stride
        st.latex(conv_size_latex("H", h, k, s, p, d, out_h))
        st.latex(conv_size_latex("W", w, k, s, p, d, out_w))
        takeaway(NS, "filter")
        st.divider()
        conv_versus_dense(image, kernel, settings, view, (out_h, out_w))

with st.expander(t(f"{NS}.explain_header"), icon=":material/school:"):
    st.markdown(t(f"{NS}.explain"))

page.finish()
