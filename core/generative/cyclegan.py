"""CycleGAN on two unpaired 2-D domains: a shape on the left, its turned copy on the right.

Two generators G: A → B and F: B → A, two discriminators D_B and D_A. Least-squares adversarial losses, as the
CycleGAN paper uses (Zhu et al. 2017, §4; Mao et al. 2017), and the cycle-consistency loss (their eq. 2):

    L_GAN(G, D_B) = E_b[(D_B(b) − 1)²] + E_a[D_B(G(a))²]   (D_B minimises it; G minimises E_a[(D_B(G(a)) − 1)²])
    L_cyc(G, F)   = E_a[‖F(G(a)) − a‖₁] + E_b[‖G(F(b)) − b‖₁]
    L = L_GAN(G, D_B) + L_GAN(F, D_A) + λ·L_cyc

The training batches of A and B are drawn independently (unpaired). Every point a has a true partner R(a), the
same point of the turned copy; training never sees it, the page measures it: without L_cyc the generators only
have to land somewhere in the other domain, so F(G(a)) need not come back to a.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.device import device
from core.generative.variant_nets import adam, build, mlp
from core.trainer import Trainer

SHAPES = ("ell", "arc")
ANGLES = (90, 180)
CENTER_A, CENTER_B = (-1.3, 0.0), (1.3, 0.0)
JITTER = 0.03
EVAL_POINTS = 400
ON_SHAPE = 0.15  # a translated point within this distance of the other domain's shape counts as landing on it


def shape_points(shape: str, n: int, generator: torch.Generator) -> torch.Tensor:
    """n points (n, 2) along a shape centred at the origin, about 2 units across; spread evenly along it."""
    u = torch.rand(n, generator=generator)
    if shape == "ell":  # an L with a long (2) vertical and a short (1) horizontal arm: no symmetry at all
        on_long = u < 2 / 3
        t = torch.where(on_long, u * 1.5, (u - 2 / 3) * 3)  # position along its arm, in [0, 1]
        x = torch.where(on_long, torch.zeros_like(t), t)
        y = torch.where(on_long, 2 * t, torch.zeros_like(t))
        points = torch.stack([x - 0.35, y - 0.8], dim=1)
    elif shape == "arc":  # three quarters of a circle, open to the right: its mirror image is itself
        angle = math.pi / 4 + u * 1.5 * math.pi
        points = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    else:
        raise ValueError(shape)
    return points + JITTER * torch.randn(n, 2, generator=generator)


def rotation(degrees: float) -> torch.Tensor:
    a = math.radians(degrees)
    return torch.tensor([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


@dataclass(frozen=True)
class CycleGanConfig:
    shape: str = "ell"
    angle: int = 90  # domain B is domain A turned by this many degrees (counter-clockwise)
    cycle: bool = True  # the cycle-consistency loss on or off
    lam: float = 5.0  # λ, its weight (the paper: 10 on images)
    hidden: int = 64  # two hidden layers in every network
    lr: float = 1e-3
    batch: int = 128
    seed: int = 42
    max_iterations: int = 20_000


def lsgan_d_loss(s_real: torch.Tensor, s_fake: torch.Tensor) -> torch.Tensor:
    """½[(D(real) − 1)² + D(fake)²], batch means: the discriminator's least-squares loss (halved, as the paper)."""
    return 0.5 * (F.mse_loss(s_real, torch.ones_like(s_real)) + F.mse_loss(s_fake, torch.zeros_like(s_fake)))


