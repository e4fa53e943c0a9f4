"""3-D convolution as deep learning means it: a (t, h, w) kernel slid over a clip along time, height and width.

    out[i, j, l] = Σ_a Σ_b Σ_c  x_pad[i·s_t + a·d_t, j·s_h + b·d_h, l·s_w + c·d_w] · K[a, b, c]

(the formula of torch.nn.Conv3d, https://pytorch.org/docs/stable/generated/torch.nn.Conv3d.html, one input
and one output channel, no bias). Each axis has its own kernel size k, stride s, zero padding p and dilation
d, and its own output size ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1. A clip is a float array (T, H, W).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.errors import InputError
from core.vision.convolution import output_size

AXES = ("t", "h", "w")
KERNELS = ("right", "left", "down", "up", "change", "average", "random")
MAX_KERNEL = (5, 5, 5)  # the page's sliders: a window the learner can still read number by number


class Conv3dShapeError(InputError):
    """Settings that leave no output voxel: code "too_small", detail names the axis, the window's span there
    and the padded length it has to fit in."""


@dataclass(frozen=True)
class Conv3dSettings:
    kernel: tuple[int, int, int] = (3, 3, 3)  # (k_t, k_h, k_w)
    stride: tuple[int, int, int] = (1, 1, 1)
    padding: tuple[int, int, int] = (0, 0, 0)  # zeros on both sides of each axis
    dilation: tuple[int, int, int] = (1, 1, 1)

    def span(self, axis: int) -> int:
        """How many input positions the (dilated) kernel covers along `axis`: d(k−1) + 1."""
        return self.dilation[axis] * (self.kernel[axis] - 1) + 1


def output_shape(shape: tuple[int, int, int], settings: Conv3dSettings) -> tuple[int, int, int]:
    """(T_out, H_out, W_out) for an input (T, H, W), or Conv3dShapeError on the first axis with no room."""
    out = []
    for axis, n in enumerate(shape):
        size = output_size(n, settings.kernel[axis], settings.stride[axis], settings.padding[axis],
                           settings.dilation[axis])
        if size < 1:
            raise Conv3dShapeError("too_small", axis=AXES[axis], span=settings.span(axis),
                                   size=n + 2 * settings.padding[axis])
        out.append(size)
    return tuple(out)


def preset_kernel(name: str, size: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    """A named (k_t, k_h, k_w) kernel.

    right / left / down / up: a bar that moves one pixel per frame through the window (a line in space-time),
    minus its mean — it answers to motion in that direction, and gives 0 on a still, flat patch.
    change: the window's last frame minus its first (spatially averaged): a frame difference, blind to direction.
    average: a 3-D box blur. random: Gaussian weights scaled by 1/√(number of weights), as before training.
    """
    kt, kh, kw = size
    if name in ("right", "left", "down", "up"):
        kernel = np.zeros(size)
        for a in range(kt):
            shift = a - (kt - 1) // 2
            if name in ("right", "left"):
                col = (kw - 1) // 2 + (shift if name == "right" else -shift)
                if 0 <= col < kw:
                    kernel[a, :, col] = 1.0
            else:
                row = (kh - 1) // 2 + (shift if name == "down" else -shift)
                if 0 <= row < kh:
                    kernel[a, row, :] = 1.0
        total = kernel.sum()
        return (kernel - kernel.mean()) / total if total else kernel
    if name == "change":
        kernel = np.zeros(size)
        if kt > 1:
            kernel[-1] += 1.0 / (kh * kw)
            kernel[0] -= 1.0 / (kh * kw)
        return kernel
    if name == "average":
        return np.full(size, 1.0 / (kt * kh * kw))
    if name == "random":
        return np.random.default_rng(seed).normal(0.0, 1.0, size) / np.sqrt(kt * kh * kw)
    raise KeyError(name)


def cross_correlate3d(clip: np.ndarray, kernel: np.ndarray, settings: Conv3dSettings) -> np.ndarray:
    """The output (T_out, H_out, W_out) of sliding `kernel` over `clip` (T, H, W) — F.conv3d, zero padding."""
    output_shape(clip.shape, settings)
    x = torch.tensor(np.asarray(clip, dtype=np.float32))[None, None]  # (1, 1, T, H, W), a copy: clips are read-only
    weight = torch.from_numpy(np.ascontiguousarray(kernel, dtype=np.float32))[None, None]
    with torch.no_grad():
        out = F.conv3d(x, weight, stride=settings.stride, padding=settings.padding, dilation=settings.dilation)
    return out[0, 0].numpy()


@dataclass(frozen=True)
class Voxel:
    """One output voxel worked out by hand: the input block the kernel reads, the products and their sum."""

    values: np.ndarray  # (k_t, k_h, k_w) input values under the kernel's taps (0 on padding)
    weights: np.ndarray  # (k_t, k_h, k_w)
    products: np.ndarray  # values · weights
    total: float  # Σ products = the output voxel
    taps: tuple[np.ndarray, np.ndarray, np.ndarray]  # input frame, row, column of each tap; outside = padding
    inside: np.ndarray  # (k_t, k_h, k_w) True where the tap reads the clip, False where it reads padding


def voxel(clip: np.ndarray, kernel: np.ndarray, settings: Conv3dSettings, position: tuple[int, int, int]) -> Voxel:
    """The taps of output voxel `position` = (t, y, x), counted in the output's own coordinates."""
    taps, masks = [], []
    for axis, index in enumerate(position):
        where = index * settings.stride[axis] - settings.padding[axis] + settings.dilation[axis] * np.arange(
            settings.kernel[axis])
        taps.append(where)
        masks.append((where >= 0) & (where < clip.shape[axis]))
    inside = masks[0][:, None, None] & masks[1][None, :, None] & masks[2][None, None, :]
    clipped = [np.clip(where, 0, n - 1) for where, n in zip(taps, clip.shape)]
    values = np.where(inside, clip[np.ix_(*clipped)], 0.0).astype(float)
    weights = np.asarray(kernel, dtype=float)
    products = values * weights
    return Voxel(values, weights, products, float(products.sum()), tuple(taps), inside)


