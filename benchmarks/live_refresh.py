"""Live views in a real browser: how often each training page's panel refreshes (target ≥ 4 a second, issues 20-22,
24), how busy the browser's main thread is while it does, and how fast the page trains against its trainer alone.

For every page that trains (or the slugs given): open it in headless Chromium, press Start, wait `--settle`
seconds, then count for `--seconds` how often the progress line changes (each live refresh shows new steps),
counted in the page every 5 ms, and sum the main thread's long tasks (> 50 ms, PerformanceObserver). A run that
ends by itself (a goal, its last step) is measured over the time it ran. One tab, a server of its own, this
machine: compare pages, and the same page before and after a change, side by side in one run.
The trainer alone: the page's own default trainer (the first run on the page, built by running the page in
AppTest), trained in this process in the runner's chunks, half of `--no-ui-seconds` before the page and half after
(the mean); the page's rate is read from its progress line at both ends of the window. Ratio = page / alone
("paced": the page sets so many steps per refresh by design, slow motion).

Run: .venv/bin/python benchmarks/live_refresh.py [slug ...] [--seconds 8] [--settle 1.5]
"""
from __future__ import annotations

import argparse
import re
import time

from _util import ROOT, server_and_browser

PROGRESS = '[data-testid="stProgress"], [data-testid="nnpgLiveProgress"]'
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
SHOWN = "() => { const el = document.querySelector('%s'); return el ? el.innerText : null; }" % PROGRESS


def training_pages() -> list[str]:
    return sorted(p.stem for p in (ROOT / "pages").glob("*.py") if "live_training(" in p.read_text())


def steps_shown(text: str) -> int:
    return int(re.search(r"([\d,]+) (?:of|/)", text).group(1).replace(",", ""))


def alone_rate(slug: str, seconds: float) -> float | None:
    """Steps/s of the page's first trainer, as its defaults build it, trained alone here in the runner's chunks;
    None when the page has no run, or paces its steps (slow motion: so many steps per refresh, by design)."""
    import torch

    from streamlit.logger import set_log_level

    from core.trainer import train_for
    from tests.app.harness import open_page
    from ui.runner import TICK_S

    torch.set_num_threads(1)  # as the server
    set_log_level("error")  # (AppTest in a bare process warns about its missing context)
    at = open_page(slug)
    runs = [at.session_state[key] for key in list(at.session_state.keys()) if key.endswith(".run")]
    if not runs:
        return None
    run = runs[0]
    if run.steps_per_tick is not None:
        return None
    trainer = run.trainer
    sec_per_step = train_for(trainer, TICK_S, live=run.live)  # warm-up
    done, began = trainer.steps_done, time.perf_counter()
    while time.perf_counter() - began < seconds and not trainer.finished:
        sec_per_step = train_for(trainer, TICK_S, live=run.live, sec_per_step=sec_per_step)
    return (trainer.steps_done - done) / (time.perf_counter() - began)


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
    began, shown = time.perf_counter(), page.evaluate(SHOWN)
    last = (began, shown)
    while time.perf_counter() - began < seconds and pause.count():  # it may reach its goal and stop
        page.wait_for_timeout(100)
        text = page.evaluate(SHOWN)
        if text and pause.count():
            last = (time.perf_counter(), text)
    elapsed = time.perf_counter() - began
    changes, long_ms, long_count = page.evaluate(READ)
    try:
        steps_s = (steps_shown(last[1]) - steps_shown(shown)) / (last[0] - began)
    except (AttributeError, TypeError, ZeroDivisionError):
        steps_s = float("nan")
    if pause.count():
        try:
            pause.first.click(timeout=5_000)
        except Exception:  # it stopped between the count and the click
            pass
    return {"refresh_s": changes / elapsed, "busy": long_ms / (elapsed * 1000), "long_tasks": long_count,
            "steps_s": steps_s,
            "seconds": elapsed, "progress": page.locator(PROGRESS).first.inner_text()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--settle", type=float, default=1.5)
    parser.add_argument("--no-ui-seconds", type=float, default=4.0, help="half before, half after the page")
    args = parser.parse_args()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, load {' '.join(load)}; headless Chromium, one tab, "
          f"{args.seconds:.0f} s per page after {args.settle} s")
    print(f"{'page':20s} {'refreshes/s':>11s} {'main thread busy':>17s} {'over':>7s} {'page steps/s':>12s} "
          f"{'alone steps/s':>13s} {'ratio':>6s}  progress at the end")
    with server_and_browser() as (url, page):
        for slug in args.slugs or training_pages():
            before = alone_rate(slug, args.no_ui_seconds / 2)
            r = measure(page, f"{url}/{slug}", args.seconds, args.settle)
            after = alone_rate(slug, args.no_ui_seconds / 2)
            alone = None if before is None else (before + after) / 2  # a load that changed counts on both sides
            ratio = f"{r['steps_s'] / alone:6.0%}" if alone else f"{'paced':>6s}"
            print(f"{slug:20s} {r['refresh_s']:11.1f} {r['busy'] * 100:16.0f}% {r['seconds']:6.1f}s "
                  f"{r['steps_s']:12.1f} {alone or float('nan'):13.1f} {ratio}  {r['progress']}", flush=True)


if __name__ == "__main__":
    main()
