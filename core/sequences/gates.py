"""LSTM and GRU cells written out gate by gate in NumPy, in torch's weight layout (tests: equal to
`torch.nn.LSTMCell` / `torch.nn.GRUCell` / `torch.nn.LSTM`).

LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), rows of W stacked i, f, g, o:
    i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(…)     g = tanh(…)     o = σ(…)
    c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')
GRU (Cho et al. 2014), rows stacked r, z, n, as torch writes it:
    r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(…)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))          h' = (1 − z) ⊙ n + z ⊙ h
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LSTM_GATES = ("i", "f", "g", "o")
GRU_GATES = ("r", "z", "n")


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # = 1 / (1 + e^-a), without overflow for large |a|


@dataclass(frozen=True)
class GateWeights:
    """torch layout: w_ih (G*H, D), w_hh (G*H, H), b_ih and b_hh (G*H,), G = 4 (LSTM) or 3 (GRU)."""

    w_ih: np.ndarray
    w_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray

    @classmethod
    def from_torch(cls, module, layer: int = 0) -> "GateWeights":
        """From an LSTMCell/GRUCell (layer ignored) or layer `layer` of an LSTM/GRU module."""
        suffix = "" if not hasattr(module, "num_layers") else f"_l{layer}"
        get = lambda name: getattr(module, f"{name}{suffix}").detach().double().cpu().numpy()  # noqa: E731
        return cls(get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"))


@dataclass(frozen=True)
class LSTMStep:
    """Every intermediate of one LSTM step; `pre[k]` is what goes into gate k's squashing function."""

    pre: dict[str, np.ndarray]
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray  # new cell state c_t
    h: np.ndarray  # new hidden state h_t


@dataclass(frozen=True)
class GRUStep:
    pre: dict[str, np.ndarray]  # pre["n"] already includes r ⊙ (W_hn h + b_hn)
    hn: np.ndarray  # W_hn h + b_hn: the part of the old state that the reset gate scales
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    h: np.ndarray


def lstm_step(x: np.ndarray, h: np.ndarray, c: np.ndarray, w: GateWeights) -> LSTMStep:
    x, h, c = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x, h, c))
    a = w.w_ih @ x + w.b_ih + w.w_hh @ h + w.b_hh
    pre = dict(zip(LSTM_GATES, np.split(a, 4)))
    i, f, o = sigmoid(pre["i"]), sigmoid(pre["f"]), sigmoid(pre["o"])
    g = np.tanh(pre["g"])
    c_new = f * c + i * g
    return LSTMStep(pre, i, f, g, o, c_new, o * np.tanh(c_new))


def gru_step(x: np.ndarray, h: np.ndarray, w: GateWeights) -> GRUStep:
    x, h = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x, h))
    xr, xz, xn = np.split(w.w_ih @ x + w.b_ih, 3)
    hr, hz, hn = np.split(w.w_hh @ h + w.b_hh, 3)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    pre_n = xn + r * hn
    n = np.tanh(pre_n)
    return GRUStep({"r": xr + hr, "z": xz + hz, "n": pre_n}, hn, r, z, n, (1.0 - z) * n + z * h)


def lstm_sequence(xs: np.ndarray, w: GateWeights) -> dict[str, np.ndarray]:
    """Run the cell over xs (T, D) from zero state; every gate and state as a (T, H) array, for heat maps."""
    hidden = w.w_hh.shape[1]
    h, c = np.zeros(hidden), np.zeros(hidden)
    rows: dict[str, list[np.ndarray]] = {name: [] for name in (*LSTM_GATES, "c", "h")}
    for x in np.asarray(xs, dtype=float):
        step = lstm_step(x, h, c, w)
        h, c = step.h, step.c
        for name in rows:
            rows[name].append(getattr(step, name))
    return {name: np.array(values) for name, values in rows.items()}


def scalar_lstm(params: dict[str, tuple[float, float, float]]) -> GateWeights:
    """A one-unit LSTM from {gate: (w_x, w_h, b)} for gates i, f, g, o (the bias sits in b_ih)."""
    rows = [params[gate] for gate in LSTM_GATES]
    return GateWeights(np.array([[r[0]] for r in rows]), np.array([[r[1]] for r in rows]),
                       np.array([r[2] for r in rows]), np.zeros(4))


def scalar_gru(params: dict[str, tuple[float, ...]]) -> GateWeights:
    """A one-unit GRU from {"r": (w_x, w_h, b), "z": (w_x, w_h, b), "n": (w_x, w_h, b_x, b_h)}.

    For r and z only the sum of torch's two biases matters; for n the hidden bias b_hn sits inside the
    reset gate's product, so it is kept apart.
    """
    r, z, n = params["r"], params["z"], params["n"]
    return GateWeights(np.array([[r[0]], [z[0]], [n[0]]]), np.array([[r[1]], [z[1]], [n[1]]]),
                       np.array([r[2], z[2], n[2]]), np.array([0.0, 0.0, n[3]]))
