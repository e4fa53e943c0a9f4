"""Helpers shared by the benchmark scripts: timing, AppTest script-run times, a server + Chromium session."""
from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NNPG_DEVICE", "cpu")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def median_ms(fn, repeat: int = 7) -> float:
    """Median wall time of fn() in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def script_run_ms(slug: str, actions, repeat: int = 7, prepare=None) -> dict[str, float]:
    """Median script-run time (ms) of each named action on pages/<slug>.py under AppTest.

    `actions` maps a name to a function(at) that changes a control (the run itself is timed separately, so
    the number is the script's time, not the test harness's). `prepare(at)`, if given, runs once after the
    first run (e.g. a training step, so the timed runs draw a trained model's charts).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=300)
    at.run()
    if prepare is not None:
        prepare(at)
    results = {}
    for name, act in actions.items():
        times = []
        for i in range(repeat + 1):
            act(at, i)
            start = time.perf_counter()
            at.run()
            if i:  # the first run warms caches
                times.append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        results[name] = statistics.median(times)
    return results


@contextmanager
def server_and_browser(port: int | None = None):
    """A Streamlit server on 127.0.0.1 (a free port unless given) and a headless Debian Chromium page."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

    port = port or _free_port()
    proc = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(90_000)
            yield f"http://127.0.0.1:{port}", page
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


def widget_setter(kind: str, key: str, values: list):
    """An action for `script_run_ms`: set the widget of type `kind` with this key to the values in turn."""
    def act(at, i):
        widget = next(w for w in getattr(at, kind) if w.key == key)
        widget.set_value(values[i % len(values)])
    return act

def watch_training(page, address: str, seconds: float = 10.0, settle_ms: int = 1500) -> tuple[float, str, str, float]:
    """Open `address`, press Start, wait `settle_ms`, watch the progress line for `seconds` of training (or until
    the run ends by itself), then Pause.

    Returns (refreshes/s — each refresh of the live panel changes the line —, its first and last text, seconds).
    """
    page.goto(address)
    page.wait_for_selector(".js-plotly-plot", timeout=240_000)  # a cold server on a busy machine is slow
    page.get_by_role("button", name="Start").first.click()
    page.get_by_role("button", name="Pause").first.wait_for()
    page.wait_for_timeout(settle_ms)
    progress = page.locator('[data-testid="stProgress"], [data-testid="nnpgLiveProgress"]').first
    first = progress.inner_text()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    pause = page.get_by_role("button", name="Pause")
    seen, start = {first}, time.perf_counter()
    while time.perf_counter() - start < seconds and pause.count():  # a fast demo may reach its goal and stop
        seen.add(progress.inner_text())
        page.wait_for_timeout(40)
    elapsed = time.perf_counter() - start
    last = progress.inner_text()
    if pause.count():
        try:  # it may stop between the count and the click
            pause.first.click(timeout=5_000)
        except PlaywrightTimeout:
            pass
    return len(seen) / elapsed, first, last, elapsed
