"""Picture upload box: the file is checked and decoded (core.vision.images), or the user reads why it was refused."""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.vision.images import MAX_UPLOAD_BYTES, ImageError, decode_image
from ui.i18n import error_text, t


def image_error_text(err: ImageError) -> str:
    """The user's language's explanation of why an upload was refused."""
    return error_text("vision.image_error", err)


def image_upload(key: str, *, max_side: int = 256, label: str | None = None, where=None) -> np.ndarray | None:
    """A PNG/JPEG upload box; returns the picture as float (H, W) or (H, W, 3) in [0, 1], shrunk to `max_side`.

    Returns None when nothing is uploaded yet, or after showing a translated error for a file that is
    not an image, damaged, too large in bytes or in pixels. A decoded file is kept per session (by its
    upload id), so reruns do not decode it again.
    """
    box = where or st
    uploaded = box.file_uploader(label or t("vision.upload.label"), type=["png", "jpg", "jpeg"], key=key,
                                 help=t("vision.upload.help", limit_mb=MAX_UPLOAD_BYTES // 1_000_000),
                                 max_upload_size=MAX_UPLOAD_BYTES // 1_000_000)
    if uploaded is None:
        return None
    memo_key = f"{key}.decoded"
    memo = st.session_state.get(memo_key)
    if memo is not None and memo[0] == (uploaded.file_id, max_side):
        image, error = memo[1], memo[2]
    else:
        image, error = None, None
        try:
            image = decode_image(uploaded.getvalue(), max_side=max_side)
        except ImageError as err:
            error = err
        st.session_state[memo_key] = ((uploaded.file_id, max_side), image, error)
    if error is not None:
        box.error(image_error_text(error), icon=":material/broken_image:")
        return None
    return image
