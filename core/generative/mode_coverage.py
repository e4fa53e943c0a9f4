"""How well generated samples cover a target: modes captured, share of high-quality samples, precision/recall.

- Modes and high quality (for Gaussian mixtures), as in VEEGAN (Srivastava et al. 2017, §5) and PacGAN
  (Lin et al. 2018): a sample is *high quality* when it lies within 3σ of its nearest mode; a mode is
  *captured* when high-quality samples land nearest to it. VEEGAN counts a mode with one such sample; we
  ask for `min_count` so one stray sample does not count as learning a mode.
- Precision and recall for any target (Kynkäänniemi et al. 2019, "Improved precision and recall metric"):
  each point gets a ball reaching its k-th nearest neighbour within its own set; precision = share of
  generated points inside some real ball, recall = share of real points inside some generated ball.
- The 1-nearest-neighbour two-sample test (Lopez-Paz & Oquab 2017): leave-one-out 1-NN accuracy at telling
  real from generated; 50% means the two sets cannot be told apart, 100% means they are easy to separate.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

HIGH_QUALITY_SIGMAS = 3.0
PR_NEIGHBOURS = 3  # k of Kynkäänniemi et al.


@dataclass(frozen=True)
class Coverage:
    covered: int  # modes captured
    total: int  # modes in the target
    high_quality: float  # share of samples within 3σ of their nearest mode, in [0, 1]
    counts: tuple[int, ...]  # high-quality samples per mode


def mode_coverage(samples: torch.Tensor, modes: torch.Tensor, sigma: float, min_count: int = 1) -> Coverage:
    """Modes captured and the high-quality share of `samples` (N, 2) against mixture means `modes` (K, 2)."""
    dist = torch.cdist(samples.float(), modes.float())  # (N, K)
    nearest_dist, nearest = dist.min(dim=1)
    good = nearest_dist <= HIGH_QUALITY_SIGMAS * sigma
    counts = torch.bincount(nearest[good], minlength=len(modes))
    return Coverage(covered=int((counts >= max(1, min_count)).sum()), total=len(modes),
                    high_quality=float(good.float().mean()) if len(samples) else 0.0,
                    counts=tuple(int(c) for c in counts))


def knn_radii(points: torch.Tensor, k: int = PR_NEIGHBOURS) -> torch.Tensor:
    """Distance from each point to its k-th nearest other point of the same set: (N,)."""
    dist = torch.cdist(points, points)
    # the smallest distance is the point to itself (0); topk is several times faster than kthvalue here
    return dist.topk(k + 1, dim=1, largest=False).values[:, k]


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = PR_NEIGHBOURS,
                     real_radii: torch.Tensor | None = None) -> tuple[float, float]:
    """(precision, recall) of generated `fake` against `real`, both (N, d); pass `real_radii` to reuse them."""
    real, fake = real.float(), fake.float()
    r_real = knn_radii(real, k) if real_radii is None else real_radii
    r_fake = knn_radii(fake, k)
    dist = torch.cdist(fake, real)  # (F, R)
    precision = (dist <= r_real[None, :]).any(dim=1).float().mean()
    recall = (dist <= r_fake[:, None]).any(dim=0).float().mean()
    return float(precision), float(recall)


def one_nn_accuracy(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Leave-one-out 1-NN accuracy at telling `real` from `fake` (rows are samples, flattened if needed)."""
    x = torch.cat([real.reshape(len(real), -1), fake.reshape(len(fake), -1)]).float()
    labels = torch.cat([torch.ones(len(real)), torch.zeros(len(fake))])
    dist = torch.cdist(x, x)
    dist.fill_diagonal_(float("inf"))
    return float((labels[dist.argmin(dim=1)] == labels).float().mean())
