"""The live panel in a real Chromium (ui/live_feed.py): a run training alone is drawn by a panel that fetches its
frames itself — pictures and numbers move on while the page's script does not rerun for them — and Pause brings
back the interactive charts at the step the run reached."""
from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import count_script_finished
from tests.e2e.test_pages import EXCEPTION, open_page, pause_training, start_training
from ui.runner import FEED_WATCHDOG_S

pytestmark = pytest.mark.e2e

LIVE = """() => { const p = document.querySelector('[data-testid="nnpgLiveProgress"]');
  const l = document.querySelector('.nnpg-live');
  return p && l ? {text: p.innerText, frames: Number(l.dataset.frames), pictures: l.querySelectorAll('img').length,
                   src: (l.querySelector('img') || {}).src || ''} : null; }"""
# Script runs the page saw end, full or fragment runs
COUNT_RUNS = count_script_finished("__nnpgRuns")


def steps(text: str) -> int:
    return int(re.search(r"([\d,]+) of", text).group(1).replace(",", ""))


def _live(page, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        live = page.evaluate(LIVE)
        if live and live["frames"] >= 2:
            return live
        page.wait_for_timeout(200)
    raise AssertionError("no live panel")


@pytest.mark.parametrize("slug, pictures", [("playground", 3), ("gan", 3), ("depth", 2), ("rnn", 2), ("cnn", 9),
                                             ("transformer", 2)])
def test_a_run_training_alone_is_drawn_by_the_live_panel(page, server_url, slug, pictures):
    page.add_init_script(COUNT_RUNS)
    open_page(page, server_url, slug)
    start_training(page)
    first = _live(page)  # the worker starts (~1–2 s), then the panel takes over
    runs, began = page.evaluate("() => window.__nnpgRuns"), time.monotonic()
    while True:  # a few seconds on an idle machine; a busy one (CI, four servers) may take longer
        page.wait_for_timeout(500)
        later = _live(page)
        if (later["frames"] >= first["frames"] + 6 and steps(later["text"]) > steps(first["text"]) > 0
                and later["src"] != first["src"]):  # frames come, the steps and the pictures move on
            break
        assert time.monotonic() - began < 30, ({**first, "src": ""}, {**later, "src": ""})
    elapsed = time.monotonic() - began
    # ... while the page itself ran only for its watch (every FEED_WATCHDOG_S), not once per frame
    page_runs = page.evaluate("() => window.__nnpgRuns") - runs
    assert page_runs <= elapsed / FEED_WATCHDOG_S + 2, (page_runs, elapsed, later["frames"] - first["frames"])
    assert later["pictures"] >= pictures and later["src"].startswith("data:image/png;base64,")
    pause_training(page)
    page.locator('[data-testid="stProgress"]').first.wait_for()
    assert page.evaluate(LIVE) is None  # the page draws the paused run itself: interactive charts
    page.locator(".js-plotly-plot").first.wait_for()
    assert steps(page.locator('[data-testid="stProgress"]').first.inner_text()) >= steps(later["text"])
    assert page.locator(EXCEPTION).count() == 0
