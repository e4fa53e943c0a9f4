"""The GAN and autoencoder pages' live views as pictures: D's opinion under the data, G's samples and pulls; the
autoencoder's code map, its decoded manifold, and the coverage curve with its second (percent) axis.

While a run trains, Chromium spends ~70 ms of its main thread per Plotly chart and redraw on this machine
(ui/figures/chart_pictures.py); a PNG costs it a few ms. So the live panels draw these pictures, in the colours of
the interactive charts (ui/figures/generative/gan.py, autoencoder.py), which come back when the run pauses. Layers
are drawn at the plot area's own size (PLANE_PIXELS) and `plane_image` adds the numbered axes without rescaling.
Only points, lines and digits: the pages write titles, axis names and legends in Markdown.
"""
from __future__ import annotations

import math

import numpy as np

from core.generative.gan import GanView
from ui.figures.chart_pictures import (Series, banded_surface, label_font, line_chart_image, plane_image, rgb,
                                       tick_label)
from ui.figures.chart_pictures import scale_rgb as shared_scale_rgb
from ui.figures.common import PALETTE
from ui.figures.generative.autoencoder import PATH_COLOR, PROBE_COLOR, group_centres, manifold_tiles
from ui.figures.generative.gan import ARROW_COLOR, D_SCALE, FAKE_COLOR, REAL_COLOR, arrow_ends
from ui.figures.generative.gan_variants import tint

PLANE_SIZE = 500
PLANE_PIXELS = PLANE_SIZE - 52 - 10  # the plot area of chart_pictures.plane_image at PLANE_SIZE (its margins)
PLOT_TOP, PLOT_BOTTOM = 8, 22  # line_chart_image's margins above and below the plot (for a right-hand axis)
RING_COLOR = (100, 116, 139)  # the 3σ rings, dotted as in the chart
GRID_TINT = tint(FAKE_COLOR, 0.35)  # the warped noise grid: the chart's 35 % violet over white
BAR_HEIGHT = 30  # the colour bar under D's map: its strip and its numbers


def plot_px(points, x_range: tuple[float, float], y_range: tuple[float, float], pixels: int) -> np.ndarray:
    """Data points (n×2) to pixel positions in a `pixels`-square plot area over x_range × y_range (y up)."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    (x_lo, x_hi), (y_lo, y_hi) = x_range, y_range
    return np.stack([(points[:, 0] - x_lo) / (x_hi - x_lo) * pixels,
                     (y_hi - points[:, 1]) / (y_hi - y_lo) * pixels], 1)


def _dots(draw, centres: np.ndarray, radius: float, color, outline=None) -> None:
    for x, y in centres[np.isfinite(centres).all(1)].tolist():
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color, outline=outline)


# ---------------- GAN ----------------
def surface_rgb(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, z_range: tuple[float, float], pixels: int,
                bands: int = 24) -> np.ndarray:
    """D's values on the grid (z[len(ys), len(xs)], evenly spaced from edge to edge of the view) as a
    `pixels`-square plot (first row at the top), coloured with D_SCALE between z_range's ends in `bands` steps."""
    return banded_surface(z, pixels, D_SCALE, *z_range, bands=bands, nan_level=0.5)


def scale_rgb(level: np.ndarray) -> np.ndarray:
    """Levels in [0, 1] (NaN: the middle) to D_SCALE's colours, linear between its stops: uint8 RGB."""
    return shared_scale_rgb(np.nan_to_num(np.asarray(level, dtype=float), nan=0.5), D_SCALE, 0.0, 1.0)


