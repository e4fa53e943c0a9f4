"""What one layer costs on a sentence of n tokens of width d: a recurrent layer against self-attention.

Counted in multiply-adds of the matrix products (biases, softmax and tanh are lower order), the way
Vaswani et al. 2017 (Table 1) compare them:
- RNN (h_t = tanh(W_ih x_t + W_hh h_{t-1})): 2d² per token, but the n steps must run one after another,
  because step t needs h_{t-1}: n sequential steps.
- Self-attention: the projections Q, K, V and the output cost 4nd²; the scores QKᵀ and the weighted sum of V
  cost n²d each, so the cost grows as n²; every position is computed at once: 1 sequential step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LayerCost:
    multiply_adds: np.ndarray  # (len(lengths),)
    sequential_steps: np.ndarray  # operations that must wait for the previous one


def rnn_cost(lengths, width: int) -> LayerCost:
    n = np.asarray(lengths, dtype=np.int64)
    return LayerCost(2 * n * width**2, n.copy())


def attention_cost(lengths, width: int) -> LayerCost:
    n = np.asarray(lengths, dtype=np.int64)
    return LayerCost(4 * n * width**2 + 2 * n**2 * width, np.ones_like(n))


def attention_share(length: int, width: int) -> float:
    """The part of self-attention's multiply-adds spent on the n×n scores and their weighted sum."""
    quadratic = 2 * length**2 * width
    return quadratic / float(attention_cost([length], width).multiply_adds[0])

