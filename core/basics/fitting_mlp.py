"""Several small MLPs (1 → width → … → 1) trained side by side on the same 1-D data, as one batched model.

Model m's weights are slice m of stacked tensors (M, fan_in, fan_out), so all models train with one
`torch.bmm` per layer and one `torch.optim.Adam` step. Adam's update is elementwise, so the slices never
influence each other: batching changes the speed, not the result (a test checks this against separate
models). Narrower models live in the wide tensors with their extra units masked to zero (zero weights, zero
gradients, so Adam leaves them at zero).

Remedies per model: an L2 penalty λ Σ w² on the weights added to the loss (under Adam this is not
AdamW's decoupled weight decay; biases are not penalised),
dropout on hidden units during training (Srivastava et al. 2014, inverted scaling 1/(1−p)), and early
stopping on a validation set with a patience (Prechelt 1998, "Early stopping — but when?"): after the
stop the model keeps its best-validation weights.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.device import device
from core.basics.fitting import FitData, make_data
from core.trainer import Trainer

EVAL_EVERY = 10  # steps between validation/test measurements (the learning-curve resolution)


@dataclass(frozen=True)
class ModelSpec:
    """One of the models trained side by side."""

    width: int
    l2: float = 0.0
    dropout: float = 0.0
    patience: int | None = None  # early stopping: steps without a better validation error; None = off
    n_points: int | None = None  # trains on the first n_points training points (None: all of them)


@dataclass(frozen=True)
class MLPConfig:
    depth: int  # hidden layers
    lr: float = 0.01
    max_steps: int = 3000  # full-batch steps ("epochs": every step sees all training points)
    seed: int = 0


class BatchedMLP(torch.nn.Module):
    """M tanh MLPs with `depth` hidden layers, each `widths[m]` ≤ max(widths) units wide."""

    def __init__(self, widths: list[int], depth: int, generator: torch.Generator):
        super().__init__()
        top, models = max(widths), len(widths)
        sizes = [1] + [top] * depth + [1]
        mask = torch.zeros(models, 1, top)
        for m, width in enumerate(widths):
            mask[m, 0, :width] = 1.0
        self.register_buffer("mask", mask)  # (M, 1, top): which hidden units exist in model m
        self.weights = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            w, b = torch.zeros(models, fan_in, fan_out), torch.zeros(models, 1, fan_out)
            for m, width in enumerate(widths):  # nn.Linear's default init: U(−1/√fan_in, 1/√fan_in)
                rows = 1 if layer == 0 else width
                cols = 1 if layer == depth else width
                bound = 1.0 / math.sqrt(rows)
                w[m, :rows, :cols].uniform_(-bound, bound, generator=generator)
                b[m, :, :cols].uniform_(-bound, bound, generator=generator)
            self.weights.append(torch.nn.Parameter(w))
            self.biases.append(torch.nn.Parameter(b))

    def forward(self, x: torch.Tensor, drop: torch.Tensor | None = None, generator=None) -> torch.Tensor:
        """x (N,) → predictions (M, N). `drop` (M,) are dropout rates, applied only when given (training)."""
        h = x.view(1, -1, 1).expand(self.mask.shape[0], -1, 1)  # (M, N, 1)
        layers = list(zip(self.weights, self.biases))
        dropping = None if drop is None else torch.nonzero(drop > 0).flatten().tolist()
        for layer, (w, b) in enumerate(layers):
            h = torch.baddbmm(b, h, w)  # (M, N, fan_out)
            if layer < len(layers) - 1:
                h = torch.tanh(h) * self.mask
                if dropping:  # inverted dropout, only in the models that use it
                    keep = (1.0 - drop[dropping]).view(-1, 1, 1)
                    noise = torch.rand((len(dropping), *h.shape[1:]), generator=generator, device=h.device)
                    scale = torch.ones_like(h)
                    scale[dropping] = (noise < keep).float() / keep
                    h = h * scale
        return h[..., 0]


class FitTrainer(Trainer):
    """Full-batch Adam on M models at once; records train/validation/test MSE every EVAL_EVERY steps."""

    unit = "epoch"
    watch = None  # the MSE of a regression can rise legitimately (overfitting): only NaN/inf stop the run

    def __init__(self, data: FitData, specs: tuple[ModelSpec, ...], config: MLPConfig, same_init: bool = False):
        """`data.x_train` is the pool of training points; each spec says how many of the first it may use."""
        super().__init__(config.max_steps, seed=config.seed)
        self.data = data
        self.specs = specs
        gen = torch.Generator().manual_seed(config.seed)
        widths = [s.width for s in specs]
        self.model = BatchedMLP(widths, config.depth, gen).to(device)
        if same_init:  # every model starts from model 0's weights: differences come from the remedies alone
            with torch.no_grad():
                for p in self.model.parameters():
                    p.copy_(p[:1].expand_as(p))
        self.gen = torch.Generator(device=device).manual_seed(config.seed + 1)
        as_t = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
        self.x, self.y = as_t(data.x_train), as_t(data.y_train)
        self.x_val, self.y_val = as_t(data.x_val), as_t(data.y_val)
        self.x_test, self.y_test = as_t(data.x_test), as_t(data.y_test)
        counts = [s.n_points or len(data.x_train) for s in specs]
        # (M, N): model m averages its squared errors over its own first counts[m] points
        self.point_weights = torch.stack([(torch.arange(len(data.x_train)) < c).float() / c for c in counts]).to(device)
        self.l2 = as_t([s.l2 for s in specs]).view(-1, 1, 1)
        self.drop = as_t([s.dropout for s in specs])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        models = len(specs)
        self.curve_steps: list[int] = []
        self.curves = {name: [[] for _ in range(models)] for name in ("train", "val", "test")}
        self.best_val = [math.inf] * models
        self.best_step = [0] * models
        self.best_test = [math.nan] * models
        self.stopped_at: list[int | None] = [None] * models
        self._best = [p.detach().clone() for p in self.model.parameters()]
        self._record()

    def goal_reached(self) -> bool:
        """Every model has stopped early: nothing is left to train."""
        return all(at is not None for at in self.stopped_at)

    def _loss(self) -> torch.Tensor:
        pred = self.model(self.x, self.drop, self.gen)
        data_term = (self.point_weights * (pred - self.y) ** 2).sum(dim=1)  # (M,)
        penalty = sum((self.l2 * w**2).sum(dim=(1, 2)) for w in self.model.weights)
        return (data_term + penalty).sum()  # a sum of independent models' losses: gradients stay per model

    def _advance(self, n: int) -> dict[str, float]:
        for i in range(n):
            self.optimizer.zero_grad(set_to_none=True)
            self._loss().backward()
            self.optimizer.step()
            if any(at is not None for at in self.stopped_at):
                self._restore_stopped()
            if (self.steps_done + i + 1) % EVAL_EVERY == 0:
                self._record(self.steps_done + i + 1)
        return self._latest()

    def _latest(self) -> dict[str, float]:
        return {f"{name}_{m}": self.curves[name][m][-1]
                for m in range(len(self.specs)) for name in ("train", "val", "test")}

    @torch.no_grad()
    def measure(self) -> dict[str, float]:
        """Errors of loaded weights (a model file): the curves and best-so-far start again from them, not from the
        initial weights measured at step 0."""
        self.curve_steps = []
        self.curves = {name: [[] for _ in self.specs] for name in self.curves}
        self.best_val = [math.inf] * len(self.specs)
        self._record(self.steps_done)
        return self._latest()

    @torch.no_grad()
    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions (M, len(x)) of every model in evaluation mode (no dropout)."""
        return self.model(torch.as_tensor(x, dtype=torch.float32, device=device)).cpu().numpy()

    @torch.no_grad()
    def _errors(self) -> dict[str, list[float]]:
        train = (self.point_weights * (self.model(self.x) - self.y) ** 2).sum(dim=1)
        val = ((self.model(self.x_val) - self.y_val) ** 2).mean(dim=1)
        test = ((self.model(self.x_test) - self.y_test) ** 2).mean(dim=1)
        return {"train": train.cpu().tolist(), "val": val.cpu().tolist(), "test": test.cpu().tolist()}

    @torch.no_grad()
    def _record(self, step: int = 0) -> None:
        """Measure every model; keep each one's best-validation weights; stop those out of patience."""
        errors = self._errors()
        newly_stopped = False
        for m, spec in enumerate(self.specs):
            if self.stopped_at[m] is not None:
                continue
            if errors["val"][m] < self.best_val[m]:
                self.best_val[m], self.best_step[m], self.best_test[m] = errors["val"][m], step, errors["test"][m]
                for best, p in zip(self._best, self.model.parameters()):
                    best[m].copy_(p[m])
            elif spec.patience is not None and step - self.best_step[m] >= spec.patience:
                self.stopped_at[m] = step
                newly_stopped = True
        if newly_stopped:
            self._restore_stopped()
            errors = self._errors()
        self.curve_steps.append(step)
        for name, values in errors.items():
            for m, value in enumerate(values):
                self.curves[name][m].append(value)

    @torch.no_grad()
    def _restore_stopped(self) -> None:
        """Early-stopped models keep their best-validation weights (Adam's momentum cannot move them)."""
        for m, at in enumerate(self.stopped_at):
            if at is not None:
                for best, p in zip(self._best, self.model.parameters()):
                    p[m].copy_(best[m])


