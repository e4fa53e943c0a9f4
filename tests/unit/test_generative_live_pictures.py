"""The GAN and autoencoder pages' live pictures: points, arrows, rings, D's colours and digits land where the data
puts them on the axes."""
import numpy as np
import pytest

from core.generative.gan import GanView
from ui.figures import chart_pictures
from ui.figures.chart_pictures import rgb
from ui.figures.common import PALETTE
from ui.figures.generative.autoencoder import PATH_COLOR
from ui.figures.generative.gan import ARROW_COLOR, D_SCALE, FAKE_COLOR, REAL_COLOR
from ui.figures.generative.live_pictures import (BAR_HEIGHT, PLANE_PIXELS, PLANE_SIZE, PLOT_BOTTOM, PLOT_TOP,
                                                 RING_COLOR, code_scatter_picture, coverage_picture, curves_picture,
                                                 gan_view_picture, manifold_picture, plot_px, scale_rgb)

LEFT, TOP = 52, 8  # where plane_image puts the plot area
PLANE_HEIGHT = PLANE_PIXELS + 8 + 22


def where(img, color) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.where((img == (rgb(color) if isinstance(color, str) else color)).all(-1))
    assert len(xs), f"no pixel of {color}"
    return xs, ys


def at(x: float, y: float, box: float = 2.0) -> tuple[float, float]:
    """Pixel of data point (x, y) in a plane picture over [−box, box]²."""
    scale = PLANE_PIXELS / (2 * box)
    return LEFT + (x + box) * scale, TOP + (box - y) * scale


def test_margins_match_chart_pictures():
    assert (LEFT, TOP) == (chart_pictures._LEFT, chart_pictures._TOP)
    assert (PLOT_TOP, PLOT_BOTTOM) == (chart_pictures._TOP, chart_pictures._BOTTOM)
    assert PLANE_PIXELS == PLANE_SIZE - chart_pictures._LEFT - chart_pictures._RIGHT


def test_plot_px_puts_the_corners_at_the_plot_corners_with_y_up():
    corners = plot_px([[0, 10], [4, 10], [0, 20]], (0, 4), (10, 20), 100)
    assert corners.tolist() == [[0, 100], [100, 100], [0, 0]]


def test_scale_rgb_follows_d_scale():
    assert scale_rgb(np.array([0.0, 0.5, 1.0, 7.0])).tolist() == [list(rgb(c)) for _, c in D_SCALE] + [
        list(rgb(D_SCALE[-1][1]))]


def gan_view(**layers) -> GanView:
    return GanView(box=2.0, real=np.array([[1.0, 1.0]]), fake=np.array([[-1.0, 0.0]]), **layers)


def test_gan_view_points_arrows_and_rings_land_on_their_data():
    view = gan_view(pull=(np.array([[-1.0, 0.0]]), np.array([[1.0, 0.0]])), modes=np.array([[0.0, -1.0]]),
                    mode_radius=0.5)
    img = gan_view_picture(view)
    assert img.shape == (PLANE_HEIGHT, PLANE_SIZE, 3)  # no colour bar without D's map
    xs, ys = where(img, REAL_COLOR)
    assert (xs.mean(), ys.mean()) == pytest.approx(at(1, 1), abs=1.0)
    xs, ys = where(img, FAKE_COLOR)
    assert (xs.mean(), ys.mean()) == pytest.approx(at(-1, 0), abs=1.0)
    xs, ys = where(img, ARROW_COLOR)  # a pull of 1 drawn 0.1 · box = 0.2 long, to the right
    assert ys.mean() == pytest.approx(at(-1, 0)[1], abs=1.5)
    assert at(-1, 0)[0] < xs.max() <= at(-0.8, 0)[0] + 1
    xs, ys = where(img, RING_COLOR)
    cx, cy = at(0, -1)
    assert np.hypot(xs - cx, ys - cy) == pytest.approx(0.5 * PLANE_PIXELS / 4, abs=2.0)


