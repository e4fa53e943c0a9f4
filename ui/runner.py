"""The one live-training runner: Start / Pause / Step / Reset, progress, budgets, trouble notices.

Recipe (docs/DEVELOPING.md): the trainer lives in `st.session_state` under "<ns>.run" — never in a shared
cache, so two tabs never share a model. Buttons change state in `on_click` callbacks, which run before
the script. The live panel is `st.fragment(panel, run_every=interval if running else None)`: a timer only while
running. The buttons are drawn inside the panel, so Start reruns the panel alone: it trains a moment, shows it and
starts its own timer (`set_fragment_interval`); its next refresh, Pause, Step and Reset rerun the whole page, which
declares the timer (or none) and shows the run's state outside the panel too.
Each tick trains for about `tick_s` seconds, then draws; when the run stops by itself (budget, goal,
NaN) a full rerun removes the timer. After a refresh (a fragment rerun, in a browser) the run trains on until the
next refresh, which then only draws (see BETWEEN_MAX_S): in a worker process when the session trains alone (the
refresh draws the worker's latest snapshot while the worker goes on, ui/offload.py), else in a thread. Anything
that reads or changes the model first `hold`s the run: the worker sends the trainer back, or the thread stops.
While a run trains in the worker, a page that gives `live_frame` is drawn by a live panel that fetches its frames
itself (ui/live_feed.py): no rerun per frame; the fragment's timer then only keeps watch (FEED_WATCHDOG_S).
"""
from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import streamlit as st

from core.trainer import Trainer, train_for, why_done
from ui import live_feed, offload
from ui.checkpoints import model_file_panel, restore_into
from ui.compat.streamlit_internals import fragment_rerun, set_fragment_interval, stop_fragment_timer
from ui.i18n import current_language, speaking, t

