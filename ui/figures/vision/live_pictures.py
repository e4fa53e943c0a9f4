"""The CNN page's live panel as pictures (ui/figures/chart_pictures.py says why): the training curves, the
first-layer filters and the confusion matrix, with the colours and scales of their Plotly twins in pictures.py."""
from __future__ import annotations

import numpy as np

from ui.figures.basics.playground import diverging_rgb
from ui.figures.chart_pictures import Series, label_font, line_chart_image
from ui.figures.common import PALETTE
from ui.figures.vision.pictures import enlarge, filter_sheet

LOSS_COLORS = (PALETTE[0], PALETTE[1])  # training loss, test loss
ACCURACY_COLORS = (PALETTE[2], PALETTE[3])  # training accuracy, test accuracy
TARGET_COLOR = PALETTE[8]  # the accuracy goal line
BLUES_LOW, BLUES_HIGH = np.array([247, 251, 255.0]), np.array([8, 48, 107.0])  # the ends of Plotly's "Blues"


def loss_picture(history: dict[str, list[float]]) -> np.ndarray:
    """Training and test loss over steps, on a log axis."""
    steps = history.get("step", [])
    return line_chart_image([Series(history.get(key, []), color, xs=steps)
                             for key, color in zip(("loss", "test_loss"), LOSS_COLORS)], log_y=True, height=260)


def accuracy_picture(history: dict[str, list[float]], target: float) -> np.ndarray:
    """Training and test accuracy over steps on 0 … 1, the goal dotted across."""
    steps = history.get("step", [])
    return line_chart_image([Series(history.get(key, []), color, xs=steps)
                             for key, color in zip(("train_acc", "test_acc"), ACCURACY_COLORS)],
                            y_range=(0.0, 1.01), hlines=[(target, TARGET_COLOR)], height=260)


def filters_picture(filters: np.ndarray, side: int = 320) -> np.ndarray:
    """The first-layer kernels on their shared symmetric scale: blue positive, orange negative, white gaps."""
    sheet, top = filter_sheet(filters)
    return enlarge(diverging_rgb(sheet / top), side)[0]


def confusion_picture(counts: np.ndarray, cell: int = 30) -> np.ndarray:
    """Rows: true digit (0 at the top); columns: predicted digit; each cell shaded white → dark blue by its share of
    the largest count and its count written in (white on the dark half). Digit labels at the left and below."""
    from PIL import Image, ImageDraw

    counts = np.asarray(counts)
    n = counts.shape[0]
    left, bottom = 22, 20
    picture = Image.new("RGB", (left + n * cell + 2, n * cell + bottom + 2), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    font = label_font(11)
    top = max(float(counts.max()), 1.0)
    for r in range(n):
        for c in range(n):
            share = float(counts[r, c]) / top
            fill = tuple(int(v) for v in np.rint(BLUES_LOW + (BLUES_HIGH - BLUES_LOW) * share))
            x0, y0 = left + c * cell, r * cell
            draw.rectangle((x0, y0, x0 + cell - 1, y0 + cell - 1), fill=fill)
            draw.text((x0 + cell / 2, y0 + cell / 2), f"{int(counts[r, c])}", anchor="mm", font=font,
                      fill=(255, 255, 255) if share > 0.5 else (15, 23, 42))
    for d in range(n):
        draw.text((left - 5, d * cell + cell / 2), str(d), anchor="rm", font=font, fill=(71, 85, 105))
        draw.text((left + d * cell + cell / 2, n * cell + 4), str(d), anchor="mt", font=font, fill=(71, 85, 105))
    return np.asarray(picture)
