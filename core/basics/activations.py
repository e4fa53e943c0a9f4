"""Activation functions, their derivatives by autograd, and what they do to a batch of inputs.

Sources of the less common ones: ELU — Clevert et al. 2015 (arXiv:1511.07289); GELU — Hendrycks & Gimpel
2016 (arXiv:1606.08415), the exact x·Φ(x) form that torch.nn.GELU uses by default; SiLU/Swish — Elfwing et
al. 2017 (arXiv:1702.03118), Ramachandran et al. 2017 (arXiv:1710.05941); Softsign — Glorot & Bengio
2010; Leaky ReLU — Maas et al. 2013.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from core.formula import Formula

BUILTIN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "softsign")
CUSTOM = "custom"
NAMES = BUILTIN + (CUSTOM,)

Activation = Callable[[torch.Tensor], torch.Tensor]


def activation(name: str, *, slope: float = 0.01, alpha: float = 1.0, custom: Formula | None = None) -> Activation:
    """The function called `name`; `slope` is Leaky ReLU's, `alpha` ELU's, `custom` the user's formula in x."""
    if name == CUSTOM:
        if custom is None:
            raise ValueError("the custom activation needs a formula")
        return lambda x: custom(x=x)
    table: dict[str, Activation] = {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, slope), "elu": lambda x: F.elu(x, alpha),
        "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus, "softsign": F.softsign,
    }
    return table[name]


def latex(name: str, *, slope: float = 0.01, alpha: float = 1.0, custom_text: str = "") -> tuple[str, str]:
    """f(x) and f'(x) in LaTeX, with the current slope/alpha written in (the notation matches the code)."""
    a, al = f"{slope:g}", f"{alpha:g}"
    formulas = {
        "sigmoid": (r"\sigma(x)=\frac{1}{1+e^{-x}}", r"\sigma'(x)=\sigma(x)\,\bigl(1-\sigma(x)\bigr)"),
        "tanh": (r"\tanh(x)=\frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}", r"\tanh'(x)=1-\tanh^{2}(x)"),
        "relu": (r"\mathrm{ReLU}(x)=\max(0,\,x)", r"\mathrm{ReLU}'(x)=\begin{cases}1 & x>0\\ 0 & x<0\end{cases}"),
        "leaky_relu": (rf"f(x)=\begin{{cases}}x & x>0\\ {a}\,x & x\le 0\end{{cases}}",
                       rf"f'(x)=\begin{{cases}}1 & x>0\\ {a} & x<0\end{{cases}}"),
        "elu": (rf"f(x)=\begin{{cases}}x & x>0\\ {al}\,(e^{{x}}-1) & x\le 0\end{{cases}}",
                rf"f'(x)=\begin{{cases}}1 & x>0\\ {al}\,e^{{x}} & x<0\end{{cases}}"),
        "gelu": (r"\mathrm{GELU}(x)=x\,\Phi(x)=\frac{x}{2}\Bigl(1+\mathrm{erf}\frac{x}{\sqrt{2}}\Bigr)",
                 r"\mathrm{GELU}'(x)=\Phi(x)+x\,\varphi(x),\quad \varphi(x)=\frac{e^{-x^{2}/2}}{\sqrt{2\pi}}"),
        "silu": (r"\mathrm{SiLU}(x)=x\,\sigma(x)",
                 r"\mathrm{SiLU}'(x)=\sigma(x)\,\bigl(1+x\,(1-\sigma(x))\bigr)"),
        "softplus": (r"\mathrm{softplus}(x)=\ln\bigl(1+e^{x}\bigr)", r"\mathrm{softplus}'(x)=\sigma(x)"),
        "softsign": (r"\mathrm{softsign}(x)=\frac{x}{1+|x|}", r"\mathrm{softsign}'(x)=\frac{1}{(1+|x|)^{2}}"),
    }
    if name == CUSTOM:
        return rf"f(x)=\texttt{{{_latex_escape(custom_text)}}}", r"f'(x)\ \text{(autograd)}"
    return formulas[name]


