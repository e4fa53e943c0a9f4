"""Six `torch.optim` optimizers racing from one start point on a 2-D surface, and the theory for the quadratic.

Every optimizer owns one leaf tensor (x, y). Per step the gradients of all six points come from one
vectorised NumPy call (hand-written for the built-in surfaces, autograd for typed formulas), are handed to
the tensors as `.grad`, and each optimizer takes its own `step()` — the update rules are torch's, untouched.

Theory on f = ½(λ₁x² + λ₂y²), κ = λmax/λmin (Polyak 1964, "Some methods of speeding up the convergence of
iteration methods"; Polyak, "Introduction to Optimization", 1987, §3.2): gradient descent with the step
2/(λmin + λmax) contracts the error by (κ−1)/(κ+1) per step; heavy-ball momentum with
α = 4/(√λmax + √λmin)² and β = ((√κ−1)/(√κ+1))² contracts it by (√κ−1)/(√κ+1). For any other
settings the rate is the spectral radius of the linear iteration on each eigen-direction, computed below.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.basics.surfaces import Surface

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam")
ESCAPE = 1e6  # |x| or |y| beyond this counts as diverged: the point has left for infinity


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters of the race: a learning rate per optimizer, and the momentum β of the two SGD variants
    (torch's own defaults for everything else: RMSprop α = 0.99, Adam β = (0.9, 0.999), ε = 1e-8)."""

    lr: tuple[tuple[str, float], ...]  # ((name, lr), ...)
    beta: tuple[tuple[str, float], ...] = (("momentum", 0.9), ("nesterov", 0.9))

    def lr_of(self, name: str) -> float:
        return dict(self.lr)[name]

    def beta_of(self, name: str) -> float:
        return dict(self.beta).get(name, 0.0)


def _sgd_group(name: str, param: torch.Tensor, settings: Settings) -> dict:
    momentum = 0.0 if name == "sgd" else settings.beta_of(name)
    return {"params": [param], "lr": settings.lr_of(name), "momentum": momentum, "nesterov": name == "nesterov"}


