"""A digit classifier that judges generated digits: the CNN page's LeNet-style model, trained once per process.

It is trained deterministically on the training split (its own torch.Generator for the weights and the batch
order, never the global one) and only ever read afterwards, so every session can share it.
"""
from __future__ import annotations

import functools
import threading

import torch
import torch.nn.functional as F

from core.device import device
from core.digits import digit_split
from core.generative.variant_nets import build
from core.vision.cnn import CNNConfig, DigitCNN

JUDGE_STEPS = 400  # Adam updates on batches of 64: ~97 % test accuracy, a couple of seconds on one core
JUDGE_SEED = 0
_lock = threading.Lock()


def train_judge(steps: int = JUDGE_STEPS, seed: int = JUDGE_SEED) -> DigitCNN:
    """A DigitCNN (default settings: 8 and 16 channels, ReLU, max pooling) trained on digit_split(seed)."""
    gen = torch.Generator().manual_seed(seed)
    data = digit_split(seed=seed)
    model = build(lambda: DigitCNN(CNNConfig()), gen)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    n = len(data.y_train)
    with torch.enable_grad():  # first use may come from inside a measurement under no_grad
        _fit(model, opt, data, n, steps, gen)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def _fit(model, opt, data, n: int, steps: int, gen: torch.Generator) -> None:
    for _ in range(steps):
        idx = torch.randint(n, (64,), generator=gen).to(device)
        loss = F.cross_entropy(model(data.x_train[idx]), data.y_train[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


@functools.cache
def _cached_judge() -> DigitCNN:
    return train_judge()


def digit_judge() -> DigitCNN:
    """The process-wide judge (trained at first use; a lock keeps two first visitors from training it twice)."""
    with _lock:
        return _cached_judge()


@torch.no_grad()
def judge_accuracy(images: torch.Tensor, labels: torch.Tensor, judge: DigitCNN | None = None) -> float:
    """Share of `images` (N, 64) or (N, 1, 8, 8) in [0, 1] that the judge reads as their `labels`."""
    judge = judge or digit_judge()
    predicted = judge(images.reshape(-1, 1, 8, 8)).argmax(1)
    return float((predicted == labels).float().mean())
