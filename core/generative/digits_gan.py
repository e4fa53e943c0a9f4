"""A small GAN on the 8×8 handwritten digits, on the tiny-MLP engine (one D and one G update per iteration)."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.device import device
from core.generative.gan import ADAM_BETAS, sample_noise
from core.generative.gan_losses import d_loss_grad, d_loss_value, g_loss_grad, g_loss_value
from core.generative.mode_coverage import one_nn_accuracy
from core.tinymlp import FlatOptimizer, TinyMLP
from core.trainer import Trainer


@dataclass(frozen=True)
class DigitsGanConfig:
    noise_dim: int = 16
    hidden: int = 128
    loss: str = "nonsat"
    lr: float = 1e-3
    batch: int = 64
    seed: int = 42
    max_iterations: int = 200_000


N_DIGIT_SAMPLES = 64  # an 8 × 8 grid of samples from fixed noise
N_DIGIT_EVAL = 300


class DigitsGanTrainer(Trainer):
    """G: noise → hidden → 64 pixels in [0, 1] (sigmoid); D: 64 pixels → hidden → 1. A step: one D, one G update."""

    unit = "iteration"
    watch = None

    def __init__(self, config: DigitsGanConfig, train_images: torch.Tensor, test_images: torch.Tensor):
        super().__init__(config.max_iterations, seed=config.seed)
        self.config = config
        gen = torch.Generator().manual_seed(config.seed)
        self.rng = gen
        self.real = train_images.reshape(len(train_images), -1).to(device)
        self.real_eval = test_images.reshape(len(test_images), -1)[:N_DIGIT_EVAL].to(device)
        self.generator = TinyMLP((config.noise_dim, config.hidden, 64), "leaky_relu", "sigmoid", generator=gen)
        self.discriminator = TinyMLP((64, config.hidden, 1), "leaky_relu", generator=gen)
        self.g_opt = FlatOptimizer(self.generator.flat, "adam", config.lr, betas=ADAM_BETAS)
        self.d_opt = FlatOptimizer(self.discriminator.flat, "adam", config.lr, betas=ADAM_BETAS)
        self.fixed_noise = torch.randn(N_DIGIT_SAMPLES, config.noise_dim, generator=gen).to(device)
        self.eval_noise = torch.randn(N_DIGIT_EVAL, config.noise_dim, generator=gen).to(device)
        b = config.batch
        self._is_real = torch.cat([torch.ones(b, 1), torch.zeros(b, 1)]).to(device)

    def _advance(self, n: int) -> dict[str, float]:
        cfg = self.config
        with torch.no_grad():
            for _ in range(n):
                real = self.real[torch.randint(len(self.real), (cfg.batch,), generator=self.rng).to(device)]
                fake = self.generator.forward(sample_noise(cfg.batch, cfg.noise_dim, "gaussian", self.rng))
                s = self.discriminator.forward(torch.cat([real, fake]))
                self.discriminator.backward(d_loss_grad(cfg.loss, s, self._is_real, cfg.batch))
                self.d_opt.step(self.discriminator.grad)
                s_fake = self.discriminator.forward(
                    self.generator.forward(sample_noise(cfg.batch, cfg.noise_dim, "gaussian", self.rng)))
                d_fake = self.discriminator.backward(g_loss_grad(cfg.loss, s_fake), param_grads=False,
                                                     input_grad=True)
                self.generator.backward(d_fake)
                self.g_opt.step(self.generator.grad)
            d_loss = d_loss_value(cfg.loss, s[:cfg.batch], s[cfg.batch:])
            g_loss = g_loss_value(cfg.loss, s_fake)
            fake_eval = self.generator.forward(self.eval_noise)
            return {"d_loss": float(d_loss), "g_loss": float(g_loss),
                    "one_nn": one_nn_accuracy(self.real_eval, fake_eval)}

    def model_tensors(self) -> None:
        """No model file for this tab: its settings live under the page's namespace, not the runner's."""
        return None

    def samples(self) -> torch.Tensor:
        """The generator's images for the fixed noise: (N_DIGIT_SAMPLES, 8, 8)."""
        with torch.no_grad():
            return self.generator.forward(self.fixed_noise).view(-1, 8, 8)
