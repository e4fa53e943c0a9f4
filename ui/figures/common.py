"""Shared figure style and the chart call every page uses."""
from __future__ import annotations

import functools
from typing import Sequence

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui.compat.plotly_internals import layout_dict, mark_room_reserved, room_reserved, trace_dicts, unvalidated_figure
from ui.i18n import t

PALETTE = ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
           "#4b5563", "#65a30d"]
DIVERGING = [[0.0, "#f97316"], [0.5, "#f8fafc"], [1.0, "#2563eb"]]  # negative orange, positive blue (as TF Playground)
# The app's template, set once for the process: plotly_white's layout only. Its other half (defaults for ~40 trace
# types we never draw or style) made every figure bigger to copy and send; naming a template per figure
# deep-copied it, 30-90 ms each.
pio.templates["nnpg"] = go.layout.Template(layout=pio.templates["plotly_white"].layout)
pio.templates.default = "nnpg"
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def base_layout(*, title: str | None = None, height: int = 320, revision: str | None = None,
                legend: bool | dict = True) -> dict:
    """The app's look as layout properties: compact margins, small left title, and a `uirevision` so zoom
    survives live updates. `legend`: False hides it, True puts it above the plot (on the right under a title, on the
    left without one, where the chart's toolbar would cover it), a dict places it."""
    return dict(height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                title=dict(text=title, x=0.01, font=dict(size=14)) if title else None, showlegend=bool(legend),
                legend=legend if isinstance(legend, dict) else dict(orientation="h", yanchor="bottom", y=1.0,
                                                                    xanchor="right" if title else "left",
                                                                    x=1.0 if title else 0.0),
                uirevision=revision or title or "fixed")


def styled(fig: go.Figure, *, title: str | None = None, height: int = 320, revision: str | None = None,
           legend: bool | dict = True) -> go.Figure:
    """Give a figure the app's look (attributes set one by one: far cheaper than `update_layout`)."""
    for name, value in base_layout(title=title, height=height, revision=revision, legend=legend).items():
        setattr(fig.layout, name, value)
    return fig


CURVE_POINTS = 600  # at most this many points per curve go to the browser


def thinned_index(n: int, limit: int = CURVE_POINTS):
    """Indices of every k-th of n points, the last one always kept, at most about `limit` of them."""
    import numpy as np

    if n <= limit:
        return np.arange(n)
    idx = np.arange(0, n, -(-n // limit))
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


@functools.lru_cache(maxsize=256)
def _lean_base_layout(title: str | None, height: int, revision: str, legend: bool | tuple) -> dict:
    """`styled`'s layout as a plain dict, with the app's template, built once per setting."""
    place = dict(legend) if isinstance(legend, tuple) else legend
    return styled(go.Figure(), title=title, height=height, revision=revision, legend=place).to_dict()["layout"]


def _merged(base, extra):
    """extra laid over base, recursively, without changing either."""
    if not (isinstance(base, dict) and isinstance(extra, dict)):
        return extra
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(base.get(key), value)
    return out


def lean_figure(data: list[dict], layout: dict | None = None, *, title: str | None = None, height: int = 320,
                revision: str | None = None, legend: bool | dict = True) -> go.Figure:
    """A figure from plain trace and layout dicts, in the app's look, with its margins reserved — and without
    plotly's per-property validation. Building trace by trace validates and copies every value: 15-60 ms a
    figure, which a live panel pays on every refresh; this costs a few (tests validate each lean figure with
    plotly's full checks, `go.Figure(fig.to_dict())`)."""
    from ui.figures.margins import reserve_margins

    base = _lean_base_layout(title, height, revision or title or "fixed",
                             tuple(sorted(legend.items())) if isinstance(legend, dict) else legend)
    spec = reserve_margins({"data": data, "layout": _merged(base, layout or {})})
    return mark_room_reserved(unvalidated_figure(spec))  # `with_room` has nothing left to do


def curves_figure(x: Sequence[float], series: dict[str, Sequence[float]], *, title: str | None = None,
                  x_title: str = "", y_title: str = "", log_y: bool = False, height: int = 260) -> go.Figure:
    """Training curves: one line per named series over a shared x (steps, epochs)."""
    import numpy as np

    xs = np.asarray(x)
    data = [dict(type="scatter", x=xs, y=np.asarray(ys, dtype=float), name=name, mode="lines",
                 line=dict(color=PALETTE[i % len(PALETTE)], width=2)) for i, (name, ys) in enumerate(series.items())]
    layout = dict(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title),
                                                                   type="log" if log_y else "linear"))
    return lean_figure(data, layout, title=title, height=height)


def matrix_figure(values, *, row_labels=None, col_labels=None, title: str | None = None, text: bool = True,
                  colorscale=None, zmid: float | None = None, height: int = 260, fmt: str = ".2f",
                  trace: dict | None = None, layout: dict | None = None) -> go.Figure:
    """A small matrix as a heat map with its numbers written in (attention, kernels, gates, confusion).
    `trace` and `layout` add (or override) properties of the heat map and of the layout."""
    import numpy as np

    from plotly.colors import get_colorscale

    arr = np.asarray(values, dtype=float)
    scale = colorscale or "Blues"  # a name becomes its colour list here: plotly.js knows fewer names than plotly.py
    heatmap = dict(type="heatmap", z=arr, colorscale=get_colorscale(scale) if isinstance(scale, str) else scale,
                   showscale=False,
                   hovertemplate="%{y}, %{x}: %{z:.4f}<extra></extra>")
    for name, value in (("x", col_labels), ("y", row_labels), ("zmid", zmid)):
        if value is not None:
            heatmap[name] = list(value) if name != "zmid" else value
    if text:
        heatmap.update(text=[[format(v, fmt) for v in row] for row in arr.tolist()], texttemplate="%{text}")
    heatmap.update(trace or {})
    return lean_figure([heatmap], _merged(dict(yaxis=dict(autorange="reversed")), layout or {}), title=title,
                       height=height, legend=False)