def make_optimizers(names: tuple[str, ...], params: list[torch.Tensor], settings: Settings) -> list:
    """The torch.optim optimizers behind the racers (torch's default betas and alphas).

    Plain SGD, momentum and Nesterov share one `torch.optim.SGD` with a parameter group each (per-group
    momentum and nesterov flags are part of its API): one `step()` call instead of three. `foreach=False`
    is faster for tiny tensors.
    """
    sgd_groups = [_sgd_group(n, p, settings)
                  for n, p in zip(names, params) if n in ("sgd", "momentum", "nesterov")]
    optimizers = [torch.optim.SGD(sgd_groups, lr=sgd_groups[0]["lr"], foreach=False)] if sgd_groups else []
    classes = {"rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad, "adam": torch.optim.Adam}
    for name, param in zip(names, params):
        if name in classes:
            optimizers.append(classes[name]([param], lr=settings.lr_of(name), foreach=False))
        elif name not in ("sgd", "momentum", "nesterov"):
            raise ValueError(name)
    return optimizers


@dataclass(frozen=True)
class Race:
    """paths[i, t] = (x, y) of racer i after t steps (NaN after it diverged); losses[i, t] = f there."""

    names: tuple[str, ...]
    paths: np.ndarray  # (racers, steps+1, 2)
    losses: np.ndarray  # (racers, steps+1)
    diverged_at: tuple[int | None, ...]  # the step at which each racer left the finite world, or None


def race(surface: Surface, start: tuple[float, float], settings: Settings, steps: int,
         names: tuple[str, ...] = OPTIMIZERS) -> Race:
    """Run the chosen optimizers side by side for `steps` steps from `start` (float64 throughout).

    The racers' tensors are rows of one shared buffer (each row `.detach()`-ed into its own leaf), and
    their `.grad`s are rows of one gradient buffer: a step is one vectorised gradient, then the optimizers'
    own `step()`s, with no per-racer copying.
    """
    where = torch.tensor([start] * len(names), dtype=torch.float64)  # (racers, 2)
    params = [where[i].detach().requires_grad_(True) for i in range(len(names))]  # leaves sharing `where`
    grad_buffer = np.zeros((len(names), 2))
    grad_rows = torch.from_numpy(grad_buffer)
    for i, param in enumerate(params):
        param.grad = grad_rows[i]
    optimizers = make_optimizers(names, params, settings)
    now = where.numpy()  # a live view: the optimizers' in-place updates show up here
    paths = np.full((len(names), steps + 1, 2), np.nan)
    paths[:, 0] = start
    diverged_at: list[int | None] = [None] * len(names)
    with np.errstate(all="ignore"):
        for t in range(steps):
            grad_buffer[:, 0], grad_buffer[:, 1] = surface.gradient(now[:, 0], now[:, 1])
            for optimizer in optimizers:
                optimizer.step()
            paths[:, t + 1] = now
            if not (np.isfinite(now).all() and np.abs(now).max() <= ESCAPE):
                for i in range(len(names)):
                    if diverged_at[i] is None and not (np.isfinite(now[i]).all() and np.abs(now[i]).max() <= ESCAPE):
                        diverged_at[i] = t + 1
                if all(d is not None for d in diverged_at):
                    break
        for i, at in enumerate(diverged_at):
            if at is not None:
                paths[i, at:] = np.nan
        losses = np.asarray(surface.f(paths[..., 0], paths[..., 1]), dtype=float)
    return Race(tuple(names), paths, losses, tuple(diverged_at))


# ----- theory on the quadratic -----

@dataclass(frozen=True)
class QuadraticTheory:
    """Best settings in theory and their contraction per step, for the quadratic with (λmin, λmax)."""

    gd_lr: float
    gd_rate: float
    heavy_ball_lr: float
    heavy_ball_momentum: float
    heavy_ball_rate: float


def quadratic_theory(l_min: float, l_max: float) -> QuadraticTheory:
    kappa = l_max / l_min
    sq = math.sqrt(kappa)
    return QuadraticTheory(
        gd_lr=2.0 / (l_min + l_max), gd_rate=(kappa - 1) / (kappa + 1),
        heavy_ball_lr=4.0 / (math.sqrt(l_max) + math.sqrt(l_min)) ** 2,
        heavy_ball_momentum=((sq - 1) / (sq + 1)) ** 2, heavy_ball_rate=(sq - 1) / (sq + 1))


def steps_to_shrink(rate: float, factor: float = 1e-3) -> int:
    """Steps for an error contracting by `rate` per step to fall to `factor` of its start (rate 0: one step)."""
    if rate <= 0:
        return 1
    return max(1, math.ceil(math.log(factor) / math.log(rate)))


def iteration_matrix(name: str, lr: float, momentum: float, curvature: float) -> np.ndarray:
    """The linear map of one step on f = ½λz² in one eigen-direction, as torch.optim.SGD implements it.

    State (z, u) with u = lr·v (v the momentum buffer) and h = lr·λ:
    plain SGD z' = (1−h) z; heavy ball (momentum) u' = βu + hz, z' = z − u';
    Nesterov (torch's form, Sutskever et al. 2013) u' = βu + hz, z' = z − h z − β u'.
    """
    h, beta = lr * curvature, momentum
    if name == "sgd":
        return np.array([[1.0 - h]])
    if name == "momentum":
        return np.array([[1.0 - h, -beta], [h, beta]])
    if name == "nesterov":
        return np.array([[1.0 - h * (1 + beta), -beta**2], [h, beta]])
    raise ValueError(name)


def predicted_rate(name: str, lr: float, momentum: float, l_min: float, l_max: float) -> float:
    """Asymptotic contraction of the distance to the minimum per step: the largest spectral radius over
    the two eigen-directions (≥ 1 means no convergence)."""
    return max(float(np.max(np.abs(np.linalg.eigvals(iteration_matrix(name, lr, momentum, lam)))))
               for lam in (l_min, l_max))


def measured_rate(path: np.ndarray, minimum: tuple[float, float] = (0.0, 0.0), floor: float = 1e-10) -> float | None:
    """Contraction per step seen in a path: the geometric mean of d_{t+1}/d_t over the later half of the
    steps taken before the distance d to the minimum fell below `floor` × its start (float round-off)."""
    d = np.linalg.norm(path - np.asarray(minimum), axis=1)
    if not np.isfinite(d).all() or d[0] == 0:
        return None
    usable = np.flatnonzero(d > floor * d[0])
    last = int(usable[-1]) if usable.size else 0
    first = last // 2
    if last - first < 2:
        return None
    return float((d[last] / d[first]) ** (1.0 / (last - first)))
