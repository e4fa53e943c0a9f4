"""Two-dimensional loss surfaces for the optimizer race, with their gradients written out by hand.

Each built-in surface is a polynomial written with + − × and powers only, so the same function evaluates
NumPy arrays (the contour grid, the race) and torch tensors (the tests check the hand-written gradients
against autograd). A user-typed surface goes through `core.formula` and gets its gradient from autograd.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from core.formula import Formula

BUILT_IN = ("quadratic", "rosenbrock", "beale", "saddle")
FORMULA_RANGE, FORMULA_START = (-3.0, 3.0), (-2.0, 2.0)  # the box and suggested start of a typed surface


@dataclass(frozen=True)
class Surface:
    """f(x, y), its gradient on NumPy arrays, the plotted box, a suggested start, and the minimum if known."""

    name: str
    f: Callable
    grad: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None  # None: use autograd
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minimum: tuple[float, float] | None  # a global minimiser (x*, y*)
    f_min: float | None

    def gradient(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.grad is not None:
            return self.grad(x, y)
        return autograd_gradient(self.f, x, y)


def quadratic(kappa: float, angle_deg: float = 0.0) -> Surface:
    """f = ½(λ₁u² + λ₂v²) with λ₁ = 1, λ₂ = 1/κ, where (u, v) is (x, y) turned by `angle_deg`: condition
    number κ, minimum 0 at the origin. At angle 0 it is the textbook ½(λ₁x² + λ₂y²)."""
    l1, l2 = 1.0, 1.0 / kappa
    c, s = float(np.cos(np.radians(angle_deg))), float(np.sin(np.radians(angle_deg)))

    def f(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (l1 * u**2 + l2 * v**2)

    def grad(x, y):  # Rᵀ Λ R (x, y)
        u, v = c * x + s * y, -s * x + c * y
        return c * l1 * u - s * l2 * v, s * l1 * u + c * l2 * v

    return Surface("quadratic", f, grad, (-3.0, 3.0), (-3.0, 3.0), (-2.5, 2.5), (0.0, 0.0), 0.0)


def quadratic_eigenvalues(kappa: float) -> tuple[float, float]:
    """(λmin, λmax) of the quadratic surface's Hessian."""
    return 1.0 / kappa, 1.0


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    inner = y - x**2
    return -2 * (1 - x) - 400 * x * inner, 200 * inner


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return gx, gy


def _saddle(x, y):
    """A saddle at the origin between two valleys at y = ±√2 (f = −1): x² − y² plus y⁴/4 to stay bounded."""
    return x**2 - y**2 + 0.25 * y**4


def _saddle_grad(x, y):
    return 2 * x, -2 * y + y**3


def built_in(name: str, kappa: float = 10.0, angle_deg: float = 0.0) -> Surface:
    """A named test surface (Rosenbrock 1960; Beale 1958; see also Wikipedia "Test functions for optimization")."""
    if name == "quadratic":
        return quadratic(kappa, angle_deg)
    if name == "rosenbrock":
        return Surface(name, _rosenbrock, _rosenbrock_grad, (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0), (1.0, 1.0), 0.0)
    if name == "beale":
        return Surface(name, _beale, _beale_grad, (-4.5, 4.5), (-4.5, 4.5), (-1.0, -1.5), (3.0, 0.5), 0.0)
    if name == "saddle":
        return Surface(name, _saddle, _saddle_grad, (-2.5, 2.5), (-2.5, 2.5), (-2.0, 0.01), (0.0, np.sqrt(2.0)),
                       -1.0)
    raise ValueError(name)


def formula_surface(formula: Formula) -> Surface:
    """A user's formula in x and y on the box [−3, 3]²; minimum unknown."""
    def f(x, y):
        if isinstance(x, torch.Tensor):
            return formula(x=x, y=y)
        with torch.no_grad():
            out = formula(x=torch.as_tensor(x, dtype=torch.float64), y=torch.as_tensor(y, dtype=torch.float64))
        return out.numpy()

    return Surface("formula", f, None, FORMULA_RANGE, FORMULA_RANGE, FORMULA_START, None, None)


def autograd_gradient(f: Callable, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∂f/∂x and ∂f/∂y at each point, from torch autograd (used for typed formulas)."""
    xt = torch.from_numpy(np.array(x, dtype=np.float64)).requires_grad_(True)
    yt = torch.from_numpy(np.array(y, dtype=np.float64)).requires_grad_(True)
    gx, gy = torch.autograd.grad(f(xt, yt).sum(), (xt, yt), allow_unused=True, materialize_grads=True)
    return gx.numpy(), gy.numpy()


def grid(surface: Surface, x_range: tuple[float, float], y_range: tuple[float, float], n: int = 90):
    """f on an n × n grid over the box: (xs, ys, values (n, n) indexed [y, x])."""
    xs = np.linspace(*x_range, n)
    ys = np.linspace(*y_range, n)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        values = np.asarray(surface.f(gx, gy), dtype=float)
    return xs, ys, values
