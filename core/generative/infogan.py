"""InfoGAN on a 2-D Gaussian mixture: a categorical code c, never told which mode is which, learns to pick one.

G(z, c) gets noise z and a one-hot code c ~ uniform over k values. A third network Q reads a generated point and
guesses c. InfoGAN (Chen et al. 2016) adds λ·L_I to the game, with the variational lower bound on the mutual
information between the code and the point (their Lemma 5.1):

    I(c; G(z, c)) ≥ L_I = E_{c, z}[log Q(c | G(z, c))] + H(c),   H(c) = log k for a uniform code,

so maximising L_I is minimising the cross-entropy CE(Q(G(z, c)), c) — G and Q both minimise it:
    D: BCE(D(x), 1) + BCE(D(G(z, c)), 0);   G and Q: BCE(D(G(z, c)), 1) + λ·CE(Q(G(z, c)), c).
(In the paper Q shares D's layers; here Q has its own small network so D's loss and the code's never mix.)

The trainer runs a plain GAN beside it on exactly the same noise and codes (λ = 0, no Q): there c is an input G
is free to ignore, and the comparison shows that the information term, not the input, makes the code mean a mode.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.device import device
from core.generative import gan_targets
from core.generative.gan_targets import Target
from core.generative.variant_nets import adam, d_loss, g_loss, build, mlp, one_hot
from core.trainer import Trainer

TARGETS = ("blobs", "ring")
TARGET_PURITY = 0.9  # share of one code's samples that must land in one mode
EVAL_PER_CODE = 200  # fixed-noise samples per code value, measured after every chunk
BLOB_CENTER, BLOB_SIGMA = 1.5, 0.12


def blobs() -> Target:
    """Four well-separated Gaussians at the corners of a square."""
    c = BLOB_CENTER
    return Target("blobs", np.array([[-c, -c], [c, -c], [c, c], [-c, c]]), BLOB_SIGMA, True)


def make_target(name: str) -> Target:
    if name == "blobs":
        return blobs()
    if name == "ring":
        return gan_targets.ring()
    raise ValueError(name)


@dataclass(frozen=True)
class InfoGanConfig:
    target: str = "blobs"  # "blobs" (4 modes) | "ring" (8): the code has as many values as the target has modes
    lam: float = 1.0  # λ, weight of the information term
    noise_dim: int = 2  # continuous noise besides the code
    hidden: int = 64  # two hidden layers in G, D and Q
    lr: float = 1e-3
    batch: int = 128
    seed: int = 42
    max_iterations: int = 20_000


def information_term(q_logits: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """CE(Q(x), c): the part of −L_I that depends on the networks (L_I = log k − CE for a uniform code)."""
    return F.cross_entropy(q_logits, codes)


def code_mode_counts(samples: torch.Tensor, codes: torch.Tensor, modes: torch.Tensor, k: int) -> torch.Tensor:
    """(k, M) counts: how many samples made with each code value lie nearest to each mode."""
    nearest = torch.cdist(samples, modes).argmin(dim=1)
    counts = torch.zeros(k, len(modes), dtype=torch.long, device=samples.device)
    counts.index_put_((codes, nearest), torch.ones_like(codes), accumulate=True)
    return counts


def code_purity(counts: torch.Tensor) -> tuple[list[float], list[int]]:
    """For each code value: the share of its samples nearest to its most common mode, and that mode's index."""
    best, mode = counts.max(dim=1)
    return (best.float() / counts.sum(dim=1).clamp(min=1)).tolist(), mode.tolist()


def code_mode_information(counts: torch.Tensor) -> float:
    """I(code; mode) / log k from the counts: 1 when each code value has a mode of its own, 0 when the code says
    nothing about the mode (ignored, or every sample in one mode)."""
    p = counts.double() / counts.sum()
    outer = p.sum(1, keepdim=True) * p.sum(0, keepdim=True)
    inside = p > 0
    return float((p[inside] * (p[inside] / outer[inside]).log()).sum() / math.log(counts.shape[0]))


