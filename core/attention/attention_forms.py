"""One recipe, different scores: every attention on the Attention page is a softmax over the keys of some score,
then a weighted average of the values. Only the score differs:

    dot product (Vaswani et al. 2017):         e_ij = q_i·k_j / √d
    additive (Bahdanau, Cho & Bengio 2015):    e_ij = vᵀ tanh(W q_i + U k_j + b)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.attention.attention import softmax_rows


def weighted_average(scores: np.ndarray, values: np.ndarray,
                     allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The shared second half: weights = softmax over each row (−∞ where not allowed), output = weights · V."""
    masked = scores if allowed is None else np.where(allowed, scores, -np.inf)
    weights = softmax_rows(masked)
    return weights, weights @ values


def dot_product_scores(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """(n_q, n_k) scaled dot products; queries and keys must have the same width d."""
    return q @ k.T / math.sqrt(q.shape[1])


@dataclass(frozen=True)
class AdditiveScore:
    """The small network of an additive score: W (A, d_q), U (A, d_k), b (A,), v (A,)."""

    w: np.ndarray
    u: np.ndarray
    b: np.ndarray
    v: np.ndarray


def random_additive(query_width: int, key_width: int, size: int, seed: int) -> AdditiveScore:
    """Untrained weights (scaled like torch's default Linear init) — enough to show a different score."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, (size, query_width)) / math.sqrt(query_width)
    u = rng.uniform(-1, 1, (size, key_width)) / math.sqrt(key_width)
    b = rng.uniform(-1, 1, size) / math.sqrt(key_width)
    v = rng.uniform(-1, 1, size) / math.sqrt(size)
    return AdditiveScore(w, u, b, v)


def additive_scores(q: np.ndarray, k: np.ndarray, net: AdditiveScore) -> np.ndarray:
    """(n_q, n_k) scores vᵀ tanh(W q_i + U k_j + b); queries and keys may differ in width."""
    hidden = np.tanh((q @ net.w.T)[:, None, :] + (k @ net.u.T + net.b)[None, :, :])  # (n_q, n_k, A)
    return hidden @ net.v
