"""The race against plain torch.optim loops, hand-written gradients against autograd, and the theory on the
quadratic against brute force and against what the race measures."""
import numpy as np
import pytest
import torch

from core.formula import parse_formula
from core.basics.optimizer_race import (OPTIMIZERS, Settings, measured_rate, predicted_rate, quadratic_theory, race,
                                 steps_to_shrink)
from core.basics.surfaces import BUILT_IN, autograd_gradient, built_in, formula_surface, quadratic, quadratic_eigenvalues

LRS = dict(sgd=0.002, momentum=0.001, nesterov=0.001, rmsprop=0.01, adagrad=0.3, adam=0.05)
REFERENCE = {
    "sgd": lambda p, lr, beta: torch.optim.SGD([p], lr=lr),
    "momentum": lambda p, lr, beta: torch.optim.SGD([p], lr=lr, momentum=beta),
    "nesterov": lambda p, lr, beta: torch.optim.SGD([p], lr=lr, momentum=beta, nesterov=True),
    "rmsprop": lambda p, lr, beta: torch.optim.RMSprop([p], lr=lr),
    "adagrad": lambda p, lr, beta: torch.optim.Adagrad([p], lr=lr),
    "adam": lambda p, lr, beta: torch.optim.Adam([p], lr=lr),
}


