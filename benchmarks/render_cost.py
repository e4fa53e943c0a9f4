"""What one slider move costs a browser tab: main-thread CPU (script, layout, style) and wall time, per page.

On a loaded machine a tab only gets the CPU that is left, so the work a re-render asks of the browser is what
makes its latency: this measures that work on an idle machine, one page at a time, with Chromium's own counters
(CDP `Performance.getMetrics`: TaskDuration = main-thread busy time, ScriptDuration, LayoutDuration,
RecalcStyleDuration). Latency is key press → the server's "script finished" arrived and the page is idle
(as in load_test.py).

Run: .venv/bin/python benchmarks/render_cost.py [--moves 8] [pages ...]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics

import _util  # noqa: F401  (puts the project on sys.path)

from load_test import COUNT_FINISHED_RUNS, IDLE, SLIDER_PAGES, VIEWPORT, WATCH_RERUN
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


async def metrics(cdp) -> dict:
    found = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
    return {name: found.get(name, 0.0) for name in METRICS}


async def page_cost(browser, url: str, moves: int) -> dict:
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(COUNT_FINISHED_RUNS)
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    await page.goto(url, timeout=120_000)
    await page.locator("[data-testid='stSlider']").first.wait_for(timeout=120_000)
    await page.wait_for_function(IDLE, timeout=120_000)
    await page.wait_for_timeout(3_000)  # first drawing (Plotly's first plot) is over
    costs, latencies, direction = {name: [] for name in METRICS}, [], "ArrowRight"
    slider = page.get_by_role("slider").first
    for _ in range(moves):
        await page.wait_for_timeout(1_000)
        before = await metrics(cdp)
        start = await page.evaluate(WATCH_RERUN)
        await slider.focus()
        await page.keyboard.press(direction)
        done = await page.evaluate("() => window.__nnpgRerun")
        latencies.append(done - start)
        await page.wait_for_timeout(1_000)  # work that runs after the page went idle (Plotly's redraws) counts too
        after = await metrics(cdp)
        for name in METRICS:
            costs[name].append((after[name] - before[name]) * 1000)
        direction = "ArrowLeft" if direction == "ArrowRight" else "ArrowRight"
    await context.close()
    return {"latency": latencies, **costs}


async def run(slugs: list[str], moves: int) -> None:
    from playwright.async_api import async_playwright

    port = _free_port()
    server = start_server(port)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            await page_cost(browser, f"http://127.0.0.1:{port}/{slugs[0]}", 1)  # warm the server
            print(f"per slider move, median of {moves} (ms): latency | main thread busy | script | layout | style")
            for slug in slugs:
                cost = await page_cost(browser, f"http://127.0.0.1:{port}/{slug}", moves)
                print(f"{slug:12s} " + " | ".join(f"{statistics.median(cost[k]):6.0f}"
                                                  for k in ("latency", *METRICS)))
            await browser.close()
    finally:
        server.terminate()
        server.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=SLIDER_PAGES)
    parser.add_argument("--moves", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(run(args.pages, args.moves))


if __name__ == "__main__":
    main()
