"""Over- and underfitting on a noisy 1-D function: data, polynomial least squares with an L2 penalty, the
U-curve over the degree, learning curves over the training-set size, and test error against the penalty.

Polynomials use the Legendre basis on [−1, 1] (well conditioned up to high degree, unlike raw powers).
Ridge: minimise 1/n ‖Φc − y‖² + λ ‖c₁..‖² (the constant term is not penalised), solved as one stacked
least-squares problem. Test error is measured on fresh noisy points, so it can never fall below the noise
variance σ² (the irreducible error; Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning",
§7.3 bias-variance decomposition).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre

FUNCTIONS = ("sine", "wiggle", "step")
N_VALIDATION, N_TEST = 40, 400
MAX_DEGREE = 15
SIZE_LADDER = (8, 10, 12, 15, 20, 30, 40, 60, 80, 120, 160, 200)
L2_LADDER = (0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def truth(name: str, x: np.ndarray) -> np.ndarray:
    """The function behind the data, on x ∈ [−1, 1]."""
    if name == "sine":
        return np.sin(3.0 * x)
    if name == "wiggle":
        return np.sin(6.0 * x) * 0.6 + 0.5 * x
    if name == "step":
        return np.tanh(12.0 * x) * 0.8
    raise ValueError(name)


@dataclass(frozen=True)
class FitData:
    """Training, validation (for early stopping) and test points, all with the same noise level."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    noise: float


def _sample(function: str, seed: list[int], n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """n noisy points; inputs and noise come from two streams, so the first n of a larger draw are the same."""
    x = np.random.default_rng(seed + [0]).uniform(-1.0, 1.0, n)
    return x, truth(function, x) + np.random.default_rng(seed + [1]).normal(0.0, noise, n)


def training_draw(function: str, n_train: int, noise: float, seed: int, draw: int = 0):
    """One training set: `draw` numbers independent training sets of the same seed. A larger n extends a
    smaller one (same first points), so "more data" adds points rather than replacing them."""
    return _sample(function, [seed, 2, draw], n_train, noise)


def make_data(function: str, n_train: int, noise: float, seed: int, draw: int = 0) -> FitData:
    """Uniform inputs on [−1, 1]; y = truth(x) + N(0, noise²). The validation and test sets depend on the seed
    only, so every training-set size and every `draw` of training points is judged on the same points."""
    x_val, y_val = _sample(function, [seed, 1], N_VALIDATION, noise)
    x_test, y_test = _sample(function, [seed, 3], N_TEST, noise)
    x_train, y_train = training_draw(function, n_train, noise, seed, draw)
    return FitData(x_train, y_train, x_val, y_val, x_test, y_test, noise)


def design(x: np.ndarray, degree: int) -> np.ndarray:
    """Legendre features P₀(x) … P_degree(x) as columns, (n, degree+1)."""
    return legendre.legvander(np.asarray(x, dtype=float), degree)


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int, l2: float = 0.0) -> np.ndarray:
    """Coefficients minimising 1/n ‖Φc − y‖² + λ Σ_{k≥1} c_k². With more coefficients than points and
    λ = 0, the pseudo-inverse gives the minimum-norm interpolant."""
    return _solve(design(x, degree)[None], np.asarray(y, dtype=float)[None], l2)[0]


