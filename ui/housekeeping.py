"""Process-wide memory housekeeping for a hosted server: cheap garbage collection, memory back after sessions.

Why: Streamlit's default `runner.postScriptGC` runs a full `gc.collect()` after every script run, fragment
ticks included. With torch, plotly and pandas loaded the server holds ~290,000 long-lived objects and each
full collection walked all of them: ~110–140 ms of CPU per slider move and per live-chart refresh, more than the
scripts themselves (measured with py-spy; `benchmarks/gc_cost.py`). So `.streamlit/config.toml` turns that
off, and this module instead
- imports the app's own modules once, then `gc.freeze()`s everything alive at startup (modules, classes,
  functions live forever anyway), so later collections only walk what sessions created (the first visitor's
  session objects of that moment are frozen too: a one-time cost, never collected);
- collects on a background thread every `COLLECT_EVERY_S` (cycles of finished runs don't pile up), and when a
  session has ended, also hands freed heap pages back to the OS (`malloc_trim`, glibc) so the server's memory
  returns to where it started after a class leaves.
Docs: https://docs.python.org/3/library/gc.html#gc.freeze, `man 3 malloc_trim`.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib
import pkgutil
import threading
import time
import weakref

from ui.compat.streamlit_internals import expire_closed_sessions

COLLECT_EVERY_S = 10.0
_started = False
_start_lock = threading.Lock()
_sessions: weakref.WeakSet = weakref.WeakSet()  # one token per live session (kept in its session_state)


class SessionToken:
    """Lives in one session's state; when Streamlit drops the session, the token goes with it."""


def import_app_modules() -> None:
    """Import every module of core/ and ui/ now, so the startup freeze covers them."""
    for package in ("core", "ui"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            importlib.import_module(info.name)


def live_sessions() -> int:
    return len(_sessions)


def new_session_token() -> SessionToken:
    token = SessionToken()
    _sessions.add(token)
    return token


def _trim_heap() -> bool:
    """Return freed heap pages to the OS (glibc only; elsewhere a no-op)."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        return bool(ctypes.CDLL(name).malloc_trim(0))
    except (OSError, AttributeError):
        return False


def reap_closed_sessions() -> None:
    """Really drop the sessions of tabs closed longer than `server.disconnectedSessionTTL` ago.

    Streamlit keeps a closed tab's session in a TTL cache for reconnects, and that cache only removes expired
    entries when something writes to it or asks its length: on a quiet server, closed sessions (and their
    models) stayed in memory indefinitely (measured: 10 sessions opened and closed, 7 still held 2 minutes
    later). Listing the sessions asks the length. This reaches into Streamlit's runtime, so any failure is
    ignored: the worst case is the old behaviour.
    """
    try:
        expire_closed_sessions()
    except Exception:  # noqa: BLE001  (housekeeping must never break the app)
        pass


def tidy(seen: int, trim=None) -> int:
    """One round: drop expired closed sessions, collect garbage; if fewer sessions live than `seen` (the last
    round's count), also give freed memory back to the OS. Returns the count now. (A dropped session's token
    may sit in a reference cycle with its state: the collection is what frees it, so count after it.)"""
    reap_closed_sessions()
    gc.collect()
    now = live_sessions()
    if now < seen:
        (trim or _trim_heap)()
    return now


def _housekeeper() -> None:
    seen = live_sessions()
    while True:
        time.sleep(COLLECT_EVERY_S)
        seen = tidy(seen)


def start() -> None:
    """Once per server process: import, freeze the startup objects, start the housekeeper thread."""
    global _started
    with _start_lock:
        if _started:
            return
        import_app_modules()
        gc.collect()
        gc.freeze()
        threading.Thread(target=_housekeeper, name="nnpg-housekeeper", daemon=True).start()
        _started = True
