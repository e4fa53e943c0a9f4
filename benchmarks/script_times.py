"""Median script-run time of every page: a plain rerun and a control change (its first slider moved).

The brief's target: a control change re-renders in under 100 ms of script time on this machine.
Run: .venv/bin/python benchmarks/script_times.py   (pages listed in ui/nav.py)
"""
from __future__ import annotations

import statistics
import time

from _util import ROOT

import torch
from streamlit.testing.v1 import AppTest

from ui.nav import PAGES

torch.set_num_threads(1)


def timed_runs(at: AppTest, change, repeat: int = 9) -> float:
    times = []
    for i in range(repeat + 1):
        change(i)
        start = time.perf_counter()
        at.run()
        if i:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def slider_mover(at: AppTest):
    """Move the page's first slider back and forth between two of its values (None if it has none)."""
    if not at.slider:
        return None
    key = at.slider[0].key

    def move(i: int) -> None:
        slider = next(s for s in at.slider if s.key == key)
        lo, hi, step = slider.min, slider.max, slider.step or 1
        value = slider.value if not isinstance(slider.value, tuple) else slider.value[0]
        target = value + step if value + step <= hi else value - step
        slider.set_value(type(value)(target) if not isinstance(value, float) else float(target))
    return move


def main() -> None:
    print(f"{'page':14s} {'first run':>10s} {'rerun':>8s} {'slider change':>14s}   (median ms of script time)")
    for spec in PAGES:
        at = AppTest.from_file(str(ROOT / spec.path), default_timeout=300)
        start = time.perf_counter()
        at.run()
        first = (time.perf_counter() - start) * 1000
        if at.exception:
            print(f"{spec.slug:14s} raised: {at.exception[0].message}")
            continue
        rerun = timed_runs(at, lambda i: None)
        mover = slider_mover(at)
        change = f"{timed_runs(at, mover):12.0f}" if mover else "   (no slider)"
        print(f"{spec.slug:14s} {first:10.0f} {rerun:8.0f} {change:>14s}")


if __name__ == "__main__":
    main()
