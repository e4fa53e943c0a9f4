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
