"""A digit classifier that judges generated digits: the CNN page's LeNet-style model, trained once per process.

It is trained deterministically on the training split (its own torch.Generator for the weights and the batch
order, never the global one), once per server process on a background thread started when the page opens, and
only ever read afterwards, so every session can share it.
"""
from __future__ import annotations

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


_judge: DigitCNN | None = None
_trainer_thread: threading.Thread | None = None


def _train_shared() -> None:
    global _judge
    model = train_judge()
    with _lock:
        _judge = model


def start_judge() -> None:
    """Start training the process-wide judge in the background, once (a page calls this as it opens)."""
    global _trainer_thread
    with _lock:
        if _judge is None and _trainer_thread is None:
            # Not a daemon: the interpreter waits the few seconds it needs at exit. A daemon thread still inside
            # torch when the interpreter shuts down aborts the process ("terminate called without an active
            # exception"), which would turn a test run or a server stop into a crash.
            _trainer_thread = threading.Thread(target=_train_shared, name="nnpg-digit-judge", daemon=False)
            _trainer_thread.start()


def ready_judge() -> DigitCNN | None:
    """The judge if it is trained, else None (never waits: a live page measures with it once it is there)."""
    return _judge


def digit_judge() -> DigitCNN:
    """The judge, waiting for its training if needed (tests and benchmarks)."""
    start_judge()
    thread = _trainer_thread
    if thread is not None:
        thread.join()
    assert _judge is not None
    return _judge


@torch.no_grad()
def judge_accuracy(images: torch.Tensor, labels: torch.Tensor, judge: DigitCNN | None = None) -> float:
    """Share of `images` (N, 64) or (N, 1, 8, 8) in [0, 1] that the judge reads as their `labels`."""
    judge = judge or digit_judge()
    predicted = judge(images.reshape(-1, 1, 8, 8)).argmax(1)
    return float((predicted == labels).float().mean())