def _latex_escape(text: str) -> str:
    """The user's formula shown verbatim in LaTeX (only characters the formula parser allows get here)."""
    out = text
    for char, escaped in (("\\", r"\backslash "), ("{", r"\{"), ("}", r"\}"), ("_", r"\_"), ("^", r"\hat{}"),
                          ("%", r"\%"), ("#", r"\#"), ("&", r"\&"), ("$", r"\$"), ("~", r"\sim ")):
        out = out.replace(char, escaped)
    return out


def value_and_derivative(fn: Activation, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) on the points x; the derivative comes from autograd (elementwise f: grad of the sum)."""
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (dy,) = torch.autograd.grad(y.sum(), x, allow_unused=True, materialize_grads=True)
    return y.detach().double().numpy(), dy.detach().double().numpy()


@dataclass(frozen=True)
class Interval:
    """Grid points lo <= x <= hi where |f'(x)| < eps; a None end means the run reaches the edge of the range."""

    lo: float | None
    hi: float | None


def symmetric_grid(xmax: float, points: int) -> torch.Tensor:
    """`points` (odd) float64 values from -xmax to xmax, symmetric and with exactly 0 in the middle."""
    half = torch.linspace(0.0, xmax, points // 2 + 1, dtype=torch.float64)
    return torch.cat([-half.flip(0)[:-1], half])


def vanishing_intervals(x: np.ndarray, dy: np.ndarray, eps: float) -> list[Interval]:
    """Runs of grid points with |f'| < eps (NaN counts as not vanishing), as their first and last points."""
    mask = np.abs(np.nan_to_num(dy, nan=np.inf)) < eps
    runs: list[Interval] = []
    n = len(x)
    i = 0
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and mask[j + 1]:
            j += 1
        lo = None if i == 0 else float(x[i])
        hi = None if j == n - 1 else float(x[j])
        runs.append(Interval(lo, hi))
        i = j + 1
    return runs


@dataclass(frozen=True)
class BatchEffect:
    """What one activation does to a batch of inputs."""

    mean: float  # of f(x)
    std: float  # of f(x)
    mean_grad: float  # mean f'(x): the factor a gradient passing through is scaled by, on average
    vanishing: float  # share of inputs where |f'(x)| < eps
    dead: float  # share of inputs where f'(x) == 0 exactly (no gradient at all)
    finite: float  # share of outputs that are finite numbers


def batch_effect(fn: Activation, x: torch.Tensor, eps: float) -> tuple[np.ndarray, BatchEffect]:
    """f applied to the batch x, and the statistics of outputs and derivatives over the finite outputs."""
    y, dy = value_and_derivative(fn, x)
    ok = np.isfinite(y) & np.isfinite(dy)
    if not ok.any():
        nan = float("nan")
        return y, BatchEffect(nan, nan, nan, nan, nan, 0.0)
    yo, do = y[ok], dy[ok]
    return y, BatchEffect(float(yo.mean()), float(yo.std()), float(do.mean()), float((np.abs(do) < eps).mean()),
                          float((do == 0).mean()), float(ok.mean()))


def shared_histograms(samples: dict[str, np.ndarray], bins: int = 60) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Histograms of several samples on common bins (finite values only), as shares of each sample."""
    finite = {name: v[np.isfinite(v)] for name, v in samples.items()}
    pooled = np.concatenate([v for v in finite.values() if v.size] or [np.zeros(1)])
    lo, hi = float(pooled.min()), float(pooled.max())
    if hi - lo < 1e-12:  # all values equal: a narrow bin around them
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    shares = {}
    for name, v in finite.items():
        counts, _ = np.histogram(v, bins=edges)
        shares[name] = counts / max(samples[name].size, 1)
    return edges, shares
