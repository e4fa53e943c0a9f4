"""The Sequences pages' live views as pictures: accuracy races, the answer bars, the LSTM's gates over time, the
sine forecast and its error curve.

While a run trains, Chromium spends ~70 ms of its main thread per Plotly chart and redraw on this machine
(ui/figures/chart_pictures.py); a PNG costs it a few ms. So the live panels are drawn here with Pillow, in the colours
of the interactive charts (ui/figures/sequences/charts.py), which come back when the run pauses. A picture holds
lines, cells, letters of the task's alphabet and digits; the words around it stay in Markdown.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ui.figures.chart_pictures import Series, label_font, line_chart_image, rgb, scale_rgb
from ui.figures.common import DIVERGING
from ui.figures.sequences.charts import BACKWARD, FORWARD, GATE_SCALE, GOOD, INK, MUTED

GATE_ROWS = ("i", "f", "g", "o", "c", "h")
WARMUP_SHADE = "#f1f5f9"  # the chart's #e2e8f0 at half opacity on white
_SCALE_OF = {"i": GATE_SCALE, "f": GATE_SCALE, "o": GATE_SCALE, "g": DIVERGING, "h": DIVERGING, "c": DIVERGING}


def accuracy_picture(steps: Sequence[float], accuracy: Sequence[float], *, color: str, goal: float, chance: float,
                     solved_at: int | None = None, end: float | None = None, width: int = 520,
                     height: int = 260) -> np.ndarray:
    """`accuracy_figure`'s panel as a picture, in percent (0 … 105 up): the curve, the goal (green) and chance (gray)
    dashed from step 0 to `end` (the last step unless given: panels given one `end` share their step scale), and a
    green dot where the run was solved."""
    end = float(end if end is not None else max(list(steps) or [1]))
    series = [Series([goal * 100] * 2, GOOD, xs=[0, end], width=1, dashed=True),
              Series([chance * 100] * 2, MUTED, xs=[0, end], width=1, dashed=True),
              Series(np.asarray(accuracy, dtype=float) * 100, color, xs=list(steps), width=3)]
    if solved_at is not None:
        series.append(Series([goal * 100], GOOD, xs=[solved_at], markers=True))
    return line_chart_image(series, y_range=(0, 105), width=width, height=height)


def answer_picture(probabilities: Sequence[float], letters: str, correct: int, *, width: int = 360,
                   height: int = 220) -> np.ndarray:
    """`answer_figure` as a picture: a bar per letter up to its probability in percent, the right one green."""
    from ui.figures.chart_pictures import bar_chart_image

    return bar_chart_image([float(p) * 100 for p in probabilities],
                           [GOOD if k == correct else MUTED for k in range(len(letters))], y_max=100,
                           labels=list(letters), width=width, height=height)


def gates_picture(inside: dict[str, np.ndarray], x_labels: Sequence[str], mark_at: int | None, *,
                  width: int = 720, unit_px: int = 4, gap: int = 8) -> np.ndarray:
    """`gates_figure` as a picture: a band per row of GATE_ROWS present in `inside` (each (T, units): a pixel row per
    unit, a column per step), its letter on the left, the string's letters under the columns, the marked step
    framed. Gates 0 … 1 white to dark blue; g and h −1 … 1 and c ± its largest size orange to blue."""
    from PIL import Image, ImageDraw

    names = [name for name in GATE_ROWS if name in inside]
    steps = len(x_labels)
    left, bottom = 18, 18
    cell = max(2, (width - left - 2) // max(steps, 1))
    bands = [np.asarray(inside[name], dtype=float).T for name in names]  # (units, T) each
    heights = [band.shape[0] * unit_px for band in bands]
    total_h = sum(heights) + gap * (len(bands) - 1) + bottom + 2
    picture = Image.new("RGB", (left + cell * steps + 2, total_h), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    font = label_font(12)
    c_limit = max(1e-6, float(np.max(np.abs(inside["c"])))) if "c" in inside else 1.0
    top = 1
    for name, band, h in zip(names, bands, heights):
        low, high = (0.0, 1.0) if _SCALE_OF[name] is GATE_SCALE else (-c_limit, c_limit) if name == "c" else (-1.0, 1.0)
        colors = scale_rgb(band, _SCALE_OF[name], low, high)
        picture.paste(Image.fromarray(colors).resize((cell * steps, h), Image.NEAREST), (left, top))
        draw.text((left / 2, top + h / 2), name, fill=rgb(INK), font=font, anchor="mm")
        top += h + gap
    plot_bottom = top - gap
    every = max(1, -(-12 // cell))  # a letter every few columns when columns are narrow
    for k, label in enumerate(x_labels):
        if k % every == 0 or k == mark_at:
            draw.text((left + (k + 0.5) * cell, plot_bottom + 3), label, fill=rgb(INK), font=font, anchor="mt")
    if mark_at is not None:
        x0 = left + mark_at * cell
        draw.rectangle((x0 - 1, 0, x0 + cell, plot_bottom), outline=rgb(BACKWARD), width=2)
    return np.asarray(picture)


def forecast_picture(inputs: np.ndarray, clean_next: np.ndarray, predicted: np.ndarray, *, warmup: int,
                     width: int = 520, height: int = 280) -> np.ndarray:
    """`forecast_figure` as a picture on the same −1.8 … 1.8 scale: the warm-up steps 1 … `warmup` + 1 (not
    scored) shaded, the noisy inputs x_t as gray dots at t = 1 …, the clean next value (dark line) and the
    forecast (orange line with dots) at t + 1."""
    steps = len(inputs)
    now, ahead = np.arange(1, steps + 1), np.arange(2, steps + 2)
    plot_h = height - 30  # the chart's plot area (top and bottom margins 8 and 22): a line this thick fills it
    band = Series([0.0, 0.0], WARMUP_SHADE, xs=[0.5, warmup + 1.5], width=plot_h)
    dots = [Series([float(v)], MUTED, xs=[float(x)], markers=True) for x, v in zip(now, np.asarray(inputs))]
    return line_chart_image([band, *dots, Series(np.asarray(clean_next, dtype=float), INK, xs=ahead),
                             Series(np.asarray(predicted, dtype=float), BACKWARD, xs=ahead, markers=True, width=2)],
                            y_range=(-1.8, 1.8), width=width, height=height)


def error_curves_picture(steps: Sequence[float], test_mse: Sequence[float], *, baseline: float, goal: float,
                         width: int = 520, height: int = 280) -> np.ndarray:
    """`error_curves_figure` as a picture: held-out error on a log axis, the baseline (gray) and goal (green) dashed."""
    return line_chart_image([Series(list(test_mse), FORWARD, xs=list(steps))], log_y=True,
                            hlines=[(baseline, MUTED), (goal, GOOD)], width=width, height=height)

