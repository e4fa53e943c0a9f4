"""Loss functions and their gradients in closed form (NumPy), robust line fits, and the confidently-wrong race.

The tests check every formula here against `torch.nn.functional` and autograd. Notation as on the page:
prediction ŷ, target y, residual r = ŷ − y; logit z, probability p = σ(z) or softmax(z); target
distribution q.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.special import expit, log_softmax, softmax

REGRESSION = ("mse", "mae", "huber")
CLASSIFICATION = ("bce", "cce", "kl")
CLASSES = 3  # the categorical examples use 3 classes; the true class is class 0


# ----- regression: loss and dloss/dŷ for one prediction -----

def regression_loss(name: str, pred: np.ndarray, target: float, delta: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(loss, ∂loss/∂ŷ) elementwise. Huber: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond (Huber 1964) — as
    torch's `huber_loss`; its gradient is r clipped to [−δ, δ]. MAE's gradient at r = 0 is taken as 0 (as
    torch)."""
    r = np.asarray(pred, dtype=float) - target
    if name == "mse":
        return r**2, 2 * r
    if name == "mae":
        return np.abs(r), np.sign(r)
    if name == "huber":
        small = np.abs(r) <= delta
        return np.where(small, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)), np.clip(r, -delta, delta)
    raise ValueError(name)


# ----- classification: loss and dloss/dz along the true class's logit -----

def _log_sigmoid(z):
    return -np.logaddexp(0.0, -z)


def classification_loss(name: str, z: np.ndarray, q: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p, loss, ∂loss/∂z) as the logit z of the true class moves.

    bce: one output p = σ(z), target probability q; loss −[q log p + (1−q) log(1−p)], gradient p − q.
    cce: 3 classes with logits (z, 0, 0) and softmax p; target q on class 0 and (1−q)/2 on the others;
         loss −Σ qₖ log pₖ, gradient p₀ − q.
    kl:  KL(q ‖ p) = Σ qₖ log(qₖ/pₖ) for the same 3 classes = cross-entropy − H(q): same gradient,
         but 0 at p = q.
    sq:  squared error (p − q)² on the sigmoid output, for contrast: gradient 2(p − q)·p(1 − p), which
         vanishes where the sigmoid saturates.
    """
    z = np.asarray(z, dtype=float)
    if name in ("bce", "sq"):
        p = expit(z)
        if name == "sq":
            return p, (p - q) ** 2, 2 * (p - q) * p * (1 - p)
        loss = -(q * _log_sigmoid(z) + (1 - q) * _log_sigmoid(-z))
        return p, loss, p - q
    logits = np.stack([z, np.zeros_like(z), np.zeros_like(z)], axis=-1)
    log_p = log_softmax(logits, axis=-1)
    target = target_distribution(q)
    cross_entropy = -(log_p * target).sum(axis=-1)
    p0 = np.exp(log_p[..., 0])
    if name == "cce":
        return p0, cross_entropy, p0 - q
    if name == "kl":
        return p0, cross_entropy - entropy(target), p0 - q
    raise ValueError(name)


def target_distribution(q: float) -> np.ndarray:
    """q on the true class, the rest shared by the other classes (q = 1 is a one-hot label)."""
    return np.array([q] + [(1 - q) / (CLASSES - 1)] * (CLASSES - 1))


def entropy(dist: np.ndarray) -> float:
    nz = dist[dist > 0]
    return float(-(nz * np.log(nz)).sum())


# ----- outliers: a straight line fitted under each loss -----

@dataclass(frozen=True)
class OutlierData:
    x: np.ndarray
    y: np.ndarray
    is_outlier: np.ndarray  # (n,) bool


TRUE_LINE = (0.5, 1.0)  # slope, intercept of the clean data


def make_outlier_data(n_outliers: int, outlier_y: float, outlier_x: float, seed: int, n_clean: int = 24) -> OutlierData:
    """Clean points near y = 0.5x + 1 on [−3, 3], then `n_outliers` points moved to height `outlier_y`
    around `outlier_x`."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, n_clean))
    y = TRUE_LINE[0] * x + TRUE_LINE[1] + rng.normal(0, 0.3, n_clean)
    ox = np.clip(outlier_x + 0.25 * (np.arange(n_outliers) - (n_outliers - 1) / 2), -3.5, 3.5)
    oy = outlier_y + rng.normal(0, 0.2, n_outliers)
    return OutlierData(np.concatenate([x, ox]), np.concatenate([y, oy]),
                       np.concatenate([np.zeros(n_clean, bool), np.ones(n_outliers, bool)]))


def fit_line(name: str, x: np.ndarray, y: np.ndarray, delta: float = 1.0) -> tuple[float, float]:
    """(slope, intercept) minimising the mean loss of the residuals.

    mse: least squares (closed form). mae: least absolute deviations as a linear program (minimise Σ tᵢ
    with −tᵢ ≤ rᵢ ≤ tᵢ). huber: iteratively reweighted least squares — weights min(1, δ/|r|) give the
    stationary condition of the Huber loss (Holland & Welsch 1977), iterated to a fixed point.
    """
    design = np.stack([x, np.ones_like(x)], axis=1)
    if name == "mse":
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        return float(coef[0]), float(coef[1])
    if name == "mae":
        n = len(x)
        cost = np.concatenate([[0.0, 0.0], np.ones(n)])
        eye = np.eye(n)
        a_ub = np.block([[design, -eye], [-design, -eye]])
        b_ub = np.concatenate([y, -y])
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
        return float(res.x[0]), float(res.x[1])
    if name == "huber":
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        for _ in range(200):
            r = design @ coef - y
            weights = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-12))
            sw = np.sqrt(weights)
            new, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
            if np.max(np.abs(new - coef)) < 1e-12:
                coef = new
                break
            coef = new
        return float(coef[0]), float(coef[1])
    raise ValueError(name)


# ----- why cross-entropy: a confidently wrong softmax classifier -----

def confidently_wrong_logits(confidence: float) -> np.ndarray:
    """Logits that put the mass on a wrong class: true class 0 at −s/2, wrong class 1 at +s/2, class 2 at 0."""
    return np.array([-confidence / 2, confidence / 2, 0.0])


def logit_gradient(name: str, logits: np.ndarray, true_class: int = 0) -> np.ndarray:
    """∂loss/∂logits for softmax outputs p and a one-hot target e.

    cross-entropy −log p_true: p − e (never small while p_true is small).
    squared error Σ(pₖ − eₖ)²: Jᵀ 2(p − e) with the softmax Jacobian J = diag(p) − ppᵀ, which vanishes
    when p saturates — exactly when the model is confidently wrong.
    """
    p = softmax(logits)
    e = np.zeros_like(p)
    e[true_class] = 1.0
    if name == "cce":
        return p - e
    if name == "mse":
        jac = np.diag(p) - np.outer(p, p)
        return jac.T @ (2 * (p - e))
    raise ValueError(name)


def train_logits(name: str, start: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """Gradient descent directly on the logits of one example; returns p_true after each step (steps+1,)."""
    z = np.array(start, dtype=float)
    probs = [softmax(z)[0]]
    for _ in range(steps):
        z = z - lr * logit_gradient(name, z)
        probs.append(softmax(z)[0])
    return np.array(probs)


def steps_to_learn(p_true: np.ndarray, level: float = 0.5) -> int | None:
    """First step at which p_true exceeds `level` (the example is then classified right), or None."""
    above = np.flatnonzero(p_true > level)
    return int(above[0]) if above.size else None
