"""Handwritten digits shipped with scikit-learn (1,797 images of 8×8 pixels, UCI optdigits): no download needed."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from core.device import device


@dataclass(frozen=True)
class DigitSplit:
    """Images scaled to [0, 1] as (N, 1, 8, 8) float tensors on `core.device`, labels as (N,) int64."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


@functools.cache
def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """All digits as float32 (N, 8, 8) in [0, 1] (the raw pixels count ink 0..16) and int64 labels."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return (bunch.images / 16.0).astype(np.float32), bunch.target.astype(np.int64)


def digit_split(test_fraction: float = 0.25, seed: int = 0) -> DigitSplit:
    """A stratified train/test split that depends only on `seed`; the test digits are never trained on."""
    images, labels = digits_arrays()
    rng = np.random.default_rng(seed)
    test_idx = []
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        rng.shuffle(idx)
        test_idx.extend(idx[: int(round(len(idx) * test_fraction))])
    test_mask = np.zeros(len(labels), dtype=bool)
    test_mask[test_idx] = True

    def tensors(mask):
        x = torch.from_numpy(images[mask]).unsqueeze(1).to(device)
        return x, torch.from_numpy(labels[mask]).to(device)

    x_train, y_train = tensors(~test_mask)
    x_test, y_test = tensors(test_mask)
    return DigitSplit(x_train, y_train, x_test, y_test)
