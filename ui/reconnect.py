"""A page that came back into a new server session: say once that the live model is gone, the settings are not.

When a tab loses its server session — the server (or its replica) restarted, or the tab was away longer than
`server.disconnectedSessionTTL` — Streamlit's front end reconnects into a new, empty session and sends the values
its widgets still show with the next run. A first run that arrives with widget values is therefore a reconnect,
never a page opened fresh (a fresh page has no widgets yet). The settings come back from the page's link (they
are in the URL); a model trained live lived only in the old session's memory and is lost, so the page says so
and points to the model file a student may have downloaded.
"""
from __future__ import annotations

import streamlit as st

from ui.compat.streamlit_internals import browser_sent_widget_values
from ui.i18n import t

SEEN = "_nnpg.seen"
LOST = "_nnpg.session_lost"


def note_new_session() -> None:
    """Call first in every run: on a session's first run, remember whether it is a reconnect."""
    if SEEN in st.session_state:
        return
    st.session_state[SEEN] = True
    if browser_sent_widget_values():
        st.session_state[LOST] = True


def lost_session_notice() -> None:
    """Once, after a reconnect into a new session: settings restored, live model lost, how to continue."""
    if st.session_state.pop(LOST, False):
        st.info(t("app.session_lost"), icon=":material/cloud_sync:")
