"""For benchmarks: each full run of the app script timed, when the server was started with NNPG_RUN_LOG=<file>.

The class test (benchmarks/load_test.py) sends a change and waits for the server's "script finished"; with this
log it splits that time into before the script started, the script itself, and after it (the server's event loop
delivering the run's messages). One line per run: end (Unix time), wall ms, CPU ms of the script's thread, page.
Off (one environment lookup per run) unless the variable is set.
"""
from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()


def started() -> tuple[float, float] | None:
    """Call first thing in a full run: its start (wall and thread CPU clocks), or None when nothing is logged."""
    return (time.perf_counter(), time.thread_time()) if os.environ.get("NNPG_RUN_LOG") else None


def finished(start: tuple[float, float] | None, page: str) -> None:
    """Call last thing in a full run: append its line to the log."""
    path = os.environ.get("NNPG_RUN_LOG")
    if start is None or not path:
        return
    wall, cpu = time.perf_counter() - start[0], time.thread_time() - start[1]
    with _lock, open(path, "a", encoding="utf-8") as log:
        log.write(f"{time.time():.4f} {wall * 1000:.1f} {cpu * 1000:.1f} {page}\n")
