"""The GAN losses in one table: their values, their gradients with respect to D's outputs, what D's output means,
whether D's step needs autograd, and where the page offers them. The page and the figures read this table.

With D's raw output s = D(x) (a logit, a score or a critic value) and σ the logistic:
- minimax (Goodfellow et al. 2014): L_D = −log σ(s_real) − log(1−σ(s_fake)), L_G = log(1−σ(s_fake))
- non-saturating (same paper, §3): L_D as above, L_G = −log σ(s_fake)
- least squares (Mao et al. 2017, a=0, b=c=1): L_D = ½(s_real−1)² + ½ s_fake², L_G = ½(s_fake−1)²
- Wasserstein + gradient penalty (Gulrajani et al. 2017): L_D = s_fake − s_real + λ(‖∇ₓD(x̂)‖−1)²,
  x̂ on random lines between real and fake points, L_G = −s_fake.
Each term is averaged over its batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from core.tinymlp import TinyMLP

GP_WEIGHT = 10.0  # λ of WGAN-GP, the paper's value

Tensor = torch.Tensor


@dataclass(frozen=True)
class GanLoss:
    d_value: Callable[[Tensor, Tensor], Tensor]  # (s_real, s_fake) → L_D (without a gradient penalty)
    g_value: Callable[[Tensor], Tensor]  # s_fake → L_G
    # dL_D/ds for D's outputs on [real; fake] stacked, `is_real` 1 for real rows; None: D's step needs autograd
    d_grad: Callable[[Tensor, Tensor, int], Tensor] | None
    g_grad: Callable[[Tensor], Tensor]  # dL_G/ds_fake
    d_output: str  # what D's output means on the page: "prob" (σ(s) is P(real)), "score" or "critic"
    digits: bool  # offered for the digits GAN (which trains without autograd)


def _softplus_d_grad(s: Tensor, is_real: Tensor, n_real: int) -> Tensor:
    return (torch.sigmoid(s) - is_real) / n_real  # d/ds softplus(∓s) = σ(s) − 1 or σ(s)


def _logistic_d_value(s_real: Tensor, s_fake: Tensor) -> Tensor:
    return F.softplus(-s_real).mean() + F.softplus(s_fake).mean()


GAN_LOSSES: dict[str, GanLoss] = {
    "minimax": GanLoss(
        d_value=_logistic_d_value,
        g_value=lambda s: -F.softplus(s).mean(),  # log(1 − σ(s)) = −softplus(s)
        d_grad=_softplus_d_grad,
        g_grad=lambda s: torch.sigmoid(s) / -s.shape[0],
        d_output="prob", digits=True),
    "nonsat": GanLoss(
        d_value=_logistic_d_value,
        g_value=lambda s: F.softplus(-s).mean(),  # −log σ(s) = softplus(−s)
        d_grad=_softplus_d_grad,
        g_grad=lambda s: (torch.sigmoid(s) - 1) / s.shape[0],
        d_output="prob", digits=True),
    "lsgan": GanLoss(
        d_value=lambda s_real, s_fake: 0.5 * ((s_real - 1) ** 2).mean() + 0.5 * (s_fake ** 2).mean(),
        g_value=lambda s: 0.5 * ((s - 1) ** 2).mean(),
        d_grad=lambda s, is_real, n_real: (s - is_real) / n_real,
        g_grad=lambda s: (s - 1) / s.shape[0],
        d_output="score", digits=True),
    "wgan_gp": GanLoss(
        d_value=lambda s_real, s_fake: s_fake.mean() - s_real.mean(),
        g_value=lambda s: -s.mean(),
        d_grad=None,  # the gradient penalty is a derivative of a derivative: autograd
        g_grad=lambda s: torch.full_like(s, -1.0 / s.shape[0]),
        d_output="critic", digits=False),
}
LOSSES = tuple(GAN_LOSSES)
DIGIT_LOSSES = tuple(name for name, loss in GAN_LOSSES.items() if loss.digits)


def d_loss_value(loss: str, s_real: Tensor, s_fake: Tensor) -> Tensor:
    """L_D without the gradient penalty (WGAN-GP adds it separately)."""
    return GAN_LOSSES[loss].d_value(s_real, s_fake)


def g_loss_value(loss: str, s_fake: Tensor) -> Tensor:
    return GAN_LOSSES[loss].g_value(s_fake)


def d_loss_grad(loss: str, s: Tensor, is_real: Tensor, n_real: int) -> Tensor:
    """dL_D/ds for D's outputs s on [real; fake] stacked; `is_real` is 1 for real rows, 0 for fake ones."""
    grad = GAN_LOSSES[loss].d_grad
    if grad is None:
        raise ValueError(f"{loss}: D's step goes through autograd")
    return grad(s, is_real, n_real)


def g_loss_grad(loss: str, s_fake: Tensor) -> Tensor:
    """dL_G/ds_fake."""
    return GAN_LOSSES[loss].g_grad(s_fake)


def gradient_penalty(critic: TinyMLP, flat: Tensor, real: Tensor, fake: Tensor, eps: Tensor) -> Tensor:
    """mean (‖∇ₓ D(x̂)‖ − 1)² at x̂ = ε·real + (1−ε)·fake, differentiable with respect to `flat`."""
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad_x,) = torch.autograd.grad(critic.functional(flat, x_hat).sum(), x_hat, create_graph=True)
    norm = torch.sqrt((grad_x ** 2).sum(dim=1) + 1e-12)  # +1e-12: finite gradient where ∇ₓD = 0
    return ((norm - 1) ** 2).mean()
