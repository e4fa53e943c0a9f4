"""Figures of the GAN-variants page: points coloured by a code, round trips between two domains, bars per digit.

Builders take NumPy arrays and translated labels and return `go.Figure`s; every line collection is one trace
with NaN gaps, and the colours of a code are one colour per point in one trace, so a live refresh stays cheap.
Each figure is assembled from plain dicts by `lean_figure`, without plotly's per-property validation (that cost
more than the rest of a live refresh's drawing: ~15 ms for the coded points' 240 colours alone); the tests validate
every figure with plotly's full checks.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import PALETTE, lean_figure
from ui.figures.generative.gan import arrow_segments, circles

REAL_COLOR = "rgba(100, 116, 139, 0.35)"  # the data, in grey so the codes' colours stand out
DOMAIN_A, DOMAIN_B = "#2563eb", "#f97316"
THERE_COLOR, BACK_COLOR = "#9333ea", "#16a34a"
MODE_RING = dict(color="rgba(71, 85, 105, 0.6)", width=1, dash="dot")
TARGET_LINE = dict(color="#64748b", dash="dash", width=1)


def _square_axes(box: float, y_box: float | None = None) -> dict:
    """Equal scales on x and y over [-box, box] (y over [-y_box, y_box] when given), no grid."""
    y_box = box if y_box is None else y_box
    return dict(xaxis=dict(range=[-box, box], zeroline=False, showgrid=False, constrain="domain"),
                yaxis=dict(range=[-y_box, y_box], zeroline=False, showgrid=False, scaleanchor="x", scaleratio=1))


def _points(xy: np.ndarray, name: str | None, **style) -> dict:
    """A scatter trace of the rows of `xy`, without hover (these views are about shape, not single values)."""
    trace = dict(type="scatter", x=xy[:, 0], y=xy[:, 1], hoverinfo="skip", **style)
    if name is None:
        trace["showlegend"] = False
    else:
        trace["name"] = name
    return trace


def coded_points_figure(real: np.ndarray, samples: np.ndarray, codes: np.ndarray, *, title: str, real_name: str,
                        sample_name: str, modes: np.ndarray, mode_radius: float, box: float, revision: str,
                        height: int = 380) -> go.Figure:
    """Generated points coloured by the code value they were made with, over the real data and its modes.

    One trace for all samples (a colour per point): a trace per code value cost several times more per refresh."""
    colors = np.asarray(PALETTE)[np.asarray(codes) % len(PALETTE)]
    data = [_points(real, real_name, mode="markers", marker=dict(color=REAL_COLOR, size=4)),
            _points(circles(modes, mode_radius), None, mode="lines", line=MODE_RING),
            _points(samples, sample_name, mode="markers", marker=dict(color=colors, size=4, opacity=0.8))]
    return lean_figure(data, _square_axes(box), title=title, height=height, revision=revision)


def cycle_figure(domain_a: np.ndarray, domain_b: np.ndarray, starts: np.ndarray, there: np.ndarray,
                 back: np.ndarray, names: dict[str, str], *, box: float, revision: str,
                 height: int = 420) -> go.Figure:
    """Both domains, and for a few points a: an arrow a → G(a) and an arrow G(a) → F(G(a)) back."""
    there_xy, there_sizes = arrow_segments(starts, there)
    back_xy, back_sizes = arrow_segments(there, back)
    data = [
        _points(domain_a, names["a"], mode="markers", marker=dict(color=DOMAIN_A, size=4, opacity=0.35)),
        _points(domain_b, names["b"], mode="markers", marker=dict(color=DOMAIN_B, size=4, opacity=0.35)),
        _points(there_xy, names["there"], mode="lines+markers", line=dict(color=THERE_COLOR, width=1.2),
                marker=dict(symbol="arrow", angleref="previous", size=there_sizes, color=THERE_COLOR)),
        _points(back_xy, names["back"], mode="lines+markers", line=dict(color=BACK_COLOR, width=1.2, dash="dot"),
                marker=dict(symbol="arrow", angleref="previous", size=back_sizes, color=BACK_COLOR)),
        _points(starts, names["start"], mode="markers",
                marker=dict(color=DOMAIN_A, size=7, line=dict(color="white", width=1))),
    ]
    return lean_figure(data, _square_axes(box, 0.6 * box), height=height, revision=revision,
                       legend=dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0.0))


def per_class_figure(values: list[float], *, title: str, chosen: int | None = None, target: float | None = None,
                     height: int = 220) -> go.Figure:
    """A bar per digit 0–9 (percentages); the chosen digit highlighted, the target as a dashed line."""
    colors = [PALETTE[1] if i == chosen else PALETTE[0] for i in range(len(values))]
    bars = dict(type="bar", x=[str(i) for i in range(len(values))], y=100 * np.asarray(values, dtype=float),
                marker=dict(color=colors), hovertemplate="%{x}: %{y:.0f}%<extra></extra>")
    layout = dict(yaxis=dict(range=[0, 105], ticksuffix="%"), xaxis=dict(type="category"))
    if target is not None:  # what `add_hline` draws: a line across the plot's width at y = target
        layout["shapes"] = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=100 * target,
                                 y1=100 * target, line=TARGET_LINE)]
    return lean_figure([bars], layout, title=title, height=height, legend=False)


def variant_curves_figure(steps: np.ndarray, series: dict[str, np.ndarray], *, title: str, x_title: str,
                          legend: dict, height: int = 230) -> go.Figure:
    """Training curves over iterations, one line per named series; the legend placed by `legend` (under the plot
    in these narrow columns) and shown only when there is more than one line — set before the margins are
    reserved, so the browser draws the chart once."""
    data = [dict(type="scatter", x=np.asarray(steps), y=np.asarray(ys, dtype=float), name=name, mode="lines",
                 line=dict(color=PALETTE[i % len(PALETTE)], width=2)) for i, (name, ys) in enumerate(series.items())]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text="")))
    return lean_figure(data, layout, title=title, height=height, legend=legend if len(series) > 1 else False)


# ---- the same views as pictures, for the live panel (ui/figures/chart_pictures.py: a PNG costs the browser a few
# ms a refresh, a Plotly chart ~70 ms). Only points, lines and digits: the page writes titles and legends in text.
REAL_TINT, RING_COLOR = "#cbd5e1", (113, 128, 150)  # the data light grey; the mode rings darker (not the frame)


def tint(color: str, amount: float) -> str:
    """`color` mixed with white: `amount` of the colour (a pale version of a palette colour for a dense cloud)."""
    from ui.figures.chart_pictures import rgb

    return "#" + "".join(f"{round(255 - amount * (255 - c)):02x}" for c in rgb(color))


def _overlay(pixels: np.ndarray, extent: float, circles_at: np.ndarray, radius: float, *, fill=None,
             outline=None) -> np.ndarray:
    """Circles (centres in data units, `radius` in data units when `fill` is None, else in pixels) drawn over a
    `scatter_image` picture of the square [−extent, extent]²."""
    from PIL import Image, ImageDraw

    picture = Image.fromarray(pixels)
    draw = ImageDraw.Draw(picture)
    scale = pixels.shape[0] / (2 * extent)
    r = radius if fill is not None else radius * scale
    for x, y in np.asarray(circles_at, dtype=float).reshape(-1, 2):
        if np.isfinite(x) and np.isfinite(y):
            cx, cy = (x + extent) * scale, (extent - y) * scale
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline)
    return np.asarray(picture)


def coded_points_picture(real: np.ndarray, samples: np.ndarray, codes: np.ndarray, *, modes: np.ndarray,
                         mode_radius: float, box: float, size: int = 340, aspect: float = 1.6) -> np.ndarray:
    """`coded_points_figure` as a picture: real data pale grey, a ring round each mode, the samples in their code's
    colour. Square axes, centred on a white canvas `aspect` times as wide (the column's shape, as the chart)."""
    from ui.figures.chart_pictures import scatter_image

    codes = np.asarray(codes)
    groups = [(real, REAL_TINT)] + [(samples[codes == c], PALETTE[int(c) % len(PALETTE)]) for c in np.unique(codes)]
    square = _overlay(scatter_image(groups, box, size=size, radius=2.0), box, modes, mode_radius, outline=RING_COLOR)
    return _widened(square, aspect)


def _widened(square: np.ndarray, aspect: float) -> np.ndarray:
    side = round(square.shape[0] * (aspect - 1) / 2)
    pad = np.full((square.shape[0], side, 3), 255, dtype=np.uint8)
    return np.concatenate([pad, square, pad], axis=1)


def cycle_picture(domain_a: np.ndarray, domain_b: np.ndarray, starts: np.ndarray, there: np.ndarray,
                  back: np.ndarray, *, box: float, size: int = 520) -> np.ndarray:
    """`cycle_figure` as a picture: both domains pale, arrows a → G(a) violet and G(a) → F(G(a)) green (a dot at
    each head), the starting points a in full blue; y cropped to [−0.6 box, 0.6 box] as in the chart."""
    from ui.figures.chart_pictures import scatter_image

    square = scatter_image([(domain_a, tint(DOMAIN_A, 0.35)), (domain_b, tint(DOMAIN_B, 0.35))], box, size=size,
                           radius=2.0, arrows=[(starts, there, THERE_COLOR), (there, back, BACK_COLOR)])
    square = _overlay(square, box, starts, 3.5, fill=DOMAIN_A, outline="white")
    margin = round(size * 0.2)
    return square[margin:size - margin]


def per_class_picture(values: list[float], *, chosen: int | None = None, target: float | None = None) -> np.ndarray:
    """`per_class_figure` as a picture: bars in %, the chosen digit orange, the target dashed."""
    from ui.figures.chart_pictures import bar_chart_image

    colors = [PALETTE[1] if i == chosen else PALETTE[0] for i in range(len(values))]
    return bar_chart_image(100 * np.asarray(values, dtype=float), colors, y_max=100.0, width=420, height=200,
                           hlines=[] if target is None else [(100 * target, TARGET_LINE["color"])])


def variant_curves_picture(steps: np.ndarray, series: list[np.ndarray], *, width: int = 420,
                           height: int = 200) -> np.ndarray:
    """`variant_curves_figure` as a picture: the same lines in the same colours (PALETTE in order), drawn about as
    wide as the page's narrow columns show it, so its digits stay legible."""
    from ui.figures.chart_pictures import Series, line_chart_image

    return line_chart_image([Series(ys, PALETTE[i % len(PALETTE)], xs=steps) for i, ys in enumerate(series)],
                            width=width, height=height)