def reference_path(surface, start, name, lr, beta, steps):
    """The textbook loop: one optimizer, autograd on f, zero_grad / backward / step."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = REFERENCE[name](p, lr, beta)
    path = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        surface.f(p[0], p[1]).backward()
        opt.step()
        path.append(p.detach().clone().numpy())
    return np.array(path)


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "saddle"])
def test_race_equals_one_optimizer_at_a_time(name):
    surface = built_in(name)
    settings = Settings(tuple(LRS.items()), (("momentum", 0.8), ("nesterov", 0.7)))
    result = race(surface, surface.start, settings, 40)
    for i, opt in enumerate(OPTIMIZERS):
        expected = reference_path(surface, surface.start, opt, LRS[opt], settings.beta_of(opt), 40)
        np.testing.assert_allclose(result.paths[i], expected, rtol=1e-9, atol=1e-12, err_msg=f"{name}/{opt}")
    np.testing.assert_allclose(result.losses, surface.f(result.paths[..., 0], result.paths[..., 1]))


@pytest.mark.parametrize("name", [*BUILT_IN, "rotated"])
def test_hand_written_gradients_match_autograd(name):
    surface = quadratic(20.0, 35.0) if name == "rotated" else built_in(name, 7.0)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-2, 2, 50), rng.uniform(-2, 2, 50)
    gx, gy = surface.grad(x, y)
    rx, ry = autograd_gradient(surface.f, x, y)
    np.testing.assert_allclose(gx, rx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gy, ry, rtol=1e-10, atol=1e-10)


def test_typed_formula_races_like_the_built_in_surface():
    typed = formula_surface(parse_formula("(1 - x)^2 + 100*(y - x^2)^2", ("x", "y")))
    settings = Settings(tuple(LRS.items()))
    a = race(typed, (-1.5, 2.5), settings, 30)
    b = race(built_in("rosenbrock"), (-1.5, 2.5), settings, 30)
    np.testing.assert_allclose(a.paths, b.paths, rtol=1e-9, atol=1e-12)


def test_a_subset_of_racers_and_divergence():
    surface = built_in("quadratic", 10.0)
    settings = Settings((("sgd", 2.5), ("adam", 0.1)))
    result = race(surface, surface.start, settings, 100, names=("sgd", "adam"))
    assert result.names == ("sgd", "adam")
    assert result.diverged_at[0] is not None and result.diverged_at[1] is None  # |1 − 2.5·1| > 1 blows up
    assert np.isnan(result.paths[0, result.diverged_at[0]:]).all()


def test_theory_closed_forms_by_hand():
    th = quadratic_theory(0.01, 1.0)  # κ = 100, √κ = 10
    assert th.gd_lr == pytest.approx(2 / 1.01)
    assert th.gd_rate == pytest.approx(99 / 101)
    assert th.heavy_ball_lr == pytest.approx(4 / 1.1**2)
    assert th.heavy_ball_momentum == pytest.approx((9 / 11) ** 2)
    assert th.heavy_ball_rate == pytest.approx(9 / 11)


@pytest.mark.parametrize("kappa", [4.0, 50.0, 1000.0])
def test_theory_rates_equal_the_iteration_spectral_radius_and_are_optimal(kappa):
    l_min, l_max = quadratic_eigenvalues(kappa)
    th = quadratic_theory(l_min, l_max)
    assert predicted_rate("sgd", th.gd_lr, 0.0, l_min, l_max) == pytest.approx(th.gd_rate, rel=1e-9)
    assert predicted_rate("momentum", th.heavy_ball_lr, th.heavy_ball_momentum, l_min, l_max) == pytest.approx(
        th.heavy_ball_rate, rel=1e-6)
    # brute force: no step size, and no (step, momentum) pair on a fine grid, does better
    for lr in np.linspace(0.01, 2.0, 400) * 2 / (l_min + l_max):
        assert predicted_rate("sgd", lr, 0.0, l_min, l_max) >= th.gd_rate - 1e-12
    for lr in np.geomspace(0.05, 5, 60) * th.heavy_ball_lr:
        for beta in np.linspace(0, 0.999, 60):
            assert predicted_rate("momentum", lr, beta, l_min, l_max) >= th.heavy_ball_rate - 1e-9


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_race_measures_the_theoretical_rates(kappa):
    l_min, l_max = quadratic_eigenvalues(kappa)
    th = quadratic_theory(l_min, l_max)
    settings = Settings((("sgd", th.gd_lr), ("momentum", th.heavy_ball_lr)),
                        (("momentum", th.heavy_ball_momentum),))
    result = race(built_in("quadratic", kappa), (-2.5, 2.5), settings, 500, names=("sgd", "momentum"))
    assert measured_rate(result.paths[0]) == pytest.approx(th.gd_rate, rel=1e-6)
    # a repeated eigenvalue at Polyak's setting: the distance shrinks like t·r^t, so over the measured window
    # [T/2, T] the rate reads r·2^(2/T), a few percent above r when round-off ends the run after T ≈ 40 steps
    hb = measured_rate(result.paths[1])
    assert th.heavy_ball_rate <= hb <= th.heavy_ball_rate * 1.05


@pytest.mark.parametrize("name, lr, beta", [("sgd", 1.2, 0.0), ("momentum", 0.3, 0.6), ("nesterov", 0.5, 0.5),
                                            ("nesterov", 1.0, 0.9), ("momentum", 1.5, 0.3)])
def test_predicted_rate_matches_the_race_for_any_settings(name, lr, beta):
    l_min, l_max = quadratic_eigenvalues(20.0)
    settings = Settings(((name, lr),), ((name, beta),))
    result = race(quadratic(20.0, 30.0), (-2.5, 2.5), settings, 400, names=(name,))
    predicted = predicted_rate(name, lr, beta, l_min, l_max)
    assert predicted < 1 and measured_rate(result.paths[0]) == pytest.approx(predicted, rel=0.02)


def test_turning_the_valley_changes_nothing_for_sgd_but_hurts_per_coordinate_scaling():
    """Gradient descent is rotation invariant: turn the valley and the start point together and its losses
    are the same. RMSprop and Adagrad divide each axis by its own gradient size, which undoes the bad
    conditioning only while the valley lies along the axes."""
    angle = np.radians(45.0)
    c, s = np.cos(angle), np.sin(angle)
    start = np.array([-2.5, 2.5])
    turned_start = tuple(np.array([[c, -s], [s, c]]) @ start)  # R^T start, so that R(turned) = start
    settings = Settings((("sgd", 1.0), ("rmsprop", 0.05), ("adagrad", 0.5)))
    names = ("sgd", "rmsprop", "adagrad")
    aligned = race(quadratic(100.0, 0.0), tuple(start), settings, 300, names=names)
    turned = race(quadratic(100.0, 45.0), turned_start, settings, 300, names=names)
    np.testing.assert_allclose(turned.losses[0], aligned.losses[0], rtol=1e-9)
    for i in (1, 2):
        assert turned.losses[i, -1] > 1e6 * aligned.losses[i, -1]


def test_steps_to_shrink_a_thousandfold():
    assert steps_to_shrink(0.5) == 10  # 2^-10 < 1e-3 < 2^-9
    assert steps_to_shrink(0.0) == 1
    assert 0.99 ** steps_to_shrink(0.99) <= 1e-3 < 0.99 ** (steps_to_shrink(0.99) - 1)