class _Gan:
    """G(z, c) and D(x), and Q(x) when the information term is on."""

    def __init__(self, cfg: InfoGanConfig, k: int, gen: torch.Generator, with_q: bool):
        h = cfg.hidden
        self.g = build(lambda: mlp((cfg.noise_dim + k, h, h, 2)), gen)
        self.d = build(lambda: mlp((2, h, h, 1)), gen)
        self.q = build(lambda: mlp((2, h, h, k)), gen) if with_q else None
        self.g_opt = adam(self.g, *([self.q] if with_q else []), lr=cfg.lr)
        self.d_opt = adam(self.d, lr=cfg.lr)

    def generate(self, z: torch.Tensor, codes: torch.Tensor, k: int) -> torch.Tensor:
        return self.g(torch.cat([z, one_hot(codes, k)], dim=1))

    def update(self, real, z, codes, k: int, lam: float) -> tuple[float, float, float]:
        """One D update, then one update of G (and Q); returns (D's loss, G's GAN loss, the information CE)."""
        fake = self.generate(z, codes, k)
        loss_d = d_loss(self.d(real), self.d(fake.detach()))
        self.d_opt.zero_grad(set_to_none=True)
        loss_d.backward()
        self.d_opt.step()
        loss_g = g_loss(self.d(fake))
        ce = information_term(self.q(fake), codes) if self.q is not None else torch.zeros(())
        self.g_opt.zero_grad(set_to_none=True)
        (loss_g + lam * ce).backward(inputs=list(self.g_opt.param_groups[0]["params"]))
        self.g_opt.step()
        return loss_d.item(), loss_g.item(), ce.item()


class InfoGanTrainer(Trainer):
    """InfoGAN and a plain GAN side by side on the same real batches, noise and codes; a step = an iteration of each."""

    unit = "iteration"
    watch = None

    def __init__(self, config: InfoGanConfig):
        super().__init__(config.max_iterations)
        self.config = config
        self.target = make_target(config.target)
        self.k = len(self.target.modes)
        gen = self.rng = torch.Generator().manual_seed(config.seed)
        self.info = _Gan(config, self.k, gen, with_q=True)
        self.plain = _Gan(config, self.k, gen, with_q=False)
        self.real_pool = self.target.sample(20_000, gen).to(device)
        self.modes = torch.as_tensor(self.target.modes, dtype=torch.float32, device=device)
        self.eval_codes = torch.arange(self.k).repeat_interleave(EVAL_PER_CODE).to(device)
        self.eval_noise = torch.randn(len(self.eval_codes), config.noise_dim, generator=gen).to(device)
        self.purity = {"info": [0.0] * self.k, "plain": [0.0] * self.k}
        self.chosen_modes = {"info": [0] * self.k, "plain": [0] * self.k}
        self.train_seconds = 0.0
        self.reached: tuple[int, float] | None = None  # (iteration, seconds) when the code first selected the mode
        self._samples: dict[str, torch.Tensor] = {}  # the current networks' evaluation samples, made once per state

    @property
    def entropy(self) -> float:
        """H(c) = log k for a uniform code: the largest value the bound L_I can reach."""
        return math.log(self.k)

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        cfg = self.config
        self._samples.clear()  # the networks change below
        for _ in range(n):
            real = self.real_pool[torch.randint(len(self.real_pool), (cfg.batch,), generator=self.rng).to(device)]
            z = torch.randn(cfg.batch, cfg.noise_dim, generator=self.rng).to(device)
            codes = torch.randint(self.k, (cfg.batch,), generator=self.rng).to(device)
            d_info, g_info, ce = self.info.update(real, z, codes, self.k, cfg.lam)
            d_plain, g_plain, _ = self.plain.update(real, z, codes, self.k, 0.0)
        metrics = {"d_loss": d_info, "g_loss": g_info, "info_ce": ce, "mi_bound": self.entropy - ce,
                   "d_loss_plain": d_plain, "g_loss_plain": g_plain, **self.evaluate()}
        self.train_seconds += time.perf_counter() - started
        if self.reached is None and self.code_selects_mode():
            self.reached = (self.steps_done + n, self.train_seconds)
        return metrics

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        out = {}
        for name, gan in (("info", self.info), ("plain", self.plain)):
            counts = code_mode_counts(self.samples(name), self.eval_codes, self.modes, self.k)
            self.purity[name], self.chosen_modes[name] = code_purity(counts)
            out[f"purity_{name}"] = min(self.purity[name])
            out[f"distinct_{name}"] = float(len(set(self.chosen_modes[name])))
            out[f"code_info_{name}"] = code_mode_information(counts)
        return out

    def code_selects_mode(self, name: str = "info") -> bool:
        """Every code value puts ≥ TARGET_PURITY of its samples in one mode, and no two values share a mode."""
        return min(self.purity[name]) >= TARGET_PURITY and len(set(self.chosen_modes[name])) == self.k

    @torch.no_grad()
    def samples(self, name: str) -> torch.Tensor:
        """The fixed evaluation samples (k·EVAL_PER_CODE, 2) of "info" or "plain"; codes are `eval_codes`.
        Made once per training state: `evaluate` measures them and the live view then draws the same points."""
        if name not in self._samples:
            gan = self.info if name == "info" else self.plain
            self._samples[name] = gan.generate(self.eval_noise, self.eval_codes, self.k)
        return self._samples[name]

    def model_tensors(self) -> None:
        return None
