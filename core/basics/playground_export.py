""""Export as PyTorch code": a standalone script that rebuilds the Playground's data, model and training.

The script uses `torch.nn` and `torch.optim` (the readable way) instead of the Playground's hand-written
fast path; the data functions are copied verbatim from `core/basics/playground_data.py`, so the points are the same.
"""
from __future__ import annotations

import inspect

import core.basics.playground_data as playground_data
from core.basics.playground import (ADAM_BETAS, MOMENTUM, Hyper, PlaygroundConfig, output_size)
from core.basics.playground_data import NUM_POINTS

_ACTIVATION_MODULES = {"tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "linear": None}


def _layers(cfg: PlaygroundConfig) -> str:
    sizes = [len(cfg.features), *cfg.hidden, output_size(cfg)]
    lines = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lines.append(f"    nn.Linear({fan_in}, {fan_out}),")
        last = i == len(sizes) - 2
        act = _output_module(cfg) if last else _ACTIVATION_MODULES[cfg.activation]
        if act:
            lines.append(f"    {act},")
    return "\n".join(lines)


def _output_module(cfg: PlaygroundConfig) -> str | None:
    if cfg.problem == "regression":
        return None
    if output_size(cfg) > 1:
        return "nn.Softmax(dim=1)"
    return "nn.Tanh()" if cfg.loss == "squared" else "nn.Sigmoid()"


def _targets(cfg: PlaygroundConfig) -> str:
    if cfg.problem == "regression":
        return "torch.from_numpy(labels).float().unsqueeze(1)"
    if output_size(cfg) > 1:
        return f"nn.functional.one_hot(torch.from_numpy(labels), {output_size(cfg)}).float()"
    if cfg.loss == "squared":
        return "2 * torch.from_numpy(labels).float().unsqueeze(1) - 1  # tanh output: targets -1 / +1"
    return "torch.from_numpy(labels).float().unsqueeze(1)"


def _loss(cfg: PlaygroundConfig) -> str:
    if cfg.loss == "squared" or cfg.problem == "regression":
        return "0.5 * ((out - t) ** 2).sum(1).mean()"
    if output_size(cfg) > 1:
        return "-(t * out.clamp_min(1e-7).log()).sum(1).mean()"
    return "nn.functional.binary_cross_entropy(out, t)"


def _optimizer(cfg: PlaygroundConfig, hyper: Hyper) -> str:
    decay = hyper.reg_rate if cfg.regularization == "l2" else 0.0
    groups = f"[{{'params': weights, 'weight_decay': {decay!r}}}, {{'params': biases, 'weight_decay': 0.0}}]"
    if cfg.optimizer == "sgd":
        return f"torch.optim.SGD({groups}, lr={hyper.lr!r})"
    if cfg.optimizer == "momentum":
        return f"torch.optim.SGD({groups}, lr={hyper.lr!r}, momentum={MOMENTUM})"
    return f"torch.optim.Adam({groups}, lr={hyper.lr!r}, betas={ADAM_BETAS})"


def export_script(cfg: PlaygroundConfig, hyper: Hyper, epochs: int = 500) -> str:
    """A runnable Python script (torch + numpy only) that trains this exact network on this exact data."""
    n = NUM_POINTS[cfg.problem]
    data_source = inspect.getsource(playground_data)
    l1 = ""
    if cfg.regularization == "l1" and hyper.reg_rate > 0:
        l1 = (f"\n        with torch.no_grad():  # L1 as a proximal soft-threshold step (ISTA)\n"
              f"            for w in weights:\n"
              f"                w.copy_(torch.sign(w) * torch.clamp(w.abs() - {hyper.lr * hyper.reg_rate!r}, min=0.0))")
    accuracy = ""
    if cfg.problem == "classification":
        pred = "out.argmax(1)" if output_size(cfg) > 1 else (
            "(out[:, 0] > 0).long()" if cfg.loss == "squared" else "(out[:, 0] > 0.5).long()")
        accuracy = (f"\n\ndef accuracy(x, y):\n    with torch.no_grad():\n        out = model(x)\n"
                    f"        return float(({pred} == y).float().mean())\n")
        report = ('print(f"epoch {epoch:5d}  train loss {evaluate(x_train, t_train):.4f}  '
                  'test loss {evaluate(x_test, t_test):.4f}  test accuracy {accuracy(x_test, y_test):.3f}")')
    else:
        report = ('print(f"epoch {epoch:5d}  train loss {evaluate(x_train, t_train):.4f}  '
                  'test loss {evaluate(x_test, t_test):.4f}")')
    return f'''# Exported from NN Playground: the exact data, network and training settings of the Playground page.
# Run it with:  python playground_model.py      (needs numpy and torch)
# --- data (copied from NN Playground's core/basics/playground_data.py) ---------------------------------------------
{data_source}
# --- settings -----------------------------------------------------------------------------------------------
import torch
from torch import nn

DATASET, NOISE, CLASSES, SEED = {cfg.dataset!r}, {cfg.noise!r}, {cfg.classes}, {cfg.seed}
FEATURES = {tuple(cfg.features)!r}
TRAIN_FRACTION, BATCH_SIZE, EPOCHS = {cfg.train_fraction!r}, {int(hyper.batch_size)}, {epochs}
torch.manual_seed(SEED)

points, labels = make_dataset(DATASET, {n}, NOISE, SEED, CLASSES)
train_idx, test_idx = split(len(points), TRAIN_FRACTION, SEED)
x = torch.from_numpy(feature_columns(points, FEATURES))
t = {_targets(cfg)}
y = torch.from_numpy(labels)
x_train, t_train, y_train = x[train_idx], t[train_idx], y[train_idx]
x_test, t_test, y_test = x[test_idx], t[test_idx], y[test_idx]

# --- model: {' -> '.join(str(s) for s in [len(cfg.features), *cfg.hidden, output_size(cfg)])} units, {cfg.activation} ---
model = nn.Sequential(
{_layers(cfg)}
)
weights = [m.weight for m in model if isinstance(m, nn.Linear)]
biases = [m.bias for m in model if isinstance(m, nn.Linear)]
with torch.no_grad():  # TensorFlow Playground's initialisation
    for w, b in zip(weights, biases):
        w.uniform_(-0.5, 0.5)
        b.fill_(0.1)
optimizer = {_optimizer(cfg, hyper)}


def loss_fn(out, t):
    return {_loss(cfg)}


def evaluate(x, t):
    with torch.no_grad():
        return float(loss_fn(model(x), t))
{accuracy}

rng = np.random.default_rng(SEED + 2)
for epoch in range(1, EPOCHS + 1):
    order = torch.from_numpy(rng.permutation(len(x_train)))
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start:start + BATCH_SIZE]
        optimizer.zero_grad()
        out = model(x_train[batch])
        loss_fn(out, t_train[batch]).backward()
        optimizer.step(){l1}
    if epoch % 50 == 0 or epoch == EPOCHS:
        {report}
'''
