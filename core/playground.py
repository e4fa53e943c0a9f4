"""The Playground's network and trainer: a small MLP with a hand-written backward pass under `no_grad`.

Why by hand: these nets are tiny, so PyTorch's per-op dispatch, not arithmetic, sets the pace. Autograd plus
`torch.optim` costs several times more ops per update than the chain rule written out (the same chain rule
the Backprop page teaches); tests check every gradient and every optimizer step against autograd and
`torch.optim`. Semantics follow TensorFlow Playground so the two can be compared: weights start uniform in
[-0.5, 0.5], biases at 0.1, an epoch is one pass over the training points in mini-batches, the update uses
the batch's mean gradient, and the squared loss is ½(o − t)² with a tanh output and targets ±1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from core.device import device
from core.playground_data import NUM_POINTS, feature_columns, make_dataset, split
from core.trainer import Trainer

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = ("squared", "cross_entropy")
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZERS = ("none", "l1", "l2")
MOMENTUM = 0.9  # heavy-ball coefficient of the "momentum" optimizer
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # Kingma & Ba 2015, Algorithm 1 defaults
MAX_EPOCHS = 20_000


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that defines the data and the network; a change means a fresh network."""

    dataset: str = "circle"
    problem: str = "classification"  # or "regression"
    classes: int = 2  # 2-4 (classification only)
    noise: float = 0.0  # 0-0.5, as TF Playground's 0-50
    train_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    loss: str = "squared"
    optimizer: str = "sgd"
    regularization: str = "none"
    seed: int = 42


@dataclass
class Hyper:
    """Settings that may change while training runs (as in TF Playground) without starting over."""

    lr: float = 0.03
    reg_rate: float = 0.0
    batch_size: int = 10


def output_size(cfg: PlaygroundConfig) -> int:
    return cfg.classes if cfg.problem == "classification" and cfg.classes > 2 else 1


def init_params(cfg: PlaygroundConfig, gen: torch.Generator) -> list[list[torch.Tensor]]:
    """[[W, b], ...] per layer; W is (fan_in, fan_out) so a layer is `addmm(b, a, W)`."""
    sizes = [len(cfg.features), *cfg.hidden, output_size(cfg)]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = (torch.rand(fan_in, fan_out, generator=gen) - 0.5).to(device)
        b = torch.full((fan_out,), 0.1, device=device)
        params.append([w, b])
    return params


def activate(z: torch.Tensor, name: str) -> torch.Tensor:
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "sigmoid":
        return torch.sigmoid(z)
    return z


def activation_slope(a: torch.Tensor, name: str) -> torch.Tensor:
    """f'(z) written with the activation's own output a = f(z) (cheaper than keeping z)."""
    if name == "tanh":
        return 1 - a * a
    if name == "relu":
        return (a > 0).to(a.dtype)
    if name == "sigmoid":
        return a * (1 - a)
    return torch.ones_like(a)


def forward(params, x: torch.Tensor, cfg: PlaygroundConfig) -> list[torch.Tensor]:
    """Activations of every layer, input first; the last entry is the network's output (see `output_kind`)."""
    acts = [x]
    a = x
    for i, (w, b) in enumerate(params):
        z = torch.addmm(b, a, w)
        a = activate(z, cfg.activation) if i < len(params) - 1 else _output(z, cfg)
        acts.append(a)
    return acts


def _output(z: torch.Tensor, cfg: PlaygroundConfig) -> torch.Tensor:
    """Output layer: linear for regression; tanh (squared loss, TF Playground), sigmoid (cross-entropy) for
    two classes; softmax over the classes for more."""
    if cfg.problem == "regression":
        return z
    if output_size(cfg) > 1:
        return torch.softmax(z, dim=1)
    return torch.tanh(z) if cfg.loss == "squared" else torch.sigmoid(z)


def targets(labels: torch.Tensor, cfg: PlaygroundConfig) -> torch.Tensor:
    """What the output is compared with: ±1 (tanh), 0/1 (sigmoid), one-hot (softmax) or the value itself."""
    if cfg.problem == "regression":
        return labels.float().unsqueeze(1)
    if output_size(cfg) > 1:
        return torch.nn.functional.one_hot(labels, output_size(cfg)).float()
    t = labels.float().unsqueeze(1)
    return 2 * t - 1 if cfg.loss == "squared" else t