def _solve(phi: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Ridge least squares for a stack of problems at once: phi (R, n, k), y (R, n) -> coefficients (R, k)."""
    _, n, k = phi.shape
    phi, target = phi / np.sqrt(n), y / np.sqrt(n)
    if l2 > 0:
        penalty = np.broadcast_to(np.sqrt(l2) * np.eye(k)[1:], (phi.shape[0], k - 1, k))
        phi = np.concatenate([phi, penalty], axis=1)
        target = np.concatenate([target, np.zeros((phi.shape[0], k - 1))], axis=1)
    return (np.linalg.pinv(phi) @ target[..., None])[..., 0]


def predict(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    return legendre.legval(np.asarray(x, dtype=float), coef)


def mse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((pred - y) ** 2))


@dataclass(frozen=True)
class ErrorCurve:
    """Train and test mean squared error along some axis (degree, training-set size, λ)."""

    axis: tuple
    train: np.ndarray
    test: np.ndarray


def _errors(x_train, y_train, v_test, y_test, degrees, l2s) -> tuple[np.ndarray, np.ndarray]:
    """Train/test MSE for each (degree, λ) pair and each of R training sets given as rows of x_train (R, n):
    two arrays (pairs, R). `v_test` holds the test features up to the top degree."""
    x_train, y_train = np.atleast_2d(x_train), np.atleast_2d(y_train)
    v_train = design(x_train, max(degrees))  # (R, n, top+1)
    train, test = [], []
    for degree, l2 in zip(degrees, l2s):
        k = degree + 1
        coef = _solve(v_train[..., :k], y_train, l2)  # (R, k)
        train.append(np.mean((np.einsum("rnk,rk->rn", v_train[..., :k], coef) - y_train) ** 2, axis=1))
        test.append(np.mean((v_test[:, :k] @ coef.T - y_test[:, None]) ** 2, axis=0))
    return np.array(train), np.array(test)


def degree_curve(data: FitData, l2: float, max_degree: int = MAX_DEGREE) -> ErrorCurve:
    """The U-curve: train error keeps falling with the degree, test error falls then rises."""
    degrees = list(range(max_degree + 1))
    train, test = _errors(data.x_train, data.y_train, design(data.x_test, max_degree), data.y_test,
                          degrees, [l2] * len(degrees))
    return ErrorCurve(tuple(degrees), train[:, 0], test[:, 0])


def _draws(function: str, n_train: int, noise: float, seed: int, repeats: int) -> tuple[np.ndarray, np.ndarray]:
    pairs = [training_draw(function, n_train, noise, seed, draw) for draw in range(repeats)]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def average_degree_curve(function: str, n_train: int, noise: float, l2: float, seed: int,
                         repeats: int = 20, max_degree: int = MAX_DEGREE) -> ErrorCurve:
    """The U-curve's typical shape: the median over `repeats` independent training sets (the median, because
    one unlucky draw of an interpolating polynomial can dominate a mean)."""
    data = make_data(function, n_train, noise, seed)
    degrees = list(range(max_degree + 1))
    train, test = _errors(*_draws(function, n_train, noise, seed, repeats), design(data.x_test, max_degree),
                          data.y_test, degrees, [l2] * len(degrees))
    return ErrorCurve(tuple(degrees), np.median(train, axis=1), np.median(test, axis=1))


def learning_curve(function: str, degree: int, noise: float, l2: float, seed: int, repeats: int = 20,
                   sizes: tuple[int, ...] = SIZE_LADDER) -> ErrorCurve:
    """Train and test error against the number of training points (median over `repeats` draws): more data
    pulls the two together — the train error up, the test error down, both towards σ² + the model's bias²."""
    data = make_data(function, 1, noise, seed)
    v_test = design(data.x_test, degree)
    train, test = [], []
    for n in sizes:
        tr, te = _errors(*_draws(function, n, noise, seed, repeats), v_test, data.y_test, [degree], [l2])
        train.append(np.median(tr))
        test.append(np.median(te))
    return ErrorCurve(tuple(sizes), np.array(train), np.array(test))


def l2_curve(data: FitData, degree: int, ladder: tuple[float, ...] = L2_LADDER) -> ErrorCurve:
    """Train and test error of one training set as the penalty λ grows: too little overfits, too much
    flattens the fit (underfits)."""
    train, test = _errors(data.x_train, data.y_train, design(data.x_test, degree), data.y_test,
                          [degree] * len(ladder), list(ladder))
    return ErrorCurve(tuple(ladder), train[:, 0], test[:, 0])
