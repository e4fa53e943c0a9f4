"""The server-wide training slots: a full server queues sessions in arrival order and serves them as slots free."""
from __future__ import annotations

import threading
import time

from ui import runner


def hold_slot(session: str, release: threading.Event, ran: list) -> threading.Thread:
    thread = threading.Thread(target=runner._tick_in_a_slot,
                              args=(session, lambda: (release.wait(10), ran.append(session))))
    thread.start()
    deadline = time.monotonic() + 5
    while runner._slots._value and time.monotonic() < deadline:  # until the slot is taken
        time.sleep(0.005)
    return thread


def test_a_full_server_gives_queue_places_in_arrival_order(monkeypatch):
    monkeypatch.setattr(runner, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(runner, "_queue", {})
    release, ran = threading.Event(), []
    holder = hold_slot("a", release, ran)
    assert runner._tick_in_a_slot("b", lambda: ran.append("b"), wait_s=0.01) == 1
    assert runner._tick_in_a_slot("c", lambda: ran.append("c"), wait_s=0.01) == 2
    assert runner._tick_in_a_slot("b", lambda: ran.append("b"), wait_s=0.01) == 1  # same place next tick
    release.set()
    holder.join(5)
    assert runner._tick_in_a_slot("b", lambda: ran.append("b"), wait_s=1) == 0
    assert ran == ["a", "b"] and list(runner._queue) == ["c"]
    assert runner._tick_in_a_slot("c", lambda: ran.append("c"), wait_s=1) == 0
    assert ran == ["a", "b", "c"] and not runner._queue


def test_a_waiting_session_takes_the_slot_the_moment_it_frees(monkeypatch):
    monkeypatch.setattr(runner, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(runner, "_queue", {})
    release, ran = threading.Event(), []
    holder = hold_slot("a", release, ran)
    threading.Timer(0.1, release.set).start()
    started = time.monotonic()
    assert runner._tick_in_a_slot("b", lambda: ran.append("b"), wait_s=5) == 0
    assert time.monotonic() - started < 4  # served on release, not after the whole wait
    holder.join(5)
    assert ran == ["a", "b"]


def test_work_that_fails_still_frees_its_slot(monkeypatch):
    monkeypatch.setattr(runner, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(runner, "_queue", {})

    def boom():
        raise RuntimeError("trainer failed")
    try:
        runner._tick_in_a_slot("a", boom, wait_s=0.01)
    except RuntimeError:
        pass
    assert runner._tick_in_a_slot("b", lambda: None, wait_s=0.01) == 0

