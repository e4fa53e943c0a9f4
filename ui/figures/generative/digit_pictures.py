"""Helpers both generative pages share: digit images as pictures and as hover text, thinned curves."""
from __future__ import annotations

import numpy as np

from ui.figures.common import png_data_uri, thinned_index

SHADES = ".-+#@"  # ink 0 → 1 for digits drawn in hover text: ASCII keeps the JSON small (no \u escapes)


def thin(xs: list[float], *series: list[float], limit: int = 600) -> tuple[list[float], ...]:
    """Every k-th point (the last one kept) so long curves stay cheap to send to the browser
    (`common.thinned_index`: the one rule for every curve)."""
    if len(xs) <= limit:
        return (xs, *series)
    idx = thinned_index(len(xs), limit).tolist()
    return ([xs[i] for i in idx], *[[s[i] for i in idx] for s in series])


def digit_grid_image(images: np.ndarray, columns: int, scale: int = 6, gap: int = 1) -> np.ndarray:
    """Images (N, 8, 8) in [0, 1] (1 = ink) tiled as dark ink on white, each pixel scale×scale: uint8 (H, W)."""
    n = len(images)
    rows = -(-n // columns)
    cell = 8 * scale + gap
    canvas = np.full((rows * cell + gap, columns * cell + gap), 200, dtype=np.uint8)
    big = np.kron(np.clip(images, 0, 1), np.ones((scale, scale)))
    for i in range(n):
        r, c = divmod(i, columns)
        canvas[gap + r * cell: gap + r * cell + 8 * scale, gap + c * cell: gap + c * cell + 8 * scale] = \
            (255 * (1 - big[i])).astype(np.uint8)
    return canvas


def digit_art(image: np.ndarray) -> str:
    """An 8×8 image as 8 lines of characters, denser for more ink (two per pixel, so it looks square): for hovers."""
    levels = np.clip(np.rint(np.asarray(image) * (len(SHADES) - 1)), 0, len(SHADES) - 1).astype(int)
    return "<br>".join("".join(SHADES[v] * 2 for v in row) for row in levels)


def digit_picture(images: np.ndarray, columns: int, scale: int = 6) -> str:
    """Digits (N, 8, 8) tiled in `columns` columns, as an inline PNG for st.image."""
    return png_data_uri(digit_grid_image(images, columns, scale))
