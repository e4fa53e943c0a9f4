"""The Playground's 2-D datasets and input features, in the spirit of TensorFlow Playground.

Self-contained (NumPy only) on purpose: "export as PyTorch code" copies this module's functions into the
exported script, so the script builds exactly the same points from the same seed.
Points live in [-6, 6]²; classification labels are class indices 0..K-1, regression targets are in [-1, 1].
"""
import numpy as np

CLASSIFICATION_SETS = ("circle", "xor", "gauss", "spiral")
REGRESSION_SETS = ("plane", "multi_gauss")
NUM_POINTS = {"classification": 500, "regression": 1200}  # as TensorFlow Playground
FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")


def make_dataset(name, n, noise, seed, classes=2):
    """n points (float32 (n, 2)) and labels for dataset `name` with noise in [0, 0.5] (TF's 0-50 %)."""
    rng = np.random.default_rng(seed)
    if name == "circle":
        return _rings(rng, n, noise, classes)
    if name == "xor":
        return _xor(rng, n, noise, classes)
    if name == "gauss":
        return _blobs(rng, n, noise, classes)
    if name == "spiral":
        return _spiral(rng, n, noise, classes)
    if name == "plane":
        pts = rng.uniform(-6, 6, size=(n, 2))
        target = (pts[:, 0] + pts[:, 1]) / 12.0  # a tilted plane, in [-1, 1]
        pts = pts + rng.uniform(-6, 6, size=(n, 2)) * noise
        return pts.astype(np.float32), np.clip(target, -1, 1).astype(np.float32)
    if name == "multi_gauss":
        pts = rng.uniform(-6, 6, size=(n, 2))
        centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
        signs = np.array([-1, 1, -1, 1, -1, 1])
        d2 = ((pts[:, None, :] - centres[None]) ** 2).sum(-1)
        target = (signs * np.exp(-d2 / 2.0)).sum(1)  # bumps of height ±1, width 1
        pts = pts + rng.uniform(-6, 6, size=(n, 2)) * noise
        return pts.astype(np.float32), np.clip(target, -1, 1).astype(np.float32)
    raise ValueError(f"unknown dataset {name!r}")


def _rings(rng, n, noise, classes):
    """Class k lives on the ring k (class 0 is the central disc); noise jitters points across rings."""
    radius = 5.0
    labels = rng.integers(0, classes, size=n)
    width = radius / (classes + (classes - 1) * 0.4)  # rings separated by 40 % of their width
    r_lo = labels * width * 1.4
    r = r_lo + rng.uniform(0, 1, size=n) * width
    theta = rng.uniform(0, 2 * np.pi, size=n)
    pts = np.stack([r * np.sin(theta), r * np.cos(theta)], 1)
    pts = pts + rng.uniform(-radius, radius, size=(n, 2)) * noise
    return pts.astype(np.float32), labels.astype(np.int64)


def _xor(rng, n, noise, classes):
    """Quadrants: two classes alternate like x1·x2's sign; with 4 classes each quadrant is its own class."""
    pts = rng.uniform(-5, 5, size=(n, 2))
    pts += np.sign(pts) * 0.3  # keep points off the axes
    quadrant = (pts[:, 0] < 0).astype(int) * 2 + (pts[:, 1] < 0).astype(int)
    labels = quadrant % classes if classes > 2 else (pts[:, 0] * pts[:, 1] < 0).astype(int)
    pts = pts + rng.uniform(-5, 5, size=(n, 2)) * noise
    return pts.astype(np.float32), labels.astype(np.int64)


def _blobs(rng, n, noise, classes):
    """One Gaussian blob per class on a circle of radius 2.8 (two classes: at (2, 2) and (−2, −2))."""
    labels = rng.integers(0, classes, size=n)
    angles = np.pi / 4 + 2 * np.pi * np.arange(classes) / classes
    centres = 2.83 * np.stack([np.cos(angles), np.sin(angles)], 1)
    std = 0.5 + 3.5 * noise  # 0.5 (no noise) to 2.25 (50 % noise)
    pts = centres[labels] + rng.normal(0, std, size=(n, 2)) / np.sqrt(2)
    return pts.astype(np.float32), labels.astype(np.int64)


def _spiral(rng, n, noise, classes):
    """Interleaved spiral arms, one per class, each turning 1.75 times around the centre."""
    labels = rng.integers(0, classes, size=n)
    t = rng.uniform(0, 1, size=n)
    r = 5.0 * t
    theta = 1.75 * 2 * np.pi * t + 2 * np.pi * labels / classes
    pts = np.stack([r * np.sin(theta), r * np.cos(theta)], 1)
    pts = pts + rng.uniform(-1, 1, size=(n, 2)) * noise * 2
    return pts.astype(np.float32), labels.astype(np.int64)


def split(n, train_fraction, seed):
    """Indices of the training and test points: a seeded shuffle, the first `train_fraction` for training."""
    order = np.random.default_rng(seed + 1).permutation(n)
    cut = train_count(n, train_fraction)
    return order[:cut], order[cut:]


def train_count(n: int, train_fraction: float) -> int:
    """How many of the n points `split` puts in the training set."""
    return int(round(n * train_fraction))


def feature_columns(pts, names):
    """The input features the network sees, computed from the raw (x1, x2) points, in the order given."""
    x1, x2 = pts[:, 0], pts[:, 1]
    table = {"x1": x1, "x2": x2, "x1_sq": x1 * x1, "x2_sq": x2 * x2, "x1x2": x1 * x2,
             "sin_x1": np.sin(x1), "sin_x2": np.sin(x2)}
    return np.stack([table[name] for name in names], 1).astype(np.float32)
