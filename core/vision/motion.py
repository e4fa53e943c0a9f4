"""Which way does it move? Three small CNNs trained side by side on the moving-sprite clips of `core.vision.clips`.

All three share one plan — two strided convolutions with ReLU, global average pooling, a linear read-out to
the four directions — and differ only in what their kernels span:

  "3d"    Conv3d on the clip (1, T, H, W), 3×3×3 kernels slid along time too (as C3D, Tran et al., 2015);
  "stack" Conv2d on the T frames stacked as T input channels: the first kernel sees all frames at once, but
          slides only in space ("early fusion", Karpathy et al., 2014);
  "frame" Conv2d on the middle frame alone (1, H, W): an image classifier.

Global average pooling makes every model blind to *where* the sprite is; by construction of the clips a
single frame then carries no information about the direction, so "frame" cannot beat chance (25 %).
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from core.device import device
from core.trainer import Trainer, load_named_model_tensors, named_model_tensors
from core.vision.clips import DIRECTIONS, ClipSettings, cached_clips

VIEWS = ("3d", "stack", "frame")
CHANCE = 1.0 / len(DIRECTIONS)
TARGET_ACCURACY = 0.95
TRAIN_CLIPS = 2048
TEST_CLIPS = 400  # 100 per direction: a constant answer scores exactly 25 %
MAX_STEPS = 400  # lock-step updates of all three models per run
EVAL_EVERY = 5  # steps between two evaluations on the test clips


@dataclass(frozen=True)
class MotionConfig:
    frames: int = 8  # T, frames per clip
    noise: float = 0.2  # pixel noise (standard deviation)
    speed: int = 1  # pixels per frame
    sprite: str = "digit"  # "digit" | "square"
    channels: int = 8  # filters of the first convolution (the second has twice as many)
    lr: float = 0.01  # Adam's learning rate, the same for all three
    batch: int = 32  # clips per update
    seed: int = 0  # clips, initial weights and batch order

    @property
    def clips(self) -> ClipSettings:
        return ClipSettings(self.frames, self.noise, self.speed, self.sprite)


class MotionNet(nn.Module):
    """conv (stride 2 in space) → ReLU → conv (stride 2) → ReLU → global average → linear (4 directions)."""

    def __init__(self, view: str, frames: int, channels: int = 8):
        super().__init__()
        self.view, self.frames = view, frames
        if view == "3d":
            conv, stride, first_in = nn.Conv3d, (1, 2, 2), 1  # time keeps its length: "same" padding, stride 1
        else:
            conv, stride, first_in = nn.Conv2d, 2, frames if view == "stack" else 1
        self.conv1 = conv(first_in, channels, 3, stride=stride, padding=1)
        self.conv2 = conv(channels, 2 * channels, 3, stride=stride, padding=1)
        self.head = nn.Linear(2 * channels, len(DIRECTIONS))

    def inputs(self, clips: torch.Tensor) -> torch.Tensor:
        """What this model sees of clips (B, T, H, W)."""
        if self.view == "3d":
            return clips[:, None]  # (B, 1, T, H, W)
        if self.view == "stack":
            return clips  # (B, T, H, W): frames as channels
        middle = clips.shape[1] // 2
        return clips[:, middle:middle + 1]  # (B, 1, H, W)

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv1(self.inputs(clips)))  # (B, c, [T,] H/2, W/2)
        h = F.relu(self.conv2(h))  # (B, 2c, [T,] H/4, W/4)
        return self.head(h.flatten(2).mean(2))  # global average → (B, 4) logits


def build_model(view: str, frames: int, channels: int, generator: torch.Generator) -> MotionNet:
    """A MotionNet with PyTorch's default initialisation, U(±1/√fan_in) for weights and biases, drawn from
    `generator`. The modules' own initialisation draws from the process-wide stream, which `fork_rng` puts
    back as it was: other sessions' draws are not disturbed, and ours do not depend on theirs."""
    with torch.random.fork_rng(devices=[]):
        model = MotionNet(view, frames, channels)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Conv3d, nn.Linear)):
                bound = 1.0 / math.sqrt(module.weight[0].numel())
                module.weight.uniform_(-bound, bound, generator=generator)
                module.bias.uniform_(-bound, bound, generator=generator)
    return model.to(device)


