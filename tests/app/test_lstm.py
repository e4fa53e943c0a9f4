"""The LSTM page as a visitor uses it: the worked step with edited weights, the memory task with a typed string,
the race, and bad input."""
import math

from tests.app.harness import by_key, open_page, press, train, warnings_text

LSTM_WEIGHTS = [f"{gate}_{name}" for gate in "ifgo" for name in ("wx", "wh", "b")]


def errors(at):
    return "\n".join(e.value for e in at.error)


def text_of(at):
    return "\n".join(m.value for m in at.markdown)


def test_default_page_renders_in_both_languages():
    for lang, word in (("en", "The race"), ("zh", "比赛")):
        at = open_page("lstm", lang=lang)
        assert any(word in s.value for s in at.subheader)
        assert len(at.latex) == 2 and errors(at) == ""
        assert len(at.get("plotly_chart")) == 6  # two step bars, accuracy, answer, gates, race


def test_edited_weights_give_the_hand_worked_step():
    """All weights 0 and biases 0: i = f = o = ½, g = 0, so c = ½ · 0.8 = 0.4 and h = ½ tanh(0.4)."""
    at = open_page("lstm")
    for name in LSTM_WEIGHTS:
        by_key(at.number_input, f"lstm.{name}").set_value(0.0)
    at.run()
    assert r"= 0.500 \cdot 0.80 + 0.500 \cdot 0.000 = 0.400" in at.latex[0].value
    assert f"{0.5 * math.tanh(0.4):.3f}" in at.latex[0].value
    assert "**0.400**" in text_of(at)


def test_memory_task_trains_and_reads_the_typed_string():
    at = open_page("lstm")
    train(at, "lstm", ticks=3)
    trainer = at.session_state["lstm.run"].trainer
    assert trainer.steps_done > 0 and trainer.evals
    assert any("Held-out accuracy" in m.value or "Solved" in m.value for m in at.markdown)
    by_key(at.text_input, "lstm.letters").input("abcD").run()
    assert errors(at) == ""
    press(at, "lstm.pick.random")
    letters = by_key(at.text_input, "lstm.letters").value
    assert sum(ch.isupper() for ch in letters) == 1 and len(letters) == 4 + 20


def test_bad_strings_get_messages():
    at = open_page("lstm")
    for text, word in (("abcd", "exactly one"), ("abXd", "“X”"), ("AbCd", "found 2")):
        by_key(at.text_input, "lstm.letters").input(text).run()
        assert word in errors(at), text
    at = open_page("lstm", lang="zh")
    by_key(at.text_input, "lstm.letters").input("ab中D").run()
    assert "“中”" in errors(at)


def test_race_runs_all_three_and_records_the_distance():
    at = open_page("lstm")
    by_key(at.select_slider, "lstm.race_distance").set_value(5).run()
    train(at, "lstm_race", ticks=3)
    race = at.session_state["lstm_race.run"].trainer
    assert all(c.steps_done > 0 for c in race.contestants.values())
    press(at, "lstm_race.run.pause")
    assert 5 in at.session_state["lstm_race.results"]
    assert any("distance 5" in str(table.value.index.tolist()) for table in at.table)


def test_tampered_link_is_clamped_or_ignored_with_notices():
    at = open_page("lstm", params={"distance": "999", "race_distance": "7", "f_b": "nan", "letters": "zzz",
                                   "open_gates": "maybe"})
    text = warnings_text(at)
    for word in ("distance=999", "race_distance", "f_b", "open_gates"):
        assert word in text
    assert by_key(at.slider, "lstm.distance").value == 60
    assert "“z”" in errors(at)


def test_live_panels_draw_pictures_and_paused_panels_interactive_charts():
    at = open_page("lstm")
    train(at, "lstm", ticks=2)
    assert len(at.image) == 3 and len(at.get("plotly_chart")) == 3  # the two step bars and the race stay charts
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━] LSTM" in captions and ":green[╌╌] solved" in captions and "held-out accuracy (%)" in captions
    assert "forget gate f — what is kept" in captions and "pause for the interactive charts" in captions
    press(at, "lstm.run.pause")
    assert len(at.get("plotly_chart")) == 6 and not at.image
    train(at, "lstm_race", ticks=2)
    assert len(at.image) == 3 and len(at.get("plotly_chart")) == 5  # a picture per contestant
    assert {"vanilla RNN", "LSTM", "GRU"} <= {m.value.strip("*") for m in at.markdown}
    press(at, "lstm_race.run.pause")
    assert len(at.get("plotly_chart")) == 6 and not at.image
