"""Which session holds which training worker: a lease is lent, read, extended and taken back; a closed tab's lease
is taken back by the next session; a dead worker is replaced; the runner's slot is given back exactly once."""
import time

import pytest

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from ui import offload


@pytest.fixture
def pool(monkeypatch):
    monkeypatch.setattr(offload, "ENABLED", True)
    monkeypatch.setattr(offload, "_slots", [])
    offload.warm(1)
    slot = offload._slots[0]
    deadline = time.monotonic() + 60
    while not slot.worker.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert slot.worker.ready()
    yield offload._slots
    for slot in offload._slots:
        slot.worker.close()


def _lend(released: list, *, for_s=30.0, verdict=None, trainer=None):
    return offload.lend(trainer or PlaygroundTrainer(PlaygroundConfig(), Hyper()), Hyper(), session="s",
                        release=lambda: released.append(1), chunk_s=0.02, sec_per_step=None, for_s=for_s,
                        budget_s=60.0, base_seconds=1.5, verdict={} if verdict is None else verdict)


def _latest(lease, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        snapshot = offload.latest(lease, 0.1)
        if snapshot is not None or lease.lost:
            return snapshot
    raise AssertionError("no snapshot")


def test_lend_read_extend_and_take_back(pool):
    released = []
    lease = _lend(released)
    assert lease is not None and _lend([]) is None  # one worker: a second session finds none free
    first = _latest(lease)
    assert first.trainer.steps_done > 0 and lease.snapshot is first
    assert offload.extend(lease, 30.0)
    assert _latest(lease).trainer.steps_done >= first.trainer.steps_done
    final = offload.take_back(lease, 10.0)
    assert final.final and released == [1] and pool[0].lease is None
    assert offload.take_back(lease, 1.0) is None and lease.lost and released == [1]  # once only


def test_a_closed_tabs_lease_is_taken_back_and_its_owner_keeps_its_snapshot(pool, monkeypatch):
    monkeypatch.setattr(offload, "LEASE_GRACE_S", 0.0)
    released = []
    lease = _lend(released, for_s=0.2)
    kept = _latest(lease)
    time.sleep(0.3)  # the owner stopped refreshing
    offload.reclaim_expired()
    assert released == [1] and pool[0].lease is None
    assert offload.latest(lease) is None and lease.lost and lease.snapshot is kept
    assert _lend([]) is not None  # free for the next session


def test_a_dead_worker_is_replaced_and_its_lease_ends(pool):
    released = []
    lease = _lend(released)
    _latest(lease)
    dead = pool[0].worker
    dead.process.kill()
    dead.process.wait(5)
    assert offload.latest(lease, 0.5) is None and lease.lost and released == [1]
    assert pool[0].worker is not dead and pool[0].lease is None


def test_a_trainer_that_cannot_travel_is_decided_once(pool):
    trainer = PlaygroundTrainer(PlaygroundConfig(), Hyper())
    trainer.hook = lambda: None
    verdict = {}
    assert _lend([], verdict=verdict, trainer=trainer) is None and verdict == {"ship": False}
    assert _lend([], verdict=verdict) is None  # decided: not asked again
    assert pool[0].lease is None


def test_off_means_no_worker(monkeypatch):
    monkeypatch.setattr(offload, "ENABLED", False)
    monkeypatch.setattr(offload, "_slots", [])
    offload.warm(1)
    assert offload._slots == [] and _lend([]) is None
