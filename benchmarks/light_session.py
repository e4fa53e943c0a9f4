"""A Streamlit session without a browser: the app's own websocket protocol, spoken from Python.

The load test uses these for the part of a class that a 2-core machine cannot also render: each one is a
real session on the server (its own script runs, widgets, models, fragment timers), driven the way the
browser's front end drives it — a rerun message with the widget states, and for live training the fragment
reruns the server asks for (`auto_rerun`). What it does not do is draw, so its latency is the server's: from
sending the change to the server's "script finished".
Like the browser it keeps cookies (a balancer's affinity cookie: `replica`), sends the page's current link with every
run (the server updates it as controls change), and after losing its server (`lost` is set: a replica died) can
`reconnect`: through the balancer to another replica, rerunning with the widget values and link it showed.
Protocol: streamlit/proto (BackMsg, ClientState, WidgetStates, ForwardMsg) as the installed Streamlit defines it.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from http.cookies import SimpleCookie

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

# A full run is over (a run cut short by a rerun is followed by that rerun; fragment runs are not full runs).
FULL_RUN_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


class LightSession:
    """One session: open a page, move a slider, press a button, follow fragment timers."""

    def __init__(self, port: int, page: str, query: str = "") -> None:
        self.http = f"http://127.0.0.1:{port}"
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.page = page
        self.query = query  # the page's link (query string): sent with every run, updated by the server
        self.cookies: dict[str, str] = {}
        self.notices: list[str] = []  # info boxes shown (e.g. the reconnect notice)
        self.lost = asyncio.Event()  # the connection to the server broke
        self.sliders: dict[str, object] = {}  # label → Slider proto of the last run
        self.buttons: dict[str, str] = {}  # label → widget id
        self.progress = ""  # text of the last progress bar drawn
        self.progress_updates = 0
        self.exceptions: list[str] = []
        self._states: dict[str, WidgetState] = {}  # values this session changed (sent with every run)
        self._shown: dict[str, WidgetState] = {}  # numeric sliders' values as the server set them (see reconnect)
        self._finished = asyncio.Event()
        self._timers: dict[str, asyncio.Task] = {}
        self._registered: set[str] = set()  # fragment timers the current run asked for
        self.last_run: tuple[float, float] | None = None  # the last rerun: change sent, "script finished" received
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._feed: asyncio.Task | None = None  # following a live panel's frames (ui/live_feed.py)
        self._feed_token: str | None = None

    @property
    def replica(self) -> str | None:
        """The replica a balancer pinned this session to (its affinity cookie), if any."""
        return self.cookies.get("nnpg_replica")

    async def open(self, timeout: float = 120) -> None:
        await asyncio.to_thread(self._get, f"/{self.page}?{self.query}")  # the page itself, as a browser loads it
        await self._connect(timeout)
        await self.rerun(timeout=timeout)

    async def reconnect(self, timeout: float = 60) -> float:
        """After `lost`: connect again as Streamlit's front end does (health check, then the WebSocket) and rerun with
        the widget values and link shown; returns seconds until that run finished. Retries until `timeout`."""
        started = time.perf_counter()
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()
        for widget_id, state in self._shown.items():  # a browser sends every widget's value after a reconnect
            self._states.setdefault(widget_id, state)
        while True:
            try:
                await asyncio.to_thread(self._get, "/_stcore/health")
                await self._connect(timeout=5)
                await self.rerun(timeout=max(1.0, timeout - (time.perf_counter() - started)))
                return time.perf_counter() - started
            except (OSError, ConnectionError, asyncio.TimeoutError) as err:
                if time.perf_counter() - started > timeout:
                    raise TimeoutError(f"no server after {timeout:.0f} s: {err}") from err
                await asyncio.sleep(0.5)

    def _get(self, path: str) -> None:
        request = urllib.request.Request(self.http + path, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=10) as response:
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            response.read()

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def _connect(self, timeout: float) -> None:
        if self._reader is not None:
            self._reader.cancel()
        self._ws = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
                                 additional_headers=self._cookie_header())
        self._keep_cookies(self._ws.response.headers.get_all("Set-Cookie"))
        self.lost.clear()
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for task in [*self._timers.values(), *([self._feed] if self._feed else [])]:
            task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def rerun(self, changes: list[WidgetState] = (), timeout: float = 30) -> float:
        """A full rerun with these widget changes; returns seconds until the server finished the script."""
        for change in changes:
            if not change.HasField("trigger_value"):
                self._states[change.id] = change
        self._finished.clear()
        started, sent_at = time.perf_counter(), time.time()
        if self.lost.is_set():
            raise ConnectionError("no connection to the server")
        await self._send(list(self._states.values()) + [c for c in changes if c.HasField("trigger_value")])
        finished, lost = asyncio.ensure_future(self._finished.wait()), asyncio.ensure_future(self.lost.wait())
        try:
            done, _ = await asyncio.wait([finished, lost], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            finished.cancel()
            lost.cancel()
        if not self._finished.is_set():
            if self.lost.is_set():
                raise ConnectionError("the server went away during the run")
            raise asyncio.TimeoutError
        self.last_run = (sent_at, time.time())  # Unix times: matched with the server's run log (load_test.py)
        return time.perf_counter() - started

    async def move_slider(self, step_sign: int = 1) -> float:
        """Move the first numeric slider one step (as an arrow key does); returns the server's time for the rerun.
        (Select-sliders, the ones with named options, keep their state in another form: not moved here.)"""
        slider = next(s for s in self.sliders.values() if not s.options)
        value = list(slider.value) or list(slider.default)
        step = slider.step or 1
        new = value[0] + step_sign * step
        if not slider.min <= new <= slider.max:
            new = value[0] - step_sign * step
        return await self.rerun([WidgetState(id=slider.id, double_array_value={"data": [new]})])

    async def press(self, label: str) -> float:
        return await self.rerun([WidgetState(id=self.buttons[label], trigger_value=True)])

    @property
    def live(self) -> bool:
        """A fragment timer is running (a live training ticks)."""
        return any(not task.done() for task in self._timers.values())

    async def _send(self, states: list[WidgetState], fragment_id: str = "", auto: bool = False) -> None:
        if self.lost.is_set():
            raise ConnectionError("no connection to the server")
        msg = BackMsg()
        client = msg.rerun_script
        client.page_name = self.page
        client.query_string = self.query
        client.widget_states.widgets.extend(states)
        if fragment_id:
            client.fragment_id = fragment_id
            client.is_auto_rerun = auto
        await self._ws.send(msg.SerializeToString())

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._receive(raw)
        except ConnectionClosed:
            pass
        self.lost.set()  # closed by the server's side (a clean close too: a browser would reconnect)
        for task in self._timers.values():
            task.cancel()

    def _receive(self, raw: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # a run starts (full or fragment)
            self._registered.clear()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            self._registered.add(fid)
            if fid in self._timers:
                self._timers[fid].cancel()
            self._timers[fid] = asyncio.create_task(self._tick(fid, every))
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "script_finished" and msg.script_finished in FULL_RUN_DONE:
            for fid in set(self._timers) - self._registered:  # a full run without the timer: it stopped
                self._timers.pop(fid).cancel()
            self._finished.set()

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "slider":
            self.sliders[element.slider.label] = element.slider
            if element.slider.value and not element.slider.options:
                self._shown[element.slider.id] = WidgetState(id=element.slider.id,
                                                             double_array_value={"data": list(element.slider.value)})
        elif kind == "button":
            self.buttons[element.button.label] = element.button.id
        elif kind == "progress":
            self.progress = element.progress.text
            self.progress_updates += 1
        elif kind == "bidi_component" and element.bidi_component.component_name == "nnpg_live_panel":
            token = json.loads(element.bidi_component.json).get("token")
            if token != self._feed_token or self._feed is None or self._feed.done():
                if self._feed is not None:
                    self._feed.cancel()
                self._feed_token, self._feed = token, asyncio.create_task(self._follow_feed(token))
        elif kind == "exception":
            self.exceptions.append(element.exception.type)
        elif kind == "alert" and element.alert.format == element.alert.INFO:
            self.notices.append(element.alert.body)

    async def _follow_feed(self, token: str, every: float = 0.1) -> None:
        """What the live panel's script does in a browser: ask for the next frame, again and again, and show its
        progress line (ui/live_feed.py, assets/live_feed/live.js)."""
        while not self.lost.is_set():
            started = time.monotonic()
            try:
                body = await asyncio.to_thread(self._fetch, f"/_nnpg/live/{token}")
            except OSError:
                body = None
            frame = json.loads(body) if body else {}
            if frame.get("state") in ("ended", "gone"):
                return
            for block in frame.get("blocks", []):
                if block["k"] == "progress":
                    self.progress = block["text"]
                    self.progress_updates += 1
            await asyncio.sleep(max(0.0, every - (time.monotonic() - started)) if frame.get("state") in (
                "live", "same") else 0.3)

    def _fetch(self, path: str) -> bytes:
        request = urllib.request.Request(self.http + path, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    async def _tick(self, fragment_id: str, every: float) -> None:
        while not self.lost.is_set():
            await asyncio.sleep(every)
            try:
                await self._send(list(self._states.values()), fragment_id, auto=True)
            except (ConnectionError, ConnectionClosed):
                return