TICK_S = 0.12  # training time per refresh: leaves room to draw ~4+ times a second
SHORT_TICK_S = 0.06  # for pages whose steps are slow: a refresh waits for at most this much training in progress
FIRST_TICK_S = 0.02  # the first refresh after Start trains this long: the learner sees the first steps at once
INTERVAL_S = 0.25  # fragment timer while running (a class: each refresh of a trainer costs the server, even waiting)
LIGHT_INTERVAL_S = 0.2  # for panels that draw a few light charts (~20 ms a refresh): up to 5 refreshes a second
DEFAULT_TIME_BUDGET_S = 180.0  # per run: keeps one user from holding a core forever
IDLE_PAUSE_S = 120.0  # a run pauses when nobody touched the page (a full rerun) for this long
# Server-wide: at most this many sessions train at the same instant; the others wait for a slot tick by tick, so
# with many users everyone trains more slowly and nobody fails. Default: one per core but one, which is kept for
# the class's slider moves, so they are not queued behind training threads (and the small models here are
# Python-bound: two trainings at once did not train more in total than one, benchmarks/threads.py).
MAX_CONCURRENT_TRAININGS = int(os.environ.get("NNPG_MAX_TRAININGS", max(1, (os.cpu_count() or 1) - 1)))
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_TRAININGS)
# A waiting session waits up to this long per tick for a slot: it takes one the moment it frees, and meanwhile its
# page refreshes about twice a second instead of redrawing unchanged charts at full rate (server and browser work).
QUEUE_WAIT_S = 0.5
# The queue notice stays this long after the last tick that waited: with more trainings than slots a session waits
# on most ticks and trains on some, and a notice shown only on waiting ticks made the page jump up and down.
QUEUE_NOTICE_S = 3.0
# A waiting session asks again every tick (a fraction of a second). One that has not asked for this long stopped
# waiting without saying so (its tab closed, its connection dropped): it leaves the queue, so nobody behind it
# is shown an ever larger place. Pause, Reset, a changed setting and the idle pause leave the queue at once.
QUEUE_FORGET_S = 15.0
_queue: dict[str, float] = {}  # sessions waiting for a slot, oldest first -> when each last asked
_queue_lock = threading.Lock()
# Between two refreshes of a live panel the server mostly waits: for the browser to draw the last one (a GAN view
# takes Chromium longer than the server's whole tick) and for its next timer. A run trains on in that gap, in a
# thread of its own, in chunks of a tick's training time, when no other session waits for a slot; the next refresh
# waits for the chunk in progress and draws. For at most BETWEEN_MAX_S after a refresh: a closed tab's run stops.
# (Shorter chunks would answer sooner, but each chunk ends with the trainer's metrics: a GAN's cost ~20 ms.)
# A session training alone does this in a worker process instead (one is enough: only one session trains alone), which trains on while the page draws (the
# thread shares the server's interpreter lock with the drawing): `_train_in_worker`, `_draw_from_worker`.
BETWEEN_MAX_S = 2.0
BETWEEN_POLL_S = 0.02  # how often a run waiting for a free slot between refreshes looks again
BETWEEN_MARGIN_S = 0.01  # a chunk between refreshes ends this long before the next refresh is due
HOLD_WAIT_S = 5.0  # `hold` waits this long at most for the chunk in progress
_waiting_for_slot = 0  # refreshes blocked in _tick_in_a_slot right now: training between refreshes yields to them
# ... and only a session training alone does it: with several, the slots are busy anyway, and training in the gaps
# only took interpreter time from the class's page runs (load test, 5 training: slider p95 323 vs 170 ms without).
ALONE_AFTER_S = 1.0  # a session is training alone when no other one ticked for this long
WORKERS = 1  # training worker processes (ui/offload.py): only a session training alone uses one
# A crowd: more sessions training (ticked in the last CROWD_WINDOW_S) than there are slots. Then most refreshes
# would wait for a slot and redraw the same model, and each costs the server a page fragment's run that the
# class's slider moves wait behind: a live panel refreshes once every CROWDED_INTERVAL_S and trains CROWDED_TICK_S
# when its turn comes (the slot stays as busy, the server serves the class first).
CROWD_WINDOW_S = 2.0
CROWDED_INTERVAL_S = 1.0
CROWDED_TICK_S = 0.25
_last_ticks: dict[str, float] = {}  # session -> when its refresh last asked for a slot
# A run training in the worker, on a page that gives `live_frame`, is drawn by a live panel that fetches its frames
# itself (ui/live_feed.py) instead of by fragment reruns, which cost the browser far more than the frame. The
# fragment's own timer then only keeps watch (budget, idle pause, a crowd, a lost worker) every FEED_WATCHDOG_S.
FEED_WATCHDOG_S = 1.5
FEED_WAIT_S = 0.25  # a live panel's request waits this long at most for the worker's next snapshot
FEED_POLL_S = 0.01
# A frame costs the worker a snapshot: packing the trainer stops its training for about as long as reading it here
# takes. The next snapshot is asked for only FEED_COST_FACTOR times that long after the last one was read, so a big
# trainer (the depth race: four 30-layer networks) spends most of its time training, not being copied. (Drawing
# the frame is the server's work, on another core, and is not counted.)
FEED_COST_FACTOR = 4.0


