"""The RL pages' live views as pictures: the grid world with values and arrows, the cart and pole, the policy map.

While a run trains the pages redraw several times a second, and Chromium spends ~70 ms of its main thread per
Plotly chart and redraw on this machine (ui/figures/chart_pictures.py); a PNG costs it a few ms. So the live
view is drawn here with Pillow, in the colours of the interactive charts (ui/figures/rl/gridworld.py, cartpole.py),
which come back when the run pauses. A picture holds shapes, arrows, letters S/G/H and digits; the words around it
stay in Markdown in the learner's language.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ui.figures.basics.playground import diverging_rgb
from ui.figures.chart_pictures import (Series, dashed_line, label_font, line_chart_image, nice_ticks, rgb,
                                       scale_colors, tick_label)
from ui.figures.common import thinned_index
from ui.figures.rl.cartpole import CART_H, CART_W, POLE, TRACK
from ui.figures.rl.gridworld import CELL_COLORS, GREEDY_COLOR, PATH_COLOR, VALUE_SCALE

_WHITE = np.array([255.0, 255.0, 255.0])
_DARK_TEXT, _LIGHT_TEXT = (17, 24, 39), (255, 255, 255)
_CELL_OPACITY = {"S": 0.35, "G": 0.35}  # as the interactive chart: start and goal tinted, walls and pits nearly solid
_AXIS = (148, 163, 184)


def blend(color: str, opacity: float, under: np.ndarray = _WHITE) -> np.ndarray:
    """`color` (hex) laid with `opacity` over the RGB colour `under` (white unless given)."""
    return under + (np.array(rgb(color), dtype=float) - under) * opacity


def value_rgb(level: np.ndarray) -> np.ndarray:
    """Levels in [0, 1] (NaN: 0) to VALUE_SCALE's colours (pale → light blue → deep blue), linear between its
    stops, as floats (the caller blends them)."""
    return scale_colors(np.nan_to_num(np.asarray(level, dtype=float), nan=0.0), VALUE_SCALE, 0.0, 1.0)


def _luminance(color) -> float:
    r, g, b = color
    return 0.299 * r + 0.587 * g + 0.114 * b


def cell_colors(cells: tuple[str, ...], q: np.ndarray, no_action: np.ndarray) -> np.ndarray:
    """(rows, columns, 3) colours: max_a Q(s, a) scaled to the colour scale between the table's extremes, special
    cells (walls, pits, cliff, goal) in their own colour. The start keeps its value colour."""
    nrow, ncol = len(cells), len(cells[0])
    values = q.max(axis=1).astype(float)
    values[no_action] = np.nan
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    colors = value_rgb((values - lo) / (hi - lo if hi > lo else 1.0)).reshape(nrow, ncol, 3)
    colors[np.isnan(values.reshape(nrow, ncol))] = _WHITE
    for r, row in enumerate(cells):
        for c, ch in enumerate(row):
            if ch in CELL_COLORS and ch != "S":
                colors[r, c] = blend(CELL_COLORS[ch], _CELL_OPACITY.get(ch, 0.9), colors[r, c])
    return colors


def grid_image(cells: tuple[str, ...], q: np.ndarray, moves: tuple[tuple[int, int], ...], no_action: np.ndarray, *,
               path: Sequence[int] | None = None, greedy: Sequence[int] | None = None, agent: int | None = None,
               cell: int | None = None) -> np.ndarray:
    """The world as an RGB array, `cell` pixels a cell (a 1-pixel white gap between cells): values as colour, the
    greedy action as an arrow (a dot where all actions tie: no preference yet), S/G/H letters, the latest episode's
    path (red), a greedy episode (violet, thicker) and the agent (a red disc)."""
    from PIL import Image, ImageDraw

    nrow, ncol = len(cells), len(cells[0])
    cell = cell or int(np.clip(520 // ncol, 36, 80))
    colors = cell_colors(cells, q, no_action)
    picture = Image.fromarray(np.round(colors).astype(np.uint8)).resize((ncol * cell, nrow * cell), Image.NEAREST)
    draw = ImageDraw.Draw(picture)
    for k in range(1, max(nrow, ncol) + 1):  # the gap, right of and below each cell
        draw.line((k * cell - 1, 0, k * cell - 1, nrow * cell), fill=(255, 255, 255))
        draw.line((0, k * cell - 1, ncol * cell, k * cell - 1), fill=(255, 255, 255))
    font = label_font(max(11, cell * 2 // 5))
    undecided = np.isclose(q.max(axis=1), q.min(axis=1))
    best = q.argmax(axis=1)
    half = (cell - 1) / 2

    def centre(state: int) -> tuple[float, float]:
        r, c = divmod(int(state), ncol)
        return c * cell + half, r * cell + half

    for s, ch in enumerate("".join(cells)):
        r, c = divmod(s, ncol)
        x, y = centre(s)
        ink = _LIGHT_TEXT if _luminance(colors[r, c]) < 110 else _DARK_TEXT
        if ch in "GH":
            draw.text((x, y), ch, fill=ink, font=font, anchor="mm")
            continue
        if ch in "C#":
            continue
        if ch == "S":
            draw.rectangle((c * cell, r * cell, (c + 1) * cell - 2, (r + 1) * cell - 2),
                           outline=rgb(CELL_COLORS["S"]), width=max(2, cell // 16))
            draw.text((c * cell + 3, r * cell + 2), "S", fill=ink, font=label_font(max(10, cell // 4)))
        if undecided[s]:
            draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=ink)
        else:
            arrow(draw, (x, y), moves[int(best[s])], cell * 0.32, ink, width=max(2, cell // 20))
    for states, color, width in ((greedy, GREEDY_COLOR, max(3, cell // 10)), (path, PATH_COLOR, max(2, cell // 20))):
        if states is not None and len(states) > 1:
            draw.line([centre(s) for s in states], fill=rgb(color), width=width, joint="curve")
    if agent is not None:
        x, y = centre(agent)
        radius = cell * 0.22
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rgb(PATH_COLOR), outline=_LIGHT_TEXT,
                     width=2)
    return np.asarray(picture)


def arrow(draw, at: tuple[float, float], move: tuple[int, int], length: float, color, *, width: int = 2) -> None:
    """An arrow centred at `at` pointing along `move` = (row change, column change): a shaft and a filled head."""
    dy, dx = move
    x, y = at
    tail = (x - dx * length / 2, y - dy * length / 2)
    tip = (x + dx * length / 2, y + dy * length / 2)
    head = length * 0.45
    base = (tip[0] - dx * head, tip[1] - dy * head)
    draw.line((tail, base), fill=color, width=width)
    draw.polygon([tip, (base[0] + dy * head * 0.6, base[1] + dx * head * 0.6),
                  (base[0] - dy * head * 0.6, base[1] - dx * head * 0.6)], fill=color)


def cart_image(state: np.ndarray, *, action: int | None = None, width: int = 520) -> np.ndarray:
    """The cart at x with the pole at angle θ (0 upright, positive leans right) on the ±2.4 m track, as the
    interactive chart draws it (same colours, 1 m of pole, y up); `action`: the push as an arrow beside the cart."""
    from PIL import Image, ImageDraw

    x_lo, x_hi, y_lo, y_hi = -TRACK - 0.4, TRACK + 0.4, -0.2, 1.45
    scale = width / (x_hi - x_lo)
    digits = 16  # room under the track for the edge labels
    height = int(round((y_hi - y_lo) * scale)) + digits
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - x_lo) * scale, (y_hi - y) * scale

    x, theta = float(state[0]), float(state[2])
    draw.line((px(-TRACK - 0.3, 0), px(TRACK + 0.3, 0)), fill=_AXIS, width=2)
    font = label_font(11)
    for edge in (-TRACK, TRACK):
        dashed_line(draw, px(edge, -0.1), px(edge, 0.25), rgb("#dc2626"), 2, dash=3.0)
    for value in (-TRACK, 0.0, TRACK):
        draw.text((px(value, y_lo)[0], px(value, y_lo)[1] + 2), tick_label(value), fill=(71, 85, 105), font=font,
                  anchor="mt")
    (left, top), (right, bottom) = px(x - CART_W / 2, CART_H), px(x + CART_W / 2, 0.02)
    draw.rectangle((left, top, right, bottom), fill=rgb("#334155"))
    hinge = px(x, CART_H)
    tip = px(x + POLE * math.sin(theta), CART_H + POLE * math.cos(theta))
    draw.line((hinge, tip), fill=rgb("#ca8a04"), width=max(3, int(0.07 * scale)))
    r = 0.04 * scale
    draw.ellipse((hinge[0] - r, hinge[1] - r, hinge[0] + r, hinge[1] + r), fill=rgb("#111827"))
    if action is not None:
        side = 1 if action == 1 else -1
        start, end = px(x - side * (CART_W / 2 + 0.35), CART_H / 2), px(x - side * CART_W / 2, CART_H / 2)
        mid = ((start[0] + end[0]) / 2, end[1])
        blue = rgb("#2563eb")
        arrow(draw, mid, (0, side), abs(end[0] - start[0]), blue, width=3)
    return np.asarray(picture)


_MAP_LEFT, _MAP_BOTTOM, _MAP_TOP, _MAP_RIGHT = 40, 20, 6, 8


def policy_map_image(thetas: np.ndarray, omegas: np.ndarray, p_right: np.ndarray, *, width: int = 420,
                     height: int = 290) -> np.ndarray:
    """P(push right) over θ in degrees (across) and θ̇ (up) as the interactive chart's colours (orange: left,
    white: either, blue: right), one square per point of the grid (flat colours: a small, quickly encoded PNG; the
    paused chart smooths between them), with numbered axes. `p_right`:
    (len(omegas), len(thetas)), omegas ascending."""
    from PIL import Image, ImageDraw

    plot_w, plot_h = width - _MAP_LEFT - _MAP_RIGHT, height - _MAP_TOP - _MAP_BOTTOM
    colors = diverging_rgb(2 * np.asarray(p_right, dtype=float) - 1)[::-1]  # y up: the fastest fall on top
    heat = Image.fromarray(colors).resize((plot_w, plot_h), Image.NEAREST)  # one square per state evaluated
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    picture.paste(heat, (_MAP_LEFT, _MAP_TOP))
    draw = ImageDraw.Draw(picture)
    font = label_font(11)
    degrees = np.degrees(np.asarray(thetas, dtype=float))
    x_lo, x_hi, y_lo, y_hi = float(degrees[0]), float(degrees[-1]), float(omegas[0]), float(omegas[-1])
    for value in nice_ticks(x_lo, x_hi, 6):
        x = _MAP_LEFT + (value - x_lo) / (x_hi - x_lo) * plot_w
        draw.line((x, _MAP_TOP + plot_h, x, _MAP_TOP + plot_h + 3), fill=_AXIS)
        draw.text((x, _MAP_TOP + plot_h + 4), tick_label(value), fill=(71, 85, 105), font=font, anchor="mt")
    for value in nice_ticks(y_lo, y_hi, 4):
        y = _MAP_TOP + (y_hi - value) / (y_hi - y_lo) * plot_h
        draw.line((_MAP_LEFT - 3, y, _MAP_LEFT, y), fill=_AXIS)
        draw.text((_MAP_LEFT - 5, y), tick_label(value), fill=(71, 85, 105), font=font, anchor="rm")
    draw.rectangle((_MAP_LEFT, _MAP_TOP, _MAP_LEFT + plot_w, _MAP_TOP + plot_h), outline=_AXIS)
    return np.asarray(picture)


def episode_curves_image(values: Sequence[float], average: np.ndarray, color: str, *,
                         threshold: tuple[float, str] | None = None, width: int = 520, height: int = 240) -> np.ndarray:
    """One number per episode (faint: the colour at 35 % on white, as the chart's opacity) under its moving average
    (bold) over the episode number, thinned alike; `threshold`: (value, hex colour) drawn dashed across."""
    idx = thinned_index(len(values))
    faint = "#" + "".join(f"{int(round(v)):02x}" for v in blend(color, 0.35))
    episodes = idx + 1
    series = [Series(np.asarray(values, dtype=float)[idx], faint, xs=episodes, width=1),
              Series(np.asarray(average, dtype=float)[idx], color, xs=episodes, width=3)]
    return line_chart_image(series, hlines=[threshold] if threshold else (), width=width, height=height)
