"""app.py's frame: navigation, the sidebar (language, seed, device) and its link parameters."""
from streamlit.testing.v1 import AppTest

from tests.app.harness import ROOT, assert_no_exception, warnings_text


def run_app(params=None, lang=None):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if lang:
        at.session_state["app.lang"] = lang
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert_no_exception(at)
    return at


def test_sidebar_shows_language_seed_and_device():
    at = run_app()
    assert at.sidebar.number_input[0].value == 42
    assert "CPU" in at.sidebar.caption[0].value
    assert at.title[0].value  # the first page rendered


def test_link_sets_language_and_seed():
    at = run_app({"lang": "zh", "seed": "7"})
    assert at.session_state["app.lang"] == "zh"
    assert at.sidebar.number_input[0].value == 7
    assert "计算设备" in at.sidebar.caption[0].value


def test_tampered_seed_is_clamped_or_ignored_with_a_notice():
    at = run_app({"seed": "-5"})
    assert at.sidebar.number_input[0].value == 0
    assert "seed" in warnings_text(at)
    at = run_app({"seed": "banana", "lang": "klingon"})
    assert at.sidebar.number_input[0].value == 42
    assert at.session_state["app.lang"] == "en"
    assert "banana" in warnings_text(at) and "klingon" in warnings_text(at)
