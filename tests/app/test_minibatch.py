"""The mini-batch page: default in both languages, the batch size control, live ticks, bad links."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "noisy estimate"), ("zh", "带噪声估计")):
        at = open_page("minibatch", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.metric) == 3


def test_batch_size_changes_the_spread_and_the_run():
    at = open_page("minibatch")
    before = at.metric[0].value
    by_key(at.select_slider, "minibatch.batch").set_value(1).run()
    assert at.metric[0].value != before
    assert at.session_state["minibatch.run"].trainer.cfg.batch == 1
    assert at.query_params["batch"] == "1"
    press(at, "minibatch.run.step")
    assert at.session_state["minibatch.run"].trainer.steps_done == 10
    train(at, "minibatch", ticks=2)
    assert at.session_state["minibatch.run"].trainer.steps_done > 10


def test_full_batch_preset_has_no_spread():
    at = open_page("minibatch")
    press(at, "minibatch.preset.full_batch")
    assert at.metric[1].value == "0"


def test_tampered_link_gets_notices():
    at = open_page("minibatch", params={"batch": "3", "lr": "abc", "zzz": "1"})
    text = warnings_text(at)
    for word in ("batch", "lr", "zzz"):
        assert word in text