@dataclass
class Run:
    """One session's training run: the trainer plus what the runner knows about it."""

    trainer: Trainer
    config: Hashable
    running: bool = False
    seconds: float = 0.0  # training time spent (the time budget counts this)
    seconds_before: float | None = 0.0  # training time of a loaded model file before it (None: the file did not say)
    sec_per_step: float | None = None  # measured, to size each tick's chunk
    stop_reason: str | None = None  # "budget", "goal", "steps" or the trainer's problem
    extra: dict[str, Any] = field(default_factory=dict)  # page-owned data that lives and dies with the run
    queued: tuple[float, int] | None = None  # (monotonic time, place in the queue) of the last tick that waited
    live: Any = None  # settings that apply while training (learning rate, batch size …): see `live_training`
    # a fixed number of steps per refresh instead of a time-sized chunk, or a pace: trainer -> steps this refresh
    steps_per_tick: int | Callable[[Trainer], int] | None = None
    just_started: bool = False  # Start was pressed and no refresh has trained since
    between: threading.Thread | None = None  # training between refreshes (see BETWEEN_MAX_S), while it goes on
    trained_between: bool = False  # it trained since the last refresh
    crowded: bool = False  # its panel refreshes at the crowd's pace (see CROWD_WINDOW_S)
    between_stop: threading.Event = field(default_factory=threading.Event)
    remote: offload.Lease | None = None  # training between refreshes in a worker process, while it goes on
    ship: dict = field(default_factory=dict)  # whether this run's trainer is worth shipping to a worker (offload)
    timer_s: float | None = None  # the panel's fragment timer as the browser has it now
    feed: str | None = None  # the live panel's token while one draws this run (ui/live_feed.py)
    lock: threading.RLock = field(default_factory=threading.RLock)  # the live panel's requests vs. the page's runs

    @property
    def trained_seconds(self) -> float | None:
        """The model's whole training time, a loaded file's included; None when that file did not carry it."""
        return None if self.seconds_before is None else self.seconds_before + self.seconds

    def per_model_state(self, name: str, build: Callable[[], Any], *key: Hashable) -> Any:
        """`build()` once per state of the model (and of `key`, the display settings it depends on): computed again
        only after a training step. A run waiting for a training slot refreshes its page without a step, and then
        sends what it sent before — no server work, and nothing new for the browser to decode."""
        stamp = (self.trainer.steps_done, *key)
        held = self.extra.get(f"_state.{name}")
        if held is None or held[0] != stamp:
            held = self.extra[f"_state.{name}"] = (stamp, build())
        return held[1]


def current_run(ns: str) -> Run | None:
    """The page's run, if one exists (pages read it e.g. to classify a drawing with the current model)."""
    run = st.session_state.get(f"{ns}.run")
    if run is not None:
        hold(run)
    return run


