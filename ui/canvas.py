"""A drawing pad: the user paints with the mouse (or a finger), the page gets the ink as a grayscale array.

Wraps `streamlit_drawable_canvas.st_canvas` (dark strokes on white). AppTest cannot paint on it, so
pages must handle `None` ("nothing drawn yet") and test what they do with a drawing through core functions.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.vision.images import resize

INK_THRESHOLD = 0.05  # below this everywhere, the canvas counts as blank
STROKE = "#111827"  # the app's text colour
STROKE_LUMA = (0.299 * 0x11 + 0.587 * 0x18 + 0.114 * 0x27) / 255  # BT.601 luma of STROKE


def ink_from_rgba(rgba: np.ndarray, stroke_luma: float = STROKE_LUMA) -> np.ndarray:
    """Ink amount in [0, 1] per pixel from RGBA pixels: the stroke colour (opaque) = 1, white or clear = 0."""
    rgba = np.asarray(rgba, dtype=np.float32) / 255.0
    if rgba.ndim != 3 or rgba.shape[2] < 3:
        raise ValueError(rgba.shape)
    luma = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    alpha = rgba[..., 3] if rgba.shape[2] == 4 else np.ones(rgba.shape[:2], np.float32)
    return np.clip(alpha * (1.0 - luma) / (1.0 - stroke_luma), 0.0, 1.0)


def drawing_canvas(key: str, *, size: int | tuple[int, int] | None = None, canvas_px: int = 240,
                   stroke_width: int = 18, where=None) -> np.ndarray | None:
    """Show a square drawing pad of `canvas_px` screen pixels; return what is drawn, or None while it is blank.

    The result is a float32 (H, W) array with ink in [0, 1] (1 = fully painted), resampled to `size`
    (an int for a square, or (height, width)); `size=None` keeps the canvas's own resolution. The pad's
    toolbar (undo, redo, clear) belongs to the component.
    """
    from streamlit_drawable_canvas import st_canvas

    with where or st.container():
        result = st_canvas(stroke_width=stroke_width, stroke_color=STROKE, background_color="#ffffff",
                           height=canvas_px, width=canvas_px, drawing_mode="freedraw",
                           return_image_data=True, key=key)
    rgba = result.image_data
    if rgba is None or not (result.json_data or {}).get("objects"):
        return None
    ink = ink_from_rgba(rgba)
    if ink.max() < INK_THRESHOLD:
        return None
    if size is not None:
        height, width = (size, size) if isinstance(size, int) else size
        ink = resize(ink, height, width)
    return ink
