"""Building blocks the GAN-variants page shares: small torch.nn networks drawn from a run's own generator, Adam
as GANs use it, and the logistic GAN loss written with torch's own functions.

Trainers never reseed torch's global generator (other sessions draw from it): every weight here is drawn from
the `torch.Generator` passed in, with the same distributions torch.nn's default initialisation uses.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from core.device import device

LEAK = 0.2  # slope of leaky ReLU below zero (DCGAN's value)
ADAM_BETAS = (0.5, 0.999)  # β1 = 0.5 as in DCGAN (Radford et al. 2015): calmer GAN dynamics than 0.9


def build(make: Callable[[], nn.Module], generator: torch.Generator, dev: torch.device = device) -> nn.Module:
    """`make()` with its weights drawn from `generator`, on `dev`.

    A torch.nn layer draws its initial weights from the global generator as it is constructed; built on the
    "meta" device it draws nothing (meta tensors have no values), and `init_from` then fills it from ours.
    """
    with torch.device("meta"):
        module = make()
    return init_from(module.to_empty(device="cpu"), generator).to(dev)


def init_from(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Redraw every Linear/Conv weight and bias as torch.nn does by default (U(±1/√fan_in) for both), but from
    `generator`: two runs with the same seed start from the same weights, whatever else drew random numbers."""
    covered = 0
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            covered += sum(1 for _ in layer.parameters(recurse=False))
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    if covered != sum(1 for _ in module.parameters()):
        raise TypeError(f"{type(module).__name__} has parameters init_from does not know how to draw")
    return module


def mlp(sizes: tuple[int, ...], out: nn.Module | None = None) -> nn.Sequential:
    """Linear layers `sizes[0] → … → sizes[-1]` with leaky ReLU between them and `out` (if any) at the end."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(LEAK))
    if out is not None:
        layers.append(out)
    return nn.Sequential(*layers)


def adam(*modules: nn.Module, lr: float) -> torch.optim.Adam:
    return torch.optim.Adam([p for m in modules for p in m.parameters()], lr=lr, betas=ADAM_BETAS)


def d_loss(s_real: torch.Tensor, s_fake: torch.Tensor) -> torch.Tensor:
    """D's cross-entropy at telling real (label 1) from generated (label 0), from logits."""
    return (F.binary_cross_entropy_with_logits(s_real, torch.ones_like(s_real))
            + F.binary_cross_entropy_with_logits(s_fake, torch.zeros_like(s_fake)))


def g_loss(s_fake: torch.Tensor) -> torch.Tensor:
    """The non-saturating generator loss −log σ(D(G(z))) (Goodfellow et al. 2014, §3)."""
    return F.binary_cross_entropy_with_logits(s_fake, torch.ones_like(s_fake))


def one_hot(labels: torch.Tensor, k: int) -> torch.Tensor:
    return F.one_hot(labels, k).float()