def live_training(ns: str, build: Callable[[], Trainer], config: Hashable, draw: Callable[[Run], None], *,
                  live: Any = None, steps_per_click: int = 1,
                  steps_per_tick: int | Callable[[Trainer], int] | None = None,
                  time_budget_s: float = DEFAULT_TIME_BUDGET_S, tick_s: float = TICK_S,
                  interval_s: float = INTERVAL_S, live_frame: Callable[[Run], list[dict]] | None = None) -> Run:
    """Render the controls and the live panel for the trainer `build()` makes from `config`.

    A new `config` (the settings that define the model and data) starts a fresh run, paused. `live` holds the
    settings a learner may change while the run goes on (learning rate, batch size …): the runner hands them
    to `trainer.apply_live(live)` on every full run and before every step, without a restart. Each refresh trains for about `tick_s`
    seconds, or exactly `steps_per_tick` steps when given (slow motion; a function of the trainer sets a pace that
    may change as the run goes on). `draw(run)` renders the page's live
    charts from `run.trainer`; it is called on every refresh and changes nothing in the trainer. `live_frame(run)`,
    when given, is the same live view as blocks of ui/live_feed (made in a server thread, where `t` speaks the
    page's language); while the run trains in the worker, a live panel draws it without reruns.
    """
    key = f"{ns}.run"
    run: Run | None = st.session_state.get(key)
    if run is not None:
        hold(run)  # this run of the page reads and may change the model: no training beside it
    restoring = f"_restore.{ns}" in st.session_state
    if run is None or run.config != config or restoring:
        run = Run(build(), config)
        st.session_state[key] = run
        _leave_queue()  # a new run starts paused
        if restoring:
            restore_into(ns, run)
    run.live, run.steps_per_tick = live, steps_per_tick  # from this full run on, for every step and tick
    _apply_live(run)  # and at once: what the page shows of the run reflects the learner's settings

    session = st.session_state.setdefault("_session_id", uuid.uuid4().hex)
    if run.running and _training_alone(session):
        offload.warm(WORKERS)  # the worker that trains between refreshes starts now (~1–2 s)

    timed = run.running  # this panel refreshes on a timer until the next full run
    run.crowded = crowded = _crowded()
    declared = CROWDED_INTERVAL_S if crowded else interval_s
    run.timer_s = declared if run.running else None

    def panel() -> None:
        began = time.monotonic()
        live = st.session_state[key]
        if fragment_rerun() and (st.session_state.pop(f"{key}.whole_page", False)
                                 or live.running and not timed and not live.just_started):
            # Pause, Step, Reset, or the first refresh after a Start pressed in this panel: the rest of the page
            # may show the run's state too (a paused run's controls), and only a full run declares the timer
            _rerun_whole_page(live)
        st.session_state.pop(f"{key}.whole_page", None)
        # The buttons live in the panel: Start reruns the panel alone, which trains its first moment and shows it
        # at once (a full run first re-rendered the whole page); the next refresh is a full run (above).
        _buttons(key, build, config, steps_per_click, time_budget_s, live)
        started_here = live.running and not timed
        if started_here:  # this panel's timer starts now, from inside it
            live.crowded = _crowded()
            _retime(live, CROWDED_INTERVAL_S if live.crowded else interval_s)
            if _training_alone(session):
                offload.warm(WORKERS)
        from_worker = _draw_from_worker(live, session, time_budget_s)
        if not from_worker:
            hold(live)
        if timed and not live.running:  # stopped between refreshes (goal, budget): a full run drops the timer
            _rerun_whole_page(live)
        if live.running:
            if _idle_for() > IDLE_PAUSE_S:
                live.running, live.stop_reason = False, "idle"
                _leave_queue()
                _rerun_whole_page(live)
            # A person's full run (a slider, a button) answers first: it trains only a moment, and only if a slot
            # is free at once; the timer's refreshes train the full tick and wait their turn for a slot.
            by_timer = fragment_rerun()
            if by_timer:
                _follow_the_crowd(live, interval_s)
            full_tick = CROWDED_TICK_S if live.crowded else tick_s
            tick = full_tick if by_timer and not live.just_started else min(tick_s, FIRST_TICK_S)
            live.just_started = False
            if live.trained_between or live.remote is not None:  # trained since the last refresh: only show it
                live.trained_between, waiting = False, 0
            else:
                waiting = _tick_in_a_slot(session, lambda: _train_for(live, tick, time_budget_s),
                                          QUEUE_WAIT_S if by_timer else 0.0)
            if waiting:
                live.queued = (time.monotonic(), waiting)
            if live.queued and time.monotonic() - live.queued[0] < QUEUE_NOTICE_S:
                st.info(t("runner.waiting", position=live.queued[1], slots=MAX_CONCURRENT_TRAININGS),
                        icon=":material/hourglass_top:")
            if not live.running:  # stopped by itself during this tick: drop the timer
                _rerun_whole_page(live)
        fed = from_worker and live.running and live_frame is not None and live_feed.available()
        if fed:
            _show_feed(live, session, live_frame, time_budget_s, f"{key}.live")
        else:
            _close_feed(live)
            _progress(live, time_budget_s)
            draw(live)
        if live.running and fragment_rerun():
            _retime(live, FEED_WATCHDOG_S if fed else CROWDED_INTERVAL_S if live.crowded else interval_s)
        if live.running and live.steps_per_tick is None and fragment_rerun():  # (slow motion stays one step a refresh)
            if _training_alone(session):  # (a class trains in the slots: no worker kept waiting for it)
                offload.warm(WORKERS)
            # (not a run Start began here: the full run that follows in a moment would take it back at once)
            if started_here or not _train_in_worker(live, session, interval_s, tick_s, time_budget_s):
                _train_between_refreshes(live, session, began + interval_s, tick_s, time_budget_s)

    st.fragment(panel, run_every=declared if run.running else None)()
    model_file_panel(ns, run)
    return run


def _rerun_whole_page(run: Run) -> None:
    """From the live panel: rerun the whole page. Its timer stops first, so its ticks cannot cut that full run short
    (each tick reruns the panel, which stops a script run in progress: a page slower than the timer never finished);
    the full run declares the timer again if the run goes on."""
    if fragment_rerun():
        stop_fragment_timer()
        run.timer_s = None
    st.rerun(scope="app")


