"""Max, average and global average pooling, written out with explicit windows (NumPy) so each one can be shown.

    out[i, j] = reduce over the k×k window of x_pad starting at (i·s, j·s)
    H_out = ⌊(H + 2p − k) / s⌋ + 1

as torch.nn.MaxPool2d / AvgPool2d with their defaults (ceil_mode=False; average pooling counts padded
zeros, count_include_pad=True). Max pooling pads with −∞, so padding is never the maximum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.errors import InputError

KINDS = ("max", "avg", "global_avg")


class PoolShapeError(InputError):
    """Settings PyTorch would refuse; `code` + `detail` for the UI.

    codes: "pad_too_big" (padding > k/2: a window could hold nothing but padding), "too_small".
    """



@dataclass(frozen=True)
class PoolSettings:
    kind: str = "max"  # one of KINDS
    kernel: int = 2
    stride: int = 2
    padding: int = 0


def output_size(n: int, k: int, stride: int, padding: int) -> int:
    """⌊(n + 2p − k) / s⌋ + 1 (may be ≤ 0: the window does not fit)."""
    return (n + 2 * padding - k) // stride + 1


def resolved(settings: PoolSettings, height: int, width: int) -> tuple[int, int, int, int]:
    """(kernel_h, kernel_w, stride, padding) actually used: global pooling's window is the whole input."""
    if settings.kind == "global_avg":
        return height, width, 1, 0
    return settings.kernel, settings.kernel, settings.stride, settings.padding


def output_shape(height: int, width: int, settings: PoolSettings) -> tuple[int, int]:
    kh, kw, s, p = resolved(settings, height, width)
    if 2 * p > min(kh, kw):
        raise PoolShapeError("pad_too_big", padding=p, kernel=kh)
    out = output_size(height, kh, s, p), output_size(width, kw, s, p)
    if min(out) < 1:
        raise PoolShapeError("too_small", kernel=kh, height=height + 2 * p, width=width + 2 * p)
    return out


def _padded(x: np.ndarray, settings: PoolSettings, padding: int) -> np.ndarray:
    fill = -np.inf if settings.kind == "max" else 0.0
    widths = [(padding, padding), (padding, padding)] + [(0, 0)] * (x.ndim - 2)
    return np.pad(x.astype(np.float64), widths, mode="constant", constant_values=fill)


def windows(x: np.ndarray, settings: PoolSettings) -> np.ndarray:
    """Every window: (H_out, W_out, [C,] k_h, k_w) — padding cells hold −∞ (max) or 0 (average)."""
    height, width = x.shape[:2]
    output_shape(height, width, settings)
    kh, kw, s, p = resolved(settings, height, width)
    view = sliding_window_view(_padded(x, settings, p), (kh, kw), axis=(0, 1))
    return view[::s, ::s]


def pool2d(x: np.ndarray, settings: PoolSettings) -> np.ndarray:
    """Pool an (H, W) or (H, W, C) array; returns (H_out, W_out[, C])."""
    win = windows(x, settings)
    reduced = win.max(axis=(-2, -1)) if settings.kind == "max" else win.mean(axis=(-2, -1))
    return reduced.astype(np.float32)


@dataclass(frozen=True)
class PoolWindow:
    """The cells one output value is computed from."""

    values: np.ndarray  # (k_h, k_w) with NaN where the window covers padding
    result: float
    top: int  # input row of the window's first cell (negative inside the padding)
    left: int
    height: int
    width: int


def window(x: np.ndarray, settings: PoolSettings, row: int, col: int) -> PoolWindow:
    """Output cell (row, col) of a 2-D input, with the cells its window covers."""
    height, width = x.shape
    kh, kw, s, p = resolved(settings, height, width)
    top, left = row * s - p, col * s - p
    values = np.full((kh, kw), np.nan)
    for i in range(kh):
        for j in range(kw):
            r, c = top + i, left + j
            if 0 <= r < height and 0 <= c < width:
                values[i, j] = x[r, c]
    if settings.kind == "max":
        result = float(np.nanmax(values))
    else:  # padding counts as zero in the average (count_include_pad=True)
        result = float(np.nan_to_num(values).sum() / (kh * kw))
    return PoolWindow(values, result, top, left, kh, kw)


def shift(x: np.ndarray, dx: int, dy: int = 0) -> np.ndarray:
    """Move the content right by dx and down by dy pixels; cells moved in from outside are zero."""
    out = np.zeros_like(x)
    h, w = x.shape[:2]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src_r = slice(max(0, -dy), h - max(0, dy))
    src_c = slice(max(0, -dx), w - max(0, dx))
    dst_r = slice(max(0, dy), h - max(0, -dy))
    dst_c = slice(max(0, dx), w - max(0, -dx))
    out[dst_r, dst_c] = x[src_r, src_c]
    return out


def shifted_views(image: np.ndarray, shift_px: int, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Two crops of one picture, the second showing the scene moved right by `shift_px`: no blank edge."""
    width = image.shape[1] - margin
    return image[:, margin:margin + width], image[:, margin - shift_px:margin - shift_px + width]


def _pooled_pair(image: np.ndarray, settings: PoolSettings, shift_px: int, margin: int):
    a, b = shifted_views(image, shift_px, margin)
    return pool2d(a, settings).ravel(), pool2d(b, settings).ravel()


def shift_similarity(image: np.ndarray, settings: PoolSettings, shifts: range) -> list[float]:
    """Pearson correlation between pool(x) and pool(x shifted by s px), for each shift s (1 = same pattern).

    With kernel 1 and stride 1 this compares the raw pixels: the baseline that pooling is measured against.
    """
    margin = max(shifts)
    similarity = []
    for px in shifts:
        a, b = _pooled_pair(image, settings, px, margin)
        spread = a.std() * b.std()
        similarity.append(float(np.mean((a - a.mean()) * (b - b.mean())) / spread) if spread > 0 else 1.0)
    return similarity


def unchanged_share(image: np.ndarray, settings: PoolSettings, shift_px: int, margin: int) -> float:
    """Fraction of output values that stay exactly the same when the scene moves by `shift_px` pixels."""
    a, b = _pooled_pair(image, settings, shift_px, margin)
    return float(np.mean(np.isclose(a, b, rtol=0.0, atol=1e-6)))
