"""The 2-D distributions a GAN learns on the GAN page: Gaussian mixtures, moons, a spiral, the user's own points.

Every target lives in roughly the square [-2.5, 2.5]² so one view box and one learning-rate ladder fit all.
The mixtures are the mode-collapse benchmarks of the GAN literature (a ring of 8 and a 5×5 grid of
Gaussians, e.g. Metz et al. 2017 "Unrolled GANs", Srivastava et al. 2017 "VEEGAN"), scaled to this box.
User points come from a drawing (cells of a grid) or a CSV file, parsed here with hard limits.
"""
from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

import numpy as np
import torch

TARGETS = ("ring", "grid", "moons", "spiral", "drawn", "upload")
BOX = 2.5  # half-width of the view: every built-in target fits in [-BOX, BOX]²

RING_RADIUS, RING_SIGMA = 2.0, 0.05
GRID_SPACING, GRID_SIGMA = 1.0, 0.05

# Drawing: the user picks cells of a DRAW_CELLS × DRAW_CELLS grid over the view box.
DRAW_CELLS = 25
DRAW_MIN_CELLS = 3

# Uploads: small, plain two-column numbers.
CSV_MAX_BYTES = 256 * 1024
CSV_MAX_ROWS = 5000
CSV_MIN_ROWS = 10
CSV_SCALE = 2.0  # uploaded points are centred and scaled so the farthest coordinate is at ±CSV_SCALE


@dataclass(frozen=True)
class Target:
    """A 2-D distribution: how to sample it and, for mixtures, where its modes are and how wide they are."""

    name: str
    anchors: np.ndarray  # (M, 2): mixture means, or the points the distribution is built around
    jitter: float  # std of the Gaussian noise around each anchor (for mixtures: the modes' σ)
    is_mixture: bool  # True: anchors are the modes of a Gaussian mixture (mode coverage applies)
    weights: np.ndarray | None = None  # sampling weight of each anchor (None: equal)
    curve: str | None = None  # "moons" / "spiral": sampled along a curve instead of around anchors

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n points as a float32 (n, 2) tensor, reproducible from the generator."""
        if self.curve == "moons":
            return _moons(n, generator, self.jitter)
        if self.curve == "spiral":
            return _spiral(n, generator, self.jitter)
        anchors = torch.from_numpy(self.anchors).float()
        if self.weights is None:
            idx = torch.randint(len(anchors), (n,), generator=generator)
        else:
            idx = torch.multinomial(torch.from_numpy(self.weights).float(), n, replacement=True,
                                    generator=generator)
        return anchors[idx] + self.jitter * torch.randn(n, 2, generator=generator)

    @property
    def modes(self) -> np.ndarray | None:
        return self.anchors if self.is_mixture else None


def ring() -> Target:
    angles = 2 * np.pi * np.arange(8) / 8
    centers = RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return Target("ring", centers, RING_SIGMA, True)


def grid() -> Target:
    ticks = GRID_SPACING * (np.arange(5) - 2)
    centers = np.array([(x, y) for x in ticks for y in ticks])
    return Target("grid", centers, GRID_SIGMA, True)


def moons() -> Target:
    return Target("moons", np.zeros((0, 2)), 0.06, False, curve="moons")


def spiral() -> Target:
    return Target("spiral", np.zeros((0, 2)), 0.05, False, curve="spiral")


def _moons(n: int, generator: torch.Generator, noise: float) -> torch.Tensor:
    """Two interleaving half circles (radius 1, the second shifted by (1, -0.5)), scaled ×1.4 and centred."""
    upper = torch.rand(n, generator=generator) < 0.5
    angle = math.pi * torch.rand(n, generator=generator)
    x = torch.where(upper, torch.cos(angle), 1 - torch.cos(angle))
    y = torch.where(upper, torch.sin(angle), 0.5 - torch.sin(angle))
    points = 1.4 * torch.stack([x - 0.5, y - 0.25], dim=1)
    return points + noise * torch.randn(n, 2, generator=generator)


def _spiral(n: int, generator: torch.Generator, noise: float) -> torch.Tensor:
    """One arm of an Archimedean spiral, r = 2·t for 1.75 turns; t = √u spreads points evenly along it."""
    t = torch.sqrt(torch.rand(n, generator=generator)) * 0.92 + 0.08
    angle = 3.5 * math.pi * t
    radius = 2.0 * t
    points = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return points + noise * torch.randn(n, 2, generator=generator)


BUILT_IN = {"ring": ring, "grid": grid, "moons": moons, "spiral": spiral}


# ---------- the user's own points ----------

def draw_cell_centers() -> np.ndarray:
    """Centres of the drawing grid's cells, row by row from the bottom-left: (DRAW_CELLS², 2)."""
    ticks = np.linspace(-BOX, BOX, DRAW_CELLS + 1)
    mids = (ticks[:-1] + ticks[1:]) / 2
    xs, ys = np.meshgrid(mids, mids)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def drawn(cells: list[int] | tuple[int, ...]) -> Target:
    """A distribution filling the chosen cells of the drawing grid (indices into draw_cell_centers())."""
    centers = draw_cell_centers()
    picked = sorted({int(i) for i in cells if 0 <= int(i) < len(centers)})
    if len(picked) < DRAW_MIN_CELLS:
        raise PointsError("too_few_cells", {"min": DRAW_MIN_CELLS, "found": len(picked)})
    cell = 2 * BOX / DRAW_CELLS
    return Target("drawn", centers[picked], 0.3 * cell, False)


