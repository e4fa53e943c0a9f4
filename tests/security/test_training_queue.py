"""The training queue forgets sessions that stop waiting: places stay true and the list stays small."""
from __future__ import annotations

import threading
import time

from tests.app.harness import open_page, press
from ui import runner


def full_server(monkeypatch):
    """One slot, held by session "holder" until the returned event is set; a clock the test moves."""
    monkeypatch.setattr(runner, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(runner, "_queue", {})
    clock = [1000.0]
    monkeypatch.setattr(runner.time, "monotonic", lambda: clock[0])
    assert runner._slots.acquire(timeout=1)  # the holder trains
    return clock


def place(session: str) -> int:
    return runner._tick_in_a_slot(session, lambda: None, wait_s=0.001)


def test_sessions_arriving_and_leaving_see_true_places(monkeypatch):
    clock = full_server(monkeypatch)
    assert [place(s) for s in ("b", "c", "d")] == [1, 2, 3]
    runner.leave_queue("c")  # c paused
    assert place("d") == 2 and place("b") == 1
    clock[0] += runner.QUEUE_FORGET_S / 2
    assert place("d") == 2  # b still counts: it asked recently
    clock[0] += runner.QUEUE_FORGET_S * 0.75  # b's tab closed: it stopped asking
    assert place("d") == 1 and list(runner._queue) == ["d"]
    assert place("e") == 2  # a newcomer queues behind
    runner._slots.release()
    assert place("d") == 0 and list(runner._queue) == ["e"]  # served: out of the queue


def test_the_queue_stays_small_over_a_lesson(monkeypatch):
    clock = full_server(monkeypatch)
    for minute in range(60):  # every few seconds a student waits a little, then leaves without a word
        for student in range(5):
            place(f"{minute}.{student}")
            clock[0] += 3.0
    assert len(runner._queue) <= runner.QUEUE_FORGET_S / 3.0 + 1
    assert place("late") <= runner.QUEUE_FORGET_S / 3.0 + 2


def test_pause_and_reset_leave_the_queue(monkeypatch):
    monkeypatch.setattr(runner, "_queue", {})
    at = open_page("backprop")
    press(at, "backprop.run.start")
    session = at.session_state["_session_id"]
    runner._queue[session] = time.monotonic()  # as if it were waiting for a slot
    press(at, "backprop.run.pause")
    assert session not in runner._queue
    press(at, "backprop.run.start")
    runner._queue[session] = time.monotonic()
    press(at, "backprop.run.reset")
    assert session not in runner._queue
