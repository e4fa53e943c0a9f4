"""Polynomial capacity against NumPy references and least-squares facts; the batched MLP against separate
torch.nn networks trained by torch.optim.Adam; remedies that must lower the test error."""
import numpy as np
import pytest
import torch

from core.basics.fitting import (L2_LADDER, average_degree_curve, degree_curve, design, fit_polynomial, l2_curve,
                          learning_curve, make_data, predict, training_draw)
from core.basics.fitting_mlp import FitTrainer, MLPConfig, ModelSpec, RemedyConfig, remedy_trainer


@pytest.fixture(scope="module")
def data():
    return make_data("sine", 15, 0.2, seed=42)


@pytest.mark.parametrize("degree", [0, 1, 3, 7])
def test_polynomial_fit_equals_polyfit(data, degree):
    """Legendre or power basis, least squares finds the same polynomial."""
    grid = np.linspace(-1, 1, 21)
    ours = predict(fit_polynomial(data.x_train, data.y_train, degree), grid)
    np.testing.assert_allclose(ours, np.polyval(np.polyfit(data.x_train, data.y_train, degree), grid), atol=1e-8)


@pytest.mark.parametrize("l2", [1e-4, 1e-2, 1.0])
def test_ridge_solves_the_normal_equations(data, l2):
    phi, n, degree = design(data.x_train, 6), len(data.x_train), 6
    penalty = np.diag([0.0] + [1.0] * degree)
    reference = np.linalg.solve(phi.T @ phi / n + l2 * penalty, phi.T @ data.y_train / n)
    np.testing.assert_allclose(fit_polynomial(data.x_train, data.y_train, degree, l2), reference, rtol=1e-8)


def test_too_many_coefficients_give_the_minimum_norm_interpolant(data):
    coef = fit_polynomial(data.x_train, data.y_train, 15)
    np.testing.assert_allclose(predict(coef, data.x_train), data.y_train, atol=1e-8)
    np.testing.assert_allclose(coef, np.linalg.pinv(design(data.x_train, 15)) @ data.y_train, atol=1e-8)


def test_u_curve(data):
    curve = degree_curve(data, 0.0)
    assert np.all(np.diff(curve.train) <= 1e-12)  # nested models: training error never rises with the degree
    typical = average_degree_curve("sine", 15, 0.2, 0.0, seed=42)
    best = int(np.argmin(typical.test))
    assert 0 < best < 10  # too simple and too flexible are both worse
    assert typical.test[0] > 3 * typical.test[best] and typical.test[12] > 10 * typical.test[best]


def test_learning_curve_closes_on_the_noise_floor():
    curve = learning_curve("sine", 9, 0.2, 0.0, seed=1)
    noise_var = 0.2**2
    assert curve.train[0] < 0.25 * noise_var and curve.test[0] > 10 * noise_var  # few points: memorised
    assert abs(curve.train[-1] - noise_var) < 0.25 * noise_var
    assert abs(curve.test[-1] - noise_var) < 0.25 * noise_var


def test_penalty_trades_training_fit_for_smoothness(data):
    curve = l2_curve(data, 12)
    assert np.all(np.diff(curve.train) >= -1e-12)  # a larger penalty never fits the training data better
    best = int(np.argmin(curve.test))
    assert L2_LADDER[best] > 0 and curve.test[best] < 0.1 * curve.test[0]


def test_more_data_extends_the_same_training_points():
    x_small, y_small = training_draw("wiggle", 10, 0.3, seed=5)
    x_big, y_big = training_draw("wiggle", 40, 0.3, seed=5)
    np.testing.assert_array_equal(x_small, x_big[:10])
    np.testing.assert_array_equal(y_small, y_big[:10])


def sequential_copy(trainer, m, width, depth):
    """A plain torch.nn network holding model m's weights (its first `width` units)."""
    layers, sizes = [], [1] + [width] * depth + [1]
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = torch.nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            linear.weight.copy_(trainer.model.weights[layer][m, :fan_in, :fan_out].T)
            linear.bias.copy_(trainer.model.biases[layer][m, 0, :fan_out])
        layers += [linear, torch.nn.Tanh()]
    return torch.nn.Sequential(*layers[:-1])