def shared_tensor(array: np.ndarray) -> torch.Tensor:
    """A cached read-only array as a tensor on `core.device`; on the CPU it shares the array's memory instead of
    copying it per session (nothing here writes to the data: batches are gathered copies)."""
    if device.type != "cpu":
        return torch.tensor(array, device=device)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(array)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class MotionRace(Trainer):
    """The three models trained in lock-step: each step draws one batch and updates every model on it."""

    unit = "step"
    watch = "loss_3d"
    FIXED = ("x_train", "y_train", "x_test", "y_test")

    def __init__(self, cfg: MotionConfig, max_steps: int = MAX_STEPS):
        super().__init__(max_steps)
        self.cfg = cfg
        train = cached_clips(TRAIN_CLIPS, cfg.clips, (cfg.seed, 0))
        test = cached_clips(TEST_CLIPS, cfg.clips, (cfg.seed, 1))
        self.x_train, self.y_train = shared_tensor(train.x), shared_tensor(train.y)
        self.x_test, self.y_test = shared_tensor(test.x), shared_tensor(test.y)
        self.generator = torch.Generator().manual_seed(cfg.seed)
        self.models = {view: build_model(view, cfg.frames, cfg.channels, self.generator) for view in VIEWS}
        self.optimizers = {view: torch.optim.Adam(m.parameters(), lr=cfg.lr) for view, m in self.models.items()}
        self.seconds = {view: 0.0 for view in VIEWS}  # each model's own training + evaluation time
        self.reached: dict[str, tuple[int, float]] = {}  # view → (step, its seconds) at TARGET_ACCURACY
        self._test_predictions: dict[str, torch.Tensor] = {}

    def _advance(self, n: int) -> dict[str, float]:
        losses = {view: torch.zeros((), device=device) for view in VIEWS}
        hits = {view: torch.zeros((), device=device) for view in VIEWS}
        for _ in range(n):
            idx = torch.randint(len(self.y_train), (self.cfg.batch,), generator=self.generator).to(device)
            x, y = self.x_train[idx], self.y_train[idx]
            for view, model in self.models.items():
                started = time.perf_counter()
                model.train()
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                self.optimizers[view].zero_grad(set_to_none=True)
                loss.backward()
                self.optimizers[view].step()
                losses[view] += loss.detach()
                hits[view] += (logits.detach().argmax(1) == y).float().mean()
                self.seconds[view] += time.perf_counter() - started
        done = self.steps_done + n
        metrics = {}
        for view in VIEWS:
            metrics[f"loss_{view}"] = float(losses[view]) / n
            metrics[f"train_acc_{view}"] = float(hits[view]) / n  # on the batches just trained on
        # The test set costs more than a training step: evaluated on the first chunk, whenever the count passes a
        # multiple of EVAL_EVERY, and at the end. "test_step" records when (the x of the test curves).
        if self.steps_done == 0 or done // EVAL_EVERY > self.steps_done // EVAL_EVERY or done >= self.max_steps:
            metrics["test_step"] = float(done)
            for view, acc in self.evaluate().items():
                metrics[f"test_acc_{view}"] = acc
                if view not in self.reached and acc >= TARGET_ACCURACY:
                    self.reached[view] = (done, self.seconds[view])
        return metrics

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Accuracy of each model on the test clips (never trained on)."""
        out = {}
        for view, model in self.models.items():
            started = time.perf_counter()
            model.eval()
            self._test_predictions[view] = model(self.x_test).argmax(1)
            out[view] = float((self._test_predictions[view] == self.y_test).float().mean())
            self.seconds[view] += time.perf_counter() - started
        return out

    @torch.no_grad()
    def predict(self, clip: np.ndarray) -> dict[str, np.ndarray]:
        """Each model's probabilities over DIRECTIONS for one clip (T, H, W)."""
        x = torch.tensor(np.asarray(clip, dtype=np.float32)[None], device=device)
        out = {}
        for view, model in self.models.items():
            model.eval()
            out[view] = torch.softmax(model(x)[0], 0).cpu().numpy()
        return out

    def test_clip(self, index: int) -> tuple[np.ndarray, int]:
        return self.x_test[index].cpu().numpy(), int(self.y_test[index])

    def model_tensors(self) -> dict[str, torch.Tensor]:
        return named_model_tensors(self.models)

    def load_model_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        load_named_model_tensors(self.models, tensors)
        self._test_predictions = {}
