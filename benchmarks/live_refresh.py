"""Live views in a real browser: how often each training page's panel refreshes (target ≥ 4 a second, issues 20-22,
24) and how busy the browser's main thread is while it does.

For every page that trains (or the slugs given): open it in headless Chromium, press Start, wait `--settle`
seconds, then count for `--seconds` how often the progress line changes (each live refresh shows new steps),
counted in the page every 5 ms, and sum the main thread's long tasks (> 50 ms, PerformanceObserver). A run that
ends by itself (a goal, its last step) is measured over the time it ran. One tab, a server of its own, this
machine: compare pages, and the same page before and after a change, side by side in one run.

Run: .venv/bin/python benchmarks/live_refresh.py [slug ...] [--seconds 8] [--settle 1.5]
"""
from __future__ import annotations

import argparse
import time

from _util import ROOT, server_and_browser

PROGRESS = '[data-testid="stProgress"]'
WATCH = """() => {
  const w = window.__nnpgLive = {changes: 0, last: null, longMs: 0, longCount: 0};
  new PerformanceObserver(list => { for (const e of list.getEntries()) { w.longMs += e.duration; w.longCount++; } })
    .observe({entryTypes: ['longtask']});
  setInterval(() => {
    const el = document.querySelector('%s');
    if (!el || el.innerText === w.last) return;
    w.last = el.innerText; w.changes++;
  }, 5);
}""" % PROGRESS
READ = "() => [window.__nnpgLive.changes, window.__nnpgLive.longMs, window.__nnpgLive.longCount]"


def training_pages() -> list[str]:
    return sorted(p.stem for p in (ROOT / "pages").glob("*.py") if "live_training(" in p.read_text())


def measure(page, url: str, seconds: float, settle: float) -> dict:
    page.goto(url)
    start = page.get_by_role("button", name="Start", exact=True).first
    start.wait_for(timeout=240_000)  # a cold server on a busy machine is slow
    page.wait_for_timeout(1_500)
    start.click()
    pause = page.get_by_role("button", name="Pause", exact=True)
    pause.first.wait_for()
    page.wait_for_timeout(settle * 1000)
    page.evaluate(WATCH)
    began = time.perf_counter()
    while time.perf_counter() - began < seconds and pause.count():  # it may reach its goal and stop
        page.wait_for_timeout(100)
    elapsed = time.perf_counter() - began
    changes, long_ms, long_count = page.evaluate(READ)
    if pause.count():
        try:
            pause.first.click(timeout=5_000)
        except Exception:  # it stopped between the count and the click
            pass
    return {"refresh_s": changes / elapsed, "busy": long_ms / (elapsed * 1000), "long_tasks": long_count,
            "seconds": elapsed, "progress": page.locator(PROGRESS).first.inner_text()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--settle", type=float, default=1.5)
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, load {' '.join(load)}; headless Chromium, one tab, "
          f"{args.seconds:.0f} s per page after {args.settle} s")
    print(f"{'page':20s} {'refreshes/s':>11s} {'main thread busy':>17s} {'over':>7s}  progress at the end")
    with server_and_browser() as (url, page):
        for slug in args.slugs or training_pages():
            r = measure(page, f"{url}/{slug}", args.seconds, args.settle)
            print(f"{slug:20s} {r['refresh_s']:11.1f} {r['busy'] * 100:16.0f}% {r['seconds']:6.1f}s  {r['progress']}",
                  flush=True)


if __name__ == "__main__":
    main()