def lsgan_g_loss(s_fake: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(s_fake, torch.ones_like(s_fake))


def cycle_loss(a: torch.Tensor, a_back: torch.Tensor, b: torch.Tensor, b_back: torch.Tensor) -> torch.Tensor:
    """E‖F(G(a)) − a‖₁ + E‖G(F(b)) − b‖₁ (L1 norm of each point's error, averaged over the batch)."""
    return (a_back - a).abs().sum(1).mean() + (b_back - b).abs().sum(1).mean()


class CycleGanTrainer(Trainer):
    """One step = one update of both generators, then one of both discriminators."""

    unit = "iteration"
    watch = None

    def __init__(self, config: CycleGanConfig):
        super().__init__(config.max_iterations)
        self.config = config
        gen = self.rng = torch.Generator().manual_seed(config.seed)
        h = config.hidden
        self.g_ab = build(lambda: mlp((2, h, h, 2)), gen)
        self.g_ba = build(lambda: mlp((2, h, h, 2)), gen)
        self.d_a = build(lambda: mlp((2, h, h, 1)), gen)
        self.d_b = build(lambda: mlp((2, h, h, 1)), gen)
        self.g_opt = adam(self.g_ab, self.g_ba, lr=config.lr)
        self.d_opt = adam(self.d_a, self.d_b, lr=config.lr)
        self._rot = rotation(config.angle).to(device)
        self._ca, self._cb = torch.tensor(CENTER_A, device=device), torch.tensor(CENTER_B, device=device)
        self.eval_a = self.domain_a(EVAL_POINTS, gen)
        self.eval_b = self.domain_b(EVAL_POINTS, gen)
        self.train_seconds = 0.0

    def domain_a(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return shape_points(self.config.shape, n, generator).to(device) + self._ca

    def domain_b(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.partner(self.domain_a(n, generator))

    def partner(self, a: torch.Tensor) -> torch.Tensor:
        """R(a): where a point of A sits in the turned copy B (the pairing training never sees)."""
        return (a - self._ca) @ self._rot.T + self._cb

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        cfg = self.config
        for _ in range(n):
            a, b = self.domain_a(cfg.batch, self.rng), self.domain_b(cfg.batch, self.rng)  # independent: unpaired
            fake_b, fake_a = self.g_ab(a), self.g_ba(b)
            adv = lsgan_g_loss(self.d_b(fake_b)) + lsgan_g_loss(self.d_a(fake_a))
            cyc = cycle_loss(a, self.g_ba(fake_b), b, self.g_ab(fake_a))
            loss_g = adv + cfg.lam * cyc if cfg.cycle else adv
            self.g_opt.zero_grad(set_to_none=True)
            loss_g.backward(inputs=[p for group in self.g_opt.param_groups for p in group["params"]])
            self.g_opt.step()
            loss_d = (lsgan_d_loss(self.d_b(b), self.d_b(fake_b.detach()))
                      + lsgan_d_loss(self.d_a(a), self.d_a(fake_a.detach())))
            self.d_opt.zero_grad(set_to_none=True)
            loss_d.backward()
            self.d_opt.step()
        metrics = {"d_loss": loss_d.item(), "g_loss": adv.item(), "cycle_loss": cyc.item(), **self.evaluate()}
        self.train_seconds += time.perf_counter() - started
        return metrics

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Distances on fixed points of A: the round trip, the true partner, and landing on B's shape."""
        a = self.eval_a
        there = self.g_ab(a)
        back = self.g_ba(there)
        on_b = torch.cdist(there, self.eval_b).min(dim=1).values <= ON_SHAPE
        b = self.eval_b
        back_b = self.g_ab(self.g_ba(b))
        return {"cycle_error": float(0.5 * ((back - a).norm(dim=1).mean() + (back_b - b).norm(dim=1).mean())),
                "partner_error": float((there - self.partner(a)).norm(dim=1).mean()),
                "on_shape": float(on_b.float().mean())}

    @torch.no_grad()
    def round_trip(self, count: int = 40) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(a, G(a), F(G(a))) for the first `count` fixed points of A: the arrows the page draws."""
        a = self.eval_a[:count]
        there = self.g_ab(a)
        return a, there, self.g_ba(there)

    @torch.no_grad()
    def translated(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(G(a), F(b)) for all fixed evaluation points."""
        return self.g_ab(self.eval_a), self.g_ba(self.eval_b)

    def model_tensors(self) -> None:
        return None
