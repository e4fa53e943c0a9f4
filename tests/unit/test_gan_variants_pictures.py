"""The GAN-variants page's live pictures: points, rings, arrows and bars land where the chart's axes put them."""
import numpy as np
import pytest

from ui.figures.chart_pictures import rgb
from ui.figures.common import PALETTE
from ui.figures.generative.gan_variants import (BACK_COLOR, DOMAIN_A, RING_COLOR, THERE_COLOR, coded_points_picture,
                                                cycle_picture, per_class_picture, tint, variant_curves_picture)


def centre(img, color):
    ys, xs = np.where((img == (rgb(color) if isinstance(color, str) else color)).all(-1))
    assert len(xs), f"no pixel of {color}"
    return xs.mean(), ys.mean()


def test_tint_mixes_with_white():
    assert tint("#2563eb", 1.0) == "#2563eb" and tint("#2563eb", 0.0) == "#ffffff"
    assert tint("#000000", 0.5) == "#808080"  # 255 − 0.5 · 255 = 127.5, rounded to even 128


def test_coded_points_land_on_the_square_axes_centred_in_the_wider_picture():
    """Square 340 px over [−2.5, 2.5]² (68 px per unit), with 102 px of white either side (aspect 1.6)."""
    img = coded_points_picture(np.zeros((0, 2)), np.array([[1.0, 1.0], [-1.0, 0.0]]), np.array([2, 3]),
                               modes=np.array([[0.0, 0.0]]), mode_radius=0.5, box=2.5)
    assert img.shape == (340, 544, 3)
    assert centre(img, PALETTE[2]) == pytest.approx((102 + 3.5 * 68, 1.5 * 68), abs=1.0)
    assert centre(img, PALETTE[3]) == pytest.approx((102 + 1.5 * 68, 2.5 * 68), abs=1.0)
    ring = np.where((img == RING_COLOR).all(-1))
    radii = np.hypot(ring[1] - (102 + 170), ring[0] - 170)
    assert radii.min() >= 34 - 2 and radii.max() <= 34 + 2  # a circle of 0.5 units round the mode at (0, 0)
    assert (img[:, :100] == 255).all()  # the side margins stay white


def test_cycle_picture_arrows_go_there_and_back_from_the_starts():
    """520 px over [−2.6, 2.6] (100 px per unit), rows of |y| > 1.56 cropped: y = 0 is row 260 − 104 = 156."""
    start, there, back = np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])
    img = cycle_picture(np.zeros((0, 2)), np.zeros((0, 2)), start, there, back, box=2.6)
    assert img.shape == (312, 520, 3)
    assert centre(img, DOMAIN_A) == pytest.approx((160, 156), abs=1.0)
    x, y = centre(img, THERE_COLOR)
    assert y == pytest.approx(156, abs=1.0) and 165 < x < 365  # a → G(a) runs along y = 0
    x, y = centre(img, BACK_COLOR)
    assert x == pytest.approx(360, abs=1.0) and 56 - 3 < y < 156  # G(a) → F(G(a)) goes up to y = 1


def test_per_class_bars_colour_the_chosen_digit():
    img = per_class_picture([0.5] * 10, chosen=3, target=0.9)
    x, _ = centre(img, PALETTE[1])
    slot = (420 - 52 - 10) / 10
    assert x == pytest.approx(52 + 3.5 * slot, abs=1.0)
    assert (img == rgb(PALETTE[0])).all(-1).any()


def test_curves_picture_draws_each_series_in_its_palette_colour():
    img = variant_curves_picture(np.arange(5), [np.ones(5), np.arange(5.0)])
    assert img.shape == (200, 420, 3)
    assert (img == rgb(PALETTE[0])).all(-1).any() and (img == rgb(PALETTE[1])).all(-1).any()
