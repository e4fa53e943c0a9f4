"""Why pictures get convolutions, not dense layers: far fewer weights, and a shifted input gives a shifted output.

A convolution connects each output pixel only to a k×k window (local connectivity) and uses the same k×k
weights at every position (weight sharing). So its parameter count does not grow with the picture, and moving
the picture moves the feature map by the same amount (translation equivariance, Goodfellow et al., "Deep
Learning", §9.2): conv(shift(x)) = shift(conv(x)) wherever neither side sees the border.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.vision.convolution import ConvSettings, cross_correlate


@dataclass(frozen=True)
class ParameterCount:
    """Weights + biases of a k×k filter bank and of a dense layer with the same input and output sizes."""

    conv: int  # filters · (channels · k² + 1)
    dense: int  # (H · W · channels) · outputs + outputs, outputs = filters · H_out · W_out

    @property
    def ratio(self) -> float:
        return self.dense / self.conv


def parameter_counts(height: int, width: int, channels: int, kernel: int, filters: int,
                     out_height: int, out_width: int) -> ParameterCount:
    """The two layers' sizes (the counts torch.nn.Conv2d and torch.nn.Linear would have, biases included)."""
    outputs = filters * out_height * out_width
    return ParameterCount(conv=filters * (channels * kernel * kernel + 1),
                          dense=height * width * channels * outputs + outputs)


def translate(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The picture moved down by `dy` and right by `dx` pixels (negative: up/left); uncovered pixels are 0."""
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    src_rows, dst_rows = slice(max(-dy, 0), h - max(dy, 0)), slice(max(dy, 0), h - max(-dy, 0))
    src_cols, dst_cols = slice(max(-dx, 0), w - max(dx, 0)), slice(max(dx, 0), w - max(-dx, 0))
    out[dst_rows, dst_cols] = image[src_rows, src_cols]
    return out


@dataclass(frozen=True)
class ShiftCheck:
    """conv(shift(x)) and shift(conv(x)) side by side, and how far apart they are away from the border."""

    conv_of_shifted: np.ndarray
    shifted_conv: np.ndarray
    border: int  # pixels at each edge where zero fill or padding make the two differ
    max_difference: float  # largest |difference| inside the border (0 up to round-off)


def shift_check(image: np.ndarray, kernel: np.ndarray, dy: int, dx: int,
                settings: ConvSettings = ConvSettings()) -> ShiftCheck:
    """Shift then filter, and filter then shift, with stride 1 (a stride s keeps only shifts by multiples of s)."""
    settings = replace(settings, stride=1)
    a = cross_correlate(translate(image, dy, dx), kernel, settings)
    b = translate(cross_correlate(image, kernel, settings), dy, dx)
    border = settings.padding + max(abs(dy), abs(dx))  # windows touching padding or the uncovered strip
    inner = (slice(border, a.shape[0] - border), slice(border, a.shape[1] - border))
    diff = np.abs(a[inner] - b[inner])
    return ShiftCheck(a, b, border, float(diff.max()) if diff.size else 0.0)
