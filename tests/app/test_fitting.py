"""The over/underfitting page: polynomial controls, the live remedy run, bad links."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "Capacity"), ("zh", "容量")):
        at = open_page("fitting", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.metric) == 3


def test_polynomial_controls_change_the_errors():
    at = open_page("fitting")
    before = [m.value for m in at.metric]
    by_key(at.slider, "fitting.degree").set_value(3).run()
    by_key(at.slider, "fitting.n").set_value(60).run()
    assert [m.value for m in at.metric] != before
    assert at.query_params["degree"] == "3" and at.query_params["n"] == "60"


def test_remedies_train_live_side_by_side():
    at = open_page("fitting", params={"remedies": "early", "width": "16"})
    run = at.session_state["fitting.run"]
    assert run.trainer.specs[1].patience == 200 and len(run.trainer.specs) == 2
    press(at, "fitting.run.step")
    assert at.session_state["fitting.run"].trainer.steps_done == 100
    train(at, "fitting", ticks=2)
    assert at.session_state["fitting.run"].trainer.steps_done > 100
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 2


def test_tampered_link_gets_notices():
    at = open_page("fitting", params={"degree": "99", "width": "7", "remedies": "magic", "function": "cosh"})
    text = warnings_text(at)
    for word in ("degree", "width", "remedies", "function"):
        assert word in text
    assert by_key(at.slider, "fitting.degree").value == 15
