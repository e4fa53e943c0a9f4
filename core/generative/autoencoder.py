"""Autoencoders that squeeze 8×8 digits through a 2-D code: plain, denoising and variational.

- Autoencoder: x → encoder → z (2 numbers) → decoder → x̂; loss = reconstruction error.
- Denoising autoencoder (Vincent et al. 2008): the encoder sees x̃ = x + σ·ε, the loss still compares
  x̂ with the clean x, so the code has to keep what survives noise.
- Variational autoencoder (Kingma & Welling 2014): the encoder gives a Gaussian q(z|x) = N(μ, diag σ²);
  z = μ + σ·ε is decoded; loss = reconstruction + β·KL(q(z|x) ‖ N(0, I)) (β-VAE, Higgins et al. 2017),
  with the closed form KL = −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²) (Kingma & Welling, appendix B).
Reconstruction error: binary cross-entropy of the 64 pixel intensities (in [0, 1]) summed per image — the
Bernoulli decoder of Kingma & Welling. How well the code separates digits: a k-nearest-neighbour
classifier fitted on the training digits' codes, scored on held-out digits; PCA gives the linear baseline.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from core.device import device
from core.digits import DigitSplit
from core.trainer import Trainer

KINDS = ("ae", "dae", "vae")
KNN_K = 5  # neighbours of the k-NN score (scikit-learn's default)
KNN_TARGET = 0.80  # the target: held-out digits classified from their 2-D code


# ---------- the closed forms the trainer uses (tested against independent references) ----------

def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag e^logvar) ‖ N(0, I)) per sample: −½ Σⱼ (1 + logvar − μ² − e^logvar)."""
    return -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)


