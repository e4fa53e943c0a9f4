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


def test_live_view_draws_pictures_and_paused_view_interactive_charts():
    at = open_page("fitting", params={"remedies": "early", "width": "16"})
    charts = len(at.get("plotly_chart"))  # the polynomial's three charts and the network's fit
    train(at, "fitting", ticks=3)
    assert len(at.image) == 2 and len(at.get("plotly_chart")) == charts - 1  # the fit and the curves as pictures
    captions = "\n".join(c.value for c in at.caption)
    assert "━━ No remedy" in captions and ":orange[━━] Early stopping" in captions and "σ²" in captions
    assert "pause for the interactive charts" in captions
    press(at, "fitting.run.pause")
    assert not at.image and len(at.get("plotly_chart")) == charts + 1
