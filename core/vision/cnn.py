"""A LeNet-style CNN trained live on scikit-learn's 8×8 handwritten digits, plus turning a drawing into such a digit.

LeNet (LeCun et al., 1998) alternates convolution and subsampling, then classifies with fully connected
layers. The digits here are 8×8, so every convolution keeps the size ("same" padding) and each 2×2 pooling
halves it: 1×8×8 → c1×8×8 → c1×4×4 → c2×4×4 → c2×2×2 → 64 → 10.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from core.device import device
from core.digits import digit_split
from core.vision.images import resize
from core.trainer import Trainer

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
POOLS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}
OPTIMIZERS = ("sgd", "momentum", "adam")
KERNELS = (3, 5, 7)
FULL_BATCH = "full"
TARGET_ACCURACY = 0.97
TEST_DIGITS = 450  # size of digit_split's test set: a quarter of each class, rounded (checked in the tests)
HIDDEN = 64  # units of the fully connected layer
MAX_STEPS = 4000  # mini-batch updates per run (a few dozen seconds on one CPU core)
STAGES = ("input", "conv1", "pool1", "conv2", "pool2")  # the feature maps shown per layer
TARGET_STROKE = 0.25  # pen width of a drawn digit over its height: optdigits' strokes are about 2 of 8 cells


@dataclass(frozen=True)
class CNNConfig:
    c1: int = 8  # channels (filters) of the first convolution
    c2: int = 16  # channels of the second convolution
    kernel: int = 3  # square kernel side, odd so "same" padding = kernel // 2 keeps 8×8
    pool: str = "max"  # "max" | "avg", 2×2 with stride 2
    activation: str = "relu"  # "relu" | "tanh" | "sigmoid"
    optimizer: str = "adam"  # "sgd" | "momentum" (0.9) | "adam"
    lr: float = 0.01
    batch_size: int | str = 64  # or FULL_BATCH: every training image in each step
    seed: int = 0  # the split, the initial weights and the batch order


class DigitCNN(nn.Module):
    """conv → act → pool → conv → act → pool → fc → act → fc, sized for 1×8×8 inputs."""

    def __init__(self, cfg: CNNConfig):
        super().__init__()
        pad = cfg.kernel // 2
        self.conv1 = nn.Conv2d(1, cfg.c1, cfg.kernel, padding=pad)
        self.conv2 = nn.Conv2d(cfg.c1, cfg.c2, cfg.kernel, padding=pad)
        self.pool = POOLS[cfg.pool](2)
        self.act = ACTIVATIONS[cfg.activation]()
        self.fc1 = nn.Linear(cfg.c2 * 2 * 2, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, 10)

    def stages(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate map for a batch (B, 1, 8, 8), then the logits (B, 10)."""
        maps = {"input": x}
        maps["conv1"] = self.act(self.conv1(x))  # (B, c1, 8, 8)
        maps["pool1"] = self.pool(maps["conv1"])  # (B, c1, 4, 4)
        maps["conv2"] = self.act(self.conv2(maps["pool1"]))  # (B, c2, 4, 4)
        maps["pool2"] = self.pool(maps["conv2"])  # (B, c2, 2, 2)
        maps["logits"] = self.fc2(self.act(self.fc1(maps["pool2"].flatten(1))))
        return maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stages(x)["logits"]


def make_optimizer(cfg: CNNConfig, params) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr)
    return torch.optim.SGD(params, lr=cfg.lr, momentum=0.9 if cfg.optimizer == "momentum" else 0.0)


