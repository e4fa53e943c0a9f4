"""Batch, mini-batch and stochastic gradient descent on one 2-parameter model, so every gradient is an arrow
in the (w, b) plane.

Model ŷ = w·x + b, loss L(w, b) = 1/n Σ (w xᵢ + b − yᵢ)² on n fixed points. A mini-batch gradient averages the
per-example gradients gᵢ = 2 (w xᵢ + b − yᵢ) (xᵢ, 1) over B examples drawn without replacement; it is an unbiased
estimate of the full gradient with covariance (Cochran, "Sampling Techniques", finite-population correction)

    Cov[g_B] = Σ / B · (n − B) / (n − 1),      Σ = the per-example gradients' covariance (divisor n),

so the spread shrinks like 1/B and vanishes at B = n (full batch). Training is plain SGD (Robbins & Monro 1951)
over shuffled epochs. NumPy throughout: two parameters need no autograd (tests check against torch's).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.trainer import Trainer

N_POINTS = 256
TRUE_W, TRUE_B, NOISE = 2.0, -1.0, 1.0
START = (-2.0, 2.5)  # where every run starts, and where the page samples gradient arrows
BATCH_LADDER = (1, 2, 4, 8, 16, 32, 64, 128, 256)
RUNS = ("full", "mini", "single")  # batch size n, the chosen B, and 1


def make_points(seed: int, n: int = N_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(−2, 2), y = 2x − 1 + N(0, 1): a noisy line."""
    rng = np.random.default_rng([seed, 11])
    x = rng.uniform(-2.0, 2.0, n)
    return x, TRUE_W * x + TRUE_B + rng.normal(0.0, NOISE, n)


def per_example_gradients(x: np.ndarray, y: np.ndarray, w: float, b: float) -> np.ndarray:
    """∂/∂(w, b) of (w xᵢ + b − yᵢ)², one row per example: (n, 2)."""
    r = 2.0 * (w * x + b - y)
    return np.stack([r * x, r], 1)


def full_gradient(x, y, w: float, b: float) -> np.ndarray:
    return per_example_gradients(x, y, w, b).mean(0)


def moments(x, y) -> tuple[float, ...]:
    """The data's means of x², x, y, xy, y²: all that L(w, b) depends on."""
    return tuple(float(v) for v in ((x * x).mean(), x.mean(), y.mean(), (x * y).mean(), (y * y).mean()))


def loss_from_moments(m: tuple[float, ...], w, b):
    """Mean squared error expanded, (w x + b − y)² averaged; w and b may be arrays (a grid for contours)."""
    sxx, sx, sy, sxy, syy = m
    return w * w * sxx + 2 * w * b * sx + b * b - 2 * w * sxy - 2 * b * sy + syy


def loss(x, y, w, b):
    """Mean squared error; w and b may be arrays of the same shape."""
    return loss_from_moments(moments(x, y), np.asarray(w, dtype=float), np.asarray(b, dtype=float))


def least_squares(x, y) -> tuple[float, float]:
    """The minimum of L: ordinary least squares."""
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def sample_batch_gradients(x, y, w: float, b: float, batch: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """`draws` mini-batch gradients at (w, b), each over `batch` examples drawn without replacement: (draws, 2)."""
    g = per_example_gradients(x, y, w, b)
    idx = np.argsort(rng.random((draws, len(x))), axis=1)[:, :batch]  # a random subset per draw
    return g[idx].mean(1)


def gradient_covariance(x, y, w: float, b: float, batch: int) -> np.ndarray:
    """Cov[g_B] in closed form (2×2)."""
    n = len(x)
    sigma = np.cov(per_example_gradients(x, y, w, b).T, bias=True)
    return sigma / batch * (n - batch) / (n - 1) if n > 1 else sigma * 0.0


@dataclass(frozen=True)
class RaceConfig:
    batch: int = 16  # the mini-batch run's B
    lr: float = 0.05
    seed: int = 0
    max_steps: int = 2000  # updates of every run


class BatchRace(Trainer):
    """Three SGD runs from START, one update each per step: full batch, mini-batches of B, single examples."""

    unit = "step"  # one update of each of the three runs
    watch = None  # three losses; a learning rate too large for B = 1 shows as NaN/inf, which stops the run

    def __init__(self, cfg: RaceConfig):
        super().__init__(cfg.max_steps)
        self.cfg = cfg
        self.x, self.y = make_points(cfg.seed)
        self.batches = {"full": len(self.x), "mini": cfg.batch, "single": 1}
        self.params = {name: np.array(START) for name in RUNS}
        self.rng = np.random.default_rng([cfg.seed, 12])
        self._order = {name: np.empty(0, dtype=int) for name in RUNS}
        self.paths = {name: [tuple(START)] for name in RUNS}
        self.moments = moments(self.x, self.y)
        self.losses = {name: [float(loss_from_moments(self.moments, *START))] for name in RUNS}

    def examples_seen(self, name: str) -> list[int]:
        """x values of the "examples seen" chart: updates × batch size."""
        return [k * self.batches[name] for k in range(len(self.losses[name]))]

    def _next_batch(self, name: str) -> np.ndarray:
        """The next B indices of a shuffled epoch (a fresh shuffle when the epoch runs out)."""
        size, order = self.batches[name], self._order[name]
        if len(order) < size:
            order = np.concatenate([order, self.rng.permutation(len(self.x))])
        self._order[name] = order[size:]
        return order[:size]

    def _advance(self, n: int) -> dict[str, float]:
        for _ in range(n):
            for name in RUNS:
                idx = self._next_batch(name)
                p = self.params[name]
                p = p - self.cfg.lr * full_gradient(self.x[idx], self.y[idx], *p)
                self.params[name] = p
                self.paths[name].append((float(p[0]), float(p[1])))
                self.losses[name].append(float(loss_from_moments(self.moments, *p)))
        return {f"loss_{name}": self.losses[name][-1] for name in RUNS}