def figure_csv(fig: go.Figure) -> str:
    """The numbers behind a figure as CSV: one row per point (x, y) or per heat-map cell (row, column, value).

    Columns are named as the chart names them (axis titles, the colour bar's title); a heat map's category ticks
    (tokens, q1 / k1) stand in for its positions; a trace without a name takes its colour bar's or the chart's title.
    """
    import csv
    import io
    import re

    import numpy as np

    plain = lambda text: re.sub(r"<[^>]+>", "", str(text)) if text is not None else ""  # noqa: E731
    traces = [tr for tr in fig.data if any(getattr(tr, a, None) is not None for a in ("x", "y", "z"))]
    if not traces:
        return ""

    def axis(trace, letter):
        ref = getattr(trace, f"{letter}axis", None) or letter
        return fig.layout[f"{letter}axis{ref[1:]}"]

    def ticks(trace, letter):
        ax = axis(trace, letter)
        if ax.ticktext is not None and ax.tickvals is not None:
            return {value: plain(text) for value, text in zip(ax.tickvals, ax.ticktext)}
        return {}

    def colour_title(trace):
        bar = getattr(trace, "colorbar", None)
        return plain(bar.title.text) if bar is not None and bar.title.text else ""

    first = traces[0]
    has_z = any(getattr(tr, "z", None) is not None for tr in traces)
    header = [t("common.csv_series"), plain(axis(first, "x").title.text) or "x", plain(axis(first, "y").title.text) or "y"]
    if has_z:
        header.append(next((colour_title(tr) for tr in traces if colour_title(tr)), "") or t("common.csv_value"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    chart_title = plain(fig.layout.title.text) if fig.layout.title.text else ""
    for i, trace in enumerate(traces):
        name = plain(getattr(trace, "name", None) or colour_title(trace) or chart_title) or f"{header[0]} {i + 1}"
        x_ticks, y_ticks = ticks(trace, "x"), ticks(trace, "y")
        z = getattr(trace, "z", None)
        if z is not None:
            z = np.asarray(z, dtype=float)
            xs = trace.x if trace.x is not None else range(z.shape[1])
            ys = trace.y if trace.y is not None else range(z.shape[0])
            for r, y in enumerate(ys):
                for c, x in enumerate(xs):
                    writer.writerow([name, x_ticks.get(x, x), y_ticks.get(y, y),
                                     "" if np.isnan(z[r, c]) else f"{z[r, c]:.6g}"])
            continue
        xs, ys = getattr(trace, "x", None), getattr(trace, "y", None)
        xs = list(xs) if xs is not None else list(range(len(ys)))
        ys = list(ys) if ys is not None else [""] * len(xs)
        for x, y in zip(xs, ys):
            writer.writerow([name, x_ticks.get(x, x), y_ticks.get(y, y), *([""] if has_z else [])])
    return out.getvalue()


def png_data_uri(pixels) -> str:
    """A uint8 image array as an inline PNG `data:` URL for st.image.

    Inline, not a media file: a live panel replaces its images several times a second, and a media file can
    be deleted before the browser has fetched it (a broken-image flicker). zlib's fastest level: the live
    Playground's pictures encode in 2.8 instead of 22 ms (boundary, 360×360) for 23 instead of 15 KB — encoding
    was 18 % of the server's CPU samples in the classroom load test, and these pictures are small anyway.
    """
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=False, compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def with_room(fig: go.Figure) -> go.Figure:
    """`fig` with its margins raised to what its labels, legend and color bar need (see `ui/figures/margins.py`),
    so the browser draws it once per update instead of twice. Idempotent: a memoized figure shown again already
    has the room and is not written to."""
    from ui.figures.margins import needed_margins

    if room_reserved(fig):
        return fig
    # Read in place: `to_dict` would copy every array and plotly's attribute reads cost ~0.15 ms each, a chart
    # on every run; written through the figure (validated), in one update.
    layout = layout_dict(fig)
    current = layout.get("margin") or {}
    if current.get("autoexpand") is False:  # fixed on purpose
        return fig
    raise_to = {side: px for side, px in needed_margins(trace_dicts(fig), layout).items()
                if (current.get(side) or 0) < px}
    if raise_to:
        fig.layout.margin.update(raise_to)
    return fig


def show(fig: go.Figure, key: str, where=None, *, csv: bool = True) -> None:
    """Draw a figure with a stable key (no duplicate-id errors, state kept across live refreshes).

    The chart's toolbar saves it as PNG; `csv` adds a small button that downloads the numbers behind it.
    """
    container = where or st
    container.plotly_chart(with_room(fig), key=key, config=CHART_CONFIG)
    if csv:
        container.download_button(t("common.csv"), data=lambda: figure_csv(fig), file_name=f"{key}.csv",
                                  mime="text/csv", key=f"{key}.csv", type="tertiary", on_click="ignore",
                                  icon=":material/download:")
