"""The 3-D convolution race's live pictures: each model's line and the dotted reference where the axes say."""
import numpy as np

from ui.figures.chart_pictures import rgb
from ui.figures.common import PALETTE
from ui.figures.vision.conv3d import MODEL_COLORS, race_picture


def median_row(img, color):
    rows = np.where((img == rgb(color)).all(-1))[0]
    assert len(rows), color
    return np.median(rows)


def test_accuracy_race_on_zero_to_one_with_chance_dotted():
    """y 0 … 1.02 over rows 8 … 238 (height 260)."""
    history = {"test_step": [0, 50], "test_acc_3d": [1.0, 1.0], "test_acc_stack": [0.5, 0.5],
               "test_acc_frame": [0.1, 0.1]}
    img = race_picture(history, ("3d", "stack", "frame"), "test_acc", 0.25)
    for view, value in (("3d", 1.0), ("stack", 0.5)):
        assert abs(median_row(img, MODEL_COLORS[view]) - (8 + (1.02 - value) / 1.02 * 230)) <= 1.5
    assert abs(median_row(img, PALETTE[8]) - (8 + 0.77 / 1.02 * 230)) <= 1.5


def test_loss_race_starts_from_zero():
    """Losses 0 … 2 with the 5 % pad on top: y 0 … 2.1; 1 lies at row 8 + 1.1 / 2.1 · 230."""
    history = {"step": [0, 10], "loss_3d": [0.0, 0.0], "loss_stack": [2.0, 2.0], "loss_frame": [1.0, 1.0]}
    img = race_picture(history, ("3d", "stack", "frame"), "loss", float(np.log(4)))
    assert abs(median_row(img, MODEL_COLORS["frame"]) - (8 + 1.1 / 2.1 * 230)) <= 1.5
    assert abs(median_row(img, MODEL_COLORS["3d"]) - 238) <= 1.5
