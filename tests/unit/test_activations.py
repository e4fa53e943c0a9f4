"""Activations against closed forms (NumPy/SciPy) and torch.nn modules; the deep stack against a NumPy re-run."""
import math

import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

from core.basics import activations as A
from core.formula import parse_formula
from core.basics.init_stats import (INITS, batch_size, deep_stack, histogram_layers, init_std, propagate,
                             stack_weights)

SLOPE, ALPHA = 0.07, 1.6
X = np.linspace(-7, 7, 1401)


def sig(x):
    return special.expit(x)


def phi(x):
    return np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)


# name: (f(x), f'(x)) written from the papers' definitions in NumPy/SciPy
CLOSED_FORMS = {
    "sigmoid": (sig, lambda x: sig(x) * (1 - sig(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
    "leaky_relu": (lambda x: np.where(x > 0, x, SLOPE * x), lambda x: np.where(x > 0, 1.0, SLOPE)),
    "elu": (lambda x: np.where(x > 0, x, ALPHA * np.expm1(x)), lambda x: np.where(x > 0, 1.0, ALPHA * np.exp(x))),
    "gelu": (lambda x: x * special.ndtr(x), lambda x: special.ndtr(x) + x * phi(x)),
    "silu": (lambda x: x * sig(x), lambda x: sig(x) * (1 + x * (1 - sig(x)))),
    "softplus": (lambda x: np.logaddexp(0, x), sig),
    "softsign": (lambda x: x / (1 + np.abs(x)), lambda x: 1 / (1 + np.abs(x)) ** 2),
}
TORCH_MODULES = {
    "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU(),
    "leaky_relu": torch.nn.LeakyReLU(SLOPE), "elu": torch.nn.ELU(ALPHA), "gelu": torch.nn.GELU(),
    "silu": torch.nn.SiLU(), "softplus": torch.nn.Softplus(), "softsign": torch.nn.Softsign(),
}


@pytest.mark.parametrize("name", A.BUILTIN)
def test_values_and_autograd_derivatives_match_closed_forms_and_torch_modules(name):
    fn = A.activation(name, slope=SLOPE, alpha=ALPHA)
    grid = X[X != 0]  # kinks: the derivative is not defined at 0 for ReLU-like functions
    y, dy = A.value_and_derivative(fn, torch.tensor(grid))
    f, df = CLOSED_FORMS[name]
    np.testing.assert_allclose(y, f(grid), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dy, df(grid), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y, TORCH_MODULES[name](torch.tensor(grid)).numpy(), rtol=1e-12, atol=1e-12)


def test_custom_formula_derivative_matches_finite_differences():
    mish = parse_formula("x * tanh(softplus(x))")
    y, dy = A.value_and_derivative(A.activation(A.CUSTOM, custom=mish), torch.tensor(X))
    np.testing.assert_allclose(y, X * np.tanh(np.logaddexp(0, X)), rtol=1e-12, atol=1e-12)
    h = 1e-6
    numeric = ((X + h) * np.tanh(np.logaddexp(0, X + h)) - (X - h) * np.tanh(np.logaddexp(0, X - h))) / (2 * h)
    np.testing.assert_allclose(dy, numeric, atol=1e-7)


def test_symmetric_grid_contains_zero_exactly():
    x = A.symmetric_grid(6.0, 801)
    assert len(x) == 801 and x[400].item() == 0.0 and x[0].item() == -6.0 and x[-1].item() == 6.0
    assert torch.equal(x, -x.flip(0))


def test_custom_needs_a_formula():
    with pytest.raises(ValueError):
        A.activation(A.CUSTOM)


def test_vanishing_intervals_of_sigmoid_sit_where_the_slope_equals_eps():
    x = np.linspace(-6, 6, 2401)
    _, dy = A.value_and_derivative(torch.sigmoid, torch.tensor(x))
    runs = A.vanishing_intervals(x, dy, 0.01)
    s = (1 - math.sqrt(1 - 4 * 0.01)) / 2  # s(1 - s) = 0.01
    edge = math.log(1 / s - 1)  # |x| beyond this: sigmoid' < 0.01 (analytically about 4.585)
    assert len(runs) == 2
    assert runs[0].lo is None and runs[0].hi == pytest.approx(-edge, abs=0.006)
    assert runs[1].hi is None and runs[1].lo == pytest.approx(edge, abs=0.006)


def test_vanishing_intervals_edge_cases():
    x = np.linspace(-3, 3, 7)
    relu = A.vanishing_intervals(x, (x > 0).astype(float), 0.01)
    assert relu == [A.Interval(None, 0.0)]  # PyTorch's ReLU'(0) = 0: the last point with no slope is x = 0
    assert A.vanishing_intervals(x, np.zeros_like(x), 0.01) == [A.Interval(None, None)]
    assert A.vanishing_intervals(x, np.ones_like(x), 0.01) == []
    bump = np.array([1, 1, 0, 0, 1, 1, 1.0])
    assert A.vanishing_intervals(x, bump, 0.5) == [A.Interval(-1.0, 0.0)]
    assert A.vanishing_intervals(x, np.full_like(x, np.nan), 0.5) == []  # undefined is not "vanishing"


def test_batch_effect_of_relu_and_sigmoid_against_the_normal_distribution():
    gen = torch.Generator().manual_seed(0)
    n, mu, sigma = 200_000, 0.3, 1.7
    batch = torch.randn(n, generator=gen, dtype=torch.float64) * sigma + mu
    _, relu = A.batch_effect(torch.relu, batch, 0.01)
    z = mu / sigma  # E[max(0, X)] = mu Φ(z) + sigma φ(z); P(X <= 0) = Φ(-z)
    assert relu.mean == pytest.approx(mu * stats.norm.cdf(z) + sigma * stats.norm.pdf(z), abs=0.01)
    assert relu.dead == pytest.approx(stats.norm.cdf(-z), abs=0.005)
    assert relu.vanishing == pytest.approx(relu.dead, abs=1e-12) and relu.finite == 1.0
    _, sgm = A.batch_effect(torch.sigmoid, batch, 0.01)
    expected, _ = integrate.quad(lambda v: sig(v) * (1 - sig(v)) * stats.norm.pdf(v, mu, sigma), -40, 40)
    assert sgm.mean_grad == pytest.approx(expected, abs=0.002)
    assert sgm.dead == 0.0


def test_batch_effect_of_a_formula_undefined_on_part_of_the_batch():
    fn = A.activation(A.CUSTOM, custom=parse_formula("log(x)"))
    _, effect = A.batch_effect(fn, torch.linspace(-1, 1, 101, dtype=torch.float64), 0.01)
    assert effect.finite == pytest.approx(50 / 101)
    assert math.isfinite(effect.mean)


def test_shared_histograms_cover_each_sample_and_skip_non_finite_values():
    a = np.array([0.0, 1.0, 2.0, 3.0])
    b = np.array([1.0, np.nan, np.inf, 2.0])
    edges, shares = A.shared_histograms({"a": a, "b": b}, bins=3)
    np.testing.assert_allclose(edges, [0, 1, 2, 3])
    np.testing.assert_allclose(shares["a"], [0.25, 0.25, 0.5])
    assert shares["b"].sum() == pytest.approx(0.5)  # two of four values are finite
    edges, shares = A.shared_histograms({"flat": np.full(5, 2.0)}, bins=4)
    assert edges[0] < 2.0 < edges[-1] and shares["flat"].sum() == pytest.approx(1.0)


def test_latex_exists_for_every_function_and_escapes_the_custom_text():
    for name in A.BUILTIN:
        fx, dfx = A.latex(name, slope=SLOPE, alpha=ALPHA)
        assert fx and dfx and fx.count("{") == fx.count("}") and dfx.count("{") == dfx.count("}")
    assert "0.07" in A.latex("leaky_relu", slope=SLOPE)[0] and "1.6" in A.latex("elu", alpha=ALPHA)[1]
    fx, _ = A.latex(A.CUSTOM, custom_text="x**2 + {evil}")
    assert r"\{evil\}" in fx


# ----- the deep stack -----

@pytest.mark.parametrize("init, torch_init", [
    ("xavier", torch.nn.init.xavier_normal_),
    ("he", lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu")),
])
def test_init_std_matches_torch_init(init, torch_init):
    width = 256
    ours = stack_weights(1, width, init, 0.0, seed=1)[0]
    theirs = torch_init(torch.empty(width, width))
    assert init_std(init, width, width, 0.0) == pytest.approx(float(theirs.std()), rel=0.02)
    assert float(ours.std()) == pytest.approx(float(theirs.std()), rel=0.02)
    assert init_std("normal", width, width, 0.3) == 0.3
    with pytest.raises(ValueError):
        init_std("orthogonal", width, width, 0.3)


@pytest.mark.parametrize("act, np_act, np_dact", [
    ("tanh", np.tanh, lambda z, h: 1 - h**2),
    ("relu", lambda z: np.maximum(z, 0), lambda z, h: (z > 0).astype(float)),
])
def test_stack_statistics_match_a_numpy_forward_and_backward(act, np_act, np_dact):
    depth, width = 6, 32
    weights = stack_weights(depth, width, "he", 0.0, seed=3)
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(64, width, generator=gen)
    g = torch.randn(64, width, generator=gen)
    got = propagate(A.activation(act), [W.clone().requires_grad_(True) for W in weights],
                    x.clone().requires_grad_(True), g, keep=(0, depth))
    Ws = [W.double().numpy() for W in weights]
    hs, zs = [x.double().numpy()], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(np_act(zs[-1]))
    grad_h = [None] * (depth + 1)
    grad_W = [None] * depth
    grad_h[depth] = g.double().numpy()
    for layer in range(depth, 0, -1):
        grad_z = grad_h[layer] * np_dact(zs[layer - 1], hs[layer])
        grad_W[layer - 1] = grad_z.T @ hs[layer - 1]
        grad_h[layer - 1] = grad_z @ Ws[layer - 1]
    np.testing.assert_allclose(got.act_std, [h.std(ddof=1) for h in hs], rtol=1e-4)
    np.testing.assert_allclose(got.grad_std, [gh.std(ddof=1) for gh in grad_h], rtol=1e-4)
    np.testing.assert_allclose(got.weight_grad_std, [gw.std(ddof=1) for gw in grad_W], rtol=1e-4)
    np.testing.assert_allclose(got.layers[depth], hs[depth].ravel(), rtol=1e-4, atol=1e-6)
    assert got.first_bad_layer is None
    assert got.flat_share == pytest.approx((np.abs(np_dact(zs[-1], hs[-1])) < 0.01).mean(), abs=1e-3)


def test_initialisation_must_suit_the_activation():
    relu = A.activation("relu")
    he = deep_stack(relu, 20, 128, "he", seed=0)
    xavier = deep_stack(relu, 20, 128, "xavier", seed=0)
    assert 0.3 < he.act_std[-1] / he.act_std[0] < 3  # He et al.: variance kept through ReLU layers
    assert 0.3 < he.grad_std[0] / he.grad_std[-1] < 3
    # Xavier with ReLU halves the variance per layer: std falls by about sqrt(2)^19 ~ 1/700 after 20 layers
    assert xavier.act_std[-1] / xavier.act_std[1] == pytest.approx(2 ** -9.5, rel=0.5)
    assert he.flat_share == pytest.approx(0.5, abs=0.05)  # ReLU switches off about half of its units
    saturated = deep_stack(A.activation("tanh"), 20, 64, "normal", sigma=1.0, seed=0)
    assert saturated.flat_share > 0.5 and saturated.grad_std[0] / saturated.grad_std[-1] > 100
    tiny = deep_stack(A.activation("tanh"), 20, 64, "normal", sigma=0.01, seed=0)
    assert tiny.act_std[-1] < 1e-10 and tiny.grad_std[0] < 1e-10
    linear = deep_stack(A.activation(A.CUSTOM, custom=parse_formula("x")), 10, 256, "xavier", seed=0)
    assert 0.7 < linear.act_std[-1] / linear.act_std[0] < 1.4  # Glorot: a linear stack keeps the variance


def test_an_exploding_stack_reports_the_first_bad_layer():
    stats = deep_stack(A.activation(A.CUSTOM, custom=parse_formula("exp(x)")), 12, 32, "normal", sigma=2.0, seed=0)
    assert stats.first_bad_layer is not None and 1 <= stats.first_bad_layer <= 12
    assert not np.isfinite(stats.act_std[stats.first_bad_layer])


def test_histogram_layers_and_batch_size():
    assert histogram_layers(1) == (1,)
    assert histogram_layers(20) == (1, 7, 13, 20)
    assert all(batch_size(w) * w == 16_384 for w in (16, 32, 64, 128, 256))
    assert set(INITS) == {"xavier", "he", "normal"}