REMEDIES = ("none", "l2", "dropout", "early", "data")


@dataclass(frozen=True)
class RemedyConfig:
    """Everything that defines one side-by-side run: the data, the network, and each remedy's strength."""

    function: str
    n_train: int
    noise: float
    seed: int
    width: int
    depth: int
    l2: float
    dropout: float
    patience: int
    data_factor: int
    remedies: tuple[str, ...]  # which of REMEDIES to train; "none" (no remedy) always comes first
    max_steps: int = 3000
    lr: float = 0.01


def remedy_specs(cfg: RemedyConfig) -> tuple[ModelSpec, ...]:
    """One model per remedy, each identical to the unremedied network except for its one remedy."""
    base = dict(width=cfg.width, n_points=cfg.n_train)
    make = {"none": ModelSpec(**base), "l2": ModelSpec(**base, l2=cfg.l2),
            "dropout": ModelSpec(**base, dropout=cfg.dropout), "early": ModelSpec(**base, patience=cfg.patience),
            "data": ModelSpec(cfg.width, n_points=cfg.n_train * cfg.data_factor)}
    return tuple(make[name] for name in cfg.remedies)


def remedy_trainer(cfg: RemedyConfig) -> FitTrainer:
    """The trainer for a remedy comparison; the "more data" model sees the same first n points plus more."""
    pool = cfg.n_train * (cfg.data_factor if "data" in cfg.remedies else 1)
    data = make_data(cfg.function, pool, cfg.noise, cfg.seed)
    return FitTrainer(data, remedy_specs(cfg), MLPConfig(cfg.depth, cfg.lr, cfg.max_steps, cfg.seed), same_init=True)
