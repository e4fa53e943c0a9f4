"""Training ticks in worker processes, so that a server's own threads keep its interpreter lock.

Why: a Streamlit server is one Python process. Its script runs, chart drawing and event loop share one
interpreter lock (the GIL) with every training thread. The app's models are small, so training is a stream of
tiny tensor operations, each dropping and retaking the lock, and every other thread that drops it (for a torch
call, a socket write) then waits behind the trainer to get it back — the "convoy effect"
(https://bugs.python.org/issue7946). With a class training, a slider move waited seconds for the lock
(benchmarks/load_test.py). A worker process trains with an interpreter of its own, on another core.

A tick ships the whole trainer (pickled: weights, optimizer state, RNG state, history) to a worker and back, so
nothing of a session stays in a worker between ticks (sessions cannot see each other's models) and a worker that
dies or hangs costs one tick: it is replaced and the tick is trained in the caller's thread instead. Trainers
that are slow to pickle (big data, thousands of small objects) are better trained in place: the caller decides
with `shipping_cost`.
"""
from __future__ import annotations

import contextlib
import io
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import torch

from core.trainer import Trainer, train_for

ROOT = Path(__file__).resolve().parents[1]
# Below the server's priority: when the cores are busy, a slider move is served before more training.
WORKER_NICENESS = 5
# A tick's answer arrives within its training time plus this; a worker slower than that is replaced.
ANSWER_GRACE_S = 30.0


def shipping_cost(trainer: Trainer, live: Any) -> tuple[bytes, float] | None:
    """The packed (trainer, live settings) and the seconds packing took; None if it cannot be packed (a trainer
    holding a thread, a lock or an open file trains in the caller's thread)."""
    started = time.perf_counter()
    try:
        blob = pack((trainer, live))
    except (pickle.PicklingError, TypeError, AttributeError, RuntimeError):
        return None
    return blob, time.perf_counter() - started


def pack(obj: Any) -> bytes:
    """`torch.save` rather than plain pickle: it writes each tensor storage once, so views stay views (a flat
    parameter vector and the weight matrices that look into it); plain pickle would copy each view apart."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def unpack(blob: bytes) -> Any:
    """Only for bytes `pack` made in this server or its own worker, never a visitor's file: visitors' model files
    go through core.checkpoint's checks and a weights-only load."""
    return torch.load(io.BytesIO(blob), weights_only=False)


class TrainingWorkers:
    """`count` worker processes, started on first use; `tick` trains one shipped trainer in one of them."""

    def __init__(self, count: int):
        self.count = max(1, int(count))
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start the workers now (in the background): the first tick then does not wait for a process to start."""
        with self._lock:
            while self._started < self.count:
                self._idle.put(_Worker())
                self._started += 1

    def tick(self, blob: bytes, seconds: float, steps: int | None,
             sec_per_step: float | None) -> tuple[Trainer, float | None] | None:
        """Train the trainer in `blob` (from `shipping_cost`) for `seconds` (or exactly `steps` steps) in a
        worker; return the trained trainer and the measured seconds per step, or None when no worker answered
        (the caller then trains in its own thread). An exception raised by the training is raised here."""
        self.warm()
        try:
            worker = self._idle.get(timeout=ANSWER_GRACE_S)
        except queue.Empty:
            return None
        try:
            answer = worker.ask(blob, seconds, steps, sec_per_step, seconds + ANSWER_GRACE_S)
        except Exception:
            self._idle.put(worker)
            raise
        if answer is None:  # died or hung: a fresh one takes its place
            worker.stop()
            worker = _Worker()
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    self._idle.get_nowait().stop()
                except queue.Empty:
                    break
            self._started = 0


class _Worker:
    """One worker process and the pipes to it. A fresh interpreter (`python -m core.train_process`), not
    multiprocessing: its "spawn" re-imports the parent's __main__, which inside Streamlit is the app's script,
    and a forked copy of a threaded server can deadlock."""

    def __init__(self):
        # The caller's import path, as multiprocessing passes it: a trainer's class must import in the worker.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen([sys.executable, "-m", "core.train_process"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(self, blob, seconds, steps, sec_per_step, timeout_s) -> tuple[Trainer, float | None] | None:
        try:
            _send(self.process.stdin, pickle.dumps((seconds, steps, sec_per_step)), blob)
            header, answer = _receive(self.process.stdout, time.monotonic() + timeout_s)
            outcome, *rest = unpack(answer)
        except (EOFError, OSError, TimeoutError, pickle.UnpicklingError, RuntimeError):
            return None
        if outcome == "raised":
            raise rest[0]
        trainer, sec_per_step = rest
        return trainer, sec_per_step

    def stop(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        self.process.kill()
        self.process.wait(timeout=5)


def _send(pipe, header: bytes, body: bytes) -> None:
    """One message: two lengths, then the two parts."""
    pipe.write(struct.pack(">II", len(header), len(body)) + header + body)
    pipe.flush()


def _receive(pipe, deadline: float | None = None) -> tuple[bytes, bytes]:
    sizes = _read_exactly(pipe, 8, deadline)
    header_size, body_size = struct.unpack(">II", sizes)
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


def serve() -> None:
    """The worker's loop: a shipped trainer in on stdin, the trained trainer out on stdout, until stdin closes.
    Anything the training prints goes to stderr, so that it cannot garble the answers."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.nice(WORKER_NICENESS)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    from core.device import configure_threads
    configure_threads()
    import torch._dynamo  # noqa: F401  (torch.optim imports it at the first optimizer: now, not in a tick)
    while True:
        try:
            header, blob = _receive(sys.stdin.buffer)
        except (EOFError, OSError):
            return
        try:
            seconds, steps, sec_per_step = pickle.loads(header)
            trainer, live = unpack(blob)
            sec_per_step = train_for(trainer, seconds, steps=steps, live=live, sec_per_step=sec_per_step)
            answer = ("trained", trainer, sec_per_step)
        except Exception as error:  # the caller raises it, as if it had trained in its own thread
            answer = ("raised", error)
        try:
            body = pack(answer)
        except Exception as error:
            body = pack(("raised", RuntimeError(f"the trained model could not be sent back: {error}")))
        _send(answers, b"", body)


if __name__ == "__main__":
    serve()
