"""A live panel that draws itself (#24): while a session trains alone in the worker process, its page fetches
the newest pictures and numbers from the server several times a second, instead of rerunning the panel.

Why: Streamlit's front end re-renders the whole page for each message of a fragment rerun (~140 ms of the
browser's CPU per refresh on the Playground, docs/DEVELOPING.md). Here a small component in the page asks
`/_nnpg/live/<token>` for the next frame and swaps pictures and numbers in place: a few milliseconds each.

- The route exists only when the app is served through `asgi.py` (`st.App`, as `make run` does); under a plain
  `streamlit run app.py` `available()` is False and live panels refresh by fragment reruns as before.
- A frame is made of the blocks below; every text in it is the app's own (translations, formatted numbers) and
  the component sets it as text, never as HTML. Pictures are PNG `data:` URLs made by the server.
- The token is a fresh random one per run in a live panel, known only to that page; a feed nobody fetched for
  FORGET_S is dropped (its tab closed).
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROUTE = "/{base:path}_nnpg/live/{token}"  # relative to the page: a base URL path (server.baseUrlPath) works too
FORGET_S = 30.0
# The component asks again this long after its last request began, at the earliest. Chosen by
# benchmarks/browser_speed.py, alternating with 100 ms (docs/MEASUREMENTS.md): about the same refresh rates (the
# worker's snapshots set the pace), and the GAN at 80–82 % of its trainer alone in both runs, against 64–86 % at 100.
EVERY_MS = 150
_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "live_feed"

_feeds: dict[str, "_Feed"] = {}
_lock = threading.Lock()
_mounted = False


@dataclass
class _Feed:
    poll: Callable[[], dict]  # -> {"state": "live"|"same"|"wait"|"ended", ...}: called in a server thread
    fetched: float
    # one request at a time per feed: a page asking many at once (a script of a visitor's own) holds one server
    # thread, not the pool that serves everyone's files
    busy: threading.Lock = field(default_factory=threading.Lock)


# ---- frame blocks (what the component draws) ----
# The Markdown colour names the catalogs and legends use, as .streamlit/config.toml sets them
COLORS = {"blue": "#2563eb", "orange": "#f97316", "green": "#16a34a", "red": "#dc2626", "violet": "#9333ea",
          "gray": "#6b7280"}
_RICH = re.compile(r":(\w+)\[([^\]]*)\]|\*\*(.+?)\*\*")


def rich(text: str) -> list[list[list]]:
    """The app's own caption Markdown as lines of runs [text, hex colour or "", bold]: `:color[text]`, `**bold**`
    and line breaks; anything else stays as it is written."""
    lines = []
    for line in re.split(r" {2}\n|\n", text):
        runs, at = [], 0
        for match in _RICH.finditer(line):
            if match.start() > at:
                runs.append([line[at:match.start()], "", False])
            if match.group(3) is not None:
                runs.append([match.group(3), "", True])
            else:
                runs.append([match.group(2), COLORS.get(match.group(1), ""), False])
            at = match.end()
        if at < len(line):
            runs.append([line[at:], "", False])
        lines.append(runs)
    return lines


def metrics(*pairs: tuple[str, str]) -> dict:
    """A row of numbers with their labels."""
    return {"k": "metrics", "items": [[label, value] for label, value in pairs]}


def picture(src: str, *, title: str = "", legend: list[tuple[str, str, str]] = (), caption: str = "",
            stretch: bool = False) -> dict:
    """A PNG `data:` URL (at its own size, or the column's width when `stretch`) with an optional bold title
    above, and a legend (mark, label, hex colour) and a caption (`rich`) below."""
    if not src.startswith("data:image/png;base64,"):
        raise ValueError("live pictures are PNG data URLs")
    return {"k": "picture", "src": src, "title": title, "legend": [list(e) for e in legend], "caption": rich(caption),
            "stretch": stretch}


def text(markdown: str) -> dict:
    """A paragraph (`rich`)."""
    return {"k": "text", "lines": rich(markdown)}


def literal(text: str) -> dict:
    """Text shown exactly as it is, in a monospace box (Streamlit's `st.code`): model output, visitor text."""
    return {"k": "literal", "text": str(text)}


def note(markdown: str) -> dict:
    """Small grey lines (Streamlit's caption; `rich`)."""
    return {"k": "note", "lines": rich(markdown)}


def table(rows: list[dict]) -> dict:
    """A small table: its columns are the first row's keys (Streamlit's dataframe, without the tools)."""
    columns = list(rows[0]) if rows else []
    return {"k": "table", "columns": columns, "rows": [[str(row[c]) for c in columns] for row in rows]}


def columns(weights: list[float], *cols: list[dict]) -> dict:
    return {"k": "columns", "weights": list(weights), "cols": [list(c) for c in cols]}


def progress(fraction: float, text: str) -> dict:
    return {"k": "progress", "value": max(0.0, min(1.0, fraction)), "text": text}


# ---- the registry and the route ----
def available() -> bool:
    """Whether this server answers the component's requests (the app was started through asgi.py)."""
    return _mounted


def open_feed(poll: Callable[[], dict]) -> str:
    """Register `poll` under a new random token and return the token."""
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        _forget_stale(now)
        _feeds[token] = _Feed(poll, now)
    return token


def is_open(token: str | None) -> bool:
    with _lock:
        return token in _feeds


def close_feed(token: str | None) -> None:
    if token is not None:
        with _lock:
            _feeds.pop(token, None)


def feed_count() -> int:
    with _lock:
        return len(_feeds)


def _forget_stale(now: float) -> None:
    for token, feed in list(_feeds.items()):
        if now - feed.fetched > FORGET_S:
            del _feeds[token]


def answer(token: str) -> tuple[int, bytes]:
    """The HTTP status and JSON body for a request of `token`'s next frame (blocking: may wait for the worker)."""
    now = time.monotonic()
    with _lock:
        _forget_stale(now)
        feed = _feeds.get(token)
        if feed is not None:
            feed.fetched = now
    if feed is None:  # closed by the page's own run (or never opened): the panel stops asking
        return 200, b'{"state": "gone"}'
    if not feed.busy.acquire(blocking=False):
        return 200, b'{"state": "same"}'
    try:
        frame = feed.poll()
    except Exception:  # noqa: BLE001  (the page's own timer takes over: it sees the run as it is)
        frame = {"state": "wait"}
    finally:
        feed.busy.release()
    if frame.get("state") == "ended":
        close_feed(token)
    return 200, json.dumps(frame, separators=(",", ":")).encode()


def route() -> Any:
    """The Starlette route for asgi.py; mounting it makes `available()` True."""
    global _mounted
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request):
        status, body = await run_in_threadpool(answer, request.path_params["token"])
        return Response(body, status_code=status, media_type="application/json",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    _mounted = True
    return Route(ROUTE, endpoint, methods=["GET"])


# ---- the component ----
_component = None


def show(token: str, first: dict, *, key: str, on_end: Callable[[], None]) -> None:
    """Mount the live panel for `token`, drawing `first` (a frame) at once."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component(
            "nnpg_live_panel", html='<div class="nnpg-live"></div>',
            css=(_ASSETS / "live.css").read_text(), js=(_ASSETS / "live.js").read_text(), isolate_styles=False)
    _component(key=key, data={"token": token, "frame": first, "every_ms": EVERY_MS}, on_ended_change=on_end)
