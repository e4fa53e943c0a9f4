"""The depth page: default run in both languages, controls, live training ticks, bad links."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "Four versions"), ("zh", "四个版本")):
        at = open_page("depth", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 4


def test_controls_define_the_run_and_training_ticks():
    at = open_page("depth")
    by_key(at.slider, "depth.depth").set_value(10).run()
    assert at.session_state["depth.run"].trainer.cfg.depth == 10
    assert at.query_params["depth"] == "10"
    press(at, "depth.run.step")
    assert at.session_state["depth.run"].trainer.steps_done == 10
    train(at, "depth", ticks=2)
    trainer = at.session_state["depth.run"].trainer
    assert trainer.steps_done > 10 and len(trainer.curve_steps) >= 3


def test_preset_sets_the_activation():
    at = open_page("depth")
    press(at, "depth.preset.shallow")
    assert at.session_state["depth.run"].trainer.cfg.activation == "tanh"


def test_tampered_link_gets_notices():
    at = open_page("depth", params={"depth": "500", "act": "swish", "lr": "7", "bogus": "1"})
    text = warnings_text(at)
    for word in ("depth", "act", "lr", "bogus"):
        assert word in text
    assert at.session_state["depth.run"].trainer.cfg.depth == 50


def test_live_view_draws_pictures_and_paused_view_interactive_charts():
    at = open_page("depth")
    assert len(at.get("plotly_chart")) == 2 and not at.image
    train(at, "depth", ticks=2)
    assert len(at.image) == 2 and not at.get("plotly_chart")
    captions = "\n".join(c.value for c in at.caption)
    assert ":gray[━━] Plain" in captions and "BatchNorm" in captions and "pause for the interactive charts" in captions
    press(at, "depth.run.pause")
    assert len(at.get("plotly_chart")) == 2 and not at.image