def mark_activity() -> None:
    """Called by app.py on every full rerun: a person is using the page."""
    st.session_state["_last_activity"] = time.monotonic()


def _idle_for() -> float:
    last = st.session_state.get("_last_activity")
    return 0.0 if last is None else time.monotonic() - last


def _tick_in_a_slot(session: str, work: Callable[[], None], wait_s: float = QUEUE_WAIT_S) -> int:
    """Run `work` if a training slot is (or within `wait_s` becomes) free and return 0; otherwise return this
    session's place in the queue (1-based, first come first served)."""
    global _waiting_for_slot
    offload.reclaim_expired()  # a closed tab's worker (and its slot) comes back
    with _queue_lock:
        _waiting_for_slot += 1
        _last_ticks[session] = time.monotonic()
    try:
        got = _slots.acquire(timeout=wait_s)
    finally:
        with _queue_lock:
            _waiting_for_slot -= 1
    if got:
        try:
            leave_queue(session)
            work()
        finally:
            _slots.release()
        return 0
    now = time.monotonic()
    with _queue_lock:
        for other, asked in list(_queue.items()):
            if now - asked > QUEUE_FORGET_S:
                del _queue[other]
        _queue[session] = now  # a dict keeps its first-come order when a value changes
        return list(_queue).index(session) + 1


def _follow_the_crowd(run: Run, interval_s: float) -> None:
    """In a timer refresh: when a crowd came or went since the full run declared this panel's timer, move the
    timer to the crowd's pace or back to the page's own (`interval_s`)."""
    if _crowded() != run.crowded:
        run.crowded = not run.crowded
        run.timer_s = CROWDED_INTERVAL_S if run.crowded else interval_s
        set_fragment_interval(run.timer_s)


def _retime(run: Run, seconds: float) -> None:
    """In a timer refresh: the panel's timer becomes `seconds` (sent only when it changes)."""
    if run.timer_s != seconds:
        run.timer_s = seconds
        set_fragment_interval(seconds)


def _recent_ticks() -> dict[str, float]:
    """`_last_ticks` without the sessions that have not asked for a slot within the windows used here.
    The caller holds `_queue_lock`."""
    now = time.monotonic()
    for other, asked in list(_last_ticks.items()):
        if now - asked > max(ALONE_AFTER_S, CROWD_WINDOW_S):
            del _last_ticks[other]
    return _last_ticks


def _crowded() -> bool:
    """More sessions asked for a training slot in the last CROWD_WINDOW_S than there are slots."""
    with _queue_lock:
        return len(_recent_ticks()) > MAX_CONCURRENT_TRAININGS


def _training_alone(session: str) -> bool:
    """No other session's refresh asked for a training slot in the last ALONE_AFTER_S."""
    now = time.monotonic()
    with _queue_lock:
        return all(other == session or now - asked > ALONE_AFTER_S for other, asked in _recent_ticks().items())


def _train_between_refreshes(run: Run, session: str, due: float, chunk_s: float, time_budget_s: float) -> None:
    """Train `run` on in a thread until its next refresh or button (`hold`), for at most BETWEEN_MAX_S, while
    `session` trains alone; the next refresh then draws what it trained instead of training. In chunks of `chunk_s`
    (each chunk ends with the trainer's metrics); while no step would end before the refresh is `due` (monotonic
    time), none starts: a slow step (a PPO iteration) does not delay it."""
    hold(run)
    run.between_stop = stop = threading.Event()

    def work() -> None:
        until = time.monotonic() + BETWEEN_MAX_S
        while run.running and not stop.is_set() and time.monotonic() < until:
            left = due - BETWEEN_MARGIN_S - time.monotonic()
            if 0 < left < (run.sec_per_step or 0.0):  # no step would end before the refresh: wait for it
                stop.wait(BETWEEN_POLL_S)
                continue
            if _waiting_for_slot or not _training_alone(session) or not _slots.acquire(blocking=False):
                stop.wait(BETWEEN_POLL_S)  # another session's refresh comes first
                continue
            try:
                _train_for(run, chunk_s, time_budget_s)
                run.trained_between = True
            finally:
                _slots.release()

    run.between = threading.Thread(target=work, name="nnpg-between-refreshes", daemon=True)
    run.between.start()