def reconstruction_error(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of the pixels, summed per image: (B,) from logits and targets in [0, 1]."""
    return F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(dim=1)


def knn_accuracy(train_codes: torch.Tensor, train_labels: torch.Tensor, test_codes: torch.Tensor,
                 test_labels: torch.Tensor, k: int = KNN_K) -> float:
    """Share of test points whose k nearest training codes (Euclidean) vote for the right label.

    Ties between labels go to the smallest label, as in scikit-learn's KNeighborsClassifier.
    """
    dist = torch.cdist(test_codes.float(), train_codes.float())
    neighbours = dist.topk(k, dim=1, largest=False).indices
    votes = F.one_hot(train_labels[neighbours], num_classes=int(train_labels.max()) + 1).sum(dim=1)
    return float((votes.argmax(dim=1) == test_labels).float().mean())


def pca_fit(x: torch.Tensor, dims: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean, components) of PCA: the `dims` directions of largest variance of the rows of x, (dims, D)."""
    x = x.reshape(len(x), -1).double()
    mean = x.mean(dim=0)
    _, _, vh = torch.linalg.svd(x - mean, full_matrices=False)
    return mean, vh[:dims]


def pca_project(x: torch.Tensor, mean: torch.Tensor, components: torch.Tensor) -> torch.Tensor:
    return ((x.reshape(len(x), -1).double() - mean) @ components.T).float()


# ---------- the model ----------

@dataclass(frozen=True)
class AutoencoderConfig:
    """Everything that defines a run (a change starts a fresh one)."""

    kind: str = "ae"  # "ae", "dae" (denoising) or "vae"
    noise: float = 0.3  # dae: std of the Gaussian noise added to the input pixels (in [0, 1])
    beta: float = 1.0  # vae: weight of the KL term
    hidden: tuple[int, ...] = (128, 64)  # encoder widths; the decoder mirrors them
    lr: float = 3e-3  # Adam
    batch: int = 64
    seed: int = 42
    max_epochs: int = 3000


class Autoencoder(nn.Module):
    """64 pixels → hidden → 2-D code (VAE: μ and log σ²) → hidden → 64 pixel logits."""

    def __init__(self, config: AutoencoderConfig):
        super().__init__()
        self.variational = config.kind == "vae"
        code_out = 4 if self.variational else 2
        widths = (64, *config.hidden)
        enc: list[nn.Module] = []
        for a, b in zip(widths[:-1], widths[1:]):
            enc += [nn.Linear(a, b), nn.ELU()]
        self.encoder = nn.Sequential(*enc, nn.Linear(widths[-1], code_out))
        dec: list[nn.Module] = []
        back = (2, *reversed(config.hidden))
        for a, b in zip(back[:-1], back[1:]):
            dec += [nn.Linear(a, b), nn.ELU()]
        self.decoder = nn.Sequential(*dec, nn.Linear(back[-1], 64))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(μ, log σ²) for the VAE, (z, None) otherwise; x is (B, 64)."""
        out = self.encoder(x)
        return (out[:, :2], out[:, 2:]) if self.variational else (out, None)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)


# ---------- the trainer ----------

class AutoencoderTrainer(Trainer):
    """One step = one epoch of minibatch Adam over the training digits; metrics after each chunk."""

    unit = "epoch"
    watch = "loss"

    def __init__(self, config: AutoencoderConfig, split: DigitSplit):
        super().__init__(config.max_epochs, seed=config.seed)
        self.config = config
        with self.own_rng():  # nn.Linear's initialisation draws from the global generator
            self.model = Autoencoder(config).to(device)
        self.rng = torch.Generator().manual_seed(config.seed)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=config.lr)
        self.x_train = split.x_train.reshape(len(split.x_train), -1).to(device)
        self.y_train = split.y_train.to(device)
        self.x_test = split.x_test.reshape(len(split.x_test), -1).to(device)
        self.y_test = split.y_test.to(device)
        self.train_seconds = 0.0
        self.target_seconds: float | None = None  # training time when the k-NN score first reached the target
        self.target_epoch: int | None = None

    def loss_terms(self, x: torch.Tensor, rng: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction, KL) per image for a batch of clean images x (B, 64), with this run's noise (or `rng`'s)."""
        cfg = self.config
        rng = self.rng if rng is None else rng
        seen = x + cfg.noise * torch.randn(x.shape, generator=rng).to(x.device) if cfg.kind == "dae" else x
        mu, logvar = self.model.encode(seen)
        if logvar is None:
            return reconstruction_error(self.model.decode_logits(mu), x), torch.zeros(len(x), device=x.device)
        z = mu + (0.5 * logvar).exp() * torch.randn(mu.shape, generator=rng).to(x.device)
        return reconstruction_error(self.model.decode_logits(z), x), kl_to_standard_normal(mu, logvar)

    def _advance(self, n: int) -> dict[str, float]:
        started = time.perf_counter()
        cfg = self.config
        self.model.train()
        for _ in range(n):
            order = torch.randperm(len(self.x_train), generator=self.rng).to(device)
            recon_sum = kl_sum = torch.zeros((), device=device)  # this epoch's totals, for the metrics
            for start in range(0, len(order), cfg.batch):
                x = self.x_train[order[start:start + cfg.batch]]
                recon, kl = self.loss_terms(x)
                loss = (recon + cfg.beta * kl).mean() if cfg.kind == "vae" else recon.mean()
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                recon_sum = recon_sum + recon.detach().sum()
                kl_sum = kl_sum + kl.detach().sum()
        recon_mean, kl_mean = float(recon_sum) / len(self.x_train), float(kl_sum) / len(self.x_train)
        score = self.knn_score()
        self.train_seconds += time.perf_counter() - started
        if self.target_seconds is None and score >= KNN_TARGET:
            self.target_seconds, self.target_epoch = self.train_seconds, self.steps_done + n
        return self._metrics(recon_mean, kl_mean, score)

    def _metrics(self, recon: float, kl: float, knn: float) -> dict[str, float]:
        cfg = self.config
        metrics = {"loss": recon + cfg.beta * kl if cfg.kind == "vae" else recon, "recon": recon, "knn": knn}
        if cfg.kind == "vae":
            metrics["kl"] = kl
        return metrics

    @torch.no_grad()
    def measure(self) -> dict[str, float]:
        """The epoch metrics of the current model over the whole training set, without a step (after loading a
        model file). Its noise comes from a generator of its own: measuring leaves the run's stream alone."""
        self.model.eval()
        recon, kl = self.loss_terms(self.x_train, torch.Generator().manual_seed(self.config.seed))
        return self._metrics(float(recon.mean()), float(kl.mean()), self.knn_score())

    # ----- what the page shows -----
    @torch.no_grad()
    def codes(self, x: torch.Tensor) -> torch.Tensor:
        """2-D codes of images (N, 64) or (N, 1, 8, 8): z for the AE, the mean μ for the VAE."""
        self.model.eval()
        return self.model.encode(x.reshape(len(x), -1).to(device))[0]

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N, 8, 8) in [0, 1] decoded from codes (N, 2)."""
        self.model.eval()
        return torch.sigmoid(self.model.decode_logits(z.to(device).float())).view(-1, 8, 8)

    def noisy(self, x: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """What the denoising encoder sees: x + σ·ε with fixed noise (a steady picture, not a flicker)."""
        eps = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))
        return x + self.config.noise * eps.to(x.device)

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.codes(x))

    def knn_score(self) -> float:
        return knn_accuracy(self.codes(self.x_train), self.y_train, self.codes(self.x_test), self.y_test)


def latent_box(codes: torch.Tensor, margin: float = 0.08) -> tuple[float, float, float, float]:
    """(z1_min, z1_max, z2_min, z2_max) around the codes, robust to a few far-out points (1–99 % quantiles)."""
    lo = torch.quantile(codes.float(), 0.01, dim=0)
    hi = torch.quantile(codes.float(), 0.99, dim=0)
    pad = (hi - lo).clamp(min=1e-3) * margin
    lo, hi = lo - pad, hi + pad
    vals = [float(v) for v in (lo[0], hi[0], lo[1], hi[1])]
    return tuple(v if math.isfinite(v) else 0.0 for v in vals)  # type: ignore[return-value]


def interpolate_codes(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """`steps` codes evenly spaced on the straight line from a to b (both ends included): (steps, 2)."""
    t = torch.linspace(0, 1, steps, device=a.device)[:, None]
    return (1 - t) * a[None, :] + t * b[None, :]
