"""Rosenblatt's perceptron on 2-D points: the mistake-driven update rule, recorded update by update.

A point x with label y ∈ {−1, +1} is misclassified when y (w·x + b) ≤ 0; the rule then adds it:
w ← w + η y x, b ← b + η y (Rosenblatt 1958). Starting from w = 0, b = 0, every weight vector is η times the
one for η = 1, so the line never depends on η. If some line separates the classes with margin γ, the rule
makes at most (R/γ)² mistakes, R = max ‖(x, 1)‖ (Novikoff 1962, "On convergence proofs for perceptrons").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog, minimize

DATASETS = ("separable", "xor")
MAX_EPOCHS = 60  # the rule cycles forever on data no line separates: this bounds the record


@dataclass(frozen=True)
class Points:
    """2-D inputs (n, 2) and labels (n,) in {−1, +1}."""

    x: np.ndarray
    y: np.ndarray


def make_points(kind: str, n: int, gap: float, seed: int) -> Points:
    """`separable`: two classes on either side of a random line, pushed apart by `gap` (negative = overlap).

    `xor`: four noisy clusters at the corners; the class is the sign of x₁·x₂, which no line can separate.
    """
    rng = np.random.default_rng(seed)
    if kind == "xor":
        corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float) * 0.6
        which = np.arange(n) % 4
        rng.shuffle(which)
        x = corners[which] + rng.normal(0.0, 0.12, size=(n, 2))
        y = np.sign(corners[which, 0] * corners[which, 1])
        return Points(x, y)
    if kind != "separable":
        raise ValueError(kind)
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.3, 0.3)
    x = rng.uniform(-1.0, 1.0, size=(n, 2))
    side = x @ normal - offset
    y = np.where(side >= 0, 1.0, -1.0)
    if np.all(y == y[0]):  # both classes always present: mirror the first point across the line
        x[0] -= 2 * side[0] * normal
        y[0] = -y[0]
    x = x + np.outer(y, normal) * gap / 2  # each class moves away from the line (towards it if gap < 0)
    return Points(np.clip(x, -1.6, 1.6), y)


@dataclass(frozen=True)
class PerceptronRun:
    """Every update of one run: weights[k] = (w₁, w₂, b) after k updates; culprits[k-1] = the point of update k."""

    weights: np.ndarray  # (K+1, 3)
    culprits: np.ndarray  # (K,) index of the misclassified point that caused each update
    epoch_of_update: np.ndarray  # (K,) the pass over the data (from 1) in which each update happened
    mistakes_per_epoch: list[int]
    converged: bool  # a whole pass without a mistake


def run_perceptron(points: Points, lr: float = 1.0, max_epochs: int = MAX_EPOCHS) -> PerceptronRun:
    """Visit the points in order, pass after pass, and update on every mistake, until a pass is error-free."""
    xs = np.hstack([points.x, np.ones((len(points.y), 1))])  # the bias is the weight of a constant input 1
    w = np.zeros(3)
    weights, culprits, epochs, mistakes = [w.copy()], [], [], []
    converged = False
    for epoch in range(1, max_epochs + 1):
        errors = 0
        for i, (xi, yi) in enumerate(zip(xs, points.y)):
            if yi * (w @ xi) <= 0:
                w = w + lr * yi * xi
                weights.append(w.copy())
                culprits.append(i)
                epochs.append(epoch)
                errors += 1
        mistakes.append(errors)
        if errors == 0:
            converged = True
            break
    return PerceptronRun(np.array(weights), np.array(culprits, dtype=int), np.array(epochs, dtype=int),
                         mistakes, converged)


def accuracy(points: Points, weights: np.ndarray) -> float:
    """Share of points on their own side of the line w·x + b = 0 (points on the line count as wrong)."""
    scores = points.x @ weights[:2] + weights[2]
    return float(np.mean(points.y * scores > 0))


@dataclass(frozen=True)
class MarginBound:
    """Novikoff's bound (R/γ)² on the number of mistakes, from a separating (w, b) with margin γ."""

    radius: float  # R = max ‖(x, 1)‖
    margin: float  # γ = min y (w·x + b) / ‖(w, b)‖ of the separator below
    separator: np.ndarray  # (w₁, w₂, b)

    @property
    def max_mistakes(self) -> float:
        return (self.radius / self.margin) ** 2


def margin_bound(points: Points) -> MarginBound | None:
    """The widest-margin separator of the augmented points (x, 1), or None when no line separates them.

    A linear program decides separability (find u with y u·x̃ ≥ 1); a small quadratic program then
    widens the margin (minimise ‖u‖² under the same constraints). The bound holds for any separator, so
    the margin is measured on the result, never assumed.
    """
    xs = np.hstack([points.x, np.ones((len(points.y), 1))])
    signed = points.y[:, None] * xs
    lp = linprog(np.zeros(3), A_ub=-signed, b_ub=-np.ones(len(xs)), bounds=[(None, None)] * 3, method="highs")
    if lp.status != 0:
        return None
    qp = minimize(lambda u: u @ u, lp.x, jac=lambda u: 2 * u, method="SLSQP",
                  constraints=[{"type": "ineq", "fun": lambda u: signed @ u - 1, "jac": lambda u: signed}])
    u = qp.x if qp.success and np.all(signed @ qp.x > 0) else lp.x
    margin = float(np.min(signed @ u) / np.linalg.norm(u))
    return MarginBound(float(np.max(np.linalg.norm(xs, axis=1))), margin, u)
