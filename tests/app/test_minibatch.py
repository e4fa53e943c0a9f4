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


def test_the_race_plays_at_a_pace_and_draws_pictures_while_running():
    """Each refresh takes 2 updates at first, then 1/8 of those done (exactly: slow motion is by steps, not time);
    pictures while running, the interactive charts when paused."""
    at = open_page("minibatch")
    assert len(at.get("plotly_chart")) == 5  # arrows, spread, and the race's three
    train(at, "minibatch", ticks=4)
    race = at.session_state["minibatch.run"].trainer
    assert race.steps_done == 2 + 2 + 2 + 2
    for _ in range(12):
        at.run()
    done = race.steps_done
    at.run()
    assert race.steps_done == done + max(2, done // 8)
    assert len(at.image) == 3 and len(at.get("plotly_chart")) == 2
    captions = "\n".join(c.value for c in at.caption)
    assert ":red[━━] Single example (B = 1)" in captions and "least-squares minimum" in captions
    press(at, "minibatch.run.pause")
    assert len(at.get("plotly_chart")) == 5 and not at.image
