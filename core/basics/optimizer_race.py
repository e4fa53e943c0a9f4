"""Six optimizers racing from one start point on a 2-D surface, and the theory for the quadratic.

The update rules are `torch.optim`'s (SGD with momentum and Nesterov, RMSprop, Adagrad, Adam with torch's defaults,
as its documentation writes them), applied to all racers at once as rows of NumPy arrays: a step is one vectorised
gradient (hand-written for the built-in surfaces, autograd for typed formulas) and one update per rule. Driving six
`torch.optim` objects cost ~0.1 ms per step in dispatch and hooks, most of a control change's time;
`tests/unit/test_optimizer_race.py` checks every racer's path against a plain `torch.optim` loop.

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


RMSPROP_ALPHA, ADAM_BETAS, EPS, ADAGRAD_EPS = 0.99, (0.9, 0.999), 1e-8, 1e-10  # torch.optim's defaults


class _Updates:
    """The racers' optimizer states, one row per racer; `apply(points, grads, t)` updates the points in place."""

    def __init__(self, names: tuple[str, ...], settings: Settings):
        for name in names:
            if name not in OPTIMIZERS:
                raise ValueError(name)
        rows = len(names)
        self.lr = np.array([settings.lr_of(n) for n in names])[:, None]
        self.rows = {kind: np.array([i for i, n in enumerate(names) if n == kind], dtype=int) for kind in OPTIMIZERS}
        self.beta = np.array([settings.beta_of(n) for n in names])[:, None]
        self.buf = np.zeros((rows, 2))  # momentum buffers (torch: the first buffer is the first gradient)
        self.sq = np.zeros((rows, 2))  # RMSprop's running mean of g², Adagrad's sum of g²
        self.m = np.zeros((rows, 2))  # Adam's first and second moments
        self.v = np.zeros((rows, 2))

    def apply(self, p: np.ndarray, g: np.ndarray, t: int) -> None:
        """Step t (1-based) of every racer; the formulas of torch.optim's documentation, in its order."""
        r = self.rows
        i = r["sgd"]
        p[i] -= self.lr[i] * g[i]
        for kind in ("momentum", "nesterov"):
            i = r[kind]
            self.buf[i] = self.beta[i] * self.buf[i] + g[i]
            step = g[i] + self.beta[i] * self.buf[i] if kind == "nesterov" else self.buf[i]
            p[i] -= self.lr[i] * step
        i = r["rmsprop"]
        self.sq[i] = RMSPROP_ALPHA * self.sq[i] + (1 - RMSPROP_ALPHA) * g[i] ** 2
        p[i] -= self.lr[i] * g[i] / (np.sqrt(self.sq[i]) + EPS)
        i = r["adagrad"]
        self.sq[i] += g[i] ** 2
        p[i] -= self.lr[i] * g[i] / (np.sqrt(self.sq[i]) + ADAGRAD_EPS)
        i = r["adam"]
        b1, b2 = ADAM_BETAS
        self.m[i] += (1 - b1) * (g[i] - self.m[i])
        self.v[i] = b2 * self.v[i] + (1 - b2) * g[i] ** 2
        denom = np.sqrt(self.v[i]) / math.sqrt(1 - b2 ** t) + EPS
        p[i] -= self.lr[i] / (1 - b1 ** t) * self.m[i] / denom


@dataclass(frozen=True)
class Race:
    """paths[i, t] = (x, y) of racer i after t steps (NaN after it diverged); losses[i, t] = f there."""

    names: tuple[str, ...]
    paths: np.ndarray  # (racers, steps+1, 2)
    losses: np.ndarray  # (racers, steps+1)
    diverged_at: tuple[int | None, ...]  # the step at which each racer left the finite world, or None


def race(surface: Surface, start: tuple[float, float], settings: Settings, steps: int,
         names: tuple[str, ...] = OPTIMIZERS) -> Race:
    """Run the chosen optimizers side by side for `steps` steps from `start` (float64 throughout)."""
    updates = _Updates(tuple(names), settings)
    now = np.array([start] * len(names), dtype=float)  # (racers, 2)
    grads = np.zeros_like(now)
    paths = np.full((len(names), steps + 1, 2), np.nan)
    paths[:, 0] = start
    diverged_at: list[int | None] = [None] * len(names)
    with np.errstate(all="ignore"):
        for t in range(steps):
            grads[:, 0], grads[:, 1] = surface.gradient(now[:, 0], now[:, 1])
            updates.apply(now, grads, t + 1)
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
