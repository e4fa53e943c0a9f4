"""The RNN, LSTM and GRU equations as LaTeX with the numbers of one step filled in (notation as in core/)."""
from __future__ import annotations

import numpy as np

from core.sequences.gates import GRUStep, LSTMStep

ACT_TEX = {"tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "linear": r"\operatorname{id}"}


def num(v: float, digits: int = 2) -> str:
    """A number for a formula; a negative one in parentheses so that '·' and '+' read unambiguously."""
    text = f"{float(v):.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"({text})" if text.startswith("-") else text


def _plain(v: float, digits: int = 2) -> str:
    text = f"{float(v):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def matrix(m: np.ndarray, digits: int = 2) -> str:
    rows = np.atleast_2d(m)
    body = r" \\ ".join(" & ".join(_plain(v, digits) for v in row) for row in rows)
    return r"\begin{pmatrix}" + body + r"\end{pmatrix}"


def column(v: np.ndarray, digits: int = 2) -> str:
    return matrix(np.asarray(v, dtype=float).reshape(-1, 1), digits)


def rnn_step_tex(t: int, x: float, h_prev: np.ndarray, w_xh: np.ndarray, w_hh: np.ndarray, b: np.ndarray,
                 a: np.ndarray, h: np.ndarray, act: str) -> str:
    """h_t = f(W_hh h_{t-1} + W_xh x_t + b) for one step, symbols first, then numbers, then the result."""
    f = ACT_TEX[act]
    lines = [
        rf"h_{{{t}}} &= {f}\left(W_{{hh}}\, h_{{{t - 1}}} + W_{{xh}}\, x_{{{t}}} + b\right)",
        rf"&= {f}\left({matrix(w_hh)} {column(h_prev)} + {column(w_xh)} \cdot {num(x)} + {column(b)}\right)",
        rf"&= {f}\left({column(a)}\right) = {column(h)}",
    ]
    return r"\begin{aligned}" + r" \\[4pt] ".join(lines) + r"\end{aligned}"


def _gate(name: str, squash: str, wx: float, wh: float, b: float, x: float, h: float, pre: float, out: float) -> str:
    return (rf"{name}_t &= {squash}(w_{{x{name}}} x_t + w_{{h{name}}} h_{{t-1}} + b_{name}) "
            rf"= {squash}({num(wx)} \cdot {num(x)} + {num(wh)} \cdot {num(h)} + {num(b)}) "
            rf"= {squash}({_plain(pre, 3)}) = {_plain(out, 3)}")


def lstm_step_tex(params: dict[str, tuple[float, float, float]], x: float, h: float, c: float, step: LSTMStep) -> str:
    """The six LSTM lines for a one-unit cell: four gates, the new cell state, the new hidden state."""
    lines = [_gate(g, r"\sigma" if g != "g" else r"\tanh", *params[g], x, h, float(step.pre[g][0]),
                   float(getattr(step, g)[0])) for g in ("i", "f", "g", "o")]
    lines.append(rf"c_t &= f_t\, c_{{t-1}} + i_t\, g_t = {num(step.f[0], 3)} \cdot {num(c)} + "
                 rf"{num(step.i[0], 3)} \cdot {num(step.g[0], 3)} = {_plain(step.c[0], 3)}")
    lines.append(rf"h_t &= o_t \tanh(c_t) = {num(step.o[0], 3)} \cdot \tanh({num(step.c[0], 3)}) "
                 rf"= {_plain(step.h[0], 3)}")
    return r"\begin{aligned}" + r" \\[3pt] ".join(lines) + r"\end{aligned}"


def gru_step_tex(params: dict[str, tuple[float, ...]], x: float, h: float, step: GRUStep) -> str:
    """The four GRU lines for a one-unit cell: reset and update gates, the candidate, the new hidden state."""
    lines = [_gate(g, r"\sigma", *params[g][:3], x, h, float(step.pre[g][0]), float(getattr(step, g)[0]))
             for g in ("r", "z")]
    wx, wh, bx, bh = params["n"]
    lines.append(rf"n_t &= \tanh\big(w_{{xn}} x_t + b_{{xn}} + r_t\,(w_{{hn}} h_{{t-1}} + b_{{hn}})\big) "
                 rf"= \tanh\big({num(wx)} \cdot {num(x)} + {num(bx)} + {num(step.r[0], 3)} \cdot "
                 rf"({num(wh)} \cdot {num(h)} + {num(bh)})\big) = \tanh({_plain(step.pre['n'][0], 3)}) "
                 rf"= {_plain(step.n[0], 3)}")
    lines.append(rf"h_t &= (1 - z_t)\, n_t + z_t\, h_{{t-1}} = (1 - {_plain(step.z[0], 3)}) \cdot {num(step.n[0], 3)}"
                 rf" + {num(step.z[0], 3)} \cdot {num(h)} = {_plain(step.h[0], 3)}")
    return r"\begin{aligned}" + r" \\[3pt] ".join(lines) + r"\end{aligned}"
