"""Shape calculator: push a (C, H, W) input through a small stack of conv / pool layers and report every shape.

Conv:  H_out = ⌊(H + 2p − d·(k−1) − 1) / s⌋ + 1, channels → the layer's filters
Pool:  H_out = ⌊(H + 2p − k) / s⌋ + 1, channels unchanged, and PyTorch's rule p ≤ k/2
(torch.nn.Conv2d / MaxPool2d / AvgPool2d with default ceil_mode=False). The first layer that cannot work
stops the calculation with a reason; the layers after it are not computed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.vision.convolution import output_size as conv_size
from core.vision.pooling import output_size as pool_size

KINDS = ("conv", "maxpool", "avgpool")
LIMITS = {"channels": (1, 4096), "kernel": (1, 15), "stride": (1, 8), "padding": (0, 10), "dilation": (1, 8)}
INPUT_LIMITS = {"channels": (1, 4096), "size": (1, 4096)}
MAX_LAYERS = 12


@dataclass(frozen=True)
class LayerSpec:
    kind: str  # one of KINDS
    channels: int | None = None  # output channels (conv only)
    kernel: int = 3
    stride: int = 1
    padding: int = 0
    dilation: int = 1  # conv only


@dataclass(frozen=True)
class ShapeStep:
    spec: LayerSpec | None  # None: the row's cells were refused
    shape_in: tuple[int, int, int]
    shape_out: tuple[int, int, int] | None  # None when this layer is invalid
    params: int  # weights + biases of a convolution; 0 for pooling
    error: str | None = None  # "bad_value", "unknown_kind", "pad_too_big", "too_small"
    detail: tuple[tuple[str, object], ...] = ()


class ShapeInputError(ValueError):
    """An input shape outside INPUT_LIMITS (or not a whole number)."""


def _whole(value) -> int | None:
    """A cell's value as int, or None if it is empty, fractional or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def clean_spec(kind, channels, kernel, stride, padding, dilation=1) -> tuple[LayerSpec | None, tuple]:
    """A LayerSpec from raw cells (possibly empty or odd), or None plus which field is wrong and its range."""
    if kind not in KINDS:
        return None, (("field", "kind"),)
    raw = {"kernel": kernel, "stride": stride, "padding": padding,
           "dilation": dilation if kind == "conv" else 1, "channels": channels if kind == "conv" else 1}
    values = {}
    for name, value in raw.items():
        number = _whole(value)
        lo, hi = LIMITS[name]
        if number is None or not lo <= number <= hi:
            return None, (("field", name), ("lo", lo), ("hi", hi))
        values[name] = number
    return LayerSpec(kind, values["channels"] if kind == "conv" else None, values["kernel"], values["stride"],
                     values["padding"], values["dilation"]), ()


def propagate(shape: tuple[int, int, int], layers: list[LayerSpec | None],
              problems: list[tuple] | None = None) -> list[ShapeStep]:
    """Every layer's input and output shape; stops at the first invalid layer (the later ones are left out).

    `layers` may hold None for a row whose cells were refused by `clean_spec`; `problems[i]` then says why.
    """
    for size, (lo, hi) in zip(shape, (INPUT_LIMITS["channels"], INPUT_LIMITS["size"], INPUT_LIMITS["size"])):
        if not lo <= size <= hi:
            raise ShapeInputError(shape)
    steps: list[ShapeStep] = []
    current = tuple(shape)
    for i, spec in enumerate(layers):
        if spec is None:
            detail = (problems or [()] * len(layers))[i]
            steps.append(ShapeStep(None, current, None, 0, "bad_value", detail))
            break
        step = _apply(spec, current)
        steps.append(step)
        if step.shape_out is None:
            break
        current = step.shape_out
    return steps


def _apply(spec: LayerSpec, shape: tuple[int, int, int]) -> ShapeStep:
    c, h, w = shape
    k, s, p, d = spec.kernel, spec.stride, spec.padding, spec.dilation
    if spec.kind == "conv":
        out = (spec.channels, conv_size(h, k, s, p, d), conv_size(w, k, s, p, d))
        params = spec.channels * c * k * k + spec.channels
        span = d * (k - 1) + 1
    else:
        if 2 * p > k:
            return ShapeStep(spec, shape, None, 0, "pad_too_big", (("p", p), ("k", k)))
        out = (c, pool_size(h, k, s, p), pool_size(w, k, s, p))
        params, span = 0, k
    if min(out[1:]) < 1:
        return ShapeStep(spec, shape, None, 0, "too_small",
                         (("span", span), ("h", h + 2 * p), ("w", w + 2 * p)))
    return ShapeStep(spec, shape, out, params)
