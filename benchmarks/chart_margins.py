"""Which charts Plotly still draws twice per update: margins grown past the room reserved for labels.

Plotly.js redraws a chart whenever tick labels, titles, a legend or a colour bar push its margins past the
layout's own (`ui/figures/margins.py` reserves that room up front). This opens every topic page in Chromium and
prints, per chart, the margins the figure asked for, the ones Plotly ended up with, and the difference; a chart
marked GROW costs a second drawing on each update.

Run: .venv/bin/python benchmarks/chart_margins.py [slugs ...]
"""
from __future__ import annotations

import argparse
import asyncio

import _util  # noqa: F401  (puts the project on sys.path)

from load_test import IDLE, VIEWPORT
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server
from ui.nav import PAGES

CHART_MARGINS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const L = gd._fullLayout, m = L.margin, s = L._size;
  const title = (L.title && L.title.text || '').replace(/<[^>]+>/g, '').slice(0, 40);
  return [title, [m.l, m.r, m.t, m.b], [s.l, s.r, s.t, s.b]];
})"""


async def run(slugs: list[str]) -> None:
    from playwright.async_api import async_playwright

    port = _free_port()
    server = start_server(port)
    grown = total = 0
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport=VIEWPORT)
            print("page         chart                                     asked l/r/t/b    got l/r/t/b")
            for slug in slugs:
                await page.goto(f"http://127.0.0.1:{port}/{slug}", timeout=120_000)
                await page.wait_for_function(IDLE, timeout=120_000)
                await page.wait_for_timeout(2_500)  # charts drawn
                for title, asked, got in await page.evaluate(CHART_MARGINS):
                    grew = any(g > a for a, g in zip(asked, got))
                    grown, total = grown + grew, total + 1
                    print(f"{slug:12s} {title or '(no title)':41s} {'/'.join(map(str, asked)):16s} "
                          f"{'/'.join(map(str, got)):16s} {'GROW' if grew else ''}")
            await browser.close()
    finally:
        server.terminate()
        server.wait(15)
    print(f"{grown} of {total} charts grew their margins (drawn twice per update)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="*", default=[spec.slug for spec in PAGES])
    asyncio.run(run(parser.parse_args().slugs))


if __name__ == "__main__":
    main()
