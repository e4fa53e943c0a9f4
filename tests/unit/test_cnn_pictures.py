"""The CNN page's live pictures: curves, filters and confusion cells land where their data puts them."""
import numpy as np

from ui.figures.chart_pictures import rgb
from ui.figures.vision.live_pictures import (ACCURACY_COLORS, BLUES_HIGH, LOSS_COLORS, TARGET_COLOR,
                                             accuracy_picture, confusion_picture, filters_picture, loss_picture)


def rows_of(img, color):
    return np.where((img == rgb(color)).all(-1))[0]


def test_accuracy_lines_and_goal_sit_on_the_zero_to_one_axis():
    """y 0 … 1.01 over rows 8 … 238 (height 260): accuracy 1.0 near the top, 0.5 half-way, the goal at 0.97."""
    img = accuracy_picture({"step": [0, 10], "train_acc": [1.0, 1.0], "test_acc": [0.5, 0.5]}, target=0.97)
    assert abs(np.median(rows_of(img, ACCURACY_COLORS[0])) - (8 + 0.01 / 1.01 * 230)) <= 1.5
    assert abs(np.median(rows_of(img, ACCURACY_COLORS[1])) - (8 + 0.51 / 1.01 * 230)) <= 1.5
    assert abs(np.median(rows_of(img, TARGET_COLOR)) - (8 + 0.04 / 1.01 * 230)) <= 1.5


def test_loss_lines_on_a_log_axis():
    img = loss_picture({"step": [0, 10], "loss": [1.0, 1.0], "test_loss": [0.01, 0.01]})
    assert abs(np.median(rows_of(img, LOSS_COLORS[0])) - 8) <= 1.5  # 10^0 at the top of decades −2 … 0
    assert abs(np.median(rows_of(img, LOSS_COLORS[1])) - 238) <= 1.5  # 10^−2 at the bottom


def test_filters_blue_positive_orange_negative_with_white_gaps():
    filters = np.zeros((2, 3, 3))
    filters[0, 0, 0], filters[1, 2, 2] = 2.0, -2.0  # the largest |w| sets the scale: full colour
    img = filters_picture(filters, side=70)  # a 3 × 7 sheet: 10 screen pixels per weight
    assert img.shape == (30, 70, 3)
    assert tuple(img[5, 5]) == (37, 99, 235) and tuple(img[25, 65]) == (249, 115, 22)
    assert (img[:, 30:40] == 255).all()  # the gap column between the two kernels


def test_confusion_cells_shade_by_count_and_rows_are_true_digits():
    counts = np.zeros((10, 10), dtype=int)
    counts[2, 7] = 40  # true 2, predicted 7: the darkest cell, row 2, column 7
    img = confusion_picture(counts, cell=30)
    assert img.shape == (322, 324, 3)
    dark = np.where((img == BLUES_HIGH.astype(int)).all(-1))
    assert abs(dark[0].mean() - (2 * 30 + 15)) <= 2 and abs(dark[1].mean() - (22 + 7 * 30 + 15)) <= 2
    assert (img[80:85, 30:40] == (247, 251, 255)).all()  # an empty cell: the light end of the scale
