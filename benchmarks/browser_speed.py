"""Full speed in the browser (#24): in-browser training rate vs the trainer's own no-UI rate, side by side.

One command (`make bench-browser`) starts the app on 127.0.0.1, opens Debian's Chromium and, for the Playground
(TF Playground's default 4-2 circle and 6 layers of 8 on the spiral) and the GAN page (2-D ring), measures:
  - the trainer alone, no UI, in this process (one torch thread, as the server runs it), for a few seconds, half
    before and half after the page's run (the mean: a load that changed during the run counts on both sides);
  - the same setup trained in the page for ~15 s: steps/s read from the page's progress line, refreshes/s
    (changes of that line) and the ratio to the no-UI rate — measured one right after the other, in one run;
  - then the same setup trained by a session that draws nothing (the app's protocol from Python): what the server
    and its training reach when the learner's browser runs on another machine, not on these two cores;
  - Start → first trained step shown (click to the progress line showing a step > 0, in the page's clock);
  - slider move → page settled (key press → the server's "script finished" arrived and nothing is stale),
    median and p95 per page.
Prints the date and the machine's load (`uptime`): on a busy machine every number is lower; compare ratios.

Run: .venv/bin/python benchmarks/browser_speed.py [--seconds 15] [--moves 10] [--slider-pages playground gan ...]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import random
import re
import socket
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import _util  # noqa: F401  (puts the project on sys.path)

import torch

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from core.generative.gan import GanConfig, GanTrainer
from core.generative.gan_targets import ring
from light_session import LightSession
from load_test import IDLE, WATCH_RERUN
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, count_script_finished, start_server
from core.trainer import train_for
from ui.nav import PAGES
from ui.runner import TICK_S

SPIRAL = "?data=spiral&layers=6&" + "&".join(f"n{i}=8" for i in range(1, 7))
SETUPS = {  # name -> (page path, trainer the page builds with its defaults)
    "playground 4-2 circle": ("/playground", lambda: PlaygroundTrainer(PlaygroundConfig(), Hyper())),
    "playground 6x8 spiral": ("/playground" + SPIRAL,
                              lambda: PlaygroundTrainer(PlaygroundConfig(dataset="spiral", hidden=(8,) * 6), Hyper())),
    "gan 2-D ring": ("/gan", lambda: GanTrainer(GanConfig(), ring())),
}
# Streamlit's progress line, or the live panel's (ui/live_feed.py) while it draws a run training in the worker
PROGRESS = '[data-testid="stProgress"], [data-testid="nnpgLiveProgress"]'
# A slider move is settled when the run it caused finished: a full run (status 0, or 1 for a compile error) or,
# for a control inside a fragment, that fragment's run (3). Nothing trains here, so no timer's run counts.
COUNT_SETTLING_RUNS = count_script_finished("__nnpgFinished", "v === 0 || v === 1 || v === 3")
# In the page: every change of the (first) progress line is one refresh; the first one that shows a step > 0
# after the click on Start is "first step". performance.now() is the page's clock.
WATCH_TRAINING = """() => {
  const w = window.__nnpgTrain = {clicked: null, first: null, changes: 0, last: null};
  document.addEventListener('click', () => { w.clicked ??= performance.now(); }, {capture: true});
  setInterval(() => {
    const el = document.querySelector('%s');
    if (!el) return;
    const text = el.innerText;
    if (text === w.last) return;
    w.last = text; w.changes++;
    const m = text.match(/([\\d,]+) of/);
    if (m && w.clicked !== null && w.first === null && Number(m[1].replace(/,/g, '')) > 0) w.first = performance.now();
  }, 5);
}""" % PROGRESS


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    """A free port in 8600-8999 (the range this project's helpers use), at random."""
    for port in random.sample(range(8600, 9000), 400):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in 8600-8999")


def no_ui_rate(build, seconds: float) -> float:
    """Steps/s of the trainer alone in this process, chunked as the runner chunks a refresh (TICK_S of training,
    metrics once per chunk): what the page could reach if drawing and shipping cost nothing."""
    trainer = build()
    sec_per_step = train_for(trainer, TICK_S)  # warm-up
    steps, start = trainer.steps_done, time.perf_counter()
    while time.perf_counter() - start < seconds and not trainer.finished:
        sec_per_step = train_for(trainer, TICK_S, sec_per_step=sec_per_step)
    return (trainer.steps_done - steps) / (time.perf_counter() - start)


def shown_steps(page) -> int:
    text = page.locator(PROGRESS).first.inner_text()
    return int(re.search(r"([\d,]+) of", text).group(1).replace(",", ""))


def in_browser(browser, url: str, seconds: float) -> dict:
    """Train the page at `url` for `seconds`: steps/s and refreshes/s shown, and Start → first step (ms)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(url)
        start_button = page.get_by_role("button", name="Start", exact=True).first
        start_button.wait_for()
        page.wait_for_function(IDLE)
        page.wait_for_timeout(2_000)  # first drawing (Plotly's first plot) is over
        page.evaluate(WATCH_TRAINING)
        start_button.click()
        page.wait_for_function("() => window.__nnpgTrain.first !== null")
        first_ms = page.evaluate("() => window.__nnpgTrain.first - window.__nnpgTrain.clicked")
        page.wait_for_timeout(1_500)  # settle
        steps0, changes0, t0 = shown_steps(page), page.evaluate("() => window.__nnpgTrain.changes"), time.perf_counter()
        page.wait_for_timeout(seconds * 1000)
        steps1, changes1, t1 = shown_steps(page), page.evaluate("() => window.__nnpgTrain.changes"), time.perf_counter()
        page.get_by_role("button", name="Pause", exact=True).first.click()
        page.wait_for_timeout(500)
        return {"steps_s": (steps1 - steps0) / (t1 - t0), "refresh_s": (changes1 - changes0) / (t1 - t0),
                "first_ms": first_ms}
    finally:
        context.close()


async def without_a_browser(port: int, path: str, seconds: float) -> dict:
    """The same setup trained by a session that draws nothing (the app's protocol spoken from Python,
    light_session.py): the server's side alone, as when the learner's browser runs on another machine."""
    slug, _, query = path.lstrip("/").partition("?")
    session = LightSession(port, slug, query)
    await session.open()
    try:
        await session.press("Start")
        await asyncio.sleep(1.5)  # settle, as in the browser

        def steps() -> int:
            return int(re.search(r"([\d,]+) of", session.progress).group(1).replace(",", ""))

        steps0, updates0, t0 = steps(), session.progress_updates, time.perf_counter()
        await asyncio.sleep(seconds)
        steps1, updates1, t1 = steps(), session.progress_updates, time.perf_counter()
        await session.press("Pause")
        return {"steps_s": (steps1 - steps0) / (t1 - t0), "refresh_s": (updates1 - updates0) / (t1 - t0)}
    finally:
        await session.close()


def slider_settle(browser, url: str, moves: int) -> list[float]:
    """Key press on the page's first slider → the page settled (ms), `moves` times, left and right; [] for a
    page without a slider."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(COUNT_SETTLING_RUNS)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(url)
        page.locator("h1").first.wait_for()
        page.wait_for_function(IDLE)
        page.wait_for_timeout(2_000)
        if not page.locator("[data-testid='stSlider']").count():
            return []  # a page without a slider
        slider, direction, latencies = page.get_by_role("slider").first, "ArrowRight", []
        for _ in range(moves):
            page.wait_for_timeout(700)
            start = page.evaluate(WATCH_RERUN)
            slider.focus()
            page.keyboard.press(direction)
            latencies.append(page.evaluate("() => window.__nnpgRerun") - start)
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
        return latencies
    finally:
        context.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="training time per setup in the browser")
    parser.add_argument("--no-ui-seconds", type=float, default=6.0, help="half before, half after the page")
    parser.add_argument("--moves", type=int, default=10, help="slider moves per page")
    parser.add_argument("--slider-pages", nargs="*", default=[spec.slug for spec in PAGES],
                        help="pages whose first slider is moved (default: every page; those without one are skipped)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    torch.set_num_threads(1)  # as the server (core.device.configure_threads)
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}   {uptime()}")
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            in_browser(browser, url + SETUPS["playground 4-2 circle"][0], 2.0)  # warm the server's imports
            print(f"{'':22s} {'':13s} {'in Chromium':-^56s} {'no browser (protocol)':-^32s}")
            print(f"{'setup':22s} {'no-UI steps/s':>13s} {'page steps/s':>12s} {'ratio':>6s} {'refreshes/s':>11s} "
                  f"{'start→first step':>17s} {'page steps/s':>12s} {'ratio':>6s} {'refreshes/s':>11s}")
            for name, (path, build) in SETUPS.items():
                before = no_ui_rate(build, args.no_ui_seconds / 2)
                shown = in_browser(browser, url + path, args.seconds)
                with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's event loop
                    served = pool.submit(asyncio.run, without_a_browser(port, path, args.seconds)).result()
                alone = (before + no_ui_rate(build, args.no_ui_seconds / 2)) / 2  # the same load before and after
                print(f"{name:22s} {alone:13.1f} {shown['steps_s']:12.1f} {shown['steps_s'] / alone:6.0%} "
                      f"{shown['refresh_s']:11.1f} {shown['first_ms']:14.0f} ms {served['steps_s']:12.1f} "
                      f"{served['steps_s'] / alone:6.0%} {served['refresh_s']:11.1f}", flush=True)
            print("(Playground: one step = one epoch of 250 points in batches of 10; GAN: one step = one network "
                  "update, 3 per iteration)")
            print(f"slider move → page settled, {args.moves} moves (ms): median | p95")
            for slug in args.slider_pages:
                latencies = slider_settle(browser, f"{url}/{slug}", args.moves)
                if not latencies:
                    continue
                print(f"  {slug:12s} {statistics.median(latencies):6.0f} | {p95(latencies):6.0f}", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    print(f"done {datetime.datetime.now(datetime.timezone.utc):%H:%M UTC}   {uptime()}")


if __name__ == "__main__":
    main()
