"""Training that goes on in a worker process while the server draws.

Why: a Streamlit server is one Python process, and its drawing, its event loop and a training thread share one
interpreter lock. The app's models are small, so training is a stream of tiny tensor operations that holds that
lock most of the time: in the browser a page trained at 32–40 % of its trainer's own rate (issue #24). Earlier
rounds shipped the trainer to a worker for each tick and back, so the worker waited while the page drew, and it
was no faster (docs/MEASUREMENTS.md). Here the worker keeps the trainer and trains on, chunk after chunk; between
two chunks it sends a copy (a snapshot) when asked, which the page draws while training goes on.

The server always keeps the latest copy it received, so a worker that dies, hangs or is taken over by another
session costs at most the steps since that copy. Only what `pack` wrote in this server travels; visitors' model
files never come here (they go through core.checkpoint's checks and a weights-only load).
"""
from __future__ import annotations

import contextlib
import contextvars
import io
import json
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch

from core.trainer import Trainer, train_for, why_done

ROOT = Path(__file__).resolve().parents[1]
# Below the server's priority: when the cores are busy, a person's slider move is served before more training.
WORKER_NICENESS = int(os.environ.get("NNPG_WORKER_NICE", "2"))
IDLE_EXIT_S = float(os.environ.get("NNPG_WORKER_IDLE_EXIT_S", "60"))  # a worker nobody asked for anything this long exits (its memory goes back to the host)
ANSWER_GRACE_S = 5.0  # a "stop" is answered within the chunk in progress plus this, or the worker is replaced


_known: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("known")  # `unpack`'s `known`


def _known_object(name: str) -> Any:
    """How a packed reference to a `known` object comes back (see `pack`)."""
    return _known.get()[name]


def _pickle_module(known: dict[str, Any]):
    """pickle, whose Pickler writes each of the `known` objects as a reference by name (`reducer_override` is asked
    before any other way of pickling an object; torch.save's own Pickler subclasses this one)."""
    names = {id(obj): name for name, obj in known.items()}

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            name = names.get(id(obj))
            return NotImplemented if name is None else (_known_object, (name,))

    return SimpleNamespace(**{name: getattr(pickle, name) for name in ("Unpickler", "load", "dump", "dumps")},
                           Pickler=Pickler, __name__="pickle")


def pack(obj: Any, known: dict[str, Any] | None = None) -> bytes:
    """`torch.save` rather than plain pickle: it writes each tensor storage once, so views stay views (a flat
    parameter vector and the weight matrices that look into it); plain pickle would copy each view apart.
    The `known` objects (name -> object, which the other side holds already) are written as their names."""
    buffer = io.BytesIO()
    torch.save(obj, buffer, pickle_module=_pickle_module(known) if known else pickle)
    return buffer.getvalue()


def unpack(blob: bytes, known: dict[str, Any] | None = None) -> Any:
    """Only for bytes `pack` made in this server or its own worker, never a visitor's file; `known` as in `pack`."""
    token = _known.set(known or {})
    try:
        return torch.load(io.BytesIO(blob), weights_only=False)
    finally:
        _known.reset(token)


def fixed_parts(trainer: Trainer) -> dict[str, Any]:
    """The trainer's data that never changes while it trains (`Trainer.FIXED`), by attribute name."""
    return {name: getattr(trainer, name) for name in type(trainer).FIXED if hasattr(trainer, name)}


@dataclass
class Parcel:
    """A trainer ready to ship: its fixed data packed once (`fixed`), the rest (`body`) as every snapshot of it
    will be, and the objects both refer to by name (`known`)."""

    body: bytes
    fixed: bytes
    known: dict[str, Any]

    @property
    def size(self) -> int:
        """What each snapshot costs to send and read: the trainer without its fixed data."""
        return len(self.body)


def shipping_cost(trainer: Trainer, live: Any) -> tuple[Parcel, float] | None:
    """The packed (trainer, live settings) and the seconds packing took; None when it cannot be packed (a trainer
    holding a thread, a lock, a lambda or an open file trains in the server)."""
    started = time.perf_counter()
    known = fixed_parts(trainer)
    try:
        parcel = Parcel(pack((trainer, live), known), pack(known), known)
    except (pickle.PicklingError, TypeError, AttributeError, RuntimeError):
        return None
    return parcel, time.perf_counter() - started


@dataclass
class Snapshot:
    """Where a run trained in a worker stands: a copy of its trainer and the worker's bookkeeping."""

    trainer: Trainer
    sec_per_step: float | None
    seconds: float  # training time spent in the worker since `start`
    reason: str | None  # why the worker stopped training by itself ("goal", "budget", a problem …), else None
    final: bool  # the answer to `stop`: the worker no longer holds the trainer


class WorkerGone(Exception):
    """The worker died, hung or answered something unreadable; the caller keeps its latest snapshot."""


