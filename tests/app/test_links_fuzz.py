"""Fuzzing every page's link parameters and free-text boxes: whatever arrives, no traceback reaches the page."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.harness import assert_no_exception, open_page
from ui.nav import PAGES

NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e309", "-0", "-0.0", "-0e0", "+0", "0x10", "1,2,3", "[1]",
                     "None", "true",
                     "<script>alert(1)</script>", "../../etc/passwd", "__import__('os')", "9" * 400,
                     "x" * 5000, "😀", "中文输入", "\u0000", "1;2", "a=b&c=d"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def page_names(slug: str) -> list[str]:
    at = open_page(slug)
    return sorted(at.session_state[f"_names.{slug}"])


@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_random_link_parameters_never_raise(spec):
    names = page_names(spec.slug) + ["seed", "lang", "unknown_param"]

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(st.dictionaries(st.sampled_from(names), NASTY_TEXT, min_size=1, max_size=6))
    def check(params):
        open_page(spec.slug, params=params)  # asserts no exception

    check()


@pytest.mark.parametrize("spec", PAGES, ids=[p.slug for p in PAGES])
def test_random_free_text_never_raises(spec):
    at = open_page(spec.slug)
    boxes = [(w.key, "text_input") for w in at.text_input] + [(w.key, "text_area") for w in at.text_area]
    if not boxes:
        pytest.skip("this page has no free-text input")  # a fact about the page, not the machine (CI-safe)

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(NASTY_TEXT)
    def check(text):
        for key, kind in boxes:
            widget = next(w for w in getattr(at, kind) if w.key == key)
            widget.input(text[: widget.max_chars] if widget.max_chars else text)
        at.run()
        assert_no_exception(at)

    check()
