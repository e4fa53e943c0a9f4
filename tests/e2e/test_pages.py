"""Every page in a real Chromium: it renders its charts, a slider moves, training starts and pauses, no error."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ROOT, SCREENSHOTS
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

EXCEPTION = '[data-testid="stException"]'
PAGES_WITHOUT_SLIDERS = {"backprop"}  # its numbers are typed, not slid
# Streamlit's progress line, or the live panel's (ui/live_feed.py) while a run trains in the worker
PROGRESS = '[data-testid="stProgress"], [data-testid="nnpgLiveProgress"]'


def progress_text(page) -> str:
    """The first progress line's text, read in one step (a refresh may replace the element at any moment)."""
    return page.evaluate("(sel) => { const el = document.querySelector(sel); return el ? el.innerText : ''; }",
                         PROGRESS)


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


def pause_training(page, timeout_s: float = 90.0) -> None:
    """Press Pause until Start is back. A click can miss: the demo may reach its goal between finding Pause and
    clicking it (Pause turns back into Start), or a refresh may redraw the button under the click on a busy
    machine; so try again rather than trust one click."""
    start = page.get_by_role("button", name="Start", exact=True)
    pause = page.get_by_role("button", name="Pause", exact=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if start.count() and start.first.is_visible():
            return
        if pause.count():
            press_now(pause.first)
        page.wait_for_timeout(500)
    raise AssertionError(f"training did not pause in {timeout_s:.0f} s")


def press_now(button) -> None:
    """Click `button`; if a refresh keeps redrawing it (Playwright waits for a button that stands still), send the
    click event to it directly."""
    try:
        button.click(timeout=1_500)
    except PlaywrightTimeout:
        try:
            button.dispatch_event("click", timeout=1_500)
        except PlaywrightTimeout:
            pass


def start_training(page, timeout_s: float = 60.0) -> None:
    """Press Start until the run trains (Pause shows, or the progress line leaves step 0): a click on a busy machine
    can land while the page still reruns for the slider and be lost with the button it hit."""
    start = page.get_by_role("button", name="Start", exact=True)
    pause = page.get_by_role("button", name="Pause", exact=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if start.count() and start.first.is_visible():
            press_now(start.first)
        for _ in range(20):  # up to 10 s for the run to show it trains
            text = progress_text(page)
            if pause.count() or (text and " 0 of" not in text and " 0 / " not in text):
                return
            page.wait_for_timeout(500)
    raise AssertionError(f"training did not start in {timeout_s:.0f} s")


@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_page_renders_moves_and_trains(page, server_url, spec):
    open_page(page, server_url, spec.slug)
    assert page.locator(EXCEPTION).count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{spec.slug}.png"), full_page=False)

    slider = page.get_by_role("slider").first  # input type=range in Streamlit ≥ 1.6x, role=slider before
    if spec.slug in PAGES_WITHOUT_SLIDERS:
        assert page.get_by_role("slider").count() == 0
    else:
        slider.wait_for(timeout=30_000)
        before = slider.get_attribute("aria-valuetext")
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        if slider.get_attribute("aria-valuetext") == before:  # it was at its maximum
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(300)
        wait_idle(page)
        assert slider.get_attribute("aria-valuetext") != before
        assert page.locator(EXCEPTION).count() == 0

    start = page.get_by_role("button", name="Start", exact=True)
    trains = "live_training(" in (ROOT / spec.path).read_text()
    assert (start.count() > 0) == trains
    if trains:
        start_training(page)
        # A slow first step (a model that evaluates before its first chart, a busy machine) may need longer: wait
        # for the progress line to leave step 0, up to a minute, before pausing.
        first_step_by = time.monotonic() + 60
        while time.monotonic() < first_step_by:
            text = progress_text(page)
            if text and " 0 of" not in text and " 0 / " not in text:
                break
            page.wait_for_timeout(250)
        pause_training(page)
        page.locator('[data-testid="stProgress"]').first.wait_for()
        progress = progress_text(page)
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


def test_start_page_opens_topics_and_every_topic_has_its_own_address(page, server_url):
    page.goto(f"{server_url}/")
    page.wait_for_selector("h1", timeout=90_000)
    wait_idle(page)
    assert page.locator("h1").first.inner_text().startswith("NN Playground")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=False)
    page.locator("[data-testid='stMain'] a", has_text="Optimizers").click()
    page.wait_for_url("**/optimizers*")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.goto(f"{server_url}/{PAGES[0].slug}")  # the first topic too: not "page not found"
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page)
    assert page.url.rstrip("/").endswith(f"/{PAGES[0].slug}")
    assert page.get_by_role("dialog").count() == 0
