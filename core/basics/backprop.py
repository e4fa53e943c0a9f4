"""The 2-2-2 network of the best-known backpropagation worked example, forward and backward by hand.

Naming follows Matt Mazur, "A Step by Step Backpropagation Example" (2015): inputs i1, i2; hidden h1, h2;
outputs o1, o2; w1..w4 input->hidden (w1: i1->h1, w2: i2->h1, w3: i1->h2, w4: i2->h2), w5..w8
hidden->output (w5: h1->o1, w6: h2->o1, w7: h1->o2, w8: h2->o2); one bias b1 shared by both hidden
neurons, one bias b2 shared by both outputs; loss E = sum of 1/2 (t - out)^2. Everything is plain Python
floats (double precision), so every number the page shows is exactly what this code computed; torch
autograd (`autograd_gradients`) is the independent check.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import torch

from core.trainer import Trainer

WEIGHTS = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
BIASES = ("b1", "b2")
PARAMS = WEIGHTS + BIASES
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
LEAKY_SLOPE = 0.01
MAX_STEPS = 1_000_000  # pure-Python steps take microseconds: the budget lets a run last long enough to watch


@dataclass(frozen=True)
class Example:
    """One training example: the two inputs and the two targets."""

    i1: float = 0.05
    i2: float = 0.10
    t1: float = 0.01
    t2: float = 0.99


@dataclass(frozen=True)
class Params:
    """The ten trainable numbers (defaults: the worked example's starting point)."""

    w1: float = 0.15
    w2: float = 0.20
    w3: float = 0.25
    w4: float = 0.30
    w5: float = 0.40
    w6: float = 0.45
    w7: float = 0.50
    w8: float = 0.55
    b1: float = 0.35
    b2: float = 0.60

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PARAMS}


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), written so that no exp() overflows for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# activation name -> (f(net), f'(net) written with out = f(net), as the worked example does for sigmoid)
_FUNCS: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    "sigmoid": (_sigmoid, lambda net, out: out * (1.0 - out)),
    "tanh": (math.tanh, lambda net, out: 1.0 - out * out),
    "relu": (lambda net: net if net > 0 else 0.0, lambda net, out: 1.0 if net > 0 else 0.0),
    "leaky_relu": (lambda net: net if net > 0 else LEAKY_SLOPE * net,
                   lambda net, out: 1.0 if net > 0 else LEAKY_SLOPE),
    "identity": (lambda net: net, lambda net, out: 1.0),
}


@dataclass(frozen=True)
class Forward:
    """Every value of the forward pass and the loss."""

    net_h1: float
    out_h1: float
    net_h2: float
    out_h2: float
    net_o1: float
    out_o1: float
    net_o2: float
    out_o2: float
    E_o1: float
    E_o2: float

    @property
    def E(self) -> float:
        return self.E_o1 + self.E_o2


@dataclass(frozen=True)
class Backward:
    """The chain-rule factors and the resulting gradient of E for every parameter."""

    dE_dout_o1: float  # out_o1 - t1
    dE_dout_o2: float
    dout_dnet_o1: float  # f'(net_o1)
    dout_dnet_o2: float
    delta_o1: float  # dE/dnet_o1 = dE/dout_o1 * dout_o1/dnet_o1
    delta_o2: float
    dE_dout_h1: float  # delta_o1 * w5 + delta_o2 * w7: h1 feeds both outputs
    dE_dout_h2: float  # delta_o1 * w6 + delta_o2 * w8
    dout_dnet_h1: float
    dout_dnet_h2: float
    delta_h1: float
    delta_h2: float
    grads: dict[str, float]


def forward(p: Params, x: Example, act: str = "sigmoid") -> Forward:
    """Inputs -> hidden -> outputs -> loss."""
    f = _FUNCS[act][0]
    net_h1 = p.w1 * x.i1 + p.w2 * x.i2 + p.b1
    net_h2 = p.w3 * x.i1 + p.w4 * x.i2 + p.b1
    out_h1, out_h2 = f(net_h1), f(net_h2)
    net_o1 = p.w5 * out_h1 + p.w6 * out_h2 + p.b2
    net_o2 = p.w7 * out_h1 + p.w8 * out_h2 + p.b2
    out_o1, out_o2 = f(net_o1), f(net_o2)
    return Forward(net_h1, out_h1, net_h2, out_h2, net_o1, out_o1, net_o2, out_o2,
                   0.5 * (x.t1 - out_o1) ** 2, 0.5 * (x.t2 - out_o2) ** 2)


