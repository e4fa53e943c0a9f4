"""Room for a chart's axis labels, legend and color bar reserved up front, so Plotly draws it once per update.

Plotly.js grows a margin when tick labels, axis titles, a legend or a color bar would not fit ("automargin")
by drawing the whole chart a second time (`Plots.doAutoMargin` in plotly.js), and it does so on every update
whose pushes exceed the layout's own margins — not only when they change. Nearly every chart here had 10 px
margins and relied on that, so each slider move drew each chart twice: ~35 % of a chart's drawing time (measured
in Chromium, 31 → 20 ms per `Plotly.react` of a small line chart; `benchmarks/render_cost.py` for whole pages).
These margins are an estimate from the figure itself (characters × font size, the legend's entries): a little
too large costs a few pixels of white space, too small costs only the second drawing, as before — Plotly still
grows the margin, so nothing is ever cut off.
"""
from __future__ import annotations

import base64
import math
import unicodedata

import numpy as np

FONT_PX = 12  # Plotly's default font size (tick labels, legend)
TITLE_PX = 14  # axis titles
LEGEND_WIDTH_GUESS = 340  # px a legend row gets: most charts sit in half of the wide page (~440 px on a 1366 px laptop)
MAX_TICK_CHARS = 10  # a numeric tick label is never longer than this ("−0.00012")


def text_px(text: str, size: int = FONT_PX) -> float:
    """Width of `text` in pixels: wide (Chinese) characters are a full em, the rest ~0.58 em."""
    plain = _strip_tags(text) if "<" in str(text) else str(text)
    if plain.isascii():
        return len(plain) * 0.58 * size
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.58 * size for ch in plain)


def needed_margins(data: list, layout: dict) -> dict[str, int]:
    """The margins (l, r, t, b in px) a figure's labels need, from its traces and layout as plain dicts.
    An estimate only: on values it cannot size (±1e308, an open-ended range) it asks for nothing and Plotly
    grows the margins itself, as before — a chart of a diverged run must still draw."""
    try:
        need = {"l": _left_px(layout, data), "r": _right_px(layout, data), "t": _top_px(layout, data),
                "b": _bottom_px(layout, data)}
        return {side: int(math.ceil(px)) for side, px in need.items()}
    except (ArithmeticError, TypeError, ValueError):
        return {}


def reserve_margins(spec: dict) -> dict:
    """Raise the margins of a figure given as a dict (`fig.to_dict()`) to what its labels need; never lowers
    one the figure set, and leaves margins the figure fixed (`autoexpand=False`) alone. Returns `spec`."""
    layout = spec.setdefault("layout", {})
    margin = dict(layout.get("margin") or {})
    if margin.get("autoexpand") is False:
        return spec
    for side, px in needed_margins(spec.get("data") or [], layout).items():
        if px > (margin.get(side) or 0):
            margin[side] = px
    layout["margin"] = margin
    return spec


# ----- sides -----
def _label_widths(layout: dict, data: list, letter: str, far_side: str):
    """(axis, widths of its tick labels in px) for each x or y axis whose labels sit at the bottom / left."""
    for name, axis in _axes(layout, letter):
        if axis.get("side") != far_side and _shows_labels(axis):
            yield axis, [text_px(label, _tick_font(axis)) for label in _tick_labels(axis, _values(data, letter, name))]


def _left_px(layout: dict, data: list) -> float:
    widest = 0.0
    for axis, widths in _label_widths(layout, data, "y", "right"):
        widest = max(widest, max(widths, default=0.0) + 8 + _title_px(axis))
    return widest + 26 if widest else 0.0


def _bottom_px(layout: dict, data: list) -> float:
    axis_px = 0.0
    for axis, widths in _label_widths(layout, data, "x", "top"):
        angle = axis.get("tickangle")
        if isinstance(angle, (int, float)) and angle % 180:  # turned labels: their height is the longest one's
            turn = math.radians(angle)
            height = max(widths, default=0) * abs(math.sin(turn)) + FONT_PX * abs(math.cos(turn)) + 4
        elif widths and sum(widths) > LEGEND_WIDTH_GUESS:  # Plotly turns crowded category labels by 90°
            height = max(widths)
        else:
            height = FONT_PX * 1.4
        axis_px = max(axis_px, height + 8 + _title_px(axis))
    axis_px = axis_px + 16 if axis_px else 0.0
    if _colour_bars(layout, data, horizontal=True):  # a lying colour bar under the axis: bar, numbers, title
        axis_px += 64
    legend = layout.get("legend") or {}
    if not _legend_shown(layout, data) or legend.get("orientation") != "h" or (legend.get("y") or 1) >= 0:
        return axis_px
    # A legend hung at y < 0 (fraction of the plot height, below the axis): the margin must hold that drop plus
    # the legend, b ≥ h_legend + |y|·(H − t − b)  →  b ≥ (h_legend + |y|·(H − t)) / (1 + |y|)
    drop = -float(legend["y"])
    height = float(layout.get("height") or 450)
    top = float((layout.get("margin") or {}).get("t") or 0)
    return max(axis_px, (_legend_px(data) + drop * (height - top)) / (1 + drop) + 18)


