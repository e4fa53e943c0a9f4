"""Fixtures shared by the unit tests."""
import time

import pytest

from ui import offload, runner


@pytest.fixture
def alone_with_a_worker(monkeypatch):
    """One real training worker, ready, and this test's session the only one training (a timer refresh)."""
    monkeypatch.setattr(offload, "ENABLED", True)
    monkeypatch.setattr(offload, "_slots", [])
    monkeypatch.setattr(runner, "_last_ticks", {})
    monkeypatch.setattr(runner, "_waiting_for_slot", 0)
    monkeypatch.setattr(runner, "fragment_rerun", lambda: True)  # as in a timer refresh
    offload.warm(1)
    deadline = time.monotonic() + 60
    while not offload._slots[0].worker.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert offload._slots[0].worker.ready()
    yield
    for slot in offload._slots:
        slot.worker.close()
