"""A session training alone trains between its refreshes in a worker process (core/train_process.py), so its
training does not wait for its own drawing: which session holds which worker, and for how long.

A worker is lent for one refresh interval plus BETWEEN_MAX_S at a time (each refresh extends it), together with
a training slot of the runner (`release` gives the slot back). A lease whose owner stopped refreshing (a closed
tab) is taken back by the next session that looks for a worker or a slot. The owner always keeps the latest
snapshot as its trainer, so anything going wrong with a worker costs only the steps since that snapshot.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from core.device import device
from core.train_process import Snapshot, TrainingWorker, WorkerGone, shipping_cost
from core.trainer import Trainer

# `NNPG_TRAINING_PROCESS=0` trains between refreshes in a server thread instead; on a GPU the model stays in the
# server's process (its arithmetic does not hold the interpreter lock, and CUDA tensors would cross processes).
ENABLED = os.environ.get("NNPG_TRAINING_PROCESS", "1") != "0" and device.type == "cpu"
# A trainer is shipped when it packs into at most this many bytes without its fixed data (`Trainer.FIXED`, sent once):
# each refresh reads a copy of the rest back (after a few steps the GAN's 0.9 MB in ~3 ms, the Transformer's 4.5 MB
# in ~30 ms, the bottleneck race's 5.6 MB in ~25 ms; 2026-12-08). Decided by size, not by packing time, which
# doubles on a busy machine.
SHIP_MAX_BYTES = 6_000_000
SNAPSHOT_WAIT_S = 0.05  # a refresh waits this long at most for the snapshot asked for at the end of the last one
LEASE_GRACE_S = 1.0  # a lease is taken back this long after its owner's deadline passed


@dataclass
class Lease:
    """One session's hold on one worker."""

    slot: "_Slot"
    session: str
    release: Callable[[], None]  # gives the runner's training slot back (exactly once)
    until: float  # monotonic time after which the worker stops training and the lease may be taken back
    base_seconds: float  # the run's training time when the worker got it
    lost: bool = False
    snapshot: Snapshot | None = None  # the last one read
    _released: bool = field(default=False, repr=False)

    def end(self) -> None:
        if not self._released:
            self._released = True
            self.release()


class _Slot:
    def __init__(self):
        self.lock = threading.Lock()
        self.worker: TrainingWorker | None = None
        self.lease: Lease | None = None


_slots: list[_Slot] = []
_pool_lock = threading.Lock()


def warm(count: int) -> None:
    """Start `count` workers (each a fresh interpreter that imports torch, ~1–2 s, in the background)."""
    if not ENABLED:
        return
    with _pool_lock:
        while len(_slots) < count:
            _slots.append(_Slot())
        for slot in _slots:
            if (slot.worker is None or not slot.worker.alive) and slot.lock.acquire(blocking=False):
                try:
                    if slot.lease is None and (slot.worker is None or not slot.worker.alive):
                        slot.worker = TrainingWorker()
                finally:
                    slot.lock.release()


def reclaim_expired() -> None:
    """Take back leases whose owners stopped refreshing (their runs keep their last snapshot)."""
    now = time.monotonic()
    for slot in list(_slots):
        if slot.worker is not None:
            slot.worker.alive  # noqa: B018  (a worker that exited idle is reaped, not left a zombie)
        lease = slot.lease
        if lease is not None and now > lease.until + LEASE_GRACE_S and slot.lock.acquire(blocking=False):
            try:
                if slot.lease is lease:
                    _return(slot, lease)
            finally:
                slot.lock.release()


def lend(trainer: Trainer, live: Any, *, session: str, release: Callable[[], None], chunk_s: float,
         sec_per_step: float | None, for_s: float, budget_s: float, base_seconds: float,
         verdict: dict) -> Lease | None:
    """Give `trainer` to a free, ready worker to train for `for_s` seconds from now; None (and nothing changed)
    when no worker is free and ready, or the trainer is not worth shipping. `verdict` (the run's) remembers that
    decision, taken on the first try (it cannot be packed, or is too big)."""
    if not ENABLED or verdict.get("ship") is False:
        return None
    reclaim_expired()
    for slot in list(_slots):
        if slot.lease is not None or slot.worker is None or not slot.lock.acquire(blocking=False):
            continue
        try:
            if slot.lease is not None or not slot.worker.ready():
                continue
            shipment = shipping_cost(trainer, live)
            if "ship" not in verdict:
                verdict["ship"] = shipment is not None and shipment[0].size <= SHIP_MAX_BYTES
            if not verdict["ship"] or shipment is None:
                return None
            lease = Lease(slot, session, release, time.monotonic() + for_s, base_seconds)
            try:
                slot.worker.start(shipment[0], chunk_s=chunk_s, sec_per_step=sec_per_step, for_s=for_s,
                                  budget_s=budget_s)
                slot.worker.extend(for_s)  # the first snapshot, for the next refresh
            except WorkerGone:
                _replace(slot)
                return None
            slot.lease = lease
            return lease
        finally:
            slot.lock.release()
    return None


def latest(lease: Lease, wait_s: float = SNAPSHOT_WAIT_S) -> Snapshot | None:
    """The newest snapshot since the last call (None: none yet, or the lease was lost: see `lease.lost`)."""
    with lease.slot.lock:
        if lease.slot.lease is not lease:
            lease.lost = True
            return None
        try:
            if not lease.slot.worker.alive:
                raise WorkerGone("the worker ended")
            snapshot = lease.slot.worker.latest(wait_s)
        except WorkerGone:
            _lose(lease)
            return None
        if snapshot is not None:
            lease.snapshot = snapshot
        return snapshot


def extend(lease: Lease, for_s: float, *, snapshot: bool = True) -> bool:
    """Train on until `for_s` from now and (unless not `snapshot`) send a snapshot after the chunk in progress;
    False if the lease is lost."""
    with lease.slot.lock:
        if lease.slot.lease is not lease:
            lease.lost = True
            return False
        try:
            lease.slot.worker.extend(for_s, snapshot=snapshot)
        except WorkerGone:
            _lose(lease)
            return False
        lease.until = time.monotonic() + for_s
        return True


def take_back(lease: Lease, wait_s: float) -> Snapshot | None:
    """End the lease: the trainer as it stands in the worker, or None when the lease was lost (the caller keeps
    its latest snapshot)."""
    with lease.slot.lock:
        if lease.slot.lease is not lease:
            lease.lost = True
            return None
        return _return(lease.slot, lease, wait_s)


def _return(slot: _Slot, lease: Lease, wait_s: float = 2.0) -> Snapshot | None:
    """The caller holds `slot.lock`."""
    try:
        final = slot.worker.stop(wait_s)
    except WorkerGone:
        final = None
        _replace(slot)
    slot.lease = None
    lease.end()
    return final


def _lose(lease: Lease) -> None:
    """The worker failed under `lease`: it is replaced, the lease ends. The caller holds the slot's lock."""
    lease.lost = True
    _replace(lease.slot)
    lease.slot.lease = None
    lease.end()


def _replace(slot: _Slot) -> None:
    if slot.worker is not None:
        slot.worker.close()
    slot.worker = TrainingWorker()
