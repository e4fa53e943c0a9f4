"""Load test: N real Chromium sessions against one server on this machine.

Most sessions move sliders on various pages (latency = key press on a slider → the page has re-rendered with no
stale elements); the rest train on the Playground. Reports p50/p95 slider-to-update latency, errors (exception
boxes or failed loads), server CPU and memory while loaded, and memory after everyone left.
Targets (issue 8): 20 sessions, 5 training, p95 < 1 s, zero errors, memory back within 10 % of the start.

Run: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--training 5] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import urllib.request

from _util import ROOT  # noqa: F401  (project on sys.path)

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

SLIDER_PAGES = ["activation", "playground", "optimizers", "convolution", "losses", "pooling", "fitting", "rnn"]
STALE = "[data-stale='true']"
STATUS = "[data-testid='stStatusWidget']"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settled(page, timeout_s: float = 30.0) -> None:
    """Wait until the script run the last action started has finished and re-rendered."""
    await page.wait_for_timeout(30)
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        busy = await page.evaluate(f"() => !!document.querySelector(\"{STALE}\") || "
                                   f"!!document.querySelector(\"{STATUS}\")")
        if not busy:
            return
        await page.wait_for_timeout(15)
    raise TimeoutError("page did not settle")


async def slider_user(browser, url: str, slug: str, delay: float, until: float, latencies: list,
                      errors: list) -> None:
    await asyncio.sleep(delay)  # people arrive one after another, not all in the same millisecond
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{url}/{slug}", timeout=240_000)
        await page.wait_for_selector("[data-testid='stSlider'] [role='slider']", timeout=240_000)
        await settled(page, 240)
        direction = "ArrowRight"
        while time.perf_counter() < until:
            slider = page.locator("[data-testid='stSlider'] [role='slider']").first
            await slider.focus()
            start = time.perf_counter()
            await page.keyboard.press(direction)
            await settled(page)
            latencies.append(time.perf_counter() - start)
            direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"{slug}: exception shown")
                break
            await page.wait_for_timeout(700)  # a person looks at the result before moving again
    except Exception as err:  # a failed load or a hang counts as an error of the test, never a crash of it
        errors.append(f"{slug}: {type(err).__name__}: {str(err)[:120]}")
    finally:
        await context.close()


async def trainer_user(browser, url: str, delay: float, until: float, errors: list, epochs: list) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    try:
        await page.goto(f"{url}/playground?data=spiral&layers=4&n1=8&n2=8&n3=8&n4=8", timeout=240_000)
        await page.get_by_role("button", name="Start", exact=True).click(timeout=240_000)
        while time.perf_counter() < until:
            await page.wait_for_timeout(1000)
            if await page.locator("[data-testid='stException']").count():
                errors.append("playground training: exception shown")
                break
            if await page.get_by_role("button", name="Start", exact=True).count():  # budget or idle pause: go on
                await page.get_by_role("button", name="Start", exact=True).click()
        text = await page.locator("[data-testid='stProgress']").first.inner_text()
        epochs.append(int(text.split("epoch ")[1].split(" of")[0].replace(",", "")))
    except Exception as err:
        errors.append(f"training: {type(err).__name__}: {str(err)[:120]}")
    finally:
        await context.close()


async def run(sessions: int, training: int, seconds: float, ramp: float) -> None:
    from playwright.async_api import async_playwright

    port = _free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        urllib.request.urlopen(f"{url}/playground").read()
        await asyncio.sleep(2)
        rss_start = rss_mb(server.pid)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # warm the server once (imports, caches) so the baseline is a running app, not a cold one
            warm = await browser.new_context()
            warm_page = await warm.new_page()
            for slug in SLIDER_PAGES:
                await warm_page.goto(f"{url}/{slug}", timeout=180_000)
                await warm_page.wait_for_selector("h1", timeout=180_000)
                await settled(warm_page, 180)
            await warm.close()
            await asyncio.sleep(5)
            rss_start = rss_mb(server.pid)
            latencies, errors, epochs = [], [], []
            until = time.perf_counter() + ramp * sessions + seconds
            cpu0, t0 = cpu_seconds(server.pid), time.perf_counter()
            tasks = [trainer_user(browser, url, ramp * i, until, errors, epochs) for i in range(training)]
            tasks += [slider_user(browser, url, SLIDER_PAGES[i % len(SLIDER_PAGES)], ramp * (training + i), until,
                                  latencies, errors) for i in range(sessions - training)]
            peak = [rss_start]

            async def sample():
                while time.perf_counter() < until:
                    peak[0] = max(peak[0], rss_mb(server.pid))
                    await asyncio.sleep(1)
            await asyncio.gather(sample(), *tasks)
            cpu_used = (cpu_seconds(server.pid) - cpu0) / (time.perf_counter() - t0)
            await browser.close()
        print(f"sessions {sessions} ({training} training), arriving {ramp:g} s apart, then {seconds:.0f} s together; "
              f"server and Chromium on 127.0.0.1, {os.cpu_count()} cores")
        if latencies:
            q = statistics.quantiles(latencies, n=20)
            print(f"slider-to-update latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
                  f"p95 {q[18] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms ({len(latencies)} moves)")
        print(f"errors: {len(errors)}" + ("".join(f"\n  {e}" for e in errors[:10])))
        print(f"training sessions reached {', '.join(str(e) for e in epochs)} epochs (spiral, 4 hidden layers of 8)")
        print(f"server CPU: {cpu_used * 100:.0f} % of one core on average; memory: start {rss_start:.0f} MB, "
              f"peak {peak[0]:.0f} MB")
        deadline = time.time() + 240
        while time.time() < deadline:
            await asyncio.sleep(10)
            now = rss_mb(server.pid)
            if now <= rss_start * 1.10:
                break
        print(f"memory after everyone left: {now:.0f} MB ({(now / rss_start - 1) * 100:+.1f} % vs start)")
    finally:
        server.terminate()
        server.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--training", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp", type=float, default=3.0, help="seconds between two sessions' arrivals")
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.training, args.seconds, args.ramp))


if __name__ == "__main__":
    main()
