"""Memory housekeeping: the startup freeze, session tokens, and the trim after sessions end."""
from __future__ import annotations

import subprocess
import sys
import weakref
from pathlib import Path

from ui import housekeeping

ROOT = Path(__file__).resolve().parents[2]


def test_start_freezes_the_startup_objects_once_and_starts_one_housekeeper():
    code = """
import gc, threading
from ui import housekeeping
housekeeping.start(); frozen = gc.get_freeze_count(); housekeeping.start()
import core.vision.cnn, ui.runner  # imported by start() already
keepers = [t for t in threading.enumerate() if t.name == "nnpg-housekeeper"]
print(frozen > 100_000, len(keepers), keepers[0].daemon)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "1", "True"]


def test_tokens_count_live_sessions_and_a_round_trims_only_when_one_ended(monkeypatch):
    monkeypatch.setattr(housekeeping, "_sessions", weakref.WeakSet())  # not the app tests' sessions
    trims = []
    seen = housekeeping.tidy(0, trim=lambda: trims.append(1))
    first, second = housekeeping.new_session_token(), housekeeping.new_session_token()
    cycle = {"token": second}
    cycle["self"] = cycle  # a session's state can sit in a reference cycle: only a collection frees it
    seen = housekeeping.tidy(seen, trim=lambda: trims.append(1))
    assert seen == 2 and trims == []
    del second, cycle
    seen = housekeeping.tidy(seen, trim=lambda: trims.append(1))
    assert trims == [1]
    assert housekeeping.tidy(seen, trim=lambda: trims.append(1)) == 1 and trims == [1]
    del first
    housekeeping.tidy(seen, trim=lambda: trims.append(1))
    assert trims == [1, 1]