def _top_px(layout: dict, data: list) -> float:
    legend = layout.get("legend") or {}
    above = legend.get("orientation") == "h" and (legend.get("y") if legend.get("y") is not None else 1.02) >= 1
    if not (above and _legend_shown(layout, data)):  # the top number beside the y axis overhangs by half a line
        numeric_y = any(_shows_labels(axis) and axis.get("ticktext") is None for _, axis in _axes(layout, "y"))
        return 22.0 if numeric_y and data else 0.0
    has_title = bool(_strip_tags((layout.get("title") or {}).get("text") or ""))
    return _legend_px(data) + (14 if has_title else 4)


def _colour_bars(layout: dict, data: list, horizontal: bool) -> list[dict]:
    """The traces/colour axes that show a colour bar, standing (at the right) or lying (under the plot)."""
    bars = [trace for trace in data if trace.get("type") in ("heatmap", "contour", "histogram2d")
            and trace.get("showscale") is not False and not trace.get("coloraxis")]  # a colour bar by default
    bars += [trace["marker"] for trace in data if (trace.get("marker") or {}).get("showscale")]
    bars += [ax for key, ax in layout.items() if key.startswith("coloraxis") and isinstance(ax, dict)
             and ax.get("showscale") is not False]
    return [bar for bar in bars if ((bar.get("colorbar") or {}).get("orientation") == "h") == horizontal]


def _right_px(layout: dict, data: list) -> float:
    bars = _colour_bars(layout, data, horizontal=False)
    if not bars:  # the last number under the x axis overhangs the plot's right edge by half its width
        numeric_x = any(_shows_labels(axis) and axis.get("side") != "top" and axis.get("ticktext") is None
                        for _, axis in _axes(layout, "x"))
        return 24.0 if numeric_x and data else 0.0
    widest_title = max(text_px(_title_text(bar.get("colorbar") or {})) for bar in bars)
    return 116 + min(widest_title, 40)


# ----- pieces -----
def _axes(layout: dict, letter: str):
    found = [(key, value) for key, value in layout.items()
             if isinstance(value, dict) and (key == f"{letter}axis" or (key.startswith(f"{letter}axis")
                                                                          and key[5:].isdigit()))]
    return found or [(f"{letter}axis", {})]


def _shows_labels(axis: dict) -> bool:
    return axis.get("visible") is not False and axis.get("showticklabels") is not False


def _tick_font(axis: dict) -> int:
    return int((axis.get("tickfont") or {}).get("size") or FONT_PX)


def _title_text(holder: dict) -> str:
    title = holder.get("title")
    return _strip_tags(title.get("text") or "") if isinstance(title, dict) else _strip_tags(title or "")


def _title_px(axis: dict) -> float:
    return TITLE_PX * 1.3 + 10 if _title_text(axis) else 0.0


def _values(data: list, letter: str, axis_name: str) -> list[np.ndarray]:
    """The values the traces on this axis put along it (x or y), one array per trace."""
    ref = letter + axis_name[5:]  # "yaxis2" → "y2"
    out = []
    for trace in data:
        if (trace.get(f"{letter}axis") or letter) != ref:
            continue
        values = _array(trace.get(letter))
        if values is None and trace.get("z") is not None:  # a heat map without labels: indices
            shape = _shape(trace["z"])
            values = np.arange(shape[1 if letter == "x" else 0]) if len(shape) == 2 else None
        if values is not None:
            out.append(values.ravel())
    return out


