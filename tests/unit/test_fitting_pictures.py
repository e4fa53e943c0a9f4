"""The fitting page's live pictures: points and curves land where the fit chart's axes put them."""
import numpy as np

from ui.figures.basics.fitting import (FLOOR_COLOR, MODEL_COLORS, TRAIN_COLOR, error_curves_picture, fit_picture,
                                       fit_y_range)
from ui.figures.chart_pictures import rgb


def centre(img, color):
    ys, xs = np.where((img == rgb(color)).all(-1))
    assert len(xs), f"no pixel of {color}"
    return xs.mean(), ys.mean()


def test_fit_y_range_leaves_room_for_noise():
    assert fit_y_range(np.array([-1.0, 1.0])) == (-2.0, 2.0)  # pad 0.6 + 0.2 · 2


def test_points_and_a_flat_fit_land_on_the_axes():
    """x −1 … 1 over columns 52 … 510; y −2 … 2 over rows 8 … 318 (height 340)."""
    grid = np.linspace(-1, 1, 41)
    truth = np.where(grid < 0, -1.0, 1.0)  # spans −1 … 1: the y axis −2 … 2
    img = fit_picture(np.array([0.0]), np.array([1.0]), np.zeros(0), np.zeros(0), grid, truth,
                      {"l2": np.full(41, -1.0), "dropout": np.full(41, 9.0)}, MODEL_COLORS)
    assert img.shape == (340, 520, 3)
    x, y = centre(img, TRAIN_COLOR)  # the training point (0, 1): the middle column, a quarter down
    assert abs(x - 281) <= 1 and abs(y - (8 + 310 / 4)) <= 1
    _, y = centre(img, MODEL_COLORS["l2"])  # the fit at y = −1: three quarters down
    assert abs(y - (8 + 3 * 310 / 4)) <= 2
    _, y = centre(img, MODEL_COLORS["dropout"])  # y = 9 is off the axis: it runs along the top edge
    assert abs(y - 8) <= 2


def test_error_curves_on_a_log_axis_with_the_noise_floor():
    img = error_curves_picture([0, 10, 20], {"none": [1.0, 0.1, 0.01], "early": [1.0, 1.0, 1.0]}, MODEL_COLORS,
                               floor=0.1)
    _, y_early = centre(img, MODEL_COLORS["early"])  # 10^0 is the top decade: the top row 8
    assert abs(y_early - 8) <= 2
    ys, _ = np.where((img == rgb(FLOOR_COLOR)).all(-1))
    assert abs(np.median(ys) - (8 + 250 / 2)) <= 1  # 0.1 half-way between 10^-2 and 10^0 (plot rows 8 … 258)
