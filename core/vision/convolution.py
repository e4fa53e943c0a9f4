"""2-D "convolution" as deep learning means it: cross-correlation with stride, padding and dilation.

    out[i, j] = Σ_m Σ_n  x_pad[i·s + m·d, j·s + n·d] · K[m, n]

(the formula of torch.nn.Conv2d, https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html). The kernel
is *not* flipped; flipping it gives the convolution of signal processing. Images are float arrays
(H, W) or (H, W, C); a colour image is filtered channel by channel with the same kernel.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.errors import InputError

PAD_MODES = ("zeros", "reflect", "replicate")
_TORCH_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}
_NUMPY_PAD = {"zeros": "constant", "reflect": "reflect", "replicate": "edge"}
PRESETS = ("identity", "box_blur", "gaussian", "sharpen", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y",
           "laplacian", "emboss", "outline")
KERNEL_SIZES = (3, 5)
MAX_KERNEL_VALUE = 100.0  # edited cells beyond this are refused: they only saturate the picture

_SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # Sobel & Feldman (1968): smoothing × central difference
_PREWITT_X = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]  # Prewitt (1970)
_THREE_BY_THREE = {
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],  # identity minus the 4-neighbour Laplacian
    "sobel_x": _SOBEL_X,
    "sobel_y": np.transpose(_SOBEL_X).tolist(),
    "prewitt_x": _PREWITT_X,
    "prewitt_y": np.transpose(_PREWITT_X).tolist(),
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
}
_BINOMIAL = {3: [1, 2, 1], 5: [1, 4, 6, 4, 1]}  # rows of Pascal's triangle: a discrete Gaussian


class ConvShapeError(InputError):
    """Settings that give no output (or that a padding mode cannot do); `code` + `detail` for the UI.

    codes: "too_small" (the dilated kernel is bigger than the padded image), "reflect_too_wide"
    (reflection needs padding < image side), "bad_kernel" (a cell is empty or too large).
    """



@dataclass(frozen=True)
class ConvSettings:
    stride: int = 1
    padding: int = 0
    pad_mode: str = "zeros"  # one of PAD_MODES
    dilation: int = 1
    flip: bool = False  # True: true convolution (kernel rotated by 180°) instead of cross-correlation


def preset_kernel(name: str, size: int = 3) -> np.ndarray:
    """A named kernel as a size×size float array; 3×3 classics are centred in a 5×5 grid of zeros."""
    if size not in KERNEL_SIZES:
        raise ValueError(size)
    if name == "identity":
        kernel = np.zeros((size, size))
        kernel[size // 2, size // 2] = 1.0
    elif name == "box_blur":
        kernel = np.full((size, size), 1.0 / size**2)
    elif name == "gaussian":
        row = np.array(_BINOMIAL[size], dtype=float)
        kernel = np.outer(row, row) / row.sum() ** 2
    elif name in _THREE_BY_THREE:
        kernel = np.zeros((size, size))
        offset = (size - 3) // 2
        kernel[offset:offset + 3, offset:offset + 3] = _THREE_BY_THREE[name]
    else:
        raise KeyError(name)
    return kernel


def check_kernel(values) -> np.ndarray:
    """A user-edited grid as a float kernel; empty, non-numeric or huge cells raise ConvShapeError."""
    kernel = np.asarray(values, dtype=float)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] not in KERNEL_SIZES:
        raise ConvShapeError("bad_kernel", limit=MAX_KERNEL_VALUE)
    if not np.all(np.isfinite(kernel)) or np.abs(kernel).max() > MAX_KERNEL_VALUE:
        raise ConvShapeError("bad_kernel", limit=MAX_KERNEL_VALUE)
    return kernel


def output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """⌊(n + 2p − d·(k−1) − 1) / s⌋ + 1 — may be ≤ 0, meaning the kernel does not fit."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def output_shape(height: int, width: int, k: int, settings: ConvSettings) -> tuple[int, int]:
    """(H_out, W_out), or ConvShapeError when the settings leave no output pixel."""
    if settings.pad_mode == "reflect" and settings.padding >= min(height, width):
        raise ConvShapeError("reflect_too_wide", padding=settings.padding, side=min(height, width))
    out = tuple(output_size(n, k, settings.stride, settings.padding, settings.dilation) for n in (height, width))
    if min(out) < 1:
        raise ConvShapeError("too_small", span=settings.dilation * (k - 1) + 1,
                             height=height + 2 * settings.padding, width=width + 2 * settings.padding)
    return out


