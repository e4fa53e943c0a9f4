"""Every page in a real Chromium: it renders its charts, a slider moves, training starts and pauses, no error."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

EXCEPTION = '[data-testid="stException"]'


def wait_idle(page, timeout=60_000):
    """Wait until Streamlit is no longer running the script."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def open_page(page, server_url, slug, query=""):
    page.goto(f"{server_url}/{slug}{query}")
    page.wait_for_selector("h1", timeout=90_000)
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot, [data-testid='stImage'], [data-testid='stGraphVizChart']",
                           timeout=60_000)


@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_page_renders_moves_and_trains(page, server_url, spec):
    open_page(page, server_url, spec.slug)
    assert page.locator(EXCEPTION).count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{spec.slug}.png"), full_page=False)

    sliders = page.locator('[data-testid="stSlider"] [role="slider"]')
    if sliders.count():
        sliders.first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        wait_idle(page)
        assert page.locator(EXCEPTION).count() == 0

    start = page.get_by_role("button", name="Start", exact=True)
    if start.count():
        start.first.click()
        page.wait_for_timeout(2500)
        pause = page.get_by_role("button", name="Pause", exact=True)
        if pause.count():  # still training: pause it (a fast demo may already have reached its goal)
            pause.first.click()
        page.get_by_role("button", name="Start", exact=True).first.wait_for(timeout=30_000)
        progress = page.locator('[data-testid="stProgress"]').first.inner_text()
        assert " 0 of" not in progress and " 0 / " not in progress, progress
        assert page.locator(EXCEPTION).count() == 0


def test_language_switch_and_link_round_trip(page, server_url):
    spec = PAGES[0]
    open_page(page, server_url, spec.slug, "?lang=zh&seed=7")
    assert page.locator(EXCEPTION).count() == 0
    assert "lang=zh" in page.url and "seed=7" in page.url
    assert page.get_by_text("语言").count() >= 1


def test_tampered_link_gets_a_notice_not_a_traceback(page, server_url):
    spec = PAGES[0]
    open_page(page, server_url, spec.slug, "?seed=abc&nonsense=1")
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stAlertContentWarning"]').count() >= 1
