"""The Playground's hand-written network against torch autograd and torch.optim, its data, and its export."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from core.basics.playground import (Hyper, PlaygroundConfig, PlaygroundNet, PlaygroundTrainer, loss_value,
                                   make_optimizer, output_layer, parameter_count, soft_threshold, targets, train_step)
from core.basics.playground_data import feature_columns, make_dataset, split
from core.basics.playground_export import export_script
from core.tinymlp import activate

CASES = [
    PlaygroundConfig(),
    PlaygroundConfig(activation="relu", hidden=(5, 3)),
    PlaygroundConfig(activation="sigmoid", loss="cross_entropy"),
    PlaygroundConfig(activation="linear", hidden=()),
    PlaygroundConfig(classes=3, loss="cross_entropy", hidden=(6,)),
    PlaygroundConfig(classes=4, loss="squared", dataset="xor", hidden=(6, 4)),
    PlaygroundConfig(problem="regression", dataset="plane", hidden=(3,)),
]


def batch(cfg, n=17, seed=0):
    gen = torch.Generator().manual_seed(seed)
    pts, labels = make_dataset(cfg.dataset, 60, 0.1, seed, cfg.classes)
    x = torch.from_numpy(feature_columns(pts, cfg.features))[:n]
    return x, targets(torch.from_numpy(labels)[:n], cfg), PlaygroundNet(cfg, gen)


def leaves_of(net):
    """Independent copies of the parameters, one autograd leaf per weight matrix and bias vector."""
    return [[w.clone().requires_grad_(True), b.clone().requires_grad_(True)]
            for w, b in zip(net.mlp.weights, net.mlp.biases)]


def autograd_loss(leaves, x, t, cfg):
    """The same network written with plain torch ops, its loss for autograd."""
    a = x
    for i, (w, b) in enumerate(leaves):
        z = a @ w + b
        a = activate(z, cfg.activation) if i < len(leaves) - 1 else output_layer(z, cfg)
    out = a
    if cfg.loss == "squared" or cfg.problem == "regression":
        return 0.5 * ((out - t) ** 2).sum(1).mean()
    if out.shape[1] > 1:
        return -(t * out.log()).sum(1).mean()
    return torch.nn.functional.binary_cross_entropy(out, t)


@pytest.mark.parametrize("cfg", CASES, ids=lambda c: f"{c.problem}-{c.activation}-{c.loss}-{c.classes}")
def test_hand_written_gradients_equal_autograd(cfg):
    x, t, net = batch(cfg)
    leaves = leaves_of(net)
    autograd_loss(leaves, x, t, cfg).backward()
    with torch.no_grad():
        net.backward(net.forward(x), t)
    for dw, db, (w, b) in zip(net.mlp.grad_weights, net.mlp.grad_biases, leaves):
        torch.testing.assert_close(dw, w.grad, rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(db, b.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("optimizer, reg", [("sgd", "none"), ("momentum", "none"), ("adam", "none"),
                                            ("sgd", "l2"), ("adam", "l2"), ("momentum", "l2")])
def test_updates_equal_torch_optim(optimizer, reg):
    cfg = PlaygroundConfig(optimizer=optimizer, regularization=reg, hidden=(4, 2))
    hyper = Hyper(lr=0.05, reg_rate=0.01 if reg == "l2" else 0.0)
    x, t, net = batch(cfg)
    leaves = leaves_of(net)
    groups = [{"params": [w for w, _ in leaves], "weight_decay": hyper.reg_rate},
              {"params": [b for _, b in leaves], "weight_decay": 0.0}]
    reference = {"sgd": lambda: torch.optim.SGD(groups, lr=hyper.lr),
                 "momentum": lambda: torch.optim.SGD(groups, lr=hyper.lr, momentum=0.9),
                 "adam": lambda: torch.optim.Adam(groups, lr=hyper.lr)}[optimizer]()
    opt = make_optimizer(net, hyper)
    for _ in range(4):
        reference.zero_grad()
        autograd_loss(leaves, x, t, cfg).backward()
        reference.step()
        with torch.no_grad():
            train_step(net, opt, x, t, hyper)
    for w, b, (rw, rb) in zip(net.mlp.weights, net.mlp.biases, leaves):
        torch.testing.assert_close(w, rw.detach(), rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(b, rb.detach(), rtol=1e-5, atol=1e-6)


def test_l1_is_a_soft_threshold_that_stops_at_zero():
    w = torch.tensor([[0.05], [-0.5]])
    soft_threshold([w], 0.1)
    # shrink by lr·λ = 0.1: 0.05 would cross zero, so it stops at exactly 0; -0.5 becomes -0.4
    torch.testing.assert_close(w, torch.tensor([[0.0], [-0.4]]))


def test_losses_by_hand():
    cfg = PlaygroundConfig()
    out, t = torch.tensor([[0.5], [-1.0]]), torch.tensor([[1.0], [-1.0]])
    assert loss_value(out, t, cfg) == pytest.approx(0.5 * 0.25 / 2)
    ce = PlaygroundConfig(loss="cross_entropy", classes=3)
    p = torch.tensor([[0.7, 0.2, 0.1]])
    assert loss_value(p, torch.tensor([[1.0, 0.0, 0.0]]), ce) == pytest.approx(-np.log(0.7), rel=1e-5)


def test_default_network_learns_the_circle_like_tf_playground():
    trainer = PlaygroundTrainer(PlaygroundConfig(seed=1), Hyper())
    trainer.step(150)
    assert trainer.latest()["test_acc"] >= 0.95
    assert trainer.history["train_loss"][-1] < 0.05


def test_too_large_learning_rate_is_caught_as_divergence():
    cfg = PlaygroundConfig(problem="regression", dataset="plane", activation="relu", hidden=(8, 8))
    trainer = PlaygroundTrainer(cfg, Hyper(lr=10.0))
    for _ in range(20):
        trainer.step(1)
    assert trainer.problem in ("not_finite", "diverged")


def test_datasets_are_seeded_balanced_and_in_range():
    for name in ("circle", "xor", "gauss", "spiral"):
        pts, labels = make_dataset(name, 500, 0.0, 3, 2)
        again, _ = make_dataset(name, 500, 0.0, 3, 2)
        assert np.array_equal(pts, again) and np.abs(pts).max() <= 6
        assert 200 <= (labels == 0).sum() <= 300
    pts, labels = make_dataset("circle", 500, 0.0, 3, 2)
    radius = np.hypot(pts[:, 0], pts[:, 1])
    assert radius[labels == 0].max() < radius[labels == 1].min()  # inner disc vs outer ring, no noise
    train_idx, test_idx = split(500, 0.5, 3)
    assert len(train_idx) == 250 and not set(train_idx) & set(test_idx)


def test_features_are_the_named_functions_of_the_coordinates():
    pts = np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32)
    cols = feature_columns(pts, ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"))
    expected = np.array([[1, -2, 1, 4, -2, np.sin(1), np.sin(-2)], [0.5, 3, 0.25, 9, 1.5, np.sin(0.5), np.sin(3)]])
    np.testing.assert_allclose(cols, expected, rtol=1e-6)


def test_parameter_count_matches_torch_module():
    cfg = PlaygroundConfig(features=("x1", "x2", "x1_sq"), hidden=(8, 8, 3), classes=4)
    module = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Linear(8, 8), torch.nn.Linear(8, 3),
                                 torch.nn.Linear(3, 4))
    assert parameter_count(cfg) == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("cfg, hyper", [
    (PlaygroundConfig(), Hyper()),
    (PlaygroundConfig(classes=3, loss="cross_entropy", optimizer="adam", regularization="l1"),
     Hyper(lr=0.01, reg_rate=0.001)),
    (PlaygroundConfig(problem="regression", dataset="multi_gauss", regularization="l2", optimizer="momentum"),
     Hyper(lr=0.01, reg_rate=0.001, batch_size=20)),
])
def test_exported_script_runs_and_learns(tmp_path, cfg, hyper):
    script = tmp_path / "playground_model.py"
    script.write_text(export_script(cfg, hyper, epochs=60))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("epoch")]
    assert len(lines) == 2
    first, last = (float(line.split("train loss")[1].split()[0]) for line in (lines[0], lines[-1]))
    assert last <= first


def test_live_view_pictures_show_the_model_and_the_data():
    import base64
    import io

    from PIL import Image

    from ui.figures.basics.playground import live_view_pictures

    def decoded(uri):
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))

    trainer = PlaygroundTrainer(PlaygroundConfig(hidden=(4, 2)), Hyper())
    before = live_view_pictures(trainer, 6.0, False, ["#2563eb", "#f97316"])
    assert set(before) == {"boundary", "neurons"}  # no loss history yet: no curves
    assert decoded(before["boundary"]).shape == (360, 360, 3)
    rows, cols, _ = decoded(before["neurons"]).shape  # 2 layers side by side, up to 4 neurons stacked
    assert (rows, cols) == (3 * (4 * 24 + 3 * 3), 3 * (2 * 24 + 3))
    trainer.step(5)
    after = live_view_pictures(trainer, 6.0, False, ["#2563eb", "#f97316"])
    assert set(after) == {"boundary", "curves", "neurons"} and after["boundary"] != before["boundary"]
    assert "neurons" not in live_view_pictures(PlaygroundTrainer(PlaygroundConfig(hidden=()), Hyper()), 6.0,
                                               False, ["#2563eb", "#f97316"])
