"""Plotly internals the app relies on, in one place: reading a figure's layout and traces without copying.

`fig.to_dict()` deep-copies every array, and each validated attribute read costs ~0.15 ms; the margin estimate
(ui/figures/margins.py) runs on every chart of every rerun, so it reads the figure's own dicts. They are private
(`_layout`, `_data`); tests/unit/test_compat.py checks they still hold what `to_dict()` returns.
"""
from __future__ import annotations

import plotly.graph_objects as go


def layout_dict(fig: go.Figure) -> dict:
    """The figure's layout as plain dicts and lists (read only: never write through it)."""
    return fig._layout


def trace_dicts(fig: go.Figure) -> list[dict]:
    """The figure's traces as plain dicts (read only)."""
    return fig._data


def unvalidated_figure(spec: dict) -> go.Figure:
    """A figure from plain {"data": [...], "layout": {...}} dicts without plotly's per-property validation
    (`_validate=False`, a constructor keyword plotly keeps for itself): the caller's tests validate instead."""
    return go.Figure(spec, _validate=False)


def mark_room_reserved(fig: go.Figure) -> go.Figure:
    """Note on the figure that its margins were reserved (an attribute of ours, which plotly lets a name with a
    leading underscore carry); `room_reserved` reads it."""
    fig._nnpg_room_reserved = True
    return fig


def room_reserved(fig: go.Figure) -> bool:
    return getattr(fig, "_nnpg_room_reserved", False)
