"""The sidebar's "share this page" box: the page's link with its current settings, ready to copy."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.i18n import t


def current_link() -> str:
    """The URL that reopens this page exactly as it is now (settings, seed and language)."""
    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


def share_box() -> None:
    st.markdown(t("share.heading"))
    st.code(current_link() or "/", language=None, wrap_lines=True)
    st.caption(t("share.help"))