def test_d_map_runs_from_fake_colour_to_real_colour_and_gets_its_bar():
    ticks = np.linspace(-2, 2, 5)
    z = np.tile((ticks + 2) / 4, (5, 1))  # D rises from 0 at the left edge to 1 at the right, same on every row
    img = gan_view_picture(gan_view(surface=(ticks, ticks, z), surface_range=(0.0, 1.0)))
    assert img.shape == (PLANE_HEIGHT + BAR_HEIGHT, PLANE_SIZE, 3)
    row = int(at(0, -1.5)[1])
    left, middle, right = (img[row, int(at(x, 0)[0])].astype(int) for x in (-1.99, 0.0, 1.99))
    assert np.abs(left - rgb(D_SCALE[0][1])).max() <= 3 and np.abs(right - rgb(D_SCALE[-1][1])).max() <= 3
    assert np.abs(middle - 255).max() <= 4
    bar = img[PLANE_HEIGHT + 6]  # the colour bar: the same scale, low end left
    assert np.abs(bar[LEFT + 2].astype(int) - rgb(D_SCALE[0][1])).max() <= 3
    assert np.abs(bar[PLANE_SIZE - 10 - 3].astype(int) - rgb(D_SCALE[-1][1])).max() <= 3


def test_coverage_picture_maps_percentages_onto_the_count_axis_and_numbers_the_right_one():
    img = coverage_picture([0, 1], [[0.0, 8.0]], (0.0, 8.5), [[100.0, 100.0]], width=460, height=220)
    assert img.shape == (220, 460, 3)
    plot_h = 220 - PLOT_TOP - PLOT_BOTTOM
    _, ys = where(img, FAKE_COLOR)  # 100 % is the top of the axis
    assert ys.mean() == pytest.approx(PLOT_TOP, abs=1.5)
    _, ys = where(img, REAL_COLOR)
    assert ys.min() == pytest.approx(PLOT_TOP + 0.5 / 8.5 * plot_h, abs=1.5)  # 8 modes, under 8.5
    assert (img[PLOT_TOP - 5:PLOT_TOP + 6, 425:] < 200).any()  # the right axis' "100%"
    assert coverage_picture([0, 1], [[0.0, 50.0]], (0.0, 100.0)).shape == (220, 460, 3)


def test_code_map_draws_each_digit_in_its_colour_with_its_name_path_and_cross():
    codes = np.array([[-0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]])
    img = code_scatter_picture(codes, np.array([0, 0, 3]), (-2, 2, -2, 2), probe=(1.5, -1.5),
                               path=np.array([[0.0, -1.0], [1.0, -1.0]]))
    assert img.shape == (PLANE_HEIGHT, PLANE_SIZE, 3)
    xs, ys = where(img, PALETTE[0])  # two 0s, their name written between them (not in their colour)
    assert (xs.mean(), ys.mean()) == pytest.approx(at(-0.5, 0), abs=1.5)
    cx, cy = at(-0.5, 0)
    assert (img[int(cy) - 5:int(cy) + 6, int(cx) - 4:int(cx) + 5] < 60).all(-1).any()  # the dark "0"
    xs, ys = where(img, PALETTE[3])
    assert ys.mean() == pytest.approx(at(0, -1)[1], abs=1.5) and at(0, 0)[0] - 4 <= xs.min()
    assert PATH_COLOR == PALETTE[3]
    px, py = (int(v) for v in at(1.5, -1.5))
    assert (img[py - 4:py + 5, px - 4:px + 5] < 60).all(-1).sum() > 10  # the probe's cross


def test_code_map_without_a_box_holds_every_code():
    img = code_scatter_picture(np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]), np.array([1, 1, 2, 2]))
    xs, _ = where(img, PALETTE[2])
    assert LEFT + PLANE_PIXELS * 0.9 < xs.mean() < LEFT + PLANE_PIXELS


def test_manifold_puts_the_image_decoded_at_low_codes_bottom_left():
    images = np.zeros((2, 2, 8, 8))
    images[0, 0] = 1.0  # decoded at (z1 low, z2 low): full ink
    img = manifold_picture(images, (0.0, 1.0, 0.0, 1.0))
    dark = (img[TOP:TOP + PLANE_PIXELS, LEFT:LEFT + PLANE_PIXELS] < 40).all(-1)
    half = PLANE_PIXELS // 2
    assert dark[half:, :half].mean() > 0.6 and not dark[:half].any() and not dark[:, half:].any()


def test_curves_picture_uses_the_palette_in_order():
    img = curves_picture([0, 1, 2], [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    assert img.shape == (220, 460, 3)
    where(img, PALETTE[0]), where(img, PALETTE[1])
