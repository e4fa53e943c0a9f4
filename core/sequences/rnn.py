"""A vanilla RNN cell written out by hand in NumPy: one step, unrolled over time, stacked, both directions,
and backpropagation through time (BPTT) with the gradient norm that reaches each earlier step.

Notation as on the page: a_t = W_hh h_{t-1} + W_xh x_t + b,  h_t = f(a_t). Stacked and bidirectional layers
follow `torch.nn.RNN` exactly (tests compare against it): layer l reads the outputs of layer l-1, and a
backward direction reads the sequence from the end, its states put back in time order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.tinymlp import ACTIVATIONS as ENGINE_ACTIVATIONS

ACTIVATIONS = ("tanh", "relu", "linear")  # torch.nn.RNN's two, and linear to show growth and decay plainly


def _checked(act: str) -> str:
    if act not in ACTIVATIONS:
        raise ValueError(f"unknown activation {act!r}")
    return act


def activate(a: np.ndarray, act: str) -> np.ndarray:
    """f(a) from the engine's activation table (core/tinymlp.py), on NumPy arrays."""
    return ENGINE_ACTIVATIONS[_checked(act)].fn(torch.from_numpy(np.asarray(a, dtype=float))).numpy()


def activation_slope(h: np.ndarray, act: str) -> np.ndarray:
    """f'(a), written with the output h = f(a) (tanh' = 1 − h²; relu' = 1 where h > 0), from the same table."""
    return ENGINE_ACTIVATIONS[_checked(act)].slope(torch.from_numpy(np.asarray(h, dtype=float))).numpy()


@dataclass(frozen=True)
class CellWeights:
    """One direction of one layer. b is torch's b_ih + b_hh (they are only ever added)."""

    w_xh: np.ndarray  # (H, D)
    w_hh: np.ndarray  # (H, H)
    b: np.ndarray  # (H,)

    @property
    def hidden(self) -> int:
        return self.w_hh.shape[0]


@dataclass(frozen=True)
class Unrolled:
    pre: np.ndarray  # (T, H) a_t, before the activation
    states: np.ndarray  # (T, H) h_t


def cell_step(x: np.ndarray, h_prev: np.ndarray, w: CellWeights, act: str) -> tuple[np.ndarray, np.ndarray]:
    """One time step: returns (a_t, h_t)."""
    a = w.w_hh @ h_prev + w.w_xh @ x + w.b
    return a, activate(a, act)


def unroll(xs: np.ndarray, w: CellWeights, act: str, h0: np.ndarray | None = None) -> Unrolled:
    """Run the same cell over xs (T, D), carrying h from step to step (h_0 = 0 unless given)."""
    xs = np.asarray(xs, dtype=float).reshape(len(xs), -1)
    h = np.zeros(w.hidden) if h0 is None else np.asarray(h0, dtype=float)
    pre, states = [], []
    for x in xs:
        a, h = cell_step(x, h, w, act)
        pre.append(a)
        states.append(h)
    return Unrolled(np.array(pre), np.array(states))


def run_layers(xs: np.ndarray, layers: list[list[CellWeights]], act: str) -> list[list[Unrolled]]:
    """A stacked, optionally bidirectional RNN: layers[l] = [forward] or [forward, backward] weights.

    Returns the unrolled states of every layer and direction; the network's output at step t is the
    last layer's directions concatenated, [h_t(forward); h_t(backward)].
    """
    inputs = np.asarray(xs, dtype=float).reshape(len(xs), -1)
    result = []
    for directions in layers:
        runs = [unroll(inputs, directions[0], act)]
        if len(directions) == 2:
            back = unroll(inputs[::-1], directions[1], act)
            runs.append(Unrolled(back.pre[::-1], back.states[::-1]))
        result.append(runs)
        inputs = np.concatenate([r.states for r in runs], axis=1)
    return result


def layers_from_torch(module) -> list[list[CellWeights]]:
    """The weights of a `torch.nn.RNN` in this module's layout (for the page and for the tests)."""
    layers = []
    for layer in range(module.num_layers):
        directions = []
        for suffix in ([""] + (["_reverse"] if module.bidirectional else [])):
            get = lambda name: getattr(module, f"{name}_l{layer}{suffix}").detach().double().cpu().numpy()  # noqa: E731
            bias = get("bias_ih") + get("bias_hh") if module.bias else np.zeros(module.hidden_size)
            directions.append(CellWeights(get("weight_ih"), get("weight_hh"), bias))
        layers.append(directions)
    return layers