class CNNTrainer(Trainer):
    """Mini-batch training of DigitCNN; each `step` is one parameter update, metrics after each chunk."""

    unit = "step"
    watch = "loss"

    def __init__(self, cfg: CNNConfig, max_steps: int = MAX_STEPS):
        super().__init__(max_steps, seed=cfg.seed)
        self.cfg = cfg
        self.data = digit_split(seed=cfg.seed)
        self.generator = torch.Generator().manual_seed(cfg.seed)
        with self.own_rng():
            self.model = DigitCNN(cfg).to(device)
        self.optimizer = make_optimizer(cfg, self.model.parameters())
        n = len(self.data.y_train)
        self.batch = n if cfg.batch_size == FULL_BATCH else min(int(cfg.batch_size), n)
        self._order = torch.randperm(n, generator=self.generator)
        self._pos = 0
        self.train_seconds = 0.0  # time spent in training steps and their evaluation
        self.reached: tuple[int, float] | None = None  # (step, seconds) when test accuracy first hit the target
        self._test_predictions: torch.Tensor | None = None  # from the latest evaluation (the confusion matrix)

    def _next_batch(self) -> torch.Tensor:
        n = len(self._order)
        if self._pos + self.batch > n:  # a new epoch: reshuffle
            self._order = torch.randperm(n, generator=self.generator)
            self._pos = 0
        idx = self._order[self._pos:self._pos + self.batch]
        self._pos += self.batch
        return idx

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        self.model.train()
        total = torch.zeros((), device=device)
        for _ in range(n):
            idx = self._next_batch().to(device)
            loss = F.cross_entropy(self.model(self.data.x_train[idx]), self.data.y_train[idx])
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            total += loss.detach()
        metrics = {"loss": float(total) / n, **self.evaluate()}
        metrics["epoch"] = (self.steps_done + n) * self.batch / len(self._order)
        self.train_seconds += time.perf_counter() - started
        if self.reached is None and metrics["test_acc"] >= TARGET_ACCURACY:
            self.reached = (self.steps_done + n, self.train_seconds)
        return metrics

    def measure(self) -> dict[str, float]:
        metrics = self.evaluate()
        return {"loss": metrics["train_loss"], **metrics, "epoch": self.steps_done * self.batch / len(self._order)}

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Loss and accuracy on all training and all test digits (the test digits are never trained on)."""
        self.model.eval()
        out = {}
        d = self.data
        for split, x, y in (("train", d.x_train, d.y_train), ("test", d.x_test, d.y_test)):
            logits = self.model(x)
            if split == "test":
                self._test_predictions = logits.argmax(1)
            out[f"{split}_loss"] = float(F.cross_entropy(logits, y))
            out[f"{split}_acc"] = float((logits.argmax(1) == y).float().mean())
        return out

    @torch.no_grad()
    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities (N, 10) for 8×8 images in [0, 1] given as (N, 8, 8) or (8, 8)."""
        self.model.eval()
        x = torch.as_tensor(np.asarray(images, dtype=np.float32).reshape(-1, 1, 8, 8), device=device)
        return torch.softmax(self.model(x), dim=1).cpu().numpy()

    @torch.no_grad()
    def feature_maps(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Each stage's maps (C, H, W) for one 8×8 image, and its class probabilities under "probs"."""
        self.model.eval()
        x = torch.as_tensor(np.asarray(image, dtype=np.float32).reshape(1, 1, 8, 8), device=device)
        maps = self.model.stages(x)
        out = {name: maps[name][0].cpu().numpy() for name in STAGES}
        out["probs"] = torch.softmax(maps["logits"][0], dim=0).cpu().numpy()
        return out

    def first_layer_filters(self) -> np.ndarray:
        """The first convolution's kernels (c1, k, k): what the network learned to look for."""
        return self.model.conv1.weight.detach()[:, 0].cpu().numpy().copy()

    @torch.no_grad()
    def confusion(self) -> np.ndarray:
        """Test-set confusion matrix (10, 10): row = true digit, column = predicted digit.

        Uses the predictions of the latest evaluation (every training chunk ends with one), so drawing it
        on each refresh costs no extra forward pass.
        """
        if self._test_predictions is None:
            self.evaluate()
        counts = torch.bincount(self.data.y_test * 10 + self._test_predictions, minlength=100)
        return counts.reshape(10, 10).cpu().numpy()

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        super().load_model_tensors(tensors)
        self._test_predictions = None  # new weights: the stored predictions are stale

    def test_image(self, index: int) -> tuple[np.ndarray, int]:
        """Test digit number `index` (8×8 array) and its true label."""
        return self.data.x_test[index, 0].cpu().numpy(), int(self.data.y_test[index])


def stroke_thickness(mask: np.ndarray) -> float:
    """Average pen width of a binary drawing in pixels: inked area divided by the length of its skeleton."""
    from skimage.morphology import skeletonize

    length = int(skeletonize(mask).sum())
    return float(mask.sum()) / max(length, 1)


def drawing_to_digit(ink: np.ndarray, threshold: float = 0.1) -> np.ndarray | None:
    """A drawing (H, W) with ink in [0, 1] turned into an 8×8 digit like the training data, or None if blank.

    The UCI optdigits preprocessing behind sklearn's digits scaled each handwritten digit into a 32×32
    box and counted the ink in 4×4 blocks (0..16); its pen strokes are thick, about a quarter of the
    digit's height. We do the same: crop to the ink, widen thin strokes to TARGET_STROKE of the height
    (a thin mouse line would otherwise look like nothing the network has seen), scale the longer side to
    32 pixels keeping the aspect ratio, centre, then average 4×4 blocks.
    """
    ink = np.clip(np.nan_to_num(np.asarray(ink, dtype=np.float32)), 0.0, 1.0)
    if ink.ndim != 2 or not np.any(ink > threshold):
        return None
    crop = _crop(ink, threshold)
    side = max(crop.shape)
    grow = int(round((TARGET_STROKE * side - stroke_thickness(crop > 0.5)) / 2))
    if grow > 0:  # thicken with a round pen of radius `grow`, then crop again
        from scipy import ndimage

        yy, xx = np.mgrid[-grow:grow + 1, -grow:grow + 1]
        crop = ndimage.grey_dilation(np.pad(crop, grow), footprint=xx**2 + yy**2 <= grow**2)
        crop = _crop(crop, threshold)
    scale = 32.0 / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    box = np.zeros((32, 32), dtype=np.float32)
    top, left = (32 - h) // 2, (32 - w) // 2
    box[top:top + h, left:left + w] = resize(crop, h, w)
    return box.reshape(8, 4, 8, 4).mean(axis=(1, 3))


def _crop(ink: np.ndarray, threshold: float) -> np.ndarray:
    rows, cols = np.nonzero(ink > threshold)
    return ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
