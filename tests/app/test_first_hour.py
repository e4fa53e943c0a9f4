"""What a new learner meets in the first hour (issue #26): number boxes, language switches, lessons, model files."""
from streamlit.testing.v1 import AppTest

from tests.app.harness import ROOT, assert_no_exception, by_key, open_page


def test_a_cleared_or_unreadable_number_keeps_its_value_and_says_why():
    at = open_page("backprop")
    box = by_key(at.number_input, "backprop.i1")
    before = box.value
    box.set_value(None).run()  # what the browser sends for an empty box, "abc" or 1e999
    assert_no_exception(at)
    assert by_key(at.number_input, "backprop.i1").value == before
    assert any("-10" in w.value and "10" in w.value for w in at.warning), [w.value for w in at.warning]
    by_key(at.number_input, "backprop.i1").set_value(0.25).run()
    assert by_key(at.number_input, "backprop.i1").value == 0.25
    assert not at.warning


def test_a_cleared_seed_keeps_the_seed():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.number_input[0].set_value(None).run()
    assert_no_exception(at)
    assert at.sidebar.number_input[0].value == 42
    assert at.session_state["app.seed"] == 42
    assert at.sidebar.warning
