"""The fitting page's live pictures: points and curves land where the fit chart's axes put them."""
import numpy as np

from ui.figures.basics.fitting import (FLOOR_COLOR, MODEL_COLORS, TEST_POINT_COLOR, TRAIN_COLOR, TRUTH_COLOR,
                                       error_curves_picture, fit_picture, fit_y_range)
from ui.figures.chart_pictures import rgb


def centre(img, color):
    ys, xs = np.where((img == rgb(color)).all(-1))
    assert len(xs), f"no pixel of {color}"
    return xs.mean(), ys.mean()


def test_fit_y_range_leaves_room_for_noise():
    assert fit_y_range(np.array([-1.0, 1.0])) == (-2.0, 2.0)  # pad 0.6 + 0.2 · 2


def test_points_and_a_flat_fit_land_on_the_axes():
    """Plot area 338 px square from column 52, row 8: x −1.05 … 1.05 across, y −2 … 2 up."""
    grid = np.linspace(-1, 1, 41)
    truth = np.where(grid < 0, -1.0, 1.0)  # spans −1 … 1: the y axis −2 … 2
    img = fit_picture(np.array([0.0]), np.array([1.0]), np.zeros(0), np.zeros(0), grid, truth,
                      {"l2": np.full(41, -1.0), "dropout": np.full(41, 9.0)}, MODEL_COLORS, size=400)
    assert img.shape == (338 + 30, 400, 3)
    x, y = centre(img, TRAIN_COLOR)  # the training cross at (0, 1): the middle column, a quarter down
    assert abs(x - (52 + 169)) <= 1 and abs(y - (8 + 338 / 4)) <= 1
    _, y = centre(img, MODEL_COLORS["l2"])  # the fit at y = −1: three quarters down
    assert abs(y - (8 + 3 * 338 / 4)) <= 2
    _, y = centre(img, MODEL_COLORS["dropout"])  # y = 9 is off the axis: it runs along the top edge
    assert abs(y - 8) <= 2


def test_test_points_and_the_truth_sit_behind_in_their_faint_colours():
    grid = np.linspace(-1, 1, 241)
    img = fit_picture(np.zeros(0), np.zeros(0), np.array([0.5]), np.array([-1.0]), grid, np.zeros(241), {},
                      MODEL_COLORS, size=400)  # truth y = 0: the axis −0.6 … 0.6; the point beyond it is left out
    assert not (np.abs(img.astype(int) - rgb(TEST_POINT_COLOR)).sum(-1) < 8).any()
    img = fit_picture(np.zeros(0), np.zeros(0), np.array([0.5]), np.array([0.3]), grid, np.zeros(241), {},
                      MODEL_COLORS, size=400)
    ys, xs = np.where(np.abs(img.astype(int) - rgb(TEST_POINT_COLOR)).sum(-1) < 8)
    assert abs(xs.mean() - (52 + 1.55 / 2.1 * 338)) <= 1.5 and abs(ys.mean() - (8 + 0.3 / 1.2 * 338)) <= 1.5
    ys, _ = np.where(np.abs(img.astype(int) - rgb(TRUTH_COLOR)).sum(-1) < 8)
    assert abs(np.median(ys) - (8 + 169)) <= 1.5  # the true function y = 0: half-way down


def test_error_curves_on_a_log_axis_with_the_noise_floor():
    img = error_curves_picture([0, 10, 20], {"none": [1.0, 0.1, 0.01], "early": [1.0, 1.0, 1.0]}, MODEL_COLORS,
                               floor=0.1)
    _, y_early = centre(img, MODEL_COLORS["early"])  # 10^0 is the top decade: the top row 8
    assert abs(y_early - 8) <= 2
    ys, _ = np.where((img == rgb(FLOOR_COLOR)).all(-1))
    assert abs(np.median(ys) - (8 + 250 / 2)) <= 1  # 0.1 half-way between 10^-2 and 10^0 (plot rows 8 … 258)
