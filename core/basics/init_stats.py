"""How the spread of activations and gradients changes through a deep stack of `act(W h)` layers.

Initialisation schemes (weights ~ N(0, std^2), biases 0):
  Xavier/Glorot — std = sqrt(2 / (fan_in + fan_out))   Glorot & Bengio 2010, "Understanding the difficulty
                  of training deep feedforward neural networks", eq. 16 (the normal form of torch's
                  xavier_normal_);
  He/Kaiming    — std = sqrt(2 / fan_in)               He et al. 2015, "Delving Deep into Rectifiers", eq. 10
                  (torch's kaiming_normal_ with ReLU gain);
  normal        — a fixed std chosen by the user.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.basics.activations import Activation

INITS = ("xavier", "he", "normal")
FLAT_SLOPE = 0.01  # a unit whose local slope is below this passes (almost) no gradient
SAMPLES_PER_LAYER = 16_384  # batch x width: the batch shrinks as the layers widen, so cost grows only with width

INIT_LATEX = {
    "xavier": r"W_{ij}\sim\mathcal{N}\Bigl(0,\ \frac{2}{n_\mathrm{in}+n_\mathrm{out}}\Bigr)",
    "he": r"W_{ij}\sim\mathcal{N}\Bigl(0,\ \frac{2}{n_\mathrm{in}}\Bigr)",
    "normal": r"W_{ij}\sim\mathcal{N}(0,\ \sigma_w^{2})",
}


def init_std(init: str, fan_in: int, fan_out: int, sigma: float) -> float:
    """The standard deviation of the weights for one layer."""
    if init == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    if init == "he":
        return math.sqrt(2.0 / fan_in)
    if init == "normal":
        return float(sigma)
    raise ValueError(f"unknown init {init!r}")


def stack_weights(depth: int, width: int, init: str, sigma: float, seed: int) -> list[torch.Tensor]:
    """depth square weight matrices (width x width) drawn from the scheme, reproducibly from `seed`."""
    gen = torch.Generator().manual_seed(seed)
    std = init_std(init, width, width, sigma)
    return [torch.randn(width, width, generator=gen) * std for _ in range(depth)]


def batch_size(width: int) -> int:
    return max(1, SAMPLES_PER_LAYER // width)


@dataclass(frozen=True)
class StackStats:
    """Per layer l = 0..depth (0 = the input): spread of h_l and of dL/dh_l; per weight layer: of dL/dW_l."""

    act_std: np.ndarray  # (depth + 1,)
    grad_std: np.ndarray  # (depth + 1,)  the gradient arriving at h_l from above
    weight_grad_std: np.ndarray  # (depth,)  layers 1..depth
    layers: dict[int, np.ndarray]  # a few layers' activations (flattened), for histograms
    first_bad_layer: int | None  # first layer with an inf/NaN activation, if any
    flat_share: float  # share of the last layer's units with |f'(z)| < FLAT_SLOPE: saturated or switched off


def propagate(act: Activation, weights: list[torch.Tensor], x: torch.Tensor, upstream: torch.Tensor,
              keep: tuple[int, ...] = ()) -> StackStats:
    """Forward h_l = act(h_{l-1} W_l^T), then backward from L = sum(h_L * upstream) by autograd."""
    hs = [x]
    h = x
    z = x
    for W in weights:
        z = h @ W.T  # (batch, width) pre-activations
        h = act(z)
        h.retain_grad()
        hs.append(h)
    x.grad = None
    for W in weights:
        W.grad = None
    (hs[-1] * upstream).sum().backward()
    act_std = np.array([float(v.detach().std()) for v in hs])
    grad_std = np.array([float(v.grad.std()) if v.grad is not None else 0.0 for v in hs])
    weight_grad_std = np.array([float(W.grad.std()) if W.grad is not None else 0.0 for W in weights])
    bad = [i for i, v in enumerate(hs) if not torch.isfinite(v.detach()).all()]
    layers = {i: hs[i].detach().flatten().numpy().astype(np.float64) for i in keep if 0 <= i < len(hs)}
    z_last = z.detach().clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(act(z_last).sum(), z_last, allow_unused=True, materialize_grads=True)
    flat = float((slope.abs() < FLAT_SLOPE).float().mean()) if weights else 0.0
    return StackStats(act_std, grad_std, weight_grad_std, layers, bad[0] if bad else None, flat)


def histogram_layers(depth: int) -> tuple[int, ...]:
    """The layers shown as histograms: the first, two in between, and the last."""
    picks = sorted({1, max(1, round(depth / 3)), max(1, round(2 * depth / 3)), depth})
    return tuple(picks)


def deep_stack(act: Activation, depth: int, width: int, init: str, sigma: float = 0.01,
               seed: int = 0) -> StackStats:
    """Inputs x ~ N(0, 1) through `depth` layers of `width` units; a random N(0, 1) gradient comes back."""
    weights = [W.requires_grad_(True) for W in stack_weights(depth, width, init, sigma, seed)]
    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch_size(width), width, generator=gen, requires_grad=True)
    upstream = torch.randn(batch_size(width), width, generator=gen)
    return propagate(act, weights, x, upstream, keep=histogram_layers(depth))
