"""Sequence data a learner can picture: a noisy sine wave to continue, and a marked letter to recall later.

Both generators take a `torch.Generator`, so a run is reproducible from its seed, and return tensors shaped
(batch, time, features) as `torch.nn.RNN/LSTM/GRU(batch_first=True)` expect.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch

from core.errors import InputError

# ----- noisy sine: predict the next value -----
PERIOD_RANGE = (8.0, 24.0)  # steps per cycle; each sequence draws its own, so the network must infer it
WARMUP = 5  # the first predictions have too little context to judge; metrics skip them


@dataclass(frozen=True)
class SineBatch:
    """Inputs x_1..x_T (noisy), the next noisy values x_2..x_{T+1} (training target) and the clean ones."""

    inputs: torch.Tensor  # (B, T, 1)
    targets: torch.Tensor  # (B, T, 1) noisy next value: what the network is trained on
    clean: torch.Tensor  # (B, T, 1) the wave without noise: what "solved" is measured against


def sine_batch(n: int, length: int, noise: float, gen: torch.Generator) -> SineBatch:
    """n sine waves of amplitude 1 with random period (PERIOD_RANGE) and phase, plus Gaussian noise."""
    lo, hi = PERIOD_RANGE
    period = lo + (hi - lo) * torch.rand(n, 1, generator=gen)
    phase = 2 * math.pi * torch.rand(n, 1, generator=gen)
    steps = torch.arange(length + 1, dtype=torch.float32)
    clean = torch.sin(2 * math.pi * steps / period + phase)  # (B, T+1)
    noisy = clean + noise * torch.randn(clean.shape, generator=gen)
    return SineBatch(noisy[:, :-1, None], noisy[:, 1:, None], clean[:, 1:, None])


def persistence_mse(batch: SineBatch) -> float:
    """The naive forecast "the next value equals this one", scored against the clean wave: the bar to beat."""
    return float(((batch.inputs - batch.clean)[:, WARMUP:] ** 2).mean())


# ----- recall the marked letter after distractors -----
ALPHABET = "abcdefgh"  # the symbols; the marked one is typed in upper case
_LETTERS = frozenset(ALPHABET)
LEAD = 3  # the mark falls on one of the first LEAD + 1 steps, so at least `distance` letters follow it


@dataclass(frozen=True)
class RecallBatch:
    inputs: torch.Tensor  # (B, T, len(ALPHABET) + 1): one-hot letter, then the mark flag
    labels: torch.Tensor  # (B,) index of the marked letter: the answer expected after the last step


def recall_length(distance: int) -> int:
    return LEAD + 1 + distance


def encode_letters(letters: torch.Tensor, mark_at: torch.Tensor) -> torch.Tensor:
    """(B, T) letter indices and (B,) mark positions -> (B, T, K + 1) network inputs."""
    k = len(ALPHABET)
    x = torch.zeros(*letters.shape, k + 1)
    x[..., :k] = torch.nn.functional.one_hot(letters, k).float()
    x[torch.arange(letters.shape[0]), mark_at, k] = 1.0
    return x


def recall_batch(n: int, distance: int, gen: torch.Generator) -> RecallBatch:
    """n random letter strings; one of the first LEAD + 1 letters is marked and must be named at the end."""
    letters = torch.randint(len(ALPHABET), (n, recall_length(distance)), generator=gen)
    mark_at = torch.randint(LEAD + 1, (n,), generator=gen)
    return RecallBatch(encode_letters(letters, mark_at), letters[torch.arange(n), mark_at])


# ----- typed input -----
MAX_VALUES = 40  # longest typed number sequence (the unrolled picture stays readable)
MAX_VALUE = 10.0
MAX_LETTERS = 80


class SequenceInputError(InputError):
    """Typed sequence refused: `code` names the reason (a catalog key), `detail` fills its placeholders."""



def parse_numbers(text: str, *, min_len: int = 2, max_len: int = MAX_VALUES) -> list[float]:
    """"0.5, -1, 2" (commas, semicolons or spaces) -> [0.5, -1.0, 2.0]; refuses words, inf/nan, huge values."""
    tokens = [tok for tok in re.split(r"[,;\s]+", text.strip()) if tok]
    values = []
    for tok in tokens:
        try:
            value = float(tok)
        except ValueError:
            raise SequenceInputError("not_a_number", token=tok[:20]) from None
        if not math.isfinite(value) or abs(value) > MAX_VALUE:
            raise SequenceInputError("out_of_range", token=tok[:20], limit=f"{MAX_VALUE:g}")
        values.append(value)
    if len(values) < min_len:
        raise SequenceInputError("too_short", n=len(values), min=min_len)
    if len(values) > max_len:
        raise SequenceInputError("too_long", n=len(values), max=max_len)
    return values


def parse_recall(text: str, *, max_len: int = MAX_LETTERS) -> tuple[list[int], int]:
    """"bcaDgfe…" -> (letter indices, position of the one upper-case letter); spaces are ignored."""
    letters = [ch for ch in text if not ch.isspace()]
    if len(letters) < 2:
        raise SequenceInputError("too_short", n=len(letters), min=2)
    if len(letters) > max_len:
        raise SequenceInputError("too_long", n=len(letters), max=max_len)
    indices, marks = [], []
    for pos, ch in enumerate(letters):
        if ch.lower() not in _LETTERS:
            raise SequenceInputError("unknown_letter", token=ch, alphabet=ALPHABET)
        indices.append(ALPHABET.index(ch.lower()))
        if ch.isupper():
            marks.append(pos)
    if len(marks) != 1:
        raise SequenceInputError("one_mark", n=len(marks))
    return indices, marks[0]