@dataclass(frozen=True)
class KernelCost:
    params: int  # weights + biases, as torch.nn counts them
    macs: int  # multiply-accumulates for one clip


def factorized_width(c_in: int, c_out: int, k: int, k_t: int) -> int:
    """Channels M between the spatial and the temporal half of a (2+1)-D block, chosen so it has about as many
    weights as the full 3-D kernel: M = ⌊k_t k² C_in C_out / (k² C_in + k_t C_out)⌋
    (Tran et al., 2018, section 3.5)."""
    return max(1, (k_t * k * k * c_in * c_out) // (k * k * c_in + k_t * c_out))


def kernel_costs(c_in: int, c_out: int, k: int, k_t: int, frames: int, height: int,
                 width: int) -> dict[str, KernelCost]:
    """One layer C_in → C_out on a (frames, height, width) clip, "same" padding and stride 1, three ways:

    "2d": a 1×k×k kernel applied to every frame on its own (sees no motion);
    "r2plus1d": a 1×k×k convolution to M channels, then a k_t×1×1 convolution over time (R(2+1)D);
    "3d": a full k_t×k×k kernel (C3D, Tran et al., 2015).
    MACs = output voxels × output channels × weights per output value.
    """
    voxels = frames * height * width
    mid = factorized_width(c_in, c_out, k, k_t)
    return {
        "2d": KernelCost(c_out * (c_in * k * k + 1), voxels * c_out * c_in * k * k),
        "r2plus1d": KernelCost(mid * (c_in * k * k + 1) + c_out * (mid * k_t + 1),
                               voxels * (mid * c_in * k * k + c_out * mid * k_t)),
        "3d": KernelCost(c_out * (c_in * k_t * k * k + 1), voxels * c_out * c_in * k_t * k * k),
    }