def test_batched_models_train_exactly_like_separate_networks(data):
    """Two widths and an L2 penalty in one batch, against torch.nn networks trained by their own Adam."""
    specs = (ModelSpec(6, l2=0.01), ModelSpec(3, n_points=10))
    trainer = FitTrainer(data, specs, MLPConfig(depth=2, lr=0.01, max_steps=100, seed=3))
    nets = [sequential_copy(trainer, m, spec.width, 2) for m, spec in enumerate(specs)]
    opts = [torch.optim.Adam(net.parameters(), lr=0.01) for net in nets]
    x = torch.tensor(data.x_train, dtype=torch.float32)[:, None]
    y = torch.tensor(data.y_train, dtype=torch.float32)[:, None]
    for _ in range(30):
        for net, opt, spec in zip(nets, opts, specs):
            n = spec.n_points or len(x)
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(x[:n]), y[:n])
            loss = loss + spec.l2 * sum((layer.weight**2).sum() for layer in net if isinstance(layer, torch.nn.Linear))
            loss.backward()
            opt.step()
    trainer.step(30)
    grid = np.linspace(-1, 1, 9)
    ours = trainer.predict(grid)
    for m, net in enumerate(nets):
        with torch.no_grad():
            expected = net(torch.tensor(grid, dtype=torch.float32)[:, None])[:, 0].numpy()
        np.testing.assert_allclose(ours[m], expected, rtol=1e-4, atol=1e-5)


def test_dropout_is_off_at_evaluation(data):
    trainer = FitTrainer(data, (ModelSpec(16, dropout=0.5),), MLPConfig(depth=1, max_steps=20, seed=0))
    trainer.step(20)
    np.testing.assert_array_equal(trainer.predict(data.x_test), trainer.predict(data.x_test))


def test_early_stopping_keeps_the_best_validation_weights(data):
    trainer = FitTrainer(data, (ModelSpec(32, patience=50),), MLPConfig(depth=2, max_steps=3000, seed=1))
    while not trainer.done:
        trainer.step(100)
    assert trainer.stopped_at[0] is not None and trainer.goal_reached()
    assert trainer.stopped_at[0] - trainer.best_step[0] >= 50
    test_now = np.mean((trainer.predict(data.x_test)[0] - data.y_test) ** 2)
    assert test_now == pytest.approx(trainer.best_test[0], rel=1e-4)


def test_remedies_lower_the_test_error_of_an_overfitting_network():
    cfg = RemedyConfig("sine", 20, 0.2, 42, width=64, depth=2, l2=1e-3, dropout=0.2, patience=200,
                       data_factor=5, remedies=("none", "l2", "early"), max_steps=1200)
    trainer = remedy_trainer(cfg)
    trainer.step(1200)
    none, l2, early = (trainer.curves["test"][m][-1] for m in range(3))
    assert none > 0.08  # overfit: twice the noise floor σ² = 0.04
    assert l2 < 0.8 * none and early < 0.8 * none


def test_a_loaded_model_is_measured_at_once(data):
    """resume() records the loaded weights' errors (against NumPy on its predictions), not the initial ones."""
    specs = (ModelSpec(8), ModelSpec(8, n_points=10))
    trained = FitTrainer(data, specs, MLPConfig(depth=2, max_steps=500, seed=1))
    trained.step(200)
    loaded = FitTrainer(data, specs, MLPConfig(depth=2, max_steps=500, seed=2))
    loaded.resume(trained.model_tensors(), trained.steps_done)
    assert loaded.curve_steps == [200] and loaded.history["step"] == [200]
    for m, spec in enumerate(specs):
        n = spec.n_points or len(data.x_train)
        expected = {"train": np.mean((loaded.predict(data.x_train)[m, :n] - data.y_train[:n]) ** 2),
                    "val": np.mean((loaded.predict(data.x_val)[m] - data.y_val) ** 2),
                    "test": np.mean((loaded.predict(data.x_test)[m] - data.y_test) ** 2)}
        for name, value in expected.items():
            assert loaded.latest()[f"{name}_{m}"] == pytest.approx(value, rel=1e-4)
            assert loaded.curves[name][m] == [pytest.approx(value, rel=1e-4)]
        assert loaded.best_step[m] == 200 and loaded.best_test[m] == pytest.approx(expected["test"], rel=1e-4)
    assert loaded.latest()["test_0"] == pytest.approx(trained.latest()["test_0"], rel=1e-4)  # the model that trained