def _train_in_worker(run: Run, session: str, interval_s: float, chunk_s: float, time_budget_s: float) -> bool:
    """Keep `run` training in a worker process until its next refresh (and BETWEEN_MAX_S past it): lend it one
    when `session` trains alone, nobody waits and a slot is free, or extend the lease it has. False: not there."""
    with run.lock:
        return _keep_in_worker(run, session, interval_s, chunk_s, time_budget_s)


def _keep_in_worker(run: Run, session: str, interval_s: float, chunk_s: float, time_budget_s: float) -> bool:
    for_s = max(interval_s, run.timer_s or 0.0) + BETWEEN_MAX_S  # until the next refresh of the panel's timer
    if run.remote is not None:
        if offload.extend(run.remote, for_s):
            return True
        _lost_worker(run)
        return False
    if _waiting_for_slot or not _training_alone(session):
        return False
    offload.reclaim_expired()
    if not _slots.acquire(blocking=False):
        return False
    try:
        run.remote = offload.lend(run.trainer, run.live, session=session, release=_slots.release, chunk_s=chunk_s,
                                  sec_per_step=run.sec_per_step, for_s=for_s,
                                  budget_s=time_budget_s - run.seconds, base_seconds=run.seconds, verdict=run.ship)
    except BaseException:  # (a lease is made last: none holds the slot yet) never a slot lost for the server's life
        _slots.release()
        raise
    if run.remote is None:
        _slots.release()
    return run.remote is not None


def _draw_from_worker(run: Run, session: str, time_budget_s: float) -> bool:
    """In a timer refresh of a run training in a worker, while `session` still trains alone and nobody waits:
    take the worker's latest snapshot as the run's trainer (its bookkeeping too) and leave the worker training.
    False when there is no such worker (the caller then `hold`s the run, which takes the trainer back)."""
    if run.remote is None or not fragment_rerun() or _waiting_for_slot or not _training_alone(session):
        return False
    with run.lock:
        return run.remote is not None and _read_worker(run, session, offload.SNAPSHOT_WAIT_S)[0]


def _read_worker(run: Run, session: str, wait_s: float) -> tuple[bool, offload.Snapshot | None]:
    """Take the worker's newest snapshot, if one came (within `wait_s`), as the run's trainer: (False, None) when
    the worker was lost. `_draw_from_worker`'s reading, also a live panel's; the caller holds `run.lock`."""
    lease = run.remote
    with _queue_lock:
        _last_ticks[session] = time.monotonic()  # it trains: the crowd count sees it
    snapshot = offload.latest(lease, wait_s)
    if lease.lost:
        _lost_worker(run)
        return False, None
    if snapshot is not None:
        _take_snapshot(run, snapshot)
        if snapshot.reason is not None:  # the worker stopped by itself: the trainer comes home
            _hold(run)
            run.running, run.stop_reason = False, snapshot.reason
    return True, snapshot


def _take_snapshot(run: Run, snapshot: offload.Snapshot) -> None:
    run.trainer, run.sec_per_step = snapshot.trainer, snapshot.sec_per_step
    run.seconds = run.remote.base_seconds + snapshot.seconds


def _show_feed(run: Run, session: str, frame: Callable[[Run], list[dict]], time_budget_s: float, key: str) -> None:
    """Draw the run with a live panel that fetches its next frames itself (ui/live_feed.py)."""
    template = _progress_template(run)  # translated here: the panel's requests are answered outside any page run

    def blocks() -> list[dict]:
        return [live_feed.progress(*_progress_line(run, template)), *frame(run)]

    lang = current_language()

    def poll() -> dict:
        with speaking(lang):  # `t` in the page's language, outside its runs
            return _poll_feed(run, session, blocks)

    if not live_feed.is_open(run.feed):  # none yet, or one that ended (another session wanted to train meanwhile)
        run.feed = live_feed.open_feed(poll)
    with run.lock:  # (the panel's requests read and replace the trainer meanwhile)
        first = {"state": "live", "blocks": blocks()}
    live_feed.show(run.feed, first, key=key, on_end=_no_op)


