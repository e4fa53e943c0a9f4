"""What one full garbage collection costs in the server process, before and after the startup freeze.

Streamlit's default (`runner.postScriptGC`) collects after every script run and every live-chart tick; this
prints how long that took with the app's libraries loaded, and what it costs after `ui/housekeeping.py`'s
`gc.freeze()` (the app turns the per-run collection off and collects every few seconds instead).
"""
from __future__ import annotations

import gc
import statistics
import time

from _util import ROOT  # noqa: F401  (puts the project on sys.path)

import pandas  # noqa: F401  (what app.py imports eagerly)
import plotly.graph_objects  # noqa: F401
import streamlit  # noqa: F401
import torch  # noqa: F401

from ui import housekeeping


def collect_ms(repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    housekeeping.import_app_modules()
    objects = len(gc.get_objects())
    before = collect_ms()
    gc.freeze()
    after = collect_ms()
    print(f"{objects:,} objects tracked after importing the app; one full gc.collect(): {before:.1f} ms "
          f"before the freeze, {after:.2f} ms after (median of 7)")


if __name__ == "__main__":
    main()