def effective_kernel(kernel: np.ndarray, flip: bool) -> np.ndarray:
    """The weights actually slid over the image: flipped both ways for a true convolution."""
    return kernel[::-1, ::-1] if flip else kernel


def cross_correlate(image: np.ndarray, kernel: np.ndarray, settings: ConvSettings = ConvSettings()) -> np.ndarray:
    """Filter an (H, W) or (H, W, C) image; returns (H_out, W_out) or (H_out, W_out, C) float32."""
    k = kernel.shape[0]
    output_shape(image.shape[0], image.shape[1], k, settings)
    planes = torch.from_numpy(np.array(image, dtype=np.float32))  # a copy: cached images are read-only
    planes = planes.unsqueeze(0) if image.ndim == 2 else planes.permute(2, 0, 1)  # (C, H, W)
    channels = planes.shape[0]
    p = settings.padding
    if p:
        planes = F.pad(planes.unsqueeze(0), (p, p, p, p), mode=_TORCH_PAD[settings.pad_mode]).squeeze(0)
    weight = torch.from_numpy(np.ascontiguousarray(effective_kernel(kernel, settings.flip), dtype=np.float32))
    weight = weight.expand(channels, 1, k, k)  # the same kernel for every channel: groups = C
    with torch.no_grad():
        out = F.conv2d(planes.unsqueeze(0), weight, stride=settings.stride, dilation=settings.dilation,
                       groups=channels)[0]
    out = out[0] if image.ndim == 2 else out.permute(1, 2, 0)
    return out.numpy()


def pad(image: np.ndarray, padding: int, mode: str) -> np.ndarray:
    """The padded image (H + 2p, W + 2p[, C]) that the kernel slides over."""
    if padding == 0:
        return image
    widths = [(padding, padding), (padding, padding)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, widths, mode=_NUMPY_PAD[mode])


@dataclass(frozen=True)
class Window:
    """One output pixel worked out by hand: what the kernel sees, the products, and their sum."""

    values: np.ndarray  # (k, k) input values under the kernel taps (padding included)
    weights: np.ndarray  # (k, k) the kernel as applied (flipped for true convolution)
    products: np.ndarray  # values · weights
    total: float  # Σ products = the output pixel
    rows: np.ndarray  # (k,) input row of each tap; <0 or ≥H means it falls in the padding
    cols: np.ndarray  # (k,)
    inside: np.ndarray  # (k, k) True where the tap is on the picture, False on padding


def window(image: np.ndarray, kernel: np.ndarray, settings: ConvSettings, row: int, col: int,
           channel: int | None = None) -> Window:
    """The taps of output pixel (row, col) — for colour images pick a `channel`."""
    plane = image if image.ndim == 2 else image[..., channel or 0]
    k = kernel.shape[0]
    padded = pad(plane, settings.padding, settings.pad_mode)
    offsets = settings.dilation * np.arange(k)
    taps = row * settings.stride + offsets, col * settings.stride + offsets  # in padded coordinates
    values = padded[np.ix_(*taps)].astype(float)
    weights = effective_kernel(kernel, settings.flip).astype(float)
    products = values * weights
    rows, cols = taps[0] - settings.padding, taps[1] - settings.padding
    inside = ((rows >= 0) & (rows < plane.shape[0]))[:, None] & ((cols >= 0) & (cols < plane.shape[1]))[None, :]
    return Window(values, weights, products, float(products.sum()), rows, cols, inside)