def uploaded(points: np.ndarray) -> Target:
    """A distribution around each uploaded point (a small blur so a few dozen points still form a shape)."""
    return Target("upload", points, 0.04, False)


class PointsError(ValueError):
    """Why a drawing or upload cannot be used; `code` names a catalog message, `detail` fills its gaps."""

    def __init__(self, code: str, detail: dict | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail or {}


def parse_points_csv(data: bytes) -> np.ndarray:
    """Two numeric columns (x, y), an optional header line, comma/semicolon/tab/space separated.

    Returns float64 (N, 2), centred and scaled into the view box. Raises PointsError with a reason a
    person can act on: too big, not text, wrong number of columns, not numbers, too few/many rows.
    """
    if len(data) > CSV_MAX_BYTES:
        raise PointsError("too_big", {"kb": CSV_MAX_BYTES // 1024})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PointsError("not_text") from None
    rows: list[tuple[float, float]] = []
    first_content = True  # only the first non-empty line may be a header such as "x,y"
    for line_no, line in enumerate(io.StringIO(text), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        may_be_header, first_content = first_content, False
        fields = [f for f in line.replace(";", ",").replace("\t", ",").replace(" ", ",").split(",") if f]
        if len(fields) != 2:
            raise PointsError("columns", {"line": line_no, "found": len(fields)})
        try:
            x, y = float(fields[0]), float(fields[1])
        except ValueError:
            if may_be_header:
                continue
            raise PointsError("not_number", {"line": line_no}) from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise PointsError("not_finite", {"line": line_no})
        rows.append((x, y))
        if len(rows) > CSV_MAX_ROWS:
            raise PointsError("too_many", {"max": CSV_MAX_ROWS})
    if len(rows) < CSV_MIN_ROWS:
        raise PointsError("too_few", {"min": CSV_MIN_ROWS, "found": len(rows)})
    return normalize_points(np.asarray(rows, dtype=np.float64))


def normalize_points(points: np.ndarray) -> np.ndarray:
    """Centre on the bounding box's middle and scale so the largest |coordinate| is CSV_SCALE."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centred = points - (lo + hi) / 2
    span = float(np.abs(centred).max())
    if span == 0.0 or not math.isfinite(span):
        raise PointsError("all_same")
    return centred * (CSV_SCALE / span)


def points_digest(points: np.ndarray | list[int] | tuple[int, ...]) -> str:
    """A short fingerprint of user points, so a run's config changes exactly when the points do."""
    return hashlib.sha256(np.asarray(points, dtype=np.float64).tobytes()).hexdigest()[:16]
