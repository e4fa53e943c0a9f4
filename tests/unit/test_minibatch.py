"""The mini-batch page's core: gradients against torch autograd, the spread formula against sampling, the race."""
import numpy as np
import pytest
import torch

from core.basics.minibatch import (N_POINTS, START, BatchRace, RaceConfig, full_gradient, gradient_covariance,
                                   least_squares, loss, make_points, per_example_gradients, sample_batch_gradients)


def test_gradients_match_torch_autograd():
    x, y = make_points(3)
    w = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.4, dtype=torch.float64, requires_grad=True)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    value = ((w * xt + b - yt) ** 2).mean()
    value.backward()
    assert full_gradient(x, y, 0.7, -0.4) == pytest.approx([w.grad.item(), b.grad.item()], rel=1e-12)
    assert loss(x, y, 0.7, -0.4) == pytest.approx(value.item(), rel=1e-12)
    w3 = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    ((w3 * xt[3] + 0.2 - yt[3]) ** 2).backward()
    assert per_example_gradients(x, y, 1.5, 0.2)[3, 0] == pytest.approx(w3.grad.item(), rel=1e-12)


def test_loss_on_a_grid_matches_the_direct_mean():
    x, y = make_points(0)
    ww, bb = np.meshgrid([-1.0, 0.5, 2.0], [0.0, 1.0])
    direct = ((ww[..., None] * x + bb[..., None] - y) ** 2).mean(-1)
    np.testing.assert_allclose(loss(x, y, ww, bb), direct, rtol=1e-10)


@pytest.mark.parametrize("batch", [1, 4, 32, 128])
def test_spread_formula_matches_sampling_and_falls_like_one_over_b(batch):
    x, y = make_points(1)
    rng = np.random.default_rng(5)
    g = sample_batch_gradients(x, y, *START, batch, 20000, rng)
    predicted = gradient_covariance(x, y, *START, batch)
    np.testing.assert_allclose(g.mean(0), full_gradient(x, y, *START), atol=4 * np.sqrt(np.trace(predicted) / 20000))
    assert np.trace(np.cov(g.T)) == pytest.approx(np.trace(predicted), rel=0.05)
    sigma = np.cov(per_example_gradients(x, y, *START).T, bias=True)
    np.testing.assert_allclose(predicted * batch, sigma * (N_POINTS - batch) / (N_POINTS - 1))


def test_full_batch_has_no_spread():
    x, y = make_points(2)
    g = sample_batch_gradients(x, y, *START, N_POINTS, 5, np.random.default_rng(0))
    np.testing.assert_allclose(g, np.tile(full_gradient(x, y, *START), (5, 1)), rtol=1e-10)
    assert np.abs(gradient_covariance(x, y, *START, N_POINTS)).max() == 0


def test_race_full_batch_is_gradient_descent_and_reaches_least_squares():
    race = BatchRace(RaceConfig(batch=16, lr=0.05, seed=4, max_steps=400))
    x, y = race.x, race.y
    p = np.array(START)
    for _ in range(3):
        p = p - 0.05 * full_gradient(x, y, *p)
    race.step(3)
    np.testing.assert_allclose(race.params["full"], p, rtol=1e-12)
    race.step(397)
    np.testing.assert_allclose(race.params["full"], least_squares(x, y), rtol=1e-6)
    floor = loss(x, y, *least_squares(x, y))
    single, mini = np.mean(race.losses["single"][-100:]), np.mean(race.losses["mini"][-100:])
    assert floor < mini < single  # the noise floor: smaller batches jitter further above the minimum
    assert race.examples_seen("full")[-1] == 400 * N_POINTS and race.examples_seen("single")[-1] == 400


def test_single_example_epochs_visit_every_point_once():
    race = BatchRace(RaceConfig(batch=8, seed=0, max_steps=N_POINTS))
    seen = [race._next_batch("single")[0] for _ in range(N_POINTS)]
    assert sorted(seen) == list(range(N_POINTS))
