"""Figure builders behind a bounded, shared cache, for pages whose controls each change only some charts.

Building a Plotly figure costs several milliseconds, most of it validation and copying the template, while
serialising it is cheap. With builders memoized on their inputs, a control change rebuilds only the figures
whose inputs changed (a paused live chart is not rebuilt at all). The cached figures are never mutated:
`st.plotly_chart` only reads them.
"""
from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go
import streamlit as st


def memoized(builder: Callable[..., go.Figure], max_entries: int = 64) -> Callable[..., go.Figure]:
    """`builder` with its results cached by arguments (create once, at import: the wrapper inspects its source)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False)(builder)
