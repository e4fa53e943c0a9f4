"""Loss formulas against torch.nn.functional + autograd; robust fits against independent solvers."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.linear_model import QuantileRegressor

from core.basics.losses import (classification_loss, confidently_wrong_logits, fit_line, logit_gradient,
                         make_outlier_data, regression_loss, steps_to_learn, target_distribution, train_logits)

PRED = np.linspace(-3, 3, 25)


def autograd(fn, values):
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    out = fn(x)
    (grad,) = torch.autograd.grad(out.sum(), x)
    return out.detach().numpy(), grad.numpy()


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_regression_losses_match_torch(delta):
    target = 0.5
    pred = np.append(PRED, target)  # residual exactly 0 too
    y = torch.full((len(pred),), target, dtype=torch.float64)
    references = {"mse": lambda p: F.mse_loss(p, y, reduction="none"),
                  "mae": lambda p: F.l1_loss(p, y, reduction="none"),
                  "huber": lambda p: F.huber_loss(p, y, reduction="none", delta=delta)}
    for name, reference in references.items():
        loss, grad = regression_loss(name, pred, target, delta)
        ref_loss, ref_grad = autograd(reference, pred)
        np.testing.assert_allclose(loss, ref_loss, rtol=1e-12, atol=1e-14, err_msg=name)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.parametrize("q", [1.0, 0.8, 0.55])
def test_classification_losses_match_torch(q):
    z = np.linspace(-9, 9, 37)
    target3 = torch.tensor(target_distribution(q))

    def logits3(zt):
        return torch.stack([zt, torch.zeros_like(zt), torch.zeros_like(zt)], dim=1)

    references = {
        "bce": lambda zt: F.binary_cross_entropy_with_logits(zt, torch.full_like(zt, q), reduction="none"),
        "cce": lambda zt: F.cross_entropy(logits3(zt), target3.expand(len(zt), 3), reduction="none"),
        "kl": lambda zt: F.kl_div(F.log_softmax(logits3(zt), dim=1), target3.expand(len(zt), 3),
                                  reduction="none").sum(dim=1),
        "sq": lambda zt: (torch.sigmoid(zt) - q) ** 2,
    }
    for name, reference in references.items():
        p, loss, grad = classification_loss(name, z, q)
        ref_loss, ref_grad = autograd(reference, z)
        np.testing.assert_allclose(loss, ref_loss, rtol=1e-9, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-9, atol=1e-12, err_msg=name)
    assert np.all(classification_loss("kl", z, q)[1] >= -1e-12)  # KL is never negative


@pytest.mark.parametrize("name", ["cce", "mse"])
def test_logit_gradients_match_autograd(name):
    for s in (0.0, 3.0, 9.0):
        logits = torch.tensor(confidently_wrong_logits(s), requires_grad=True)
        if name == "cce":
            loss = F.cross_entropy(logits[None], torch.tensor([0]))
        else:
            loss = ((torch.softmax(logits, 0) - torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)) ** 2).sum()
        loss.backward()
        np.testing.assert_allclose(logit_gradient(name, confidently_wrong_logits(s)), logits.grad.numpy(),
                                   rtol=1e-9, atol=1e-15)


def test_cross_entropy_learns_faster_when_confidently_wrong():
    start = confidently_wrong_logits(8.0)
    assert np.linalg.norm(logit_gradient("cce", start)) == pytest.approx(np.sqrt(2), rel=0.01)
    assert np.linalg.norm(logit_gradient("mse", start)) < 0.06
    ce, sq = steps_to_learn(train_logits("cce", start, 1.0, 200)), steps_to_learn(train_logits("mse", start, 1.0, 200))
    assert ce is not None and ce <= 20
    assert sq is None or sq > 5 * ce


def test_least_squares_line_matches_polyfit():
    data = make_outlier_data(3, -6.0, 2.5, seed=0)
    np.testing.assert_allclose(fit_line("mse", data.x, data.y), np.polyfit(data.x, data.y, 1), rtol=1e-10)


def test_absolute_error_line_matches_quantile_regression():
    data = make_outlier_data(4, 7.0, -2.0, seed=1)
    reference = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(data.x[:, None], data.y)
    slope, intercept = fit_line("mae", data.x, data.y)
    objective = lambda w, b: np.abs(w * data.x + b - data.y).sum()  # noqa: E731
    assert objective(slope, intercept) <= objective(reference.coef_[0], reference.intercept_) + 1e-9


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_line_is_stationary_for_the_torch_huber_loss(delta):
    """The mean Huber loss is convex; a zero gradient (by autograd) means the global minimum."""
    data = make_outlier_data(3, -6.0, 2.5, seed=2)
    slope, intercept = fit_line("huber", data.x, data.y, delta)
    params = torch.tensor([slope, intercept], dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor(data.x), torch.tensor(data.y)
    F.huber_loss(params[0] * x + params[1], y, delta=delta).backward()
    assert params.grad.abs().max() < 1e-9


def test_outliers_drag_squared_error_most():
    data = make_outlier_data(3, -6.0, 2.5, seed=0)
    error = {name: abs(fit_line(name, data.x, data.y)[0] - 0.5) for name in ("mse", "mae", "huber")}
    assert error["mse"] > 3 * error["mae"] and error["mse"] > 2 * error["huber"]
