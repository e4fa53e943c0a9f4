"""What makes depth trainable: one deep MLP in four variants — plain, residual, batch-normalised, both — trained
in lock-step on the same mini-batches from the same starting weights.

Every hidden block is written in the pre-activation form of He et al. 2016 ("Identity Mappings in Deep Residual
Networks"), one linear layer per block:

    plain:     z_{l+1} =       W_l φ(N(z_l)) + b_l
    residual:  z_{l+1} = z_l + W_l φ(N(z_l)) + b_l          (He et al. 2016, "Deep Residual Learning")

N is batch normalisation (Ioffe & Szegedy 2015) in the "norm" variants and the identity otherwise; φ is the
activation. z_0 = W_in x + b_in; the logit is w_outᵀ φ(N(z_L)) + b_out. Linear layers start as nn.Linear does
(U(±1/√fan_in)); the output layer starts at zero, so every variant starts at loss ln 2 exactly (balanced classes)
and a net whose output cannot see its input stays there. Plain SGD with momentum: Adam would rescale a vanishing
gradient back to a normal step size and hide the problem this page is about.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.device import device
from core.trainer import Trainer, load_named_model_tensors, named_model_tensors

VARIANTS = ("plain", "residual", "norm", "both")  # "both": residual connections and batch normalisation
ACTIVATIONS = ("sigmoid", "tanh", "relu")
START_LOSS = math.log(2.0)  # binary cross-entropy of a zero logit
TARGET_LOSS = 0.15  # the page's stated goal for the residual + normalised net (training loss)
N_POINTS = 512
TURNS = 3.0  # the arms turn TURNS·π radians


@dataclass(frozen=True)
class DepthConfig:
    depth: int = 30  # hidden blocks
    width: int = 32  # units per hidden block
    activation: str = "sigmoid"
    lr: float = 0.1  # SGD learning rate (momentum 0.9)
    batch: int = 128  # mini-batch size
    seed: int = 0
    max_steps: int = 1500


def two_spirals(n: int = N_POINTS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points on two interleaved spiral arms (exactly n/2 per class), in [−1, 1]², labels 0/1."""
    rng = np.random.default_rng([seed, 7])
    labels = np.arange(n) % 2
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # more points further out, where the arms are longer
    theta = TURNS * math.pi * t + math.pi * labels
    pts = np.stack([t * np.cos(theta), t * np.sin(theta)], 1) + rng.normal(0.0, 0.02, (n, 2))
    return pts.astype(np.float32), labels.astype(np.float32)


_ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


class DeepMLP(nn.Module):
    """2 → width → (depth blocks) → 1 logit, with or without skip connections and batch normalisation."""

    def __init__(self, depth: int, width: int, activation: str, residual: bool, norm: bool):
        super().__init__()
        self.residual, self.act = residual, _ACT[activation]
        self.inp = nn.Linear(2, width)
        self.blocks = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        norms = depth + 1 if norm else 0  # one before every block and one before the output
        self.norms = nn.ModuleList(nn.BatchNorm1d(width) for _ in range(norms))
        self.out = nn.Linear(width, 1)

    def _pre(self, z: torch.Tensor, l: int) -> torch.Tensor:
        return self.act(self.norms[l](z) if len(self.norms) else z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.inp(x)  # (B, width)
        for l, block in enumerate(self.blocks):
            f = block(self._pre(z, l))
            z = z + f if self.residual else f
        return self.out(self._pre(z, len(self.blocks)))[:, 0]  # (B,) logits

    def block_weights(self) -> list[torch.Tensor]:
        """The weight matrices whose gradient norms the page plots, input side first."""
        return [self.inp.weight, *(b.weight for b in self.blocks), self.out.weight]


def build_variants(cfg: DepthConfig) -> dict[str, DeepMLP]:
    """The four nets with identical linear weights (one seeded draw), so only the architecture differs."""
    gen = torch.Generator().manual_seed(cfg.seed)
    nets = {name: DeepMLP(cfg.depth, cfg.width, cfg.activation, name in ("residual", "both"),
                          name in ("norm", "both")) for name in VARIANTS}
    twins = [_linear_layers(nets[name]) for name in VARIANTS[1:]]
    with torch.no_grad():
        for i, layer in enumerate(_linear_layers(nets["plain"])):
            if layer is nets["plain"].out:  # a zero output layer: every variant starts at logit 0, loss ln 2
                layer.weight.zero_()
                layer.bias.zero_()
            else:  # nn.Linear's default: U(−1/√fan_in, 1/√fan_in)
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=gen)
                layer.bias.uniform_(-bound, bound, generator=gen)
            for layers in twins:  # the same numbers (BatchNorm keeps its start, γ=1, β=0)
                layers[i].weight.copy_(layer.weight)
                layers[i].bias.copy_(layer.bias)
    return {name: net.to(device) for name, net in nets.items()}


