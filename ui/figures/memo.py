"""Figure builders behind a bounded, shared cache, for pages whose controls each change only some charts.

Building a Plotly figure costs several milliseconds, most of it validation and copying the template, while
serialising it is cheap. With builders memoized on their inputs, a control change rebuilds only the figures
whose inputs changed (a paused live chart is not rebuilt at all). The cached figures are never mutated:
their room for labels is reserved before they enter the cache (`with_room`), and `st.plotly_chart` only reads them.
"""
from __future__ import annotations

import functools
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from ui.figures.common import with_room


def memoized(builder: Callable[..., go.Figure], max_entries: int = 64) -> Callable[..., go.Figure]:
    """`builder` with its results cached by arguments (create once, at import: the wrapper inspects its source)."""
    @functools.wraps(builder)  # the cache tells builders apart by name and source: the builder's own
    def build_with_room(*args, **kwargs) -> go.Figure:
        return with_room(builder(*args, **kwargs))

    return st.cache_resource(max_entries=max_entries, show_spinner=False)(build_with_room)