def backward(p: Params, x: Example, fw: Forward, act: str = "sigmoid") -> Backward:
    """The chain rule, one factor at a time, from the loss back to every weight and bias."""
    df = _FUNCS[act][1]
    dE_dout_o1, dE_dout_o2 = fw.out_o1 - x.t1, fw.out_o2 - x.t2  # d/dout of 1/2 (t - out)^2
    dout_dnet_o1, dout_dnet_o2 = df(fw.net_o1, fw.out_o1), df(fw.net_o2, fw.out_o2)
    delta_o1, delta_o2 = dE_dout_o1 * dout_dnet_o1, dE_dout_o2 * dout_dnet_o2
    dE_dout_h1 = delta_o1 * p.w5 + delta_o2 * p.w7
    dE_dout_h2 = delta_o1 * p.w6 + delta_o2 * p.w8
    dout_dnet_h1, dout_dnet_h2 = df(fw.net_h1, fw.out_h1), df(fw.net_h2, fw.out_h2)
    delta_h1, delta_h2 = dE_dout_h1 * dout_dnet_h1, dE_dout_h2 * dout_dnet_h2
    grads = {
        "w1": delta_h1 * x.i1, "w2": delta_h1 * x.i2, "w3": delta_h2 * x.i1, "w4": delta_h2 * x.i2,
        "w5": delta_o1 * fw.out_h1, "w6": delta_o1 * fw.out_h2,
        "w7": delta_o2 * fw.out_h1, "w8": delta_o2 * fw.out_h2,
        "b1": delta_h1 + delta_h2,  # the shared bias reaches E through both hidden neurons
        "b2": delta_o1 + delta_o2,
    }
    return Backward(dE_dout_o1, dE_dout_o2, dout_dnet_o1, dout_dnet_o2, delta_o1, delta_o2, dE_dout_h1,
                    dE_dout_h2, dout_dnet_h1, dout_dnet_h2, delta_h1, delta_h2, grads)


def update(p: Params, grads: dict[str, float], lr: float, train_biases: bool = False) -> Params:
    """One gradient-descent step, param <- param - lr * dE/dparam (the worked example keeps the biases fixed)."""
    names = PARAMS if train_biases else WEIGHTS
    return replace(p, **{name: getattr(p, name) - lr * grads[name] for name in names})


def autograd_gradients(p: Params, x: Example, act: str = "sigmoid") -> dict[str, float]:
    """The same gradients from torch autograd on a float64 graph: the independent check the page shows."""
    fn = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
          "leaky_relu": lambda v: torch.nn.functional.leaky_relu(v, LEAKY_SLOPE), "identity": lambda v: v}[act]
    w = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in p.as_dict().items()}
    i = torch.tensor([x.i1, x.i2], dtype=torch.float64)
    t = torch.tensor([x.t1, x.t2], dtype=torch.float64)
    W_hidden = torch.stack([torch.stack([w["w1"], w["w2"]]), torch.stack([w["w3"], w["w4"]])])  # (2 hidden, 2 in)
    W_out = torch.stack([torch.stack([w["w5"], w["w6"]]), torch.stack([w["w7"], w["w8"]])])  # (2 out, 2 hidden)
    hidden = fn(W_hidden @ i + w["b1"])
    out = fn(W_out @ hidden + w["b2"])
    loss = (0.5 * (t - out) ** 2).sum()
    loss.backward()
    return {name: float(tensor.grad) for name, tensor in w.items()}


@dataclass(frozen=True)
class BackpropConfig:
    """What defines a run: the starting point, the example and the activation (the step rule may change live)."""

    params: Params = Params()
    example: Example = Example()
    act: str = "sigmoid"


class BackpropTrainer(Trainer):
    """Repeats the full step (forward, loss, backward, update) on the one example.

    `lr` and `train_biases` change between steps without a restart (`apply_live`).
    """

    unit = "step"
    watch = "loss"

    def __init__(self, config: BackpropConfig, lr: float = 0.5, train_biases: bool = False,
                 max_steps: int = MAX_STEPS):
        super().__init__(max_steps)
        self.config = config
        self.lr = lr
        self.train_biases = train_biases
        self.params = config.params
        # E after s updates, logged on a log-spaced schedule: the runner advances thousands of steps per
        # call, and the loss curve needs its first steps in detail more than its millionth.
        self.curve_steps: list[int] = []
        self.curve_loss: list[float] = []
        self._log(0, forward(config.params, config.example, config.act).E)

    def apply_live(self, settings: tuple[float, bool]) -> None:
        """(learning rate, train the biases too): the step rule applies from the next step on."""
        self.lr, self.train_biases = settings

    def _log(self, s: int, loss: float) -> None:
        if not self.curve_steps or self.curve_steps[-1] != s:
            self.curve_steps.append(s)
            self.curve_loss.append(loss)

    def _advance(self, n: int) -> dict[str, float]:
        cfg = self.config
        p = self.params
        try:
            for s in range(self.steps_done, self.steps_done + n):
                fw = forward(p, cfg.example, cfg.act)
                if s < 100 or s % 10 ** (len(str(s)) - 2) == 0:  # ~90 points per decade
                    self._log(s, fw.E)
                p = update(p, backward(p, cfg.example, fw, cfg.act).grads, self.lr, self.train_biases)
            fw = forward(p, cfg.example, cfg.act)
        except OverflowError:  # a float overflowed (weights blown up by a huge learning rate)
            return {"loss": math.inf}
        self.params = p
        self._log(self.steps_done + n, fw.E)
        return {"loss": fw.E, "out_o1": fw.out_o1, "out_o2": fw.out_o2}