def _arrow(draw, start, end, color, head: float = 6.0) -> None:
    """A line from start to end with two short strokes at its end (the head), pointing along it."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if not (math.isfinite(length) and length > 0.5):
        return
    draw.line((x0, y0, x1, y1), fill=color, width=1)
    angle = math.atan2(y1 - y0, x1 - x0)
    size = min(head, 0.6 * length + 2)
    for side in (-0.45, 0.45):
        draw.line((x1, y1, x1 - size * math.cos(angle + side), y1 - size * math.sin(angle + side)), fill=color,
                  width=1)


def _dotted_ring(draw, centre, radius: float, color) -> None:
    steps = max(12, int(2 * math.pi * radius / 4))  # a dot every ~4 px
    for a in np.linspace(0, 2 * np.pi, steps, endpoint=False):
        x, y = centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)
        draw.rectangle((x - 0.5, y - 0.5, x + 0.5, y + 0.5), fill=color)


def gan_view_picture(view: GanView) -> np.ndarray:
    """`gan_view_figure` as a picture, in the chart's order: D's map (pale violet = "fake" … white … pale green =
    "real"), the dotted 3σ rings, the real data green, the warped noise grid, G's samples violet, G's pull as
    arrows; numbered axes over [−box, box]², and D's colour bar with its numbers under the plane when shown."""
    from PIL import Image, ImageDraw

    box, n = view.box, PLANE_PIXELS
    span = (-box, box)
    if view.surface is not None:
        background = surface_rgb(*view.surface, view.surface_range, n)
    else:
        background = np.full((n, n, 3), 255, dtype=np.uint8)
    picture = Image.fromarray(background)
    draw = ImageDraw.Draw(picture)
    scale = n / (2 * box)
    if view.modes is not None and view.mode_radius > 0:
        for centre in plot_px(view.modes, span, span, n).tolist():
            _dotted_ring(draw, centre, view.mode_radius * scale, RING_COLOR)
    _dots(draw, plot_px(view.real, span, span, n), 2.0, rgb(REAL_COLOR))
    for line in view.warped if view.warped is not None else []:
        points = plot_px(line, span, span, n)
        points = points[np.isfinite(points).all(1)]
        if len(points) > 1:
            draw.line([tuple(p) for p in points.tolist()], fill=rgb(GRID_TINT), width=1)
    _dots(draw, plot_px(view.fake, span, span, n), 2.0, rgb(FAKE_COLOR))
    arrows = None if view.pull is None else arrow_ends(*view.pull, 0.1 * box)
    if arrows is not None:
        for start, end in zip(plot_px(arrows[0], span, span, n).tolist(), plot_px(arrows[1], span, span, n).tolist()):
            _arrow(draw, start, end, rgb(ARROW_COLOR))
    plane = plane_image(np.asarray(picture), span, span, size=PLANE_SIZE)
    if view.surface is None:
        return plane
    return np.concatenate([plane, colour_bar(view.surface_range, PLANE_SIZE)], axis=0)


def colour_bar(z_range: tuple[float, float], width: int, left: int = 52, right: int = 10) -> np.ndarray:
    """D_SCALE from z_range's low end (left) to its high end, under the plot's width, numbered at both ends and the
    middle: the picture's twin of the chart's colour bar (its title is in the caption)."""
    from PIL import Image, ImageDraw

    strip = scale_rgb(np.linspace(0, 1, width - left - right))[None].repeat(8, axis=0)
    picture = Image.new("RGB", (width, BAR_HEIGHT), (255, 255, 255))
    picture.paste(Image.fromarray(strip), (left, 4))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((left, 4, width - right - 1, 11), outline=(148, 163, 184))
    lo, hi = z_range
    for fraction in (0.0, 0.5, 1.0):
        x = left + fraction * (width - left - right - 1)
        value = lo + fraction * (hi - lo)
        draw.text((x, 14), tick_label(float(f"{value:.2g}")), fill=(71, 85, 105), font=label_font(11),
                  anchor="lt" if fraction == 0 else "rt" if fraction == 1 else "mt")
    return np.asarray(picture)


