"""The 2-D GAN of the GAN page's playground: a generator and a discriminator on the tiny-MLP engine.

The engine (core/tinymlp.py) keeps each network's parameters in one flat tensor and runs the backward pass
written out under `torch.no_grad`; only WGAN-GP's gradient penalty, a derivative of a derivative, goes through
autograd. The losses, their gradients and what D's output means live in core/generative/gan_losses.py.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from core.device import device
from core.generative.gan_losses import (GAN_LOSSES, GP_WEIGHT, d_loss_grad, d_loss_value, g_loss_grad, g_loss_value,
                                        gradient_penalty)
from core.generative.gan_targets import BOX, Target
from core.generative.mode_coverage import knn_radii, mode_coverage, precision_recall
from core.tinymlp import FlatOptimizer, TinyMLP
from core.trainer import Trainer

ACTIVATIONS = ("relu", "leaky_relu", "tanh")
OPTIMIZERS = ("sgd", "adam")
NOISES = ("uniform", "gaussian")
ADAM_BETAS = (0.5, 0.999)  # β1 = 0.5 as in DCGAN (Radford et al. 2015): calmer GAN dynamics than 0.9


# ---------- the 2-D GAN ----------

@dataclass(frozen=True)
class GanConfig:
    """Everything that defines a 2-D GAN run (a change starts a fresh run)."""

    target: str = "ring"
    g_layers: int = 2  # hidden layers of the generator
    g_width: int = 64  # neurons per hidden layer
    d_layers: int = 2
    d_width: int = 64
    activation: str = "relu"
    noise_dim: int = 2
    noise: str = "uniform"  # uniform on [−1, 1]^dim or standard normal
    loss: str = "minimax"
    optimizer: str = "adam"
    g_lr: float = 1e-3
    d_lr: float = 1e-3
    d_steps: int = 2  # discriminator updates per generator update
    batch: int = 150
    seed: int = 42
    points_digest: str = ""  # identity of the user's points for "drawn" / "upload"
    max_updates: int = 1_500_000


N_EVAL = 1000  # fixed-noise samples measured (and drawn) after every chunk of updates
N_PR = 500  # of them, used for precision/recall
MIN_MODE_COUNT = 10  # high-quality samples (of N_EVAL) a mode needs to count as captured
REAL_POOL = 20_000  # real points drawn once; batches are taken from this pool


def sample_noise(n: int, dim: int, kind: str, generator: torch.Generator) -> torch.Tensor:
    """Noise for the generator (drawn on the CPU generator, then moved: reproducible on any device)."""
    if kind == "uniform":
        return (torch.rand(n, dim, generator=generator) * 2 - 1).to(device)
    return torch.randn(n, dim, generator=generator).to(device)


class GanTrainer(Trainer):
    """A 2-D GAN; one step = one update of one network: `d_steps` discriminator updates, then one generator update.

    `iterations` counts finished (D…D, G) rounds. After each chunk of steps: losses, and the coverage
    measures on N_EVAL generated points from fixed noise (so curves do not flicker with the sampling).
    """

    unit = "step"
    watch = None  # GAN losses rise and fall by design; only NaN/inf stop a run

    def __init__(self, config: GanConfig, target: Target):
        super().__init__(config.max_updates, seed=config.seed)
        self.config, self.target = config, target
        gen = torch.Generator().manual_seed(config.seed)
        self.rng = gen
        self.generator = TinyMLP((config.noise_dim, *[config.g_width] * config.g_layers, 2),
                                 config.activation, generator=gen)
        self.discriminator = TinyMLP((2, *[config.d_width] * config.d_layers, 1), config.activation,
                                     generator=gen)
        self.g_opt = FlatOptimizer(self.generator.flat, config.optimizer, config.g_lr, betas=ADAM_BETAS)
        self.d_opt = FlatOptimizer(self.discriminator.flat, config.optimizer, config.d_lr, betas=ADAM_BETAS)
        self.real_pool = target.sample(REAL_POOL, gen).to(device)
        self.real_eval = self.real_pool[:N_EVAL]
        self.real_radii = knn_radii(self.real_eval[:N_PR])
        self.eval_noise = sample_noise(N_EVAL, config.noise_dim, config.noise, gen)
        self.modes = None if target.modes is None else torch.as_tensor(target.modes, dtype=torch.float32)
        b = config.batch
        self._is_real = torch.cat([torch.ones(b, 1), torch.zeros(b, 1)]).to(device)
        self.last_d_loss, self.last_g_loss = self.current_losses()  # curves start before the first update
        self.last_update = None  # "d" or "g": which network the latest step updated (slow motion shows it)
        self.train_seconds = 0.0
        self.first_all_modes_step: int | None = None  # when every mode was first captured
        self.first_all_modes_seconds: float | None = None

    @property
    def updates_per_iteration(self) -> int:
        return self.config.d_steps + 1

    @property
    def iterations(self) -> int:
        return self.steps_done // self.updates_per_iteration

    def next_update(self) -> str:
        """"d" or "g": the network the next step will update."""
        return "g" if self.steps_done % self.updates_per_iteration == self.config.d_steps else "d"

    # ----- one update of each network -----
    def _real_batch(self) -> torch.Tensor:
        idx = torch.randint(REAL_POOL, (self.config.batch,), generator=self.rng)
        return self.real_pool[idx.to(device)]

    def _noise(self, n: int) -> torch.Tensor:
        return sample_noise(n, self.config.noise_dim, self.config.noise, self.rng)

    def d_update(self, want_loss: bool = False) -> None:
        cfg, disc = self.config, self.discriminator
        real = self._real_batch()
        fake = self.generator.forward(self._noise(cfg.batch))
        if GAN_LOSSES[cfg.loss].d_grad is None:
            self._wgan_d_update(real, fake, want_loss)
            return
        s = disc.forward(torch.cat([real, fake]))
        disc.backward(d_loss_grad(cfg.loss, s, self._is_real, cfg.batch))
        self.d_opt.step(disc.grad)
        if want_loss:
            self.last_d_loss = float(d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:]))

    def _wgan_d_update(self, real: torch.Tensor, fake: torch.Tensor, want_loss: bool) -> None:
        disc = self.discriminator
        eps = torch.rand(len(real), 1, generator=self.rng).to(real.device)
        with torch.enable_grad():
            flat = disc.flat.detach().requires_grad_(True)
            s = disc.functional(flat, torch.cat([real, fake]))
            loss = d_loss_value("wgan_gp", s[:len(real)], s[len(real):])
            loss = loss + GP_WEIGHT * gradient_penalty(disc, flat, real, fake, eps)
            (grad,) = torch.autograd.grad(loss, flat)
        disc.grad.copy_(grad)
        self.d_opt.step(disc.grad)
        if want_loss:
            self.last_d_loss = float(loss)

    def current_losses(self) -> tuple[float, float]:
        """(L_D, L_G) on a fresh batch, without updating anything."""
        cfg, disc = self.config, self.discriminator
        real, fake = self._real_batch(), self.generator.forward(self._noise(cfg.batch))
        with torch.no_grad():
            s = disc.forward(torch.cat([real, fake]))
            d_loss = float(d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:]))
            g_loss = float(g_loss_value(cfg.loss, s[cfg.batch:]))
        if cfg.loss == "wgan_gp":
            eps = torch.rand(cfg.batch, 1, generator=self.rng).to(real.device)
            with torch.enable_grad():
                d_loss += GP_WEIGHT * gradient_penalty(disc, disc.flat.detach(), real, fake, eps).item()
        return d_loss, g_loss

    def g_update(self, want_loss: bool = False) -> None:
        cfg = self.config
        fake = self.generator.forward(self._noise(cfg.batch))
        s = self.discriminator.forward(fake)
        d_fake = self.discriminator.backward(g_loss_grad(cfg.loss, s), param_grads=False, input_grad=True)
        self.generator.backward(d_fake)
        self.g_opt.step(self.generator.grad)
        if want_loss:
            self.last_g_loss = float(g_loss_value(cfg.loss, s))

    # ----- the Trainer protocol -----
    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        with torch.no_grad():
            k = self.updates_per_iteration
            for i in range(n):
                step = self.steps_done + i
                want_loss = i >= n - k  # losses only for the last round of this chunk: fewer operations
                if step % k == self.config.d_steps:
                    self.g_update(want_loss)
                    self.last_update = "g"
                else:
                    self.d_update(want_loss)
                    self.last_update = "d"
            metrics = self._measure()
        self.train_seconds += time.perf_counter() - started
        if self.first_all_modes_step is None and self.modes is not None and metrics["modes"] == len(self.modes):
            self.first_all_modes_step = self.steps_done + n
            self.first_all_modes_seconds = self.train_seconds
        return metrics

    def measure(self) -> dict[str, float]:
        self.last_d_loss, self.last_g_loss = self.current_losses()
        return self._measure()

    def _measure(self) -> dict[str, float]:
        fake = self.generator.forward(self.eval_noise)
        metrics = {"d_loss": self.last_d_loss, "g_loss": self.last_g_loss}
        if not torch.isfinite(fake).all():  # every series gets its point, so the curves stay aligned; the run stops
            names = ["modes", "high_quality"] if self.modes is not None else []
            return {**metrics, **{name: math.nan for name in [*names, "precision", "recall"]}}
        if self.modes is not None:
            cover = mode_coverage(fake, self.modes, self.target.jitter, MIN_MODE_COUNT)
            metrics.update(modes=float(cover.covered), high_quality=cover.high_quality)
        precision, recall = precision_recall(self.real_eval[:N_PR], fake[:N_PR], real_radii=self.real_radii)
        metrics.update(precision=precision, recall=recall)
        return metrics

    # ----- model file (download / continue from an upload) -----
    def model_tensors(self) -> dict[str, torch.Tensor]:
        return {"generator": self.generator.flat.clone(), "discriminator": self.discriminator.flat.clone()}

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        self.generator.flat.copy_(tensors["generator"])
        self.discriminator.flat.copy_(tensors["discriminator"])

    # ----- what the views draw -----
    def samples(self) -> torch.Tensor:
        """The generator's output on the fixed evaluation noise: (N_EVAL, 2)."""
        with torch.no_grad():
            return self.generator.forward(self.eval_noise)

    def d_surface(self, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        """D's output on the grid xs × ys, shaped (len(ys), len(xs)): a probability for the logistic losses."""
        with torch.no_grad():
            gx, gy = torch.meshgrid(xs, ys, indexing="xy")
            s = self.discriminator.forward(torch.stack([gx.ravel(), gy.ravel()], dim=1))
            if GAN_LOSSES[self.config.loss].d_output == "prob":
                s = torch.sigmoid(s)
            return s.view(len(ys), len(xs))

    def generator_pull(self, noise: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Generated points G(z) and −dL_G/dx at each: the direction the generator's update moves them."""
        with torch.no_grad():
            points = self.generator.forward(noise)
            s = self.discriminator.forward(points)
            grad = self.discriminator.backward(g_loss_grad(self.config.loss, s) * len(points),
                                               param_grads=False, input_grad=True)
            return points, -grad

    def warped_grid(self, lines: int = 11, points_per_line: int = 24) -> torch.Tensor:
        """G applied to a grid of lines in noise space (first two noise coordinates; the rest held at 0).

        Returns (2·lines, points_per_line, 2): first the lines of constant z₁, then those of constant z₂
        (for 1-D noise: the single curve G([−span, span]), shaped (1, points_per_line, 2)).
        """
        span = 1.0 if self.config.noise == "uniform" else 2.0  # uniform: the whole square; normal: ±2σ
        ticks = torch.linspace(-span, span, lines)
        along = torch.linspace(-span, span, points_per_line)
        dim = self.config.noise_dim
        if dim == 1:  # one noise number: G maps a line to a curve
            with torch.no_grad():
                return self.generator.forward(along[:, None].to(device)).view(1, points_per_line, 2)
        z = torch.zeros(2, lines, points_per_line, dim)
        z[0, :, :, 0] = ticks[:, None]
        z[1, :, :, 0] = along[None, :]
        z[0, :, :, 1] = along[None, :]
        z[1, :, :, 1] = ticks[:, None]
        with torch.no_grad():
            return self.generator.forward(z.view(-1, dim).to(device)).view(2 * lines, points_per_line, 2)

    def view(self, *, surface: bool, arrows: bool, warped: bool, points: int = 500, arrow_count: int = 100,
             resolution: int = 40) -> "GanView":
        """Everything the main view draws, as NumPy arrays (layers not asked for stay None)."""
        view = GanView(box=BOX, real=self.real_eval[:points].cpu().numpy(), fake=self.samples()[:points].cpu().numpy())
        if surface:
            ticks = torch.linspace(-BOX, BOX, resolution)
            z = self.d_surface(ticks, ticks).cpu().numpy()
            if GAN_LOSSES[self.config.loss].d_output == "critic":  # arbitrary scale and offset: its middle 90 %
                lo, hi = np.quantile(z, [0.05, 0.95])
                view.surface_range = (float(lo), float(hi) if hi > lo else float(lo) + 1.0)
            view.surface = (ticks.numpy(), ticks.numpy(), z)
        if arrows:
            starts, pull = (v.cpu().numpy() for v in self.generator_pull(self.eval_noise[:arrow_count]))
            view.pull = (starts, pull)
        if warped:
            view.warped = self.warped_grid().cpu().numpy()
        if self.modes is not None:
            view.modes = self.modes.cpu().numpy()
            view.mode_radius = 3 * self.target.jitter
        return view


@dataclass
class GanView:
    """What the 2-D view shows; layers left as None are not drawn."""

    box: float  # the view is [-box, box]²
    real: np.ndarray  # (N, 2)
    fake: np.ndarray  # (M, 2)
    surface: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (xs, ys, z[len(ys), len(xs)])
    surface_range: tuple[float, float] = (0.0, 1.0)  # z mapped to the colour scale's ends
    pull: tuple[np.ndarray, np.ndarray] | None = None  # (generated points (K, 2), −dL_G/dx at each (K, 2))
    warped: np.ndarray | None = None  # (lines, points, 2)
    modes: np.ndarray | None = None  # (K, 2) mixture means
    mode_radius: float = 0.0  # 3σ: the high-quality zone drawn around each mode
