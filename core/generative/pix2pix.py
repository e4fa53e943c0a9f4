"""pix2pix on the 8×8 digits: a tiny U-Net turns one view of a digit into the full digit, judged patch by patch.

Isola et al. 2017 train G on *paired* examples (input view v, true image x) with a conditional GAN loss plus an
L1 term (their eq. 4), D seeing the pair (v, image):

    G* = arg min_G max_D  E[log D(v, x)] + E[log(1 − D(v, G(v)))] + λ·E‖x − G(v)‖₁  (λ = 100 in the paper)

G is a U-Net (encoder–decoder with skip connections, so fine detail of v can pass straight to the output) and D a
"PatchGAN": a small convolutional net whose every output judges one patch of the pair, averaged over patches.
The trainer trains two generators side by side from the same start: L1 only, and L1 + the adversarial term.
L1 alone is minimised by the per-pixel *median* of the digits that fit the input, which blurs where the input
leaves the answer open; the adversarial term penalises outputs that do not look like real digit patches.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from core.device import device
from core.generative.variant_nets import LEAK, adam, build, d_loss, g_loss
from core.trainer import Trainer

TASKS = ("upscale", "inpaint")
LAMBDAS = (10.0, 30.0, 100.0)
N_SHOWN = 8  # test digits in the live picture


def make_view(task: str, images: torch.Tensor) -> torch.Tensor:
    """The input view of digits (N, 1, 8, 8): "upscale" — 2×2 block averages (4×4), blown up back to 8×8;
    "inpaint" — the lower half blanked out."""
    if task == "upscale":
        return F.interpolate(F.avg_pool2d(images, 2), scale_factor=2, mode="nearest")
    if task == "inpaint":
        view = images.clone()
        view[:, :, 4:, :] = 0.0
        return view
    raise ValueError(task)


class TinyUNet(nn.Module):
    """8×8 → 4×4 → 2×2 and back, each decoder level concatenated with the encoder level of the same size."""

    def __init__(self, width: int = 16):
        super().__init__()
        c = width
        self.enc1 = nn.Conv2d(1, c, 3, padding=1)  # (B, c, 8, 8)
        self.enc2 = nn.Conv2d(c, 2 * c, 4, stride=2, padding=1)  # (B, 2c, 4, 4)
        self.bottom = nn.Conv2d(2 * c, 4 * c, 4, stride=2, padding=1)  # (B, 4c, 2, 2)
        self.dec2 = nn.ConvTranspose2d(4 * c, 2 * c, 4, stride=2, padding=1)  # (B, 2c, 4, 4), then ⊕ enc2
        self.dec1 = nn.ConvTranspose2d(4 * c, c, 4, stride=2, padding=1)  # (B, c, 8, 8), then ⊕ enc1
        self.out = nn.Conv2d(2 * c, 1, 3, padding=1)  # (B, 1, 8, 8)

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        e1 = F.leaky_relu(self.enc1(v), LEAK)
        e2 = F.leaky_relu(self.enc2(e1), LEAK)
        b = F.leaky_relu(self.bottom(e2), LEAK)
        d2 = torch.cat([F.relu(self.dec2(b)), e2], dim=1)
        d1 = torch.cat([F.relu(self.dec1(d2)), e1], dim=1)
        return torch.sigmoid(self.out(d1))


PATCH_LAYERS = ((3, 1), (3, 2), (1, 1))  # (kernel, stride) of the patch discriminator's convolutions


class PatchDiscriminator(nn.Module):
    """Reads the pair (view, image) as 2 channels; outputs a 4×4 map of logits, each judging one 5×5 patch."""

    def __init__(self, width: int = 32):
        super().__init__()
        (k1, s1), (k2, s2), (k3, s3) = PATCH_LAYERS
        self.conv1 = nn.Conv2d(2, width, k1, stride=s1, padding=k1 // 2)  # (B, w, 8, 8)
        self.conv2 = nn.Conv2d(width, 2 * width, k2, stride=s2, padding=k2 // 2)  # (B, 2w, 4, 4)
        self.conv3 = nn.Conv2d(2 * width, 1, k3, stride=s3)  # (B, 1, 4, 4)

    def forward(self, view: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        h = F.leaky_relu(self.conv1(torch.cat([view, image], dim=1)), LEAK)
        return self.conv3(F.leaky_relu(self.conv2(h), LEAK))


def receptive_field(layers=PATCH_LAYERS) -> int:
    """Side of the input patch one output unit sees: r = 1 + Σ (k_l − 1)·Π_{j<l} s_j."""
    r, jump = 1, 1
    for kernel, stride in layers:
        r += (kernel - 1) * jump
        jump *= stride
    return r


@dataclass(frozen=True)
class Pix2PixConfig:
    task: str = "inpaint"  # "upscale" | "inpaint"
    lam: float = 10.0  # λ, weight of the L1 term next to the adversarial one
    lr: float = 1e-3
    batch: int = 64
    seed: int = 42
    max_iterations: int = 10_000


class Pix2PixTrainer(Trainer):
    """Two generators from the same initial weights, one step = one update of each (and of D)."""

    unit = "iteration"
    watch = None

    def __init__(self, config: Pix2PixConfig, train_images: torch.Tensor, test_images: torch.Tensor,
                 test_labels: torch.Tensor, judge: Callable[[], nn.Module | None] | None = None):
        if config.task not in TASKS:
            raise ValueError(config.task)
        super().__init__(config.max_iterations)
        self.config, self._judge = config, judge  # returns None while the judge is still being trained
        self.judged: dict[str, float] = {}  # latest share read as the true digit, per generator
        gen = self.rng = torch.Generator().manual_seed(config.seed)
        self.train_x = train_images.to(device)  # (N, 1, 8, 8): paired with their views
        self.train_v = make_view(config.task, self.train_x)
        self.test_x, self.test_y = test_images.to(device), test_labels.to(device)
        self.test_v = make_view(config.task, self.test_x)
        self.g_l1 = build(TinyUNet, gen)
        self.g_gan = copy.deepcopy(self.g_l1)  # the same start: the difference is the loss alone
        self.d = build(PatchDiscriminator, gen)
        self.opt_l1 = adam(self.g_l1, lr=config.lr)
        self.opt_gan = adam(self.g_gan, lr=config.lr)
        self.opt_d = adam(self.d, lr=config.lr)
        self.real_sharpness = sharpness(self.test_x)  # what crisp real digits score
        self.train_seconds = 0.0
        self._shown: dict[str, torch.Tensor] = {}  # each generator's outputs for the shown digits, once per state

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        cfg = self.config
        self._shown.clear()  # the generators change below
        for _ in range(n):
            idx = torch.randint(len(self.train_x), (cfg.batch,), generator=self.rng).to(device)
            v, x = self.train_v[idx], self.train_x[idx]
            l1_only = F.l1_loss(self.g_l1(v), x)
            self.opt_l1.zero_grad(set_to_none=True)
            l1_only.backward()
            self.opt_l1.step()
            fake = self.g_gan(v)
            loss_d = 0.5 * d_loss(self.d(v, x), self.d(v, fake.detach()))  # halved as in the paper
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
            adv, l1 = g_loss(self.d(v, fake)), F.l1_loss(fake, x)
            self.opt_gan.zero_grad(set_to_none=True)
            (adv + cfg.lam * l1).backward(inputs=list(self.g_gan.parameters()))
            self.opt_gan.step()
        metrics = {"d_loss": loss_d.item(), "g_adv": adv.item(), "train_l1": l1_only.item(), **self.evaluate()}
        self.train_seconds += time.perf_counter() - started
        return metrics

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """Test L1 (mean |error| per pixel) and sharpness; with a trained judge, `judged`: the share read correctly."""
        out = {}
        for name, g in (("l1", self.g_l1), ("gan", self.g_gan)):
            y = g(self.test_v)
            self._shown[name] = y[:N_SHOWN]  # the live picture shows these: no second pass through the U-Net
            out[f"test_l1_{name}"] = float((y - self.test_x).abs().mean())
            out[f"sharp_{name}"] = sharpness(y)
            judge = self._judge() if self._judge is not None else None
            if judge is not None:  # kept out of `history`: readings start only once the judge is trained
                self.judged[name] = float((judge(y).argmax(1) == self.test_y).float().mean())
        return out

    @torch.no_grad()
    def shown(self) -> torch.Tensor:
        """Rows of N_SHOWN test digits: the view, L1-only output, L1 + adversarial output, the truth: (4·N, 8, 8)."""
        v, x = self.test_v[:N_SHOWN], self.test_x[:N_SHOWN]
        for name, g in (("l1", self.g_l1), ("gan", self.g_gan)):
            if name not in self._shown:  # before the first evaluation
                self._shown[name] = g(v)
        return torch.cat([v, self._shown["l1"], self._shown["gan"], x])[:, 0]

    def model_tensors(self) -> None:
        return None


def sharpness(images: torch.Tensor) -> float:
    """Mean |difference| between neighbouring pixels (across and down): blur lowers it, crisp strokes raise it."""
    dx = (images[..., :, 1:] - images[..., :, :-1]).abs().mean()
    dy = (images[..., 1:, :] - images[..., :-1, :]).abs().mean()
    return float(0.5 * (dx + dy))