def loss_value(out: torch.Tensor, t: torch.Tensor, cfg: PlaygroundConfig) -> float:
    """Mean loss per point: ½‖o − t‖² (squared) or the cross-entropy −Σ t log o."""
    if cfg.loss == "squared" or cfg.problem == "regression":
        return float(0.5 * ((out - t) ** 2).sum(1).mean())
    p = out.clamp(1e-7, 1 - 1e-7)
    if output_size(cfg) > 1:
        return float(-(t * p.log()).sum(1).mean())
    return float(-(t * p.log() + (1 - t) * (1 - p).log()).mean())


def output_delta(out: torch.Tensor, t: torch.Tensor, cfg: PlaygroundConfig) -> torch.Tensor:
    """∂loss/∂z of the output layer's pre-activation z, per point."""
    if cfg.problem == "regression":
        return out - t
    if cfg.loss == "cross_entropy":
        return out - t  # sigmoid/softmax + cross-entropy: the famous cancellation
    if output_size(cfg) > 1:  # squared loss through softmax: J_softmaxᵀ (p − t)
        g = out - t
        return out * (g - (g * out).sum(1, keepdim=True))
    return (out - t) * (1 - out * out)  # tanh output


def gradients(params, acts, t, cfg) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Mean gradients (dW, db) of the batch loss for every layer, by the chain rule from the output back."""
    n = t.shape[0]
    delta = output_delta(acts[-1], t, cfg) / n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        w = params[i][0]
        grads.append((acts[i].T @ delta, delta.sum(0)))
        if i > 0:
            delta = (delta @ w.T) * activation_slope(acts[i], cfg.activation)
    return grads[::-1]


@dataclass
class OptimizerState:
    """Per-parameter buffers of momentum / Adam, kept alongside the parameters."""

    step: int = 0
    buffers: list = field(default_factory=list)


def apply_update(params, grads, hyper: Hyper, cfg: PlaygroundConfig, state: OptimizerState) -> None:
    """One optimizer step in place (same math as torch.optim's SGD, SGD(momentum=0.9) and Adam), then the
    regularizer on weights only: L2 as weight decay λw added to the gradient (as torch's weight_decay), L1 as
    a proximal soft-threshold step that sets weights crossing zero to exactly 0 (ISTA; Beck & Teboulle 2009).
    """
    state.step += 1
    lr = hyper.lr
    for li, ((w, b), (dw, db)) in enumerate(zip(params, grads)):
        if cfg.regularization == "l2" and hyper.reg_rate > 0:
            dw = dw + hyper.reg_rate * w
        for pi, (p, g) in enumerate(((w, dw), (b, db))):
            if cfg.optimizer == "sgd":
                p.sub_(g, alpha=lr)
            elif cfg.optimizer == "momentum":
                buf = _buffer(state, li, pi, lambda: torch.zeros_like(p))
                buf.mul_(MOMENTUM).add_(g)
                p.sub_(buf, alpha=lr)
            else:
                m, v = _buffer(state, li, pi, lambda: (torch.zeros_like(p), torch.zeros_like(p)))
                b1, b2 = ADAM_BETAS
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                step_size = lr / (1 - b1**state.step)
                denom = (v / (1 - b2**state.step)).sqrt_().add_(ADAM_EPS)
                p.addcdiv_(m, denom, value=-step_size)
        if cfg.regularization == "l1" and hyper.reg_rate > 0:
            shrink = lr * hyper.reg_rate
            w.copy_(torch.sign(w) * torch.clamp(w.abs() - shrink, min=0.0))


def _buffer(state: OptimizerState, li: int, pi: int, make):
    key = 2 * li + pi
    while len(state.buffers) <= key:
        state.buffers.append(None)
    if state.buffers[key] is None:
        state.buffers[key] = make()
    return state.buffers[key]


class PlaygroundData:
    """Points, features and targets of one dataset, as tensors on the device."""

    def __init__(self, cfg: PlaygroundConfig):
        n = NUM_POINTS[cfg.problem]
        pts, labels = make_dataset(cfg.dataset, n, cfg.noise, cfg.seed, cfg.classes)
        train_idx, test_idx = split(n, cfg.train_fraction, cfg.seed)
        feats = torch.from_numpy(feature_columns(pts, cfg.features)).to(device)
        lab = torch.from_numpy(labels).to(device)
        self.points = pts
        self.labels = labels
        self.train_idx, self.test_idx = train_idx, test_idx
        self.x_train, self.x_test = feats[train_idx], feats[test_idx]
        self.t_train, self.t_test = targets(lab[train_idx], cfg), targets(lab[test_idx], cfg)
        self.y_train, self.y_test = lab[train_idx], lab[test_idx]


class PlaygroundTrainer(Trainer):
    """Trains the Playground network; one step = one epoch over the training points, in mini-batches."""

    unit = "epoch"
    watch = "train_loss"

    def __init__(self, cfg: PlaygroundConfig, hyper: Hyper | None = None, max_epochs: int = MAX_EPOCHS):
        super().__init__(max_epochs)
        self.cfg = cfg
        self.hyper = hyper or Hyper()
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.data = PlaygroundData(cfg)
        self.params = init_params(cfg, self.gen)
        self.opt_state = OptimizerState()
        self._order = np.random.default_rng(cfg.seed + 2)

    def _advance(self, n: int) -> dict[str, float]:
        x, t = self.data.x_train, self.data.t_train
        count = x.shape[0]
        bs = max(1, min(int(self.hyper.batch_size), count))
        with torch.no_grad():
            for _ in range(n):
                order = torch.from_numpy(self._order.permutation(count)).to(device)
                xs, ts = x[order], t[order]
                for start in range(0, count, bs):
                    xb, tb = xs[start:start + bs], ts[start:start + bs]
                    acts = forward(self.params, xb, self.cfg)
                    apply_update(self.params, gradients(self.params, acts, tb, self.cfg), self.hyper, self.cfg,
                                 self.opt_state)
        return self.evaluate()

    def model_tensors(self) -> dict[str, torch.Tensor]:
        return {f"layer{i}.{part}": p for i, layer in enumerate(self.params) for part, p in zip("wb", layer)}

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        for i, layer in enumerate(self.params):
            for j, part in enumerate("wb"):
                layer[j] = tensors[f"layer{i}.{part}"].to(device).clone()

    def measure(self) -> dict[str, float]:
        return self.evaluate()

    def evaluate(self) -> dict[str, float]:
        """Train/test loss (and accuracy for classification) of the current network."""
        with torch.no_grad():
            out_train = forward(self.params, self.data.x_train, self.cfg)[-1]
            out_test = forward(self.params, self.data.x_test, self.cfg)[-1]
        metrics = {"train_loss": loss_value(out_train, self.data.t_train, self.cfg),
                   "test_loss": loss_value(out_test, self.data.t_test, self.cfg)}
        if self.cfg.problem == "classification":
            metrics["train_acc"] = accuracy(out_train, self.data.y_train, self.cfg)
            metrics["test_acc"] = accuracy(out_test, self.data.y_test, self.cfg)
        return metrics

    def predict_grid(self, resolution: int, extent: float = 6.0) -> tuple[np.ndarray, list[np.ndarray]]:
        """The output over a square grid of [-extent, extent]² and every hidden neuron's output on it.

        Returns (output (res, res) in [-1, 1] for two classes / regression, or the predicted class index for
        more classes, [per-layer (res, res, width) arrays]).
        """
        axis = np.linspace(-extent, extent, resolution, dtype=np.float32)
        gx, gy = np.meshgrid(axis, axis)
        pts = np.stack([gx.ravel(), gy.ravel()], 1)
        feats = torch.from_numpy(feature_columns(pts, self.cfg.features)).to(device)
        with torch.no_grad():
            acts = forward(self.params, feats, self.cfg)
        out = acts[-1]
        if self.cfg.problem == "classification":
            if output_size(self.cfg) > 1:
                out = out.argmax(1, keepdim=True).float()
            elif self.cfg.loss == "cross_entropy":
                out = 2 * out - 1
        grid = out[:, 0].cpu().numpy().reshape(resolution, resolution)
        hidden = [a.cpu().numpy().reshape(resolution, resolution, -1) for a in acts[1:-1]]
        return grid, hidden


def accuracy(out: torch.Tensor, labels: torch.Tensor, cfg: PlaygroundConfig) -> float:
    if output_size(cfg) > 1:
        pred = out.argmax(1)
    else:
        threshold = 0.0 if cfg.loss == "squared" else 0.5
        pred = (out[:, 0] > threshold).long()
    return float((pred == labels).float().mean())


def parameter_count(cfg: PlaygroundConfig) -> int:
    sizes = [len(cfg.features), *cfg.hidden, output_size(cfg)]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def is_finite(params) -> bool:
    return all(math.isfinite(float(p.abs().max())) for layer in params for p in layer)
