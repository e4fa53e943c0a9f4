"""The Sequences pages' live pictures: colours from the charts' scales; bars, lines and cells where the data says."""
import numpy as np
import pytest

from ui.figures.chart_pictures import rgb
from ui.figures.common import DIVERGING, PALETTE
from ui.figures.sequences.charts import BACKWARD, GATE_SCALE, GOOD, INK, MUTED
from ui.figures.sequences.pictures import (WARMUP_SHADE, accuracy_picture, answer_picture, error_curves_picture,
                                           forecast_picture, gates_picture, scale_rgb)


def without_frame(img):
    """The picture with the plot's frame (#94a3b8, the same gray as MUTED) painted white: left 52, right and bottom
    margins 10 and 22, top 8 pixels."""
    img = img.copy()
    h, w = img.shape[:2]
    img[:, [52, w - 10]] = 255
    img[[8, h - 22]] = 255
    return img


def rows_of(img, color):
    return np.where((img == rgb(color)).all(-1).any(1))[0]


def cols_of(img, color):
    return np.where((img == rgb(color)).all(-1).any(0))[0]


def test_scale_colours_at_the_stops_between_and_outside():
    got = scale_rgb(np.array([-1.0, 0.0, 1.0, 2.0, np.nan]), DIVERGING, -1.0, 1.0)
    assert got[0].tolist() == list(rgb("#f97316")) and got[1].tolist() == list(rgb("#f8fafc"))
    assert got[2].tolist() == list(rgb("#2563eb")) and got[3].tolist() == list(rgb("#2563eb"))  # clipped
    assert got[4].tolist() == [255, 255, 255]
    half = scale_rgb(np.array([0.25]), GATE_SCALE, 0.0, 1.0)[0]  # half-way between white-ish and light blue
    expected = (np.array(rgb("#f8fafc")) + np.array(rgb("#93c5fd"))) / 2
    assert np.abs(half - expected).max() <= 1


def test_accuracy_curve_and_its_goal_land_on_their_rows():
    """y axis 0 … 105 % over plot rows 8 … 238 (height 260): 100 % at row 8 + 5/105·230, the goal 95 % lower."""
    img = accuracy_picture([0, 50, 100], [1.0, 1.0, 1.0], color=PALETTE[0], goal=0.95, chance=0.125, height=260)
    top = 8 + 5 / 105 * 230
    assert abs(rows_of(img, PALETTE[0]).mean() - top) <= 1.5
    assert abs(rows_of(img, GOOD).mean() - (8 + 10 / 105 * 230)) <= 1.5
    assert abs(rows_of(without_frame(img), MUTED).mean() - (8 + (105 - 12.5) / 105 * 230)) <= 1.5


def test_a_shared_end_keeps_panels_on_one_step_scale():
    """A run at step 50 of a race whose longest run is at 100 ends half-way across (plot columns 52 … 510)."""
    img = accuracy_picture([0, 50], [0.2, 0.4], color=PALETTE[1], goal=0.95, chance=0.125, end=100, width=520)
    assert abs(cols_of(img, PALETTE[1]).max() - (52 + 0.5 * 458)) <= 2


def test_answer_bars_right_letter_green_and_as_tall_as_its_probability():
    img = answer_picture([0.1, 0.7, 0.2], "abc", 1, width=300, height=220)
    green = cols_of(img, GOOD)
    slot = (300 - 52 - 10) / 3  # the second of three slots holds the green bar
    assert green.min() >= 52 + slot and green.max() <= 52 + 2 * slot
    assert abs(rows_of(img, GOOD).min() - (8 + 0.3 * 190)) <= 1.5  # 70 % of the 190-pixel plot height
    assert (img == rgb(MUTED)).all(-1).any()


def test_gate_bands_colour_each_cell_and_frame_the_mark():
    steps, units = 5, 2
    inside = {"f": np.ones((steps, units)), "g": -np.ones((steps, units)), "c": np.zeros((steps, units))}
    inside["c"][3, 0] = 2.0
    img = gates_picture(inside, list("abcde"), mark_at=3, width=18 + 2 + 5 * 40, unit_px=4, gap=8)
    # bands f, g, c from the top (row 1), 8 pixel rows each and 8 apart; columns 40 pixels wide from x = 18
    assert img[1 + 4, 18 + 20].tolist() == list(rgb("#1e3a8a"))  # f = 1: fully open, dark blue
    assert img[1 + 16 + 4, 18 + 20].tolist() == list(rgb("#f97316"))  # g = −1: orange
    assert img[1 + 32 + 1, 18 + 3 * 40 + 20].tolist() == list(rgb("#2563eb"))  # c's largest value: deepest blue
    assert img[1 + 32 + 1, 18 + 20].tolist() == list(rgb("#f8fafc"))  # c = 0: near-white
    frame = cols_of(img[1:9], BACKWARD)  # within the dark blue f band (g's orange is the frame's colour)
    assert frame.min() >= 18 + 3 * 40 - 2 and frame.max() <= 18 + 4 * 40 + 1


def test_forecast_lines_and_input_dots():
    """On the fixed −1.8 … 1.8 axis (plot rows 8 … 258 at height 280): 0.9 a quarter down, −0.9 three quarters."""
    inputs, clean, predicted = np.full(6, 0.9), np.full(6, 0.9), np.full(6, -0.9)
    img = without_frame(forecast_picture(inputs, clean, predicted, warmup=2))
    for color, value in ((MUTED, 0.9), (INK, 0.9), (BACKWARD, -0.9)):
        assert abs(rows_of(img, color).mean() - (8 + (1.8 - value) / 3.6 * 250)) <= 3
    assert cols_of(img, MUTED).min() < cols_of(img, INK).min()  # inputs start at t = 1, the next value at t = 2
    # x from 0.5 (the band's left end) to 7 over columns 52 … 510: the band ends at t = warmup + 1.5 = 3.5
    shade = cols_of(img, WARMUP_SHADE)
    assert abs(shade.min() - 52) <= 2 and abs(shade.max() - (52 + 3 / 6.5 * 458)) <= 2


@pytest.mark.parametrize("goal", [1e-3, 1e-2])
def test_error_curve_on_a_log_axis_with_its_goal(goal):
    img = error_curves_picture([0, 10, 20], [1.0, 0.1, 0.01], baseline=0.5, goal=goal)
    green = rows_of(img, GOOD)
    assert green.size and (img == rgb(PALETTE[0])).all(-1).any()
    if goal == 1e-3:  # decades 1e-3 … 1e0 over rows 8 … 258: the goal on the bottom edge
        assert abs(green.mean() - 258) <= 1.5