def _no_op() -> None:
    """The live panel's "ended" only asks for a refresh of the panel; the refresh itself sees why."""


def _close_feed(run: Run) -> None:
    if run.feed is not None:
        live_feed.close_feed(run.feed)
        run.feed = None


def _poll_feed(run: Run, session: str, blocks: Callable[[], list[dict]]) -> dict:
    """A live panel's request (a server thread): the worker's newest snapshot as a frame. "same" when none came
    within FEED_WAIT_S; "wait" while the page itself holds or stopped the run (its own run shows it next);
    "ended" when this request found the run stopped by the worker (goal, budget, a problem), the worker lost, or
    another session wanting to train: the panel then asks the page for a refresh."""
    deadline = time.monotonic() + FEED_WAIT_S
    lease = run.remote
    while True:
        with run.lock:
            if lease is None or run.remote is not lease or not run.running:
                return {"state": "wait"}
            if _waiting_for_slot or not _training_alone(session):  # another session wants to train: the page's
                return {"state": "ended"}  # refresh brings the trainer home (and the slot) now, not at its watch
            began = time.monotonic()
            found, snapshot = _read_worker(run, session, 0.0)
            read = time.monotonic()
            if not found or not run.running:
                return {"state": "ended"}
            pace = run.extra.setdefault("_feed", {"asked": True, "ask_at": 0.0})
            if snapshot is not None:
                pace["asked"], pace["ask_at"] = False, read + FEED_COST_FACTOR * (read - began)
                frame = {"state": "live", "blocks": blocks()}
            if not pace["asked"] and time.monotonic() >= pace["ask_at"]:
                pace["asked"] = True  # the next snapshot, please
                if not offload.extend(lease, FEED_WATCHDOG_S + BETWEEN_MAX_S):
                    _lost_worker(run)
            elif snapshot is not None:  # train on meanwhile (a closed tab's worker stops at this deadline)
                offload.extend(lease, FEED_WATCHDOG_S + BETWEEN_MAX_S, snapshot=False)
            if snapshot is not None:
                return frame
        if time.monotonic() > deadline:
            return {"state": "same"}
        time.sleep(FEED_POLL_S)


def _lost_worker(run: Run) -> None:
    """The worker is gone or was taken over: the run goes on from its latest snapshot, here."""
    run.remote = None


def hold(run: Run) -> None:
    """Stop `run`'s training between refreshes and wait for its chunk to end: the caller reads or changes the model."""
    with run.lock:
        _hold(run)


def _hold(run: Run) -> None:
    lease = run.remote
    if lease is not None:
        final = offload.take_back(lease, HOLD_WAIT_S)
        if final is not None:
            _take_snapshot(run, final)
        run.remote = None
    thread = run.between
    if thread is not None:
        run.between_stop.set()
        if thread is not threading.current_thread():
            thread.join(HOLD_WAIT_S)  # bounded: a page run never hangs on a step that runs far past its estimate
        run.between = None


def leave_queue(session: str) -> None:
    """`session` no longer waits for a training slot (it trains, paused, or went away)."""
    with _queue_lock:
        _queue.pop(session, None)


def _leave_queue() -> None:
    session = st.session_state.get("_session_id")
    if session is not None:
        leave_queue(session)


def _buttons(key, build, config, steps_per_click, time_budget_s, run: Run) -> None:
    row = st.container(horizontal=True, gap="small")
    if run.running:
        row.button(t("runner.pause"), key=f"{key}.pause", icon=":material/pause:", on_click=_set_running,
                   args=(key, False), type="primary")
    else:
        row.button(t("runner.start"), key=f"{key}.start", icon=":material/play_arrow:", on_click=_set_running,
                   args=(key, True, time_budget_s), type="primary", disabled=run.trainer.finished)
    units = "unit" if steps_per_click == 1 else "units"  # singular or plural noun
    row.button(t("runner.step", n=steps_per_click, unit=t(f"runner.{units}.{run.trainer.unit}")),
               key=f"{key}.step", icon=":material/skip_next:", on_click=_step, args=(key, steps_per_click),
               disabled=run.running or run.trainer.finished)
    row.button(t("runner.reset"), key=f"{key}.reset", icon=":material/restart_alt:", on_click=_reset,
               args=(key, build, config))


