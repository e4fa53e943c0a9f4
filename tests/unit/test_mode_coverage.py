"""Coverage measures on hand-made samples with known answers, and against brute-force NumPy references."""
import numpy as np
import pytest
import torch

from core.generative.gan_targets import ring
from core.generative.mode_coverage import knn_radii, mode_coverage, one_nn_accuracy, precision_recall

MODES = torch.tensor(ring().anchors, dtype=torch.float32)  # 8 points on a circle of radius 2
SIGMA = 0.05


def at_modes(which, per_mode, offset=0.0):
    """`per_mode` samples at each listed mode, shifted by `offset` along x."""
    return torch.cat([MODES[i].repeat(per_mode, 1) + torch.tensor([offset, 0.0]) for i in which])


def test_samples_on_five_modes_cover_five():
    cover = mode_coverage(at_modes([0, 1, 2, 3, 4], 20), MODES, SIGMA, min_count=10)
    assert cover.covered == 5 and cover.total == 8
    assert cover.high_quality == 1.0
    assert cover.counts == (20, 20, 20, 20, 20, 0, 0, 0)


def test_all_modes_covered_and_collapse_to_one():
    assert mode_coverage(at_modes(range(8), 15), MODES, SIGMA, 10).covered == 8
    collapsed = mode_coverage(at_modes([3], 120), MODES, SIGMA, 10)
    assert collapsed.covered == 1 and collapsed.high_quality == 1.0  # perfect quality, one mode: collapse


def test_three_sigma_is_the_quality_border():
    inside = mode_coverage(at_modes([0], 10, offset=2.9 * SIGMA), MODES, SIGMA, 1)
    outside = mode_coverage(at_modes([0], 10, offset=3.1 * SIGMA), MODES, SIGMA, 1)
    assert inside.high_quality == 1.0 and inside.covered == 1
    assert outside.high_quality == 0.0 and outside.covered == 0


def test_min_count_ignores_stray_samples():
    samples = torch.cat([at_modes([0], 50), at_modes([5], 9)])
    assert mode_coverage(samples, MODES, SIGMA, min_count=10).covered == 1
    assert mode_coverage(samples, MODES, SIGMA, min_count=1).covered == 2


def test_points_between_modes_are_low_quality():
    midway = (MODES[0] + MODES[1]) / 2
    samples = torch.cat([midway.repeat(30, 1), at_modes([0], 10)])
    cover = mode_coverage(samples, MODES, SIGMA, 1)
    assert cover.high_quality == pytest.approx(10 / 40)
    assert cover.covered == 1


def brute_force_pr(real, fake, k):
    """Precision/recall written with plain loops over NumPy arrays (the reference)."""
    def radii(points):
        out = []
        for p in points:
            d = np.sort(np.linalg.norm(points - p, axis=1))
            out.append(d[k])  # d[0] = 0 is the point itself
        return np.array(out)

    r_real, r_fake = radii(real), radii(fake)
    precision = np.mean([np.any(np.linalg.norm(real - f, axis=1) <= r_real) for f in fake])
    recall = np.mean([np.any(np.linalg.norm(fake - r, axis=1) <= r_fake) for r in real])
    return precision, recall


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_precision_recall_match_a_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(120, 2))
    fake = rng.normal(loc=0.7, scale=0.6, size=(90, 2))
    ours = precision_recall(torch.tensor(real), torch.tensor(fake), k=3)
    assert ours == pytest.approx(brute_force_pr(real, fake, 3), abs=1e-6)  # one point off would be 1/120


def test_knn_radii_match_sorting():
    points = torch.randn(50, 2, generator=torch.Generator().manual_seed(3))
    expected = torch.cdist(points, points).sort(dim=1).values[:, 3]
    assert torch.allclose(knn_radii(points, 3), expected)


def test_precision_recall_on_known_cases():
    real = torch.randn(300, 2, generator=torch.Generator().manual_seed(0))
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    far = real + 100.0
    assert precision_recall(real, far) == (0.0, 0.0)
    collapsed = real[real[:, 0] > 1.0]  # only one corner of the data: all real-looking, little of it
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.5


def test_reusing_real_radii_gives_the_same_answer():
    g = torch.Generator().manual_seed(5)
    real, fake = torch.randn(80, 2, generator=g), torch.randn(70, 2, generator=g)
    assert precision_recall(real, fake, real_radii=knn_radii(real)) == precision_recall(real, fake)


def test_one_nn_accuracy_extremes_and_a_hand_worked_case():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(100, 5, generator=g)
    assert one_nn_accuracy(real, real + 50.0) == 1.0
    # real at 0 and 10, fake at 1 and 11: every point's nearest neighbour is the other set's point -> 0 %
    real, fake = torch.tensor([[0.0], [10.0]]), torch.tensor([[1.0], [11.0]])
    assert one_nn_accuracy(real, fake) == 0.0


def test_one_nn_accuracy_near_half_for_the_same_distribution():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(400, 2, generator=g), torch.randn(400, 2, generator=g)
    assert 0.4 < one_nn_accuracy(a, b) < 0.6