def coverage_picture(steps, left: list[list[float]], left_range: tuple[float, float],
                     right: list[list[float]] | None = None, *, width: int = 460, height: int = 220) -> np.ndarray:
    """`coverage_figure` as a picture: the left series (counts or %) as solid lines on the left axis, the right
    series (0–100 %) dotted on a second axis numbered at the right edge, in the chart's colours and order."""
    from PIL import Image, ImageDraw

    colors = [REAL_COLOR, FAKE_COLOR, "#0891b2", "#f97316"]
    lo, hi = left_range
    series = [Series(ys, colors[i], xs=steps) for i, ys in enumerate(left)]
    series += [Series([lo + v / 100 * (hi - lo) for v in ys], colors[len(left) + i], xs=steps, dashed=True)
               for i, ys in enumerate(right or [])]  # 0–100 % mapped onto the left axis' range
    margin = 36 if right else 0
    pixels = line_chart_image(series, y_range=left_range, width=width - margin, height=height)
    if not right:
        return pixels
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    picture.paste(Image.fromarray(pixels), (0, 0))
    draw = ImageDraw.Draw(picture)
    plot_h = height - PLOT_TOP - PLOT_BOTTOM
    for percent in (0, 25, 50, 75, 100):
        y = PLOT_TOP + (1 - percent / 100) * plot_h
        draw.text((width - margin + 2, y), f"{percent}%", fill=(71, 85, 105), font=label_font(11), anchor="lm")
    return np.asarray(picture)


# ---------------- autoencoder ----------------
def code_scatter_picture(codes: np.ndarray, labels: np.ndarray, box: tuple[float, float, float, float] | None = None,
                         *, probe: tuple[float, float] | None = None, path: np.ndarray | None = None,
                         picked: tuple[float, float] | None = None) -> np.ndarray:
    """`code_scatter_figure` as a picture: each code a dot in its digit's colour (PALETTE[d]), each digit's name
    at its group's median, the interpolation path red with its stops, the picked digit ringed, the probe a cross.
    `box` (z1 lo, hi, z2 lo, hi) sets the axes; without it they hold every code with 5 % to spare."""
    from PIL import Image, ImageDraw

    codes = np.asarray(codes, dtype=float)
    if box is None:
        lo, hi = codes.min(axis=0), codes.max(axis=0)
        pad = np.maximum(hi - lo, 1e-3) * 0.05
        box = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    x_range, y_range, n = (box[0], box[1]), (box[2], box[3]), PLANE_PIXELS
    picture = Image.new("RGB", (n, n), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    at = plot_px(codes, x_range, y_range, n)
    for d in np.unique(labels):
        _dots(draw, at[labels == d], 2.5, rgb(PALETTE[int(d) % len(PALETTE)]))
    centres, names = group_centres(codes, labels)
    font = label_font(19)
    for (x, y), name in zip(plot_px(centres, x_range, y_range, n).tolist(), names):
        draw.text((x, y), name, fill=rgb(PROBE_COLOR), font=font, anchor="mm", stroke_width=2,
                  stroke_fill=(255, 255, 255))
    if path is not None:
        _dots(draw, plot_px(path, x_range, y_range, n), 3.0, rgb(PATH_COLOR))
    if picked is not None:
        _dots(draw, plot_px([picked], x_range, y_range, n), 9.0, None, outline=rgb(PROBE_COLOR))
    return plane_image(np.asarray(picture), x_range, y_range, size=PLANE_SIZE,
                       paths=[] if path is None else [(path, PATH_COLOR)],
                       crosses=[] if probe is None else [(probe[0], probe[1], PROBE_COLOR)])


def manifold_picture(images: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """`manifold_figure` as a picture: the decoded digits tiled where their codes are (dark ink on white, z₂ up),
    each tile pixel enlarged to whole screen pixels so the digits stay sharp."""
    from PIL import Image

    tiled = manifold_tiles(images)[::-1]  # the chart's rows grow upwards, a picture's downwards
    grey = (255 * (1 - np.clip(tiled, 0, 1))).round().astype(np.uint8)
    plot = np.asarray(Image.fromarray(grey).resize((PLANE_PIXELS, PLANE_PIXELS), Image.NEAREST))
    return plane_image(np.stack([plot] * 3, axis=-1), (box[0], box[1]), (box[2], box[3]), size=PLANE_SIZE)


def curves_picture(steps, series: list[list[float]], *, width: int = 460, height: int = 220) -> np.ndarray:
    """`curves_figure` as a picture: each series a line in PALETTE order, as the chart colours them."""
    return line_chart_image([Series(ys, PALETTE[i % len(PALETTE)], xs=steps) for i, ys in enumerate(series)],
                            width=width, height=height)
