"""Streamlit internals the app relies on, in one place (Streamlit is pinned to the tested version for them).

tests/unit/test_compat.py checks that each still exists with the shape used here: an upgrade that changes one
fails there, loudly, instead of silently changing the app's behaviour.
"""
from __future__ import annotations


def leave_legacy_multipage_mode() -> bool:
    """Switch off Streamlit's legacy `pages/`-folder mode for this server process; True if it was on.

    Streamlit decides per server process whether a `pages/` folder beside the main script means its legacy
    multipage mode; until some session has run `st.navigation`, a first visit to /<page> runs pages/<page>.py
    alone, without app.py. The caller reruns after switching it off, so the visit routes through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


def expire_closed_sessions() -> None:
    """Make Streamlit drop the sessions of tabs closed longer than `server.disconnectedSessionTTL` ago.

    Its session manager keeps closed sessions in a TTL cache that only evicts when written to or when its length
    is asked; listing the sessions asks the length. Does nothing when no runtime runs (tests, notebooks).
    """
    from streamlit import runtime

    if runtime.exists():
        runtime.get_instance()._session_mgr.list_sessions()


def browser_sent_widget_values() -> bool:
    """Whether this run arrived with widget values from the browser (a reconnect into a new session: a page opened
    fresh has no widgets yet). Reads the run's pending widget states; on any change there it says False, and the
    reconnect notice (ui/reconnect.py) is simply not shown."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return bool(get_script_run_ctx().session_state._state._new_widget_state.states)
    except Exception:  # noqa: BLE001  (a missing notice must never break a page)
        return False


def fragment_rerun() -> bool:
    """Whether this script run reruns fragments alone (a live panel's timer), not the whole page: Streamlit lists
    the fragments of such a run in its context's `fragment_ids_this_run`. False outside a script run (tests)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def set_fragment_interval(seconds: float) -> bool:
    """Change the `run_every` timer of the fragment running now, from inside it: the browser's timer for a fragment
    is set by an AutoRerun message, which Streamlit sends only when a full run declares the fragment; sent again
    with the same fragment id, the browser replaces its timer. True if sent (False outside a fragment run)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    ctx = get_script_run_ctx(suppress_warning=True)
    fragment_id = ThreadState.get().fragment_id if ctx is not None else None
    if not fragment_id:
        return False
    msg = ForwardMsg()
    msg.auto_rerun.interval = seconds
    msg.auto_rerun.fragment_id = fragment_id
    ctx.enqueue(msg)
    return True


def stop_fragment_timer() -> bool:
    """Stop the `run_every` timer of the fragment running now (a StopAutoRerun message, as Streamlit sends when a
    fragment's timer ends), so its ticks cannot cut short the full run this fragment asks for next. True if sent."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    ctx = get_script_run_ctx(suppress_warning=True)
    fragment_id = ThreadState.get().fragment_id if ctx is not None else None
    if not fragment_id:
        return False
    msg = ForwardMsg()
    msg.stop_auto_rerun.fragment_ids.append(fragment_id)
    ctx.enqueue(msg)
    return True
