"""The Playground's network and trainer, on the tiny-MLP engine (core/tinymlp.py: a flat-parameter MLP with its
backward pass written out, checked against autograd and torch.optim).

Semantics follow TensorFlow Playground so the two can be compared: weights start uniform in [-0.5, 0.5], biases
at 0.1, an epoch is one pass over the training points in mini-batches, the update uses the batch's mean
gradient, and the squared loss is ½(o − t)² with a tanh output and targets ±1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.device import device
from core.basics.playground_data import NUM_POINTS, feature_columns, make_dataset, split
from core.tinymlp import FlatOptimizer, TinyMLP
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


class PlaygroundNet:
    """The Playground's network on the tiny-MLP engine: TF Playground's initialisation (W ~ U(−0.5, 0.5), b = 0.1),
    a linear last layer of the engine followed by the Playground's output function, and its losses' deltas."""

    def __init__(self, cfg: PlaygroundConfig, gen: torch.Generator):
        self.cfg = cfg
        sizes = (len(cfg.features), *cfg.hidden, output_size(cfg))
        self.mlp = TinyMLP(sizes, cfg.activation, None, generator=gen, init="tf_playground")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The network's output (see `output_layer`); the engine keeps every layer's output for `backward`."""
        return output_layer(self.mlp.forward(x), self.cfg)

    def hidden_outputs(self) -> list[torch.Tensor]:
        """Every hidden layer's output from the last `forward`."""
        return self.mlp.layer_outputs[:-1]

    def backward(self, out: torch.Tensor, t: torch.Tensor) -> None:
        """Fill `mlp.grad` with the batch's mean gradient of the loss (the chain rule from `output_delta` back)."""
        self.mlp.backward(output_delta(out, t, self.cfg) / t.shape[0])


def output_layer(z: torch.Tensor, cfg: PlaygroundConfig) -> torch.Tensor:
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


def make_optimizer(net: PlaygroundNet, hyper: Hyper) -> FlatOptimizer:
    return FlatOptimizer(net.mlp.flat, net.cfg.optimizer, hyper.lr, betas=ADAM_BETAS, eps=ADAM_EPS, momentum=MOMENTUM)


def train_step(net: PlaygroundNet, opt: FlatOptimizer, x: torch.Tensor, t: torch.Tensor, hyper: Hyper) -> None:
    """One update on the batch (x, t): the optimizer's step (torch.optim's SGD, SGD(momentum=0.9) or Adam) with
    the regularizer on weights only — L2 as weight decay λw added to the gradient (as torch's weight_decay), L1 as
    a proximal soft-threshold step that sets weights crossing zero to exactly 0 (ISTA; Beck & Teboulle 2009)."""
    cfg, mlp = net.cfg, net.mlp
    net.backward(net.forward(x), t)
    if cfg.regularization == "l2" and hyper.reg_rate > 0:
        for w, dw in zip(mlp.weights, mlp.grad_weights):
            dw.add_(w, alpha=hyper.reg_rate)
    opt.lr = hyper.lr  # the learning rate applies live
    opt.step(mlp.grad)
    if cfg.regularization == "l1" and hyper.reg_rate > 0:
        soft_threshold(mlp.weights, hyper.lr * hyper.reg_rate)


def soft_threshold(weights: list[torch.Tensor], shrink: float) -> None:
    """w ← sign(w)·max(|w| − shrink, 0), in place: the L1 proximal step."""
    for w in weights:
        w.copy_(torch.sign(w) * torch.clamp(w.abs() - shrink, min=0.0))


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
        super().__init__(max_epochs, seed=cfg.seed)
        self.cfg = cfg
        self.hyper = hyper or Hyper()
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.data = PlaygroundData(cfg)
        self.net = PlaygroundNet(cfg, self.gen)
        self.optimizer = make_optimizer(self.net, self.hyper)
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
                    train_step(self.net, self.optimizer, xs[start:start + bs], ts[start:start + bs], self.hyper)
        return self.evaluate()

    def model_tensors(self) -> dict[str, torch.Tensor]:
        mlp = self.net.mlp
        return {f"layer{i}.{part}": p.clone() for i, layer in enumerate(zip(mlp.weights, mlp.biases))
                for part, p in zip("wb", layer)}

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        mlp = self.net.mlp
        for i, layer in enumerate(zip(mlp.weights, mlp.biases)):
            for part, p in zip("wb", layer):
                p.copy_(tensors[f"layer{i}.{part}"])

    def apply_live(self, settings: Hyper) -> None:
        """Learning rate, regularization rate and batch size apply from the next step on, as in TF Playground."""
        self.hyper = settings

    def measure(self) -> dict[str, float]:
        return self.evaluate()

    def evaluate(self) -> dict[str, float]:
        """Train/test loss (and accuracy for classification) of the current network."""
        with torch.no_grad():
            out_train = self.net.forward(self.data.x_train)
            out_test = self.net.forward(self.data.x_test)
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
            out = self.net.forward(feats)
            hidden = [a.cpu().numpy().reshape(resolution, resolution, -1) for a in self.net.hidden_outputs()]
        if self.cfg.problem == "classification":
            if output_size(self.cfg) > 1:
                out = out.argmax(1, keepdim=True).float()
            elif self.cfg.loss == "cross_entropy":
                out = 2 * out - 1
        grid = out[:, 0].cpu().numpy().reshape(resolution, resolution)
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

