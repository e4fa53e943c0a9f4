"""Live charts as pictures.

While a run trains, its panel redraws several times a second. Plotly spends ~70 ms of the browser's main thread
per chart and redraw on this machine (measured on the depth page: two charts, 3.4–3.7 refreshes/s, the main
thread busy 71 % of the time); a PNG costs the browser a few ms. So a live view draws pictures while running and
Plotly charts (hover, zoom) when paused, as the Playground does. A picture holds only lines, points and numbers
(Pillow's built-in font); the words around it (title, axis titles, legend) stay in Markdown, in the learner's
language, coloured with the theme's named colours (`.streamlit/config.toml` sets them to the app's palette).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ui.figures.common import PALETTE

# Streamlit's Markdown colour names, set in the theme to the app's palette: a legend in text matches the lines.
NAMED_COLORS = {"blue": PALETTE[0], "orange": PALETTE[1], "green": PALETTE[2], "red": PALETTE[3],
                "violet": PALETTE[4], "gray": "#6b7280"}
_GRID, _AXIS, _TEXT = (226, 232, 240), (148, 163, 184), (71, 85, 105)
_LEFT, _BOTTOM, _TOP, _RIGHT = 52, 22, 8, 10  # room for the tick labels


@dataclass(frozen=True)
class Series:
    """One line of a chart: y values (x = 0, 1, … unless `xs`), a hex colour, optional markers and dashes."""
    ys: Sequence[float]
    color: str
    xs: Sequence[float] | None = None
    width: int = 2
    markers: bool = False
    dashed: bool = False


def rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) inside [low, high], about `count` of them: the step is the
    first such value not below (high − low) / count."""
    if not high > low:
        return [low]
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def tick_label(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        mantissa, exponent = f"{value:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"


@lru_cache(maxsize=4)
def _font(size: int) -> tuple[object, bool]:
    """DejaVu Sans where the system has it (it draws ≤ and −), else Pillow's built-in font; and which one it is."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def _drawable(text: str) -> str:
    """Signs Pillow's built-in font lacks, spelled out (DejaVu draws them as they are)."""
    return text.replace("≤", "<=").replace("≥", ">=").replace("−", "-")


def label_font(size: int):
    """The pictures' font at `size` pixels (cached): for the digits and letters of other picture kinds."""
    return _font(size)[0]


def line_chart_image(series: Sequence[Series], *, log_y: bool = False, y_from_zero: bool = False,
                     hlines: Sequence[tuple[float, str]] = (), width: int = 520, height: int = 280,
                     y_range: tuple[float, float] | None = None, x_labels: Sequence[str] | None = None,
                     log_x: bool = False) -> np.ndarray:
    """The lines on white with a light grid and numbered axes, as an RGB array. `hlines`: (y, hex colour) drawn
    dashed across (a target). `y_range` fixes the y axis (linear axes); `x_labels` names the x positions 0, 1, …
    (a category axis). Non-finite values are skipped; on a log axis (`log_x`, `log_y`) so are values ≤ 0."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    font, full_unicode = _font(11)
    lines = []
    for s in series:
        ys = np.asarray(s.ys, dtype=float)
        xs = np.arange(len(ys), dtype=float) if s.xs is None else np.asarray(s.xs, dtype=float)
        keep = np.isfinite(ys) & np.isfinite(xs) & ((ys > 0) if log_y else True) & ((xs > 0) if log_x else True)
        lines.append((np.log10(xs[keep]) if log_x else xs[keep], np.log10(ys[keep]) if log_y else ys[keep], s))
    xs_all = np.concatenate([xs for xs, _, _ in lines]) if lines else np.zeros(0)
    ys_all = np.concatenate([ys for _, ys, _ in lines] + [np.log10([v for v, _ in hlines if v > 0]) if log_y
                                                         else np.asarray([v for v, _ in hlines], dtype=float)])
    if xs_all.size == 0 or ys_all.size == 0:
        draw.rectangle((0, 0, width - 1, height - 1), outline=_GRID)
        return np.asarray(picture)
    x_lo, x_hi = float(xs_all.min()), float(xs_all.max())
    y_lo, y_hi = float(ys_all.min()), float(ys_all.max())
    if y_from_zero and not log_y:
        y_lo = min(y_lo, 0.0)
    if log_y:
        y_lo, y_hi = math.floor(y_lo), math.ceil(y_hi)
    pad = (y_hi - y_lo) * 0.05 or 0.5
    y_lo, y_hi = (y_lo, y_hi) if log_y else (y_lo - (0 if y_from_zero and y_lo == 0 else pad), y_hi + pad)
    if y_range is not None and not log_y:
        y_lo, y_hi = y_range
    if x_labels is not None:
        x_lo, x_hi = -0.5, len(x_labels) - 0.5
    single_x = x_hi == x_lo
    if single_x:
        x_lo, x_hi = x_lo - 1.0, x_hi + 1.0
    if y_hi == y_lo:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM

    def px(x):
        return _LEFT + (np.asarray(x) - x_lo) / (x_hi - x_lo) * plot_w

    def py(y):
        return _TOP + (y_hi - np.asarray(y)) / (y_hi - y_lo) * plot_h

    y_ticks = _log_ticks(y_lo, y_hi) if log_y else nice_ticks(y_lo, y_hi)
    for value in y_ticks:
        y = float(py(value))
        draw.line((_LEFT, y, width - _RIGHT, y), fill=_GRID)
        text = tick_label(10.0 ** value if log_y else value)
        draw.text((_LEFT - 4, y), text, fill=_TEXT, font=font, anchor="rm")
    x_ticks = [(float(i), label) for i, label in enumerate(x_labels)] if x_labels is not None else \
        [(value, tick_label(10.0 ** value if log_x else value))
         for value in ([x_lo + 1.0] if single_x else
                       [v for v in _log_ticks(x_lo, x_hi) if x_lo <= v <= x_hi] if log_x else nice_ticks(x_lo, x_hi, 6))]
    for value, label in x_ticks:
        x = float(px(value))
        draw.line((x, _TOP, x, _TOP + plot_h), fill=_GRID)
        label = label if full_unicode else _drawable(label)
        half = draw.textlength(label, font=font) / 2  # kept inside the picture at the right edge
        draw.text((min(x, width - 1 - half), _TOP + plot_h + 4), label, fill=_TEXT, font=font, anchor="mt")
    draw.rectangle((_LEFT, _TOP, _LEFT + plot_w, _TOP + plot_h), outline=_AXIS)
    for value, color in hlines:
        if log_y and value <= 0:
            continue
        y = float(py(math.log10(value) if log_y else value))
        dashed_line(draw, (_LEFT, y), (_LEFT + plot_w, y), rgb(color))
    for xs, ys, s in lines:
        points = list(zip(px(xs).tolist(), py(ys).tolist()))
        color = rgb(s.color)
        if len(points) > 1:
            if s.dashed:
                for a, b in zip(points, points[1:]):
                    dashed_line(draw, a, b, color, s.width)
            else:
                draw.line(points, fill=color, width=s.width, joint="curve")
        if s.markers or len(points) == 1:
            for x, y in points:
                draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=color)
    return np.asarray(picture)


def _log_ticks(low: float, high: float) -> list[float]:
    """Decade exponents between low and high, thinned to at most 7."""
    decades = list(range(int(math.floor(low)), int(math.ceil(high)) + 1))
    step = max(1, math.ceil(len(decades) / 7))
    return [float(d) for d in decades[::step]]


def dashed_line(draw, a, b, color, width: int = 1, dash: float = 6.0) -> None:
    """A dashed line from a to b on a Pillow `draw`: `dash` pixels drawn, `dash` left out, in turn."""
    (x0, y0), (x1, y1) = a, b
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    for start in np.arange(0.0, length, 2 * dash):
        end = min(start + dash, length)
        draw.line((x0 + (x1 - x0) * start / length, y0 + (y1 - y0) * start / length,
                   x0 + (x1 - x0) * end / length, y0 + (y1 - y0) * end / length), fill=color, width=width)


def scatter_image(groups: Sequence[tuple[np.ndarray, str]], extent: float, *, size: int = 360, radius: float = 2.5,
                  arrows: Sequence[tuple[np.ndarray, np.ndarray, str]] = ()) -> np.ndarray:
    """2-D points in the square [−extent, extent]² (y up) as an RGB array: each group (n×2 points, hex colour),
    then `arrows` (from n×2, to n×2, hex colour) as thin lines with a dot at the head."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    scale = size / (2 * extent)
    for v in (-extent / 2, 0.0, extent / 2):  # a light grid at the half-ways and the axes
        p = (v + extent) * scale
        draw.line((p, 0, p, size), fill=_GRID)
        draw.line((0, size - p, size, size - p), fill=_GRID)
    draw.rectangle((0, 0, size - 1, size - 1), outline=_AXIS)

    def to_px(points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        return np.stack([(points[:, 0] + extent) * scale, (extent - points[:, 1]) * scale], 1)

    for points, color in groups:
        fill = rgb(color)
        for x, y in to_px(points)[np.isfinite(np.asarray(points, dtype=float).reshape(-1, 2)).all(1)].tolist():
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
    for start, end, color in arrows:
        fill = rgb(color)
        for (x0, y0), (x1, y1) in zip(to_px(start).tolist(), to_px(end).tolist()):
            if all(map(math.isfinite, (x0, y0, x1, y1))):
                draw.line((x0, y0, x1, y1), fill=fill, width=1)
                draw.ellipse((x1 - 1.8, y1 - 1.8, x1 + 1.8, y1 + 1.8), fill=fill)
    return np.asarray(picture)


def color_name(color: str) -> str:
    """The theme colour name of a palette colour (for a Markdown legend); gray for any other."""
    return next((name for name, value in NAMED_COLORS.items() if value.lower() == color.lower()), "gray")


def markdown_legend(entries: Sequence[tuple[str, str]], mark: str = "━━") -> str:
    """`entries` of (the app's own label, hex colour) as one Markdown line: a coloured mark before each label.
    Labels come from the translation catalogs, never from a visitor."""
    return " \u2003 ".join(f":{color_name(color)}[{mark}] {label}" for label, color in entries)


def show_picture(pixels: np.ndarray | str, *, title: str, caption: str = "", where=None) -> None:
    """A chart picture (pixels, or a PNG data URI from `live_png`) under its bold title, with a caption (axes,
    legend) below: the live twin of `show`."""
    import streamlit as st

    from ui.figures.common import png_data_uri

    container = where or st
    container.markdown(f"**{title}**")
    container.image(pixels if isinstance(pixels, str) else png_data_uri(pixels), width="stretch")
    if caption:
        container.caption(caption)


def live_png(run, name: str, build, *key) -> str:
    """`build()`'s picture as a PNG data URI, drawn and encoded once per state of `run`'s model (and of `key`):
    a refresh that did not train (waiting for a slot in a class) sends the same bytes without redoing either."""
    from ui.figures.common import png_data_uri

    return run.per_model_state(f"{name}.png", lambda: png_data_uri(build()), *key)


def plane_image(background: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float], *,
                paths: Sequence[tuple[np.ndarray, str]] = (), crosses: Sequence[tuple[float, float, str]] = (),
                size: int = 380) -> np.ndarray:
    """A plane with numbered axes, as an RGB array: `background` (an RGB array, its first row at the top of
    `y_range`) stretched over the plot area, each path (n×2 points, hex colour) as a line from its start, and a
    cross at each (x, y, hex colour). The plot area is square: give ranges of equal length for equal scales."""
    from PIL import Image, ImageDraw

    plot = size - _LEFT - _RIGHT
    width, height = size, plot + _TOP + _BOTTOM
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    picture.paste(Image.fromarray(np.ascontiguousarray(background)).resize((plot, plot), Image.BILINEAR),
                  (_LEFT, _TOP))
    draw = ImageDraw.Draw(picture)
    font, _ = _font(11)
    (x_lo, x_hi), (y_lo, y_hi) = x_range, y_range

    def to_px(points) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        return np.stack([_LEFT + (points[:, 0] - x_lo) / (x_hi - x_lo) * plot,
                         _TOP + (y_hi - points[:, 1]) / (y_hi - y_lo) * plot], 1)

    for value in nice_ticks(x_lo, x_hi):
        x = float(to_px([[value, y_lo]])[0, 0])
        draw.text((x, _TOP + plot + 4), tick_label(value), fill=_TEXT, font=font, anchor="mt")
    for value in nice_ticks(y_lo, y_hi):
        y = float(to_px([[x_lo, value]])[0, 1])
        draw.text((_LEFT - 4, y), tick_label(value), fill=_TEXT, font=font, anchor="rm")
    draw.rectangle((_LEFT, _TOP, _LEFT + plot, _TOP + plot), outline=_AXIS)
    for points, color in paths:
        pts = to_px(points)
        pts = pts[np.isfinite(pts).all(1)]
        if len(pts) > 1:
            draw.line([tuple(p) for p in pts.tolist()], fill=rgb(color), width=2, joint="curve")
    for x, y, color in crosses:
        cx, cy = to_px([[x, y]])[0].tolist()
        for dx in (-5, 5):
            draw.line((cx - dx, cy - 5, cx + dx, cy + 5), fill=rgb(color), width=3)
    return np.asarray(picture)


def bar_chart_image(heights: Sequence[float], colors: Sequence[str], *, y_max: float,
                    hlines: Sequence[tuple[float, str]] = (), labels: Sequence[str] | None = None,
                    width: int = 520, height: int = 220) -> np.ndarray:
    """A bar per value from 0 up to its height on an axis 0 … y_max, labelled below (0, 1, … unless `labels`), as
    an RGB array; `hlines`: (y, hex colour) dashed across. Non-finite heights draw no bar."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    font, _ = _font(11)
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    labels = [str(i) for i in range(len(heights))] if labels is None else labels

    def py(y: float) -> float:
        return _TOP + (y_max - min(max(y, 0.0), y_max)) / y_max * plot_h

    for value in nice_ticks(0.0, y_max):
        draw.line((_LEFT, py(value), width - _RIGHT, py(value)), fill=_GRID)
        draw.text((_LEFT - 4, py(value)), tick_label(value), fill=_TEXT, font=font, anchor="rm")
    slot = plot_w / max(len(heights), 1)
    for i, (value, color, label) in enumerate(zip(heights, colors, labels)):
        left = _LEFT + i * slot
        if math.isfinite(value) and value > 0:
            draw.rectangle((left + 0.15 * slot, py(value), left + 0.85 * slot, py(0.0)), fill=rgb(color))
        draw.text((left + slot / 2, _TOP + plot_h + 4), label, fill=_TEXT, font=font, anchor="mt")
    draw.rectangle((_LEFT, _TOP, _LEFT + plot_w, _TOP + plot_h), outline=_AXIS)
    for value, color in hlines:
        dashed_line(draw, (_LEFT, py(value)), (_LEFT + plot_w, py(value)), rgb(color))
    return np.asarray(picture)


def scale_colors(values: np.ndarray, scale: Sequence[Sequence], low: float, high: float) -> np.ndarray:
    """Values to the colours of a Plotly-style colour scale [[stop, "#hex"], …] spanning low … high (linear between
    stops, clipped at the ends; NaN white), as an (…, 3) float array (for blending)."""
    values = np.asarray(values, dtype=float)
    level = np.clip((np.nan_to_num(values, nan=low) - low) / ((high - low) or 1.0), 0.0, 1.0)
    stops = np.array([float(s) for s, _ in scale])
    colors = np.array([rgb(c) for _, c in scale], dtype=float)
    out = np.stack([np.interp(level, stops, colors[:, k]) for k in range(3)], axis=-1)
    out[np.isnan(values)] = 255
    return out


def scale_rgb(values: np.ndarray, scale: Sequence[Sequence], low: float, high: float) -> np.ndarray:
    """`scale_colors` as uint8 RGB. Every heat-map picture colours through these, in its Plotly chart's scale."""
    return np.round(scale_colors(values, scale, low, high)).astype(np.uint8)


def banded_surface(z: np.ndarray, pixels: int, scale: Sequence[Sequence], low: float, high: float, *,
                   bands: int = 24, nan_level: float = 0.0) -> np.ndarray:
    """A surface on a grid (z[row, col], the first row at the bottom of the plane, grid points from edge to edge)
    as a `pixels`-square RGB picture, first row at the top: interpolated, then coloured with `scale` between low and
    high in `bands` equal steps — the heat map's look with sharp band edges, so its PNG stays small and quick to
    encode (a palette picture: Pillow looks the colours up in C). NaN takes `nan_level` (0 … 1)."""
    from PIL import Image

    z = np.asarray(z, dtype=np.float32)
    level = (z[::-1] - low) / ((high - low) or 1.0)
    box = (0.5, 0.5, z.shape[1] - 0.5, z.shape[0] - 0.5)  # grid point i at the centre of source pixel i
    fine = np.asarray(Image.fromarray(np.ascontiguousarray(level), mode="F").resize((pixels, pixels),
                                                                                 Image.BILINEAR, box=box))
    band = np.rint(np.clip(np.nan_to_num(fine, nan=nan_level), 0.0, 1.0) * bands).astype(np.uint8)
    picture = Image.fromarray(band, mode="P")
    picture.putpalette(scale_rgb(np.linspace(0, 1, bands + 1), scale, 0.0, 1.0).tobytes())
    return np.asarray(picture.convert("RGB"))