class TrainingWorker:
    """One worker process (`python -m core.train_process`, a fresh interpreter: multiprocessing's "spawn" would
    re-import the parent's __main__, which inside Streamlit is the app's script, and a fork of a threaded server
    can deadlock). It holds at most one trainer; `start` gives it one, `snapshot` asks for copies, `stop` takes
    it back. Not thread-safe: the caller serialises calls."""

    def __init__(self):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen([sys.executable, "-m", "core.train_process"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._run = 0  # the number of the current `start`: answers about an earlier one are dropped
        self._known: dict[str, Any] = {}  # the current run's fixed data, which its snapshots refer to by name
        self._asked = 0  # snapshots asked for and not yet received
        self.training = False  # it holds a trainer (it may have stopped training by itself)
        self._ready = False  # it said hello: torch is imported, a trainer sent now starts training at once

    def ready(self) -> bool:
        """Whether the worker has started (without waiting: a fresh interpreter imports torch for ~1–2 s)."""
        if not self._ready and self.alive:
            with contextlib.suppress(EOFError, OSError, TimeoutError, ValueError, pickle.UnpicklingError):
                ready, _, _ = select.select([self.process.stdout], [], [], 0)
                if ready:
                    header, _ = _read(self.process.stdout, time.monotonic() + ANSWER_GRACE_S)
                    self._ready = json.loads(header)["kind"] == "ready"
        return self._ready and self.alive

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def start(self, parcel: Parcel, *, chunk_s: float, sec_per_step: float | None, for_s: float,
              budget_s: float) -> None:
        """Give the worker a trainer (`parcel` from `shipping_cost`) to train in chunks of `chunk_s` for `for_s`
        seconds from now (see `extend`), stopping by itself when done or after `budget_s` of training."""
        self._run += 1
        self._asked = 0
        self._known = parcel.known
        self._send({"op": "start", "run": self._run, "chunk_s": chunk_s, "sec_per_step": sec_per_step,
                    "for_s": for_s, "budget_s": budget_s, "fixed": len(parcel.fixed)}, parcel.fixed + parcel.body)
        self.training = True

    def extend(self, for_s: float, *, snapshot: bool = True) -> None:
        """Train on until `for_s` seconds from now (a closed tab stops asking, so its training stops), and send
        a snapshot after the chunk in progress."""
        self._send({"op": "more", "run": self._run, "for_s": for_s, "snapshot": snapshot}, b"")
        self._asked += snapshot

    def latest(self, wait_s: float = 0.0) -> Snapshot | None:
        """The newest snapshot that arrived (waiting up to `wait_s` for one when one was asked for), or None."""
        newest = None
        deadline = time.monotonic() + wait_s
        while self._asked:
            answer = self._receive(deadline if newest is None else time.monotonic())
            if answer is None:
                break
            if answer.final:  # never for a snapshot: `stop` drains its own answers
                raise WorkerGone("unexpected final answer")
            newest = answer
        return newest

    def stop(self, wait_s: float) -> Snapshot:
        """Take the trainer back: the worker ends its chunk and sends the trainer as it stands."""
        self._send({"op": "stop", "run": self._run}, b"")
        deadline = time.monotonic() + wait_s
        while True:
            answer = self._receive(deadline)
            if answer is None:
                raise WorkerGone("no answer to stop in time")
            if answer.final:
                self.training, self._asked = False, 0
                return answer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(OSError):
            self.process.stdout.close()
        self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def _send(self, header: dict, body: bytes) -> None:
        try:
            _write(self.process.stdin, json.dumps(header).encode(), body)
        except (OSError, ValueError) as error:
            raise WorkerGone(str(error)) from error

    def _receive(self, deadline: float) -> Snapshot | None:
        """One answer of the current run (earlier runs' answers skipped), or None if none arrived by `deadline`."""
        while True:
            try:
                ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    return None
                header, body = _read(self.process.stdout, time.monotonic() + ANSWER_GRACE_S)
                header = json.loads(header)
                if header["run"] != self._run:
                    continue
                if header["kind"] == "raised":  # the run goes on in the server, where the error shows as usual
                    raise WorkerGone(unpack(body))
                if header["kind"] == "snapshot":
                    self._asked = max(0, self._asked - 1)
                trainer, sec_per_step, seconds, reason = unpack(body, self._known)
            except WorkerGone:
                raise
            except (EOFError, OSError, TimeoutError, ValueError, pickle.UnpicklingError, RuntimeError) as error:
                raise WorkerGone(str(error)) from error
            return Snapshot(trainer, sec_per_step, seconds, reason, header["kind"] == "final")


def _write(pipe, header: bytes, body: bytes) -> None:
    """One message: two lengths, then the two parts (a JSON header of plain values; the body is `pack`ed)."""
    pipe.write(struct.pack(">II", len(header), len(body)) + header + body)
    pipe.flush()


def _read(pipe, deadline: float | None) -> tuple[bytes, bytes]:
    header_size, body_size = struct.unpack(">II", _read_exactly(pipe, 8, deadline))
    return _read_exactly(pipe, header_size, deadline), _read_exactly(pipe, body_size, deadline)


def _read_exactly(pipe, count: int, deadline: float | None) -> bytes:
    chunks, left = [], count
    while left:
        if deadline is not None:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("the training worker did not answer in time")
        chunk = os.read(pipe.fileno(), left)
        if not chunk:
            raise EOFError("the training worker ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Serving:
    """The worker's side: one trainer, trained chunk by chunk while its deadline lasts."""

    def __init__(self, answers):
        self.outbox: queue.Queue[tuple[bytes, bytes] | None] = queue.Queue()
        # A writer thread sends the answers, so a big snapshot the server has not read yet never stops training.
        threading.Thread(target=self._write_all, args=(answers,), daemon=True).start()
        self.trainer: Trainer | None = None
        self.live = None
        self.known: dict[str, Any] = {}  # the trainer's fixed data, sent once: snapshots refer to it by name
        self.run, self.chunk_s, self.sec_per_step = 0, 0.1, None
        self.until, self.budget_s, self.seconds, self.reason = 0.0, 0.0, 0.0, None
        self.want_snapshot = 0

    def _write_all(self, answers) -> None:
        while (message := self.outbox.get()) is not None:
            try:
                _write(answers, *message)
            except OSError:
                return

    def answer(self, kind: str, payload: Any) -> None:
        self.outbox.put((json.dumps({"kind": kind, "run": self.run}).encode(), pack(payload, self.known)))

    def state(self) -> tuple:
        return self.trainer, self.sec_per_step, self.seconds, self.reason

    def handle(self, header: dict, body: bytes) -> None:
        op = header["op"]
        if op == "start":
            self.run, self.trainer = header["run"], None
            self.known = unpack(body[:header["fixed"]])
            self.trainer, self.live = unpack(body[header["fixed"]:], self.known)
            self.chunk_s, self.sec_per_step = header["chunk_s"], header["sec_per_step"]
            self.until = time.monotonic() + header["for_s"]
            self.budget_s, self.seconds, self.reason, self.want_snapshot = header["budget_s"], 0.0, None, 0
        elif header["run"] != self.run or self.trainer is None:
            return  # about a run this worker no longer holds
        elif op == "more":
            self.until = time.monotonic() + header["for_s"]
            self.want_snapshot += bool(header["snapshot"])
        elif op == "stop":
            self.answer("final", self.state())
            self.trainer = self.live = None
            self.known = {}

    @property
    def training(self) -> bool:
        return self.trainer is not None and self.reason is None and time.monotonic() < self.until

    def train_chunk(self) -> None:
        started = time.perf_counter()
        self.sec_per_step = train_for(self.trainer, self.chunk_s, live=self.live, sec_per_step=self.sec_per_step)
        self.seconds += time.perf_counter() - started
        self.reason = why_done(self.trainer)
        if self.reason is None and self.seconds >= self.budget_s:
            self.reason = "budget"

    def send_snapshots(self) -> None:
        while self.want_snapshot and self.trainer is not None:
            self.want_snapshot -= 1
            self.answer("snapshot", self.state())


def serve() -> None:
    """The worker's loop: messages in on stdin, answers out on stdout, until stdin closes or nobody asked for
    anything in IDLE_EXIT_S. Anything the training prints goes to stderr, so it cannot garble the answers."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    os.nice(WORKER_NICENESS)
    from core.device import configure_threads
    configure_threads()
    inbox = sys.stdin.buffer
    serving = _Serving(answers)
    serving.answer("ready", None)
    while True:
        wait = 0.0 if serving.training else IDLE_EXIT_S
        ready, _, _ = select.select([inbox], [], [], wait)
        if ready:
            try:
                header, body = _read(inbox, None)
            except (EOFError, OSError):
                break
            try:
                serving.handle(json.loads(header), body)
            except Exception as error:  # the server trains on itself, where the error shows as usual
                serving.answer("raised", repr(error))
                serving.trainer = None
        elif not serving.training:
            break  # idle for IDLE_EXIT_S
        if serving.training:
            try:
                serving.train_chunk()
            except Exception as error:
                serving.answer("raised", repr(error))
                serving.trainer = None
        serving.send_snapshots()
    serving.outbox.put(None)


if __name__ == "__main__":
    # Serve from the imported module, not from this `__main__` copy of it: what the server packs names
    # `core.train_process` (its references to fixed data too), and unpacking must find that module's state.
    from core.train_process import serve as serve_imported

    serve_imported()