def spectral_radius(m: np.ndarray) -> float:
    """The largest |eigenvalue|: how much W_hh stretches a vector, per step, in the long run."""
    return float(np.max(np.abs(np.linalg.eigvals(m))))


def random_cell(hidden: int, inputs: int, radius: float, seed: int) -> CellWeights:
    """A cell whose W_hh is a random Gaussian matrix rescaled to the given spectral radius."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((hidden, hidden))
    w_hh = radius * m / spectral_radius(m)
    w_xh = rng.standard_normal((hidden, inputs))
    b = 0.1 * rng.standard_normal(hidden)
    return CellWeights(w_xh, w_hh, b)


@dataclass(frozen=True)
class BPTT:
    """Backpropagation through time for the loss L = v . h_T (v a unit-length read-out)."""

    state_grad_norms: np.ndarray  # (T,) ||dL/dh_t||: the gradient that reaches step t
    step_contributions: np.ndarray  # (T,) norm of step t's share of the gradient of (W_xh, W_hh, b)
    grad_w_xh: np.ndarray
    grad_w_hh: np.ndarray
    grad_b: np.ndarray

    @property
    def total_norm(self) -> float:
        """||g|| over all parameters, as `torch.nn.utils.clip_grad_norm_` measures it."""
        return float(np.sqrt(sum(np.sum(g**2) for g in (self.grad_w_xh, self.grad_w_hh, self.grad_b))))


def bptt(xs: np.ndarray, w: CellWeights, act: str, readout: np.ndarray) -> BPTT:
    """Walk back from h_T: dL/da_t = dL/dh_t * f'(a_t), dL/dh_{t-1} = W_hh^T dL/da_t (Werbos 1990).

    Every step back multiplies the gradient by W_hh^T diag(f'(a_t)), so its size shrinks or grows roughly
    like (spectral radius x typical slope)^steps: vanishing or exploding gradients (Bengio et al. 1994;
    Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural networks").
    """
    xs = np.asarray(xs, dtype=float).reshape(len(xs), -1)
    run = unroll(xs, w, act)
    prev = np.vstack([np.zeros((1, w.hidden)), run.states[:-1]])  # h_{t-1} for every t
    g_xh, g_hh, g_b = np.zeros_like(w.w_xh), np.zeros_like(w.w_hh), np.zeros_like(w.b)
    state_norms, contributions = np.zeros(len(xs)), np.zeros(len(xs))
    grad_h = np.asarray(readout, dtype=float)
    for t in range(len(xs) - 1, -1, -1):
        state_norms[t] = np.linalg.norm(grad_h)
        grad_a = grad_h * activation_slope(run.states[t], act)
        g_xh += np.outer(grad_a, xs[t])
        g_hh += np.outer(grad_a, prev[t])
        g_b += grad_a
        # ||outer(u, v)|| = ||u|| ||v||, so step t's share of (dW_xh, dW_hh, db) has this norm:
        contributions[t] = np.linalg.norm(grad_a) * np.sqrt(xs[t] @ xs[t] + prev[t] @ prev[t] + 1.0)
        grad_h = w.w_hh.T @ grad_a
    return BPTT(state_norms, contributions, g_xh, g_hh, g_b)


def clip_scale(total_norm: float, max_norm: float | None) -> float:
    """The factor gradient-norm clipping multiplies every gradient by: min(1, c / ||g||) (Pascanu et al. 2013).

    Same rule (and the same 1e-6 guard) as `torch.nn.utils.clip_grad_norm_`.
    """
    if max_norm is None:
        return 1.0
    return float(min(1.0, max_norm / (total_norm + 1e-6)))


def cycle_to_length(values: list[float], length: int) -> np.ndarray:
    """Repeat a short sequence until it is `length` steps long (for the longer BPTT run)."""
    reps = -(-length // len(values))
    return np.tile(np.asarray(values, dtype=float), reps)[:length]
