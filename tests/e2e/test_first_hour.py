"""Every page as a new learner meets it (issue #26): formulas render, the language switch relabels every control
and keeps every choice, and a phone-sized screen neither scrolls sideways nor squeezes a chart.

One page load per page: English first (formulas), then the sidebar's 中文 switch (labels, choices, formulas),
then a phone-width viewport (layout). The server and the browser are the session's shared ones.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_pages import EXCEPTION, wait_idle
from ui.i18n import catalog
from ui.nav import PAGES

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MIN_CHART_PX = 300
PHONE_SCREENSHOTS = ("", "gan")


def english_only_labels() -> set[str]:
    """Catalog strings a control can show that read differently in Chinese: seeing one after the switch is a bug."""
    en, zh = catalog("en"), catalog("zh")
    return {text for key, text in en.items()
            if isinstance(text, str) and text != zh.get(key) and len(text) < 60 and "{" not in text
            and "$" not in text and re.search(r"[A-Za-z]{3}", text)}


CONTROL_TEXTS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const texts = [];
  main.querySelectorAll('[data-testid="stWidgetLabel"], [data-testid="stRadio"] label, '
    + '[data-testid="stButtonGroup"] button, [data-testid="stSelectbox"] [value], .stSelectbox [aria-selected]')
    .forEach(e => texts.push((e.value || e.innerText || '').trim()));
  main.querySelectorAll('[data-testid="stSelectbox"] input').forEach(e => texts.push(e.value.trim()));
  main.querySelectorAll('[data-testid="stSelectbox"] [data-baseweb="select"] div[value]')
    .forEach(e => texts.push(e.getAttribute('value')));
  return texts.filter(Boolean);
}"""

RADIOS_WITHOUT_CHOICE = """() => [...document.querySelectorAll('[data-testid="stRadio"]')]
  .filter(r => r.querySelectorAll('input[type=radio]').length && !r.querySelector('input[type=radio]:checked'))
  .map(r => r.innerText.slice(0, 60))"""

LAYOUT = """(minWidth) => {
  const shown = sel => [...document.querySelectorAll(sel)].map(c => c.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  return {scroll: document.documentElement.scrollWidth - window.innerWidth,
          narrow: shown('.js-plotly-plot').filter(r => r.width < minWidth).map(r => Math.round(r.width)),
          // a single plot's drawing area (not its legend or colour bar): at least two thirds of it; a grid of
          // small multiples (attention heads, unrolled steps) is small by design
          squeezed: [...document.querySelectorAll('.js-plotly-plot')]
            .map(c => c.querySelectorAll('.nsewdrag')).filter(areas => areas.length === 1)
            .map(areas => areas[0].getBoundingClientRect()).filter(r => r.width > 0 && r.width < minWidth * 2 / 3)
            .map(r => Math.round(r.width))};
}"""


TRUNCATED = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stWidgetLabel"] p, '
  + '[data-testid="stMain"] [data-testid="stMetricLabel"] p, [data-testid="stMain"] [data-testid="stTable"] th')]
  // a label with a formula is left out: KaTeX's hidden MathML copy is wider than the box without being cut off
  .filter(e => e.offsetParent && !e.querySelector('.katex') && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText.slice(0, 40))"""


def katex_errors(page) -> list[str]:
    return page.locator(".katex-error").evaluate_all("els => els.map(e => e.getAttribute('title') || e.innerText)")


def settle(page, ms=1500):
    wait_idle(page, 120_000)
    page.wait_for_timeout(ms)  # Plotly redraws to its new width after the layout settles
    wait_idle(page, 120_000)


@pytest.mark.parametrize("slug", ["", *[p.slug for p in PAGES]], ids=["home", *[p.slug for p in PAGES]])
def test_formulas_language_switch_and_phone_width(page, server_url, slug):
    outside = []  # the app must work offline: nothing fetched from another host (the favicon was)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((server_url, "data:", "blob:")) else None)
    page.goto(f"{server_url}/{slug}")
    page.wait_for_selector("h1", timeout=90_000)
    settle(page, 500)
    assert katex_errors(page) == []
    assert page.evaluate(TRUNCATED) == [], "labels cut off with an ellipsis"

    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1') && /[\\u4e00-\\u9fff]/.test("
                           "document.querySelector('h1').innerText)", timeout=60_000)
    settle(page, 500)
    assert page.locator(EXCEPTION).count() == 0
    assert katex_errors(page) == []
    left_over = sorted(set(page.evaluate(CONTROL_TEXTS)) & english_only_labels())
    assert left_over == [], f"still in English after the switch: {left_over}"
    assert page.evaluate(RADIOS_WITHOUT_CHOICE) == []

    page.set_viewport_size(PHONE)
    settle(page)
    if slug in PHONE_SCREENSHOTS:  # for the README: the start page and a topic in Chinese on a phone
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if slug:
            page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"phone-{slug or 'home'}-zh.png"))
    layout = page.evaluate(LAYOUT, MIN_CHART_PX)
    assert layout["scroll"] <= 1, f"{layout['scroll']} px of sideways scrolling"
    assert layout["narrow"] == [], f"charts narrower than {MIN_CHART_PX} px: {layout['narrow']}"
    assert layout["squeezed"] == [], f"plotting areas squeezed by legends or colour bars: {layout['squeezed']}"
    assert outside == []
