"""Linear regression ŷ = w·x + b on 1-D data: full-batch gradient descent on the mean squared error, and the
closed-form least-squares answer it should reach.

L(w, b) = 1/n Σ (w xᵢ + b − yᵢ)² is a quadratic bowl in (w, b) with the constant Hessian
H = 2 [[mean x², mean x], [mean x, 1]]; gradient descent with step η converges exactly when η < 2 / λmax(H)
(the standard stability condition for a quadratic, e.g. Goodfellow et al., "Deep Learning", §4.3.1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRUE_SLOPE, TRUE_INTERCEPT = 0.8, -1.0


@dataclass(frozen=True)
class LineData:
    x: np.ndarray  # (n,)
    y: np.ndarray  # (n,)


def make_line_data(n: int, noise: float, seed: int) -> LineData:
    """Points around the line y = 0.8 x − 1 on x ∈ [0, 4]: inputs away from 0 tilt and stretch the bowl."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 4.0, n))
    return LineData(x, TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(0.0, noise, n))


def least_squares(data: LineData) -> tuple[float, float]:
    """The normal equations solved in closed form: w* = cov(x, y) / var(x), b* = ȳ − w* x̄."""
    dx, dy = data.x - data.x.mean(), data.y - data.y.mean()
    w = float(dx @ dy / (dx @ dx))
    return w, float(data.y.mean() - w * data.x.mean())


def mse(data: LineData, w, b):
    """Mean squared error for one (w, b) or, with arrays of the same shape, for a whole grid of them."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    residual = w[..., None] * data.x + b[..., None] - data.y
    return np.mean(residual**2, axis=-1)


def gradient(data: LineData, w: float, b: float) -> tuple[float, float]:
    """∂L/∂w = 2/n Σ rᵢ xᵢ, ∂L/∂b = 2/n Σ rᵢ with residuals rᵢ = w xᵢ + b − yᵢ."""
    r = w * data.x + b - data.y
    return float(2 * np.mean(r * data.x)), float(2 * np.mean(r))


def hessian(data: LineData) -> np.ndarray:
    return 2 * np.array([[np.mean(data.x**2), np.mean(data.x)], [np.mean(data.x), 1.0]])


def critical_lr(data: LineData) -> float:
    """The largest stable step: gradient descent diverges along the steepest direction for η ≥ 2 / λmax."""
    return float(2.0 / np.linalg.eigvalsh(hessian(data))[-1])


@dataclass(frozen=True)
class DescentPath:
    params: np.ndarray  # (steps+1, 2): (w, b) before the first step and after each step
    loss: np.ndarray  # (steps+1,)
    diverged_at: int | None  # first step whose loss is no longer finite or exploded, else None


def gradient_descent(data: LineData, w0: float, b0: float, lr: float, steps: int) -> DescentPath:
    """Full-batch gradient descent: (w, b) ← (w, b) − η ∇L, one step per pass over the data."""
    params = np.full((steps + 1, 2), np.nan)
    params[0] = (w0, b0)
    diverged_at = None
    for t in range(steps):
        gw, gb = gradient(data, *params[t])
        params[t + 1] = params[t] - lr * np.array([gw, gb])
        if not np.all(np.isfinite(params[t + 1])) or np.abs(params[t + 1]).max() > 1e6:
            params[t + 1] = np.nan
            diverged_at = t + 1
            break
    return DescentPath(params, mse(data, params[:, 0], params[:, 1]), diverged_at)
