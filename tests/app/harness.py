"""Open a page as a visitor's link would: the page script, a language, and the link's query parameters.

AppTest runs a page script directly (its `switch_page` does not go through app.py's `st.navigation`),
so page tests run `pages/<slug>.py` on their own and `tests/app/test_app.py` covers app.py's frame.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(slug: str, *, lang: str = "en", params: dict[str, str] | None = None,
              timeout: float = 120) -> AppTest:
    """Run pages/<slug>.py once, as if opened from a link with `params`, in language `lang`."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=timeout)
    at.session_state["app.lang"] = lang
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert_no_exception(at)
    return at


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [(e.message, e.stack_trace) for e in at.exception]


def by_key(elements, key: str):
    """The widget with this key (keys are "<page>.<name>")."""
    for element in elements:
        if element.key == key:
            return element
    raise KeyError(key)


def press(at: AppTest, key_or_label: str) -> AppTest:
    """Click a button by its key (or label), run once, and check nothing broke."""
    for button in at.button:
        if button.key == key_or_label or button.label == key_or_label:
            button.click().run()
            assert_no_exception(at)
            return at
    raise KeyError(key_or_label)


def train(at: AppTest, ns: str, ticks: int = 3) -> AppTest:
    """Start the page's runner and let it tick `ticks` times (AppTest does not fire `run_every` timers)."""
    press(at, f"{ns}.run.start")
    for _ in range(ticks - 1):
        at.run()
        assert_no_exception(at)
    return at


def warnings_text(at: AppTest) -> str:
    return "\n".join(w.value for w in [*at.warning, *at.sidebar.warning])
