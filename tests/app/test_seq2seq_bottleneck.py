"""The bottleneck page as a learner uses it: both languages, the settings that restart the race and those that
do not, training ticks, Step while paused (a fresh evaluation), and a tampered link."""
import pytest

from tests.app.harness import by_key, open_page, press, train, warnings_text


def run(at):
    return at.session_state["seq2seq_bottleneck.run"]


@pytest.mark.parametrize("lang, heading", [("en", "One vector for the whole sentence"), ("zh", "整句一个向量")])
def test_default_page_in_both_languages(lang, heading):
    at = open_page("seq2seq_bottleneck", lang=lang)
    assert heading in at.subheader[0].value
    assert not at.error and not warnings_text(at)
    assert run(at).trainer.steps_done == 0 and len(at.get("plotly_chart")) == 1  # the corpus; the race comes later
    assert any("25" in i.value for i in at.info)  # "every 25 steps" tells when they come


def test_training_ticks_then_step_while_paused_shows_both_models_by_length():
    at = open_page("seq2seq_bottleneck")
    train(at, "seq2seq_bottleneck", ticks=2)
    assert run(at).trainer.steps_done > 0 and run(at).trainer.history["loss_plain"]
    press(at, "seq2seq_bottleneck.run.pause")
    done = run(at).trainer.steps_done
    press(at, "seq2seq_bottleneck.run.step")
    assert run(at).trainer.steps_done == done + 1
    assert len(at.get("plotly_chart")) == 4  # corpus, BLEU by length, BLEU on the longest over time, losses
    page_text = "\n".join(m.value for m in at.markdown)
    assert "**Plain encoder-decoder:**" in page_text and "**With attention:**" in page_text
    assert "attention leads the plain model by" in at.caption[0].value


def test_example_choice_keeps_the_run_and_model_settings_restart_it():
    at = open_page("seq2seq_bottleneck")
    train(at, "seq2seq_bottleneck", ticks=2)
    press(at, "seq2seq_bottleneck.run.pause")
    before = run(at)
    by_key(at.button_group, "seq2seq_bottleneck.length").set_value(0).run()
    by_key(at.slider, "seq2seq_bottleneck.example").set_value(7).run()
    assert run(at) is before and at.query_params["length"] == "0" and at.query_params["example"] == "7"
    by_key(at.button_group, "seq2seq_bottleneck.hidden").set_value(32).run()
    assert run(at) is not before and run(at).trainer.steps_done == 0
    assert run(at).trainer.plain.cfg.hidden == 32 and not at.error


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("seq2seq_bottleneck", params={"hidden": "9999", "lr": "abc", "length": "<b>", "example": "-4",
                                         "hack": "1"})
    text = warnings_text(at)
    for word in ("hidden", "lr", "length", "hack"):
        assert word in text
    assert run(at).trainer.plain.cfg.hidden == 64  # bad values fall back to the defaults


def test_live_view_draws_pictures_and_paused_view_interactive_charts():
    at = open_page("seq2seq_bottleneck")
    train(at, "seq2seq_bottleneck", ticks=2)
    for _ in range(60):  # until the first scheduled evaluation (every 25 steps)
        if run(at).trainer.last_eval is not None:
            break
        at.run()
    assert run(at).running and run(at).trainer.last_eval is not None
    at.run()
    assert len(at.image) == 3 and len(at.get("plotly_chart")) == 1  # the corpus chart stays interactive
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━] plain encoder-decoder (one fixed vector)" in captions and ":orange[━━] with attention" in captions
    assert "cross-entropy (log scale)" in captions and "pause for the interactive charts" in captions
    press(at, "seq2seq_bottleneck.run.pause")
    assert len(at.get("plotly_chart")) == 4 and not at.image
