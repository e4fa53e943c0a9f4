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
    assert "计算设备" in at.sidebar.caption[0].value and "线程" in at.sidebar.caption[0].value


def test_tampered_seed_is_clamped_or_ignored_with_a_notice():
    at = run_app({"seed": "-5"})
    assert at.sidebar.number_input[0].value == 0
    assert "seed" in warnings_text(at)
    at = run_app({"seed": "banana", "lang": "klingon"})
    assert at.sidebar.number_input[0].value == 42
    assert at.session_state["app.lang"] == "en"
    assert "banana" in warnings_text(at) and "klingon" in warnings_text(at)


def test_the_start_page_is_the_default_and_links_every_topic_in_both_languages():
    from ui.i18n import catalog
    from ui.nav import PAGES

    for lang in ("en", "zh"):
        at = run_app(lang=lang)
        names = catalog(lang)
        assert at.title[0].value == names["home.title"]
        labels = [link.proto.label for link in at.get("page_link")]
        assert labels == [names[f"{spec.slug}.nav"] for spec in PAGES]  # in order: a phone stacks the cards
        captions = " ".join(c.value for c in at.caption)
        assert all(names[f"home.summary.{spec.slug}"] in captions for spec in PAGES)


def test_the_start_page_reports_link_parameters_it_does_not_know():
    at = run_app({"lr": "0.1"})
    assert "lr" in warnings_text(at)