def _linear_layers(net: DeepMLP) -> list[nn.Linear]:
    return [net.inp, *net.blocks, net.out]


class DepthTrainer(Trainer):
    """SGD with momentum on the four variants, the same mini-batch for all at every step."""

    unit = "step"
    watch = None  # four losses; NaN/inf still stop the run

    def __init__(self, cfg: DepthConfig):
        super().__init__(cfg.max_steps)
        self.cfg = cfg
        x, y = two_spirals(N_POINTS, cfg.seed)
        self.x, self.y = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        self.nets = build_variants(cfg)
        self.optimizers = {name: torch.optim.SGD(net.parameters(), lr=cfg.lr, momentum=0.9)
                           for name, net in self.nets.items()}
        self.batches = torch.Generator().manual_seed(cfg.seed + 1)  # shared mini-batch order
        self.curve_steps: list[int] = []
        self.curves: dict[str, list[float]] = {name: [] for name in VARIANTS}
        self.grad_norms: dict[str, list[float]] = {name: [0.0] * (cfg.depth + 2) for name in VARIANTS}
        self.accuracy: dict[str, float] = {}  # on all points, at the last record
        self.reached_at: dict[str, int | None] = {name: None for name in VARIANTS}  # first step at TARGET_LOSS
        self._record(0)

    def _advance(self, n: int) -> dict[str, float]:
        for _ in range(n):
            idx = torch.randint(0, N_POINTS, (self.cfg.batch,), generator=self.batches).to(device)
            xb, yb = self.x[idx], self.y[idx]
            for name, net in self.nets.items():
                net.train()
                opt = self.optimizers[name]
                opt.zero_grad(set_to_none=True)
                nn.functional.binary_cross_entropy_with_logits(net(xb), yb).backward()
                opt.step()
        self._record(self.steps_done + n)
        return {f"loss_{name}": self.curves[name][-1] for name in VARIANTS}

    @torch.no_grad()
    def evaluate(self, name: str) -> tuple[float, float]:
        """Binary cross-entropy and accuracy on all points, the network in evaluation mode (BatchNorm's running
        statistics)."""
        net = self.nets[name]
        if not net.out.weight.any():  # a zero output layer (every run's start): each logit is its bias, whatever
            logits = net.out.bias.expand(len(self.x))  # the 30-odd layers below compute, so they are not run
        else:
            logits = net.eval()(self.x)
        bce = nn.functional.binary_cross_entropy_with_logits(logits, self.y)
        return float(bce), float(((logits > 0).float() == self.y).float().mean())

    def _record(self, step: int) -> None:
        """Full-data loss of every variant, and the gradient norms of the last mini-batch, layer by layer."""
        if self.curve_steps and self.curve_steps[-1] == step:
            return
        self.curve_steps.append(step)
        for name, net in self.nets.items():
            value, self.accuracy[name] = self.evaluate(name)
            self.curves[name].append(value)
            if self.reached_at[name] is None and self.curves[name][-1] <= TARGET_LOSS:
                self.reached_at[name] = step
            if step:  # one tensor, one copy out: a float() per layer would wait on the device 30 times
                grads = [torch.zeros((), device=device) if w.grad is None else w.grad.norm() for w in net.block_weights()]
                self.grad_norms[name] = torch.stack(grads).tolist()

    def model_tensors(self) -> dict[str, torch.Tensor]:
        return named_model_tensors(self.nets)

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        load_named_model_tensors(self.nets, tensors)
