"""Conditional GANs on the 8×8 digits: the label goes into both networks (cGAN) or D also has to name it (AC-GAN).

- cGAN (Mirza & Osindero 2014): G(z, y) and D(x, y) both see the one-hot label y; the game is the usual one,
  min_G max_D E[log D(x, y)] + E[log(1 − D(G(z, y), y))], so D rejects a good digit paired with the wrong label.
- AC-GAN (Odena et al. 2017): D(x) sees no label but has two heads, real/fake (source S) and a class C.
  L_S = E[log P(S=real | x_real)] + E[log P(S=fake | x_fake)], L_C = E[log P(C=y | x_real)] + E[log P(C=y | x_fake)];
  D maximises L_S + L_C, G maximises L_C − L_S. Written as losses to minimise (non-saturating G, as usual):
  D: BCE(s_real, 1) + BCE(s_fake, 0) + CE(c_real, y) + CE(c_fake, y);  G: BCE(s_fake, 1) + CE(c_fake, y).

Both are MLPs on the 64 pixels (G: sigmoid output in [0, 1]); a separately trained CNN (core/generative/
digit_judge.py) measures how often a generated digit is read as the digit that was asked for.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from core.device import device
from core.generative.variant_nets import adam, d_loss, g_loss, build, mlp, one_hot
from core.trainer import Trainer

KINDS = ("cgan", "acgan")
CLASSES = 10
TARGET_RECOGNISED = 0.9  # share of generated digits the judge must read as the requested digit
SAMPLES_PER_CLASS = 8  # the live grid: a row of fixed-noise samples per digit
EVAL_PER_CLASS = 30  # measured after every chunk: 300 generated digits


@dataclass(frozen=True)
class ConditionalConfig:
    kind: str = "acgan"  # "cgan" | "acgan"
    noise_dim: int = 16  # numbers of random noise per digit, besides the label
    hidden: int = 256  # one hidden layer in G and in D
    lr: float = 1e-3  # Adam, β = (0.5, 0.999)
    batch: int = 64
    seed: int = 42
    max_iterations: int = 20_000


class ConditionalGanTrainer(Trainer):
    """One step = one D update then one G update, on a batch of real digits and as many generated ones."""

    unit = "iteration"
    watch = None  # GAN losses rise and fall by design

    def __init__(self, config: ConditionalConfig, train_images: torch.Tensor, train_labels: torch.Tensor,
                 test_images: torch.Tensor, test_labels: torch.Tensor, judge: Callable[[], nn.Module | None]):
        if config.kind not in KINDS:
            raise ValueError(config.kind)
        super().__init__(config.max_iterations)
        self.config, self._judge = config, judge  # None while the judge is still being trained
        gen = self.rng = torch.Generator().manual_seed(config.seed)
        self.real = train_images.reshape(len(train_images), -1).to(device)  # (N, 64)
        self.labels = train_labels.to(device)
        self.test_x, self.test_y = test_images.reshape(len(test_images), -1).to(device), test_labels.to(device)
        h, z = config.hidden, config.noise_dim
        self.generator = build(lambda: mlp((z + CLASSES, h, 64), nn.Sigmoid()), gen)
        d_in, d_out = (64 + CLASSES, 1) if config.kind == "cgan" else (64, 1 + CLASSES)
        self.discriminator = build(lambda: mlp((d_in, h, d_out)), gen)
        self.g_opt = adam(self.generator, lr=config.lr)
        self.d_opt = adam(self.discriminator, lr=config.lr)
        self.grid_noise = torch.randn(SAMPLES_PER_CLASS, z, generator=gen).to(device)  # same noise in every row
        self.eval_noise = torch.randn(CLASSES * EVAL_PER_CLASS, z, generator=gen).to(device)
        self.eval_labels = torch.arange(CLASSES).repeat_interleave(EVAL_PER_CLASS).to(device)
        self.per_class = [0.0] * CLASSES  # latest share recognised, per requested digit
        # the judge's readings, kept apart from `history`: they start only once the judge is trained
        self.judged: dict[str, list[float]] = {"step": [], "recognised": []}
        self.train_seconds = 0.0
        self.reached: tuple[int, float] | None = None  # (iteration, training seconds) at TARGET_RECOGNISED

    def generate(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """G's digits (N, 64) for noise (N, noise_dim) and labels (N,)."""
        return self.generator(torch.cat([z, one_hot(labels, CLASSES)], dim=1))

    def judge_d(self, x: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """D's real/fake logit (N, 1), and for AC-GAN its class logits (N, 10)."""
        if self.config.kind == "cgan":
            return self.discriminator(torch.cat([x, one_hot(labels, CLASSES)], dim=1)), None
        out = self.discriminator(x)
        return out[:, :1], out[:, 1:]

    def d_loss(self, real, real_y, fake, fake_y) -> torch.Tensor:
        """D's loss on a real and a generated batch (as in the module docstring)."""
        s_real, c_real = self.judge_d(real, real_y)
        s_fake, c_fake = self.judge_d(fake, fake_y)
        loss = d_loss(s_real, s_fake)
        if c_real is not None:
            loss = loss + F.cross_entropy(c_real, real_y) + F.cross_entropy(c_fake, fake_y)
        return loss

    def g_loss(self, fake, fake_y) -> torch.Tensor:
        """G's loss: fool D's real/fake head and, for AC-GAN, be classified as the requested digit."""
        s_fake, c_fake = self.judge_d(fake, fake_y)
        loss = g_loss(s_fake)
        return loss if c_fake is None else loss + F.cross_entropy(c_fake, fake_y)

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        cfg = self.config
        for _ in range(n):
            idx = torch.randint(len(self.real), (cfg.batch,), generator=self.rng).to(device)
            z = torch.randn(cfg.batch, cfg.noise_dim, generator=self.rng).to(device)
            fake_y = torch.randint(CLASSES, (cfg.batch,), generator=self.rng).to(device)
            fake = self.generate(z, fake_y)
            loss_d = self.d_loss(self.real[idx], self.labels[idx], fake.detach(), fake_y)
            self.d_opt.zero_grad(set_to_none=True)
            loss_d.backward()
            self.d_opt.step()
            loss_g = self.g_loss(fake, fake_y)  # against the updated D: the usual alternation
            self.g_opt.zero_grad(set_to_none=True)
            loss_g.backward(inputs=list(self.generator.parameters()))
            self.g_opt.step()
        metrics = {"d_loss": loss_d.item(), "g_loss": loss_g.item(), **self.evaluate()}
        self.train_seconds += time.perf_counter() - started
        recognised = self.judge_samples()
        if recognised is not None:
            self.judged["step"].append(self.steps_done + n)
            self.judged["recognised"].append(recognised)
            if self.reached is None and recognised >= TARGET_RECOGNISED:
                self.reached = (self.steps_done + n, self.train_seconds)
        return metrics

    @property
    def recognised(self) -> float | None:
        """The latest share of generated digits read as requested (None before the judge's first reading)."""
        return self.judged["recognised"][-1] if self.judged["recognised"] else None

    @torch.no_grad()
    def judge_samples(self) -> float | None:
        """The judge's reading of 30 fixed-noise digits per class, or None while it is not trained yet."""
        judge = self._judge()
        if judge is None:
            return None
        fakes = self.generate(self.eval_noise, self.eval_labels)
        predicted = judge(fakes.reshape(-1, 1, 8, 8)).argmax(1)
        hits = (predicted == self.eval_labels).float().reshape(CLASSES, EVAL_PER_CLASS).mean(1)
        self.per_class = [float(v) for v in hits]
        return float(hits.mean())

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """AC-GAN: its own classifier's accuracy on real test digits and on G's (the judge's reading is apart)."""
        out = {}
        if self.config.kind == "acgan":
            fakes = self.generate(self.eval_noise, self.eval_labels)
            _, c_test = self.judge_d(self.test_x, self.test_y)
            _, c_fake = self.judge_d(fakes, self.eval_labels)
            out["aux_real"] = float((c_test.argmax(1) == self.test_y).float().mean())
            out["aux_fake"] = float((c_fake.argmax(1) == self.eval_labels).float().mean())
        return out

    @torch.no_grad()
    def grid(self) -> torch.Tensor:
        """A row of SAMPLES_PER_CLASS digits per class, the same noise in every row: (10·8, 8, 8)."""
        labels = torch.arange(CLASSES, device=device).repeat_interleave(SAMPLES_PER_CLASS)
        return self.generate(self.grid_noise.repeat(CLASSES, 1), labels).reshape(-1, 8, 8)

    @torch.no_grad()
    def draw(self, digit: int, n: int = 24) -> torch.Tensor:
        """n digits of the requested class from the fixed evaluation noise: (n, 8, 8)."""
        z = self.eval_noise[:n]
        return self.generate(z, torch.full((len(z),), int(digit), device=device)).reshape(-1, 8, 8)

    def model_tensors(self) -> None:
        """No model file for this page: two networks per tab, and the runner's file holds one."""
        return None