def _tick_labels(axis: dict, arrays: list[np.ndarray]) -> list[str]:
    if axis.get("ticktext") is not None:
        return [str(text) for text in axis["ticktext"]]
    arrays = [a for a in arrays if a.size]
    numeric = [n for n in (_as_numbers(a) for a in arrays) if n is not None]
    if len(numeric) < len(arrays) or axis.get("type") == "category":  # category labels, shown as they are
        return list(dict.fromkeys(str(v) for a in arrays for v in a[:200].tolist() if v is not None))
    finite = [a[np.isfinite(a)] for a in numeric]
    finite = [a for a in finite if a.size]
    span = axis.get("range")
    if axis.get("type") == "log":
        positive = [a[a > 0] for a in finite]
        positive = [a for a in positive if a.size]
        lo, hi = ((10 ** span[0], 10 ** span[1]) if span else
                  (min((a.min() for a in positive), default=1.0), max((a.max() for a in positive), default=1.0)))
        decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
        return [f"{10.0 ** d:g}" for d in decades]
    if not finite and not span:
        return []
    lo, hi = (span[0], span[1]) if span else (min(a.min() for a in finite), max(a.max() for a in finite))
    lo, hi = float(lo), float(hi)
    step = _nice_step((hi - lo) / 5) if hi > lo else max(abs(hi), 1.0)
    decimals = max(0, -math.floor(math.log10(step)))
    labels = [_si(round(v / step) * step, decimals) for v in (lo, hi, (lo + hi) / 2)]
    return [label[:MAX_TICK_CHARS] for label in labels]


def _array(values) -> np.ndarray | None:
    """A trace's values as an array: `to_dict` writes numeric arrays as base64 typed arrays (`bdata`)."""
    if values is None:
        return None
    if isinstance(values, dict) and "bdata" in values:
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values.get("dtype", "f8"))
        shape = values.get("shape")
        if isinstance(shape, str):
            shape = tuple(int(n) for n in shape.split(","))
        return flat.reshape(shape) if shape else flat
    return np.asarray(values, dtype=object if _ragged(values) else None)


def _shape(values) -> tuple:
    """The shape of a heat map's z without converting it (it can be a large nested list)."""
    if isinstance(values, dict) and "bdata" in values:
        return _array(values).shape
    if hasattr(values, "shape"):
        return tuple(values.shape)
    if isinstance(values, (list, tuple)) and values and isinstance(values[0], (list, tuple, np.ndarray)):
        return (len(values), len(values[0]))
    return (len(values),) if isinstance(values, (list, tuple)) else ()


def _ragged(values) -> bool:
    return isinstance(values, (list, tuple)) and any(isinstance(v, (list, tuple)) for v in values) and \
        len({len(v) if isinstance(v, (list, tuple)) else -1 for v in values}) > 1


def _as_numbers(values: np.ndarray) -> np.ndarray | None:
    """Floats (None as NaN, the gaps in a line), or None when the values are words."""
    if values.dtype.kind in "iufb":
        return values.astype(float)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return None


def _nice_step(rough: float) -> float:
    power = 10.0 ** math.floor(math.log10(rough))
    return next(k * power for k in (1, 2, 5, 10) if k * power >= rough)


def _si(value: float, decimals: int) -> str:
    """A tick label as Plotly writes it: SI suffix from 10⁴ on (k, M, G), a true minus sign."""
    sign = "−" if value < 0 else ""
    value = abs(value)
    for power, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= max(power, 1e4):
            return f"{sign}{value / power:.3g}{suffix}"
    return f"{sign}{value:.{decimals}f}"


def _legend_shown(layout: dict, data: list) -> bool:
    return layout.get("showlegend") is not False and bool(_legend_entries(data))


def _legend_entries(data: list) -> list[str]:
    seen, entries = set(), []
    for trace in data:
        if trace.get("showlegend") is False or not trace.get("name"):
            continue
        group = trace.get("legendgroup") or id(trace)
        if group in seen:
            continue
        seen.add(group)
        entries.append(trace["name"])
    return entries


def _legend_px(data: list) -> float:
    """Height of a horizontal legend. On one line when it fits the guessed width; otherwise Plotly lays the
    entries out in columns as wide as the widest entry (symbol + text + gap)."""
    widths = [text_px(name) + 46 for name in _legend_entries(data)]
    if sum(widths) <= LEGEND_WIDTH_GUESS:
        return 29.0
    columns = max(1, int(LEGEND_WIDTH_GUESS // max(widths)))
    return math.ceil(len(widths) / columns) * 19 + 10


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for ch in str(text):
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)
