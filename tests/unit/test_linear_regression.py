"""Linear regression: closed form against lstsq, gradient descent against torch.optim.SGD and autograd."""
import numpy as np
import pytest
import torch

from core.basics.linear_regression import (critical_lr, gradient, gradient_descent, hessian, least_squares,
                                    make_line_data, mse)


@pytest.fixture(scope="module")
def data():
    return make_line_data(30, 0.5, seed=4)


def test_closed_form_matches_lstsq(data):
    design = np.stack([data.x, np.ones_like(data.x)], axis=1)
    reference, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    np.testing.assert_allclose(least_squares(data), reference, rtol=1e-10)


def test_gradient_and_hessian_match_autograd(data):
    x, y = torch.tensor(data.x), torch.tensor(data.y)
    params = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    loss_fn = lambda p: ((p[0] * x + p[1] - y) ** 2).mean()  # noqa: E731
    loss_fn(params).backward()
    np.testing.assert_allclose(gradient(data, 0.3, -0.7), params.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(hessian(data), torch.autograd.functional.hessian(loss_fn, params).numpy(), rtol=1e-12)
    assert float(mse(data, 0.3, -0.7)) == pytest.approx(float(loss_fn(params.detach())), rel=1e-12)


def test_grid_loss_equals_pointwise(data):
    ws, bs = np.meshgrid([0.1, 0.5, 0.9], [-2.0, 0.0])
    grid = mse(data, ws, bs)
    for i in range(2):
        for j in range(3):
            assert grid[i, j] == pytest.approx(float(mse(data, ws[i, j], bs[i, j])))


def test_descent_path_equals_torch_sgd(data):
    path = gradient_descent(data, -1.5, 3.0, 0.05, 40)
    model = torch.nn.Linear(1, 1).double()
    with torch.no_grad():
        model.weight.fill_(-1.5)
        model.bias.fill_(3.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    x, y = torch.tensor(data.x)[:, None], torch.tensor(data.y)[:, None]
    for t in range(40):
        np.testing.assert_allclose(path.params[t], [model.weight.item(), model.bias.item()], rtol=1e-10, atol=1e-12)
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()


def test_descent_converges_to_least_squares_below_the_limit(data):
    limit = critical_lr(data)
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(hessian(data)).max())
    path = gradient_descent(data, -1.5, 3.0, 0.9 * limit, 3000)
    assert path.diverged_at is None
    np.testing.assert_allclose(path.params[-1], least_squares(data), atol=1e-6)


def test_descent_diverges_above_the_limit(data):
    path = gradient_descent(data, -1.5, 3.0, 1.1 * critical_lr(data), 2000)
    assert path.diverged_at is not None
    assert np.isnan(path.params[path.diverged_at:]).all()
    assert path.loss[path.diverged_at - 1] > path.loss[0]
