"""Scaled dot-product attention one step at a time, on small matrices a learner types in.

Attention(Q, K, V) = softmax(Q Kᵀ / (√d · T) + M) V  (Vaswani et al. 2017, eq. 1), where T is a softmax
temperature (T = 1 is the paper's formula) and M holds −∞ where a query may not look: at padding keys,
and — with a causal mask — at keys later than the query (query i sees keys 0..i, as
`torch.nn.functional.scaled_dot_product_attention(is_causal=True)` aligns them).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from core.errors import InputError

MAX_SIZE = 6  # rows and columns of a typed matrix
MAX_ABS = 1000.0  # entries beyond this are refused (they only make the softmax a hard max)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")


class MatrixError(InputError):
    """A typed matrix that cannot be used; `code` picks the message, `detail` fills it in."""



def parse_matrix(text: str, name: str) -> np.ndarray:
    """Rows separated by ';' or new lines, numbers by spaces or commas: "1 0; 0 1" -> [[1, 0], [0, 1]]."""
    rows = [row for row in re.split(r"[;\n]", text.replace("−", "-")) if row.strip()]
    if not rows:
        raise MatrixError("empty", name=name)
    values = []
    for r, row in enumerate(rows, start=1):
        cells = [c for c in re.split(r"[\s,]+", row.strip()) if c]
        for c in cells:
            if not _NUMBER.match(c):
                raise MatrixError("not_number", name=name, row=r, cell=c[:20])
        values.append([float(c) for c in cells])
    widths = {len(row) for row in values}
    if len(widths) != 1:
        raise MatrixError("ragged", name=name)
    if len(values) > MAX_SIZE or len(values[0]) > MAX_SIZE:
        raise MatrixError("too_big", name=name, max=MAX_SIZE)
    arr = np.array(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.abs(arr).max() > MAX_ABS:
        raise MatrixError("too_large_value", name=name, max=int(MAX_ABS))
    return arr


def check_shapes(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> None:
    """Q (n_q, d) and K (n_k, d) share d; V has one row per key."""
    if q.shape[1] != k.shape[1]:
        raise MatrixError("d_mismatch", dq=q.shape[1], dk=k.shape[1])
    if v.shape[0] != k.shape[0]:
        raise MatrixError("v_rows", nv=v.shape[0], nk=k.shape[0])


def allowed_mask(n_q: int, n_k: int, *, causal: bool = False, padding: int = 0) -> np.ndarray:
    """(n_q, n_k) booleans: True where query i may look at key j (not a padding key, not in its future)."""
    allowed = np.ones((n_q, n_k), dtype=bool)
    if padding > 0:
        allowed[:, n_k - padding:] = False
    if causal:
        allowed &= np.tril(np.ones((n_q, n_k), dtype=bool))
    return allowed


@dataclass(frozen=True)
class AttentionSteps:
    """Every intermediate matrix, named as on the page."""

    scores: np.ndarray  # Q Kᵀ  (n_q, n_k)
    scaled: np.ndarray  # Q Kᵀ / √d  (or unscaled when scaling is off)
    masked: np.ndarray  # with −∞ where not allowed
    tempered: np.ndarray  # divided by the temperature T
    weights: np.ndarray  # softmax over each row; rows sum to 1
    output: np.ndarray  # weights · V  (n_q, d_v)
    allowed: np.ndarray
    scale: float  # the factor the scores were multiplied by: 1/√d or 1


def softmax_rows(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable: subtract each row's max (−∞ entries become exact zeros)."""
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def attention_steps(q, k, v, *, scale: bool = True, causal: bool = False, padding: int = 0,
                    temperature: float = 1.0) -> AttentionSteps:
    """Scaled dot-product attention with every step kept; raises MatrixError for unusable settings."""
    q, k, v = (np.asarray(m, dtype=np.float64) for m in (q, k, v))
    check_shapes(q, k, v)
    if not 0 <= padding < k.shape[0]:
        raise MatrixError("all_masked", nk=k.shape[0])
    if not temperature > 0:
        raise MatrixError("temperature")
    factor = 1.0 / math.sqrt(q.shape[1]) if scale else 1.0
    scores = q @ k.T
    scaled = scores * factor
    allowed = allowed_mask(q.shape[0], k.shape[0], causal=causal, padding=padding)
    masked = np.where(allowed, scaled, -np.inf)
    tempered = masked / temperature
    weights = softmax_rows(tempered)
    return AttentionSteps(scores, scaled, masked, tempered, weights, weights @ v, allowed, factor)