def _set_running(key: str, running: bool, time_budget_s: float = DEFAULT_TIME_BUDGET_S) -> None:
    run: Run = st.session_state[key]
    hold(run)
    if running and (run.trainer.finished or run.seconds >= time_budget_s):
        return
    if running and run.trainer.done:  # the goal is met: Start means "train on past it"
        run.trainer.past_goal = True
    run.running, run.just_started = running, running
    run.stop_reason = None if running else "paused"
    if not running:
        _leave_queue()
        st.session_state[f"{key}.whole_page"] = True


def _step(key: str, n: int) -> None:
    run: Run = st.session_state[key]
    hold(run)
    st.session_state[f"{key}.whole_page"] = True
    run.trainer.past_goal = run.trainer.past_goal or run.trainer.done
    started = time.perf_counter()
    _apply_live(run)
    run.trainer.step(n)
    run.seconds += time.perf_counter() - started
    run.stop_reason = why_done(run.trainer)


def _reset(key: str, build, config) -> None:
    if key in st.session_state:
        hold(st.session_state[key])
    st.session_state[key] = Run(build(), config)
    st.session_state[f"{key}.whole_page"] = True
    _leave_queue()


def _apply_live(run: Run) -> None:
    if run.live is not None:
        run.trainer.apply_live(run.live)


def _train_for(run: Run, tick_s: float, time_budget_s: float) -> None:
    """Train for about `tick_s` seconds (or exactly `run.steps_per_tick` steps) with the run's live settings."""
    started = time.perf_counter()
    steps = run.steps_per_tick(run.trainer) if callable(run.steps_per_tick) else run.steps_per_tick
    run.sec_per_step = train_for(run.trainer, tick_s, steps=steps, live=run.live,
                                 sec_per_step=run.sec_per_step)
    run.seconds += time.perf_counter() - started
    reason = why_done(run.trainer)
    if reason is None and run.seconds >= time_budget_s:
        reason = "budget"
    if reason is not None:
        run.running = False
        run.stop_reason = reason


def _progress_template(run: Run) -> str:
    """The progress line in the page's language, its numbers left as {n}, {total} and {seconds}."""
    since_load = run.trained_seconds is None  # loaded from a file that did not say how long it had trained
    return t("runner.progress_since_load" if since_load else "runner.progress",
             unit=t(f"runner.unit.{run.trainer.unit}"), n="{n}", total="{total}", seconds="{seconds}")


def _progress_line(run: Run, template: str) -> tuple[float, str]:
    tr = run.trainer
    trained = run.trained_seconds
    seconds = run.seconds if trained is None else trained
    text = template.format(n=f"{tr.steps_done:,}", total=f"{tr.max_steps:,}", seconds=f"{seconds:.1f}")
    return min(1.0, tr.steps_done / max(tr.max_steps, 1)), text


def _progress(run: Run, time_budget_s: float) -> None:
    tr = run.trainer
    unit = t(f"runner.unit.{tr.unit}")
    st.progress(*_progress_line(run, _progress_template(run)))
    reason = run.stop_reason
    if reason in ("not_finite", "diverged"):
        st.error(t(f"runner.problem.{reason}", metric=tr.problem_metric or "loss"), icon=":material/warning:")
    elif reason == "budget":
        st.info(t("runner.budget", seconds=int(time_budget_s)), icon=":material/timer:")
    elif reason == "goal":
        st.success(t("runner.goal"), icon=":material/check_circle:")
    elif reason == "steps":
        st.info(t("runner.steps_done", unit=unit), icon=":material/flag:")
    elif reason == "idle":
        st.info(t("runner.idle", minutes=int(IDLE_PAUSE_S // 60)), icon=":material/bedtime:")
