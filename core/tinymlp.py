"""The tiny-MLP engine: activations with their slopes, a flat-parameter MLP with its backward pass written out,
and SGD / momentum / Adam on one flat tensor. The Playground and the GANs train on it.

Why by hand: these nets are tiny, so PyTorch's per-op dispatch, not arithmetic, sets the pace (docs/DEVELOPING.md, "Speed").
All parameters live in ONE flat tensor (an optimizer step is a handful of ops whatever the depth) and the
backward pass is the chain rule written out under `no_grad` — the same chain rule the Backprop page teaches.
tests/unit/test_tinymlp.py checks every gradient against autograd and every optimizer step against
`torch.optim`; benchmarks/flat_optimizer.py measures the hand-written Adam against `torch.optim.Adam`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from core.device import device

LEAK = 0.2  # slope of leaky ReLU for negative inputs


@dataclass(frozen=True)
class Activation:
    """f; f'(z) written with the activation's own output y = f(z) (cheaper than keeping z); and the backward step
    dL/dz = dL/dy · f'(z) in the fewest tensor ops (each op costs microseconds on these tiny nets)."""

    fn: Callable[[torch.Tensor], torch.Tensor]
    slope: Callable[[torch.Tensor], torch.Tensor]  # y -> f'(z)
    backward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (dL/dy, y) -> dL/dz


ACTIVATIONS: dict[str, Activation] = {
    "linear": Activation(lambda z: z, torch.ones_like, lambda d, y: d),
    "tanh": Activation(torch.tanh, lambda y: 1 - y * y, lambda d, y: d * (1 - y * y)),
    "relu": Activation(torch.relu, lambda y: (y > 0).to(y.dtype), lambda d, y: d * (y > 0)),
    "sigmoid": Activation(torch.sigmoid, lambda y: y * (1 - y), lambda d, y: d * (y * (1 - y))),
    "leaky_relu": Activation(lambda z: F.leaky_relu(z, LEAK), lambda y: torch.where(y > 0, 1.0, LEAK).to(y.dtype),
                             lambda d, y: torch.where(y > 0, d, d * LEAK)),
}


def activate(z: torch.Tensor, name: str | None) -> torch.Tensor:
    return z if name is None else ACTIVATIONS[name].fn(z)


def activation_slope(y: torch.Tensor, name: str | None) -> torch.Tensor:
    return torch.ones_like(y) if name is None else ACTIVATIONS[name].slope(y)


class TinyMLP:
    """Fully connected layers `sizes[0] → … → sizes[-1]`; hidden activation `activation`, output `out`.

    Parameters: one flat tensor `flat`; `weights[l]` (in, out) and `biases[l]` (out,) are views into it, so a
    layer is y = x @ W + b. `forward` remembers what `backward` needs (`layer_outputs`); `backward(dL/dy)` fills
    `grad` (same layout as `flat`) and returns dL/dx. `init`: "torch" draws W and b from U(±1/√fan_in) like
    `nn.Linear`; "tf_playground" draws W from U(−0.5, 0.5) with biases 0.1, as TensorFlow Playground does.
    """

    def __init__(self, sizes: tuple[int, ...], activation: str, out: str | None = None, *,
                 generator: torch.Generator, init: str = "torch", dtype: torch.dtype = torch.float32,
                 dev: torch.device = device):
        self.sizes, self.activation, self.out = tuple(sizes), activation, out
        count = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:]))
        self.flat = torch.empty(count, dtype=dtype, device=dev)
        self.grad = torch.zeros_like(self.flat)
        self.weights, self.biases = self.views(self.flat)
        self.grad_weights, self.grad_biases = self.views(self.grad)
        for w, b in zip(self.weights, self.biases):
            if init == "tf_playground":
                w.copy_(torch.rand(w.shape, generator=generator, dtype=dtype) - 0.5)
                b.fill_(0.1)
            else:
                bound = 1.0 / math.sqrt(w.shape[0])
                w.copy_((torch.rand(w.shape, generator=generator, dtype=dtype) * 2 - 1) * bound)
                b.copy_((torch.rand(b.shape, generator=generator, dtype=dtype) * 2 - 1) * bound)
        self.layer_outputs: list[torch.Tensor] = []
        self._inputs: list[torch.Tensor] = []

    def views(self, flat: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """(weights, biases) of every layer as views into `flat` (or into any tensor of its layout)."""
        weights, biases, at = [], [], 0
        for i, o in zip(self.sizes[:-1], self.sizes[1:]):
            weights.append(flat[at:at + i * o].view(i, o))
            at += i * o
            biases.append(flat[at:at + o])
            at += o
        return weights, biases

    def _act(self, layer: int) -> str | None:
        return self.activation if layer < len(self.weights) - 1 else self.out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._inputs, self.layer_outputs = [], []
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            self._inputs.append(x)
            x = activate(torch.addmm(b, x, w), self._act(l))
            self.layer_outputs.append(x)
        return x

    def backward(self, grad_out: torch.Tensor, *, param_grads: bool = True, input_grad: bool = False):
        """Back-propagate dL/dy of the last forward; fill `grad` (if param_grads); return dL/dx (if input_grad)."""
        d = grad_out
        for l in range(len(self.weights) - 1, -1, -1):
            name = self._act(l)
            if name is not None:
                d = ACTIVATIONS[name].backward(d, self.layer_outputs[l])
            if param_grads:
                torch.mm(self._inputs[l].T, d, out=self.grad_weights[l])
                torch.sum(d, dim=0, out=self.grad_biases[l])
            if l > 0 or input_grad:
                d = torch.mm(d, self.weights[l].T)
        return d if input_grad else None

    def functional(self, flat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The same network with parameters `flat` (may require grad): for autograd, e.g. a gradient penalty."""
        weights, biases = self.views(flat)
        for l, (w, b) in enumerate(zip(weights, biases)):
            x = activate(x @ w + b, self._act(l))
        return x


class FlatOptimizer:
    """SGD, heavy-ball momentum or Adam on one flat parameter tensor — the updates of `torch.optim`'s SGD,
    SGD(momentum=μ) and Adam (Kingma & Ba 2015, Algorithm 1, with bias correction). `lr` may change between
    steps (a live slider)."""

    KINDS = ("sgd", "momentum", "adam")

    def __init__(self, params: torch.Tensor, kind: str, lr: float, *, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, momentum: float = 0.9):
        if kind not in self.KINDS:
            raise ValueError(kind)
        self.params, self.kind, self.lr = params, kind, float(lr)
        self.betas, self.eps, self.momentum = betas, eps, momentum
        self.t = 0
        if kind == "momentum":
            self.buf = torch.zeros_like(params)
        if kind == "adam":
            self.m = torch.zeros_like(params)
            self.v = torch.zeros_like(params)

    def step(self, grad: torch.Tensor) -> None:
        self.t += 1
        if self.kind == "sgd":
            self.params.add_(grad, alpha=-self.lr)
        elif self.kind == "momentum":  # b ← μb + g; θ ← θ − lr·b (torch's form)
            self.buf.mul_(self.momentum).add_(grad)
            self.params.add_(self.buf, alpha=-self.lr)
        else:
            b1, b2 = self.betas
            self.m.mul_(b1).add_(grad, alpha=1 - b1)
            self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            # θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
            bias1, bias2 = 1 - b1 ** self.t, 1 - b2 ** self.t
            denom = (self.v.sqrt() / math.sqrt(bias2)).add_(self.eps)
            self.params.addcdiv_(self.m, denom, value=-self.lr / bias1)
