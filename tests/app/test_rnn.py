"""The RNN page as a visitor uses it: defaults in both languages, the typed sequence, stepping through time,
the BPTT regimes, live training, stacked/bidirectional, and tampered links."""
import numpy as np

from core.sequences import rnn
from tests.app.harness import by_key, open_page, press, train, warnings_text

CHARTS = 7  # loop, unrolled, forecast, error curve, gradient norms, clipping, stacked


def errors(at):
    return "\n".join(e.value for e in at.error)


def test_default_page_renders_in_both_languages():
    for lang, word in (("en", "Backpropagation through time"), ("zh", "随时间反向传播")):
        at = open_page("rnn", lang=lang)
        assert len(at.get("plotly_chart")) == CHARTS
        assert any(word in s.value for s in at.subheader)
        assert errors(at) == ""
        assert at.latex  # the step's equation with its numbers


def test_typed_sequence_and_time_step_drive_the_picture():
    at = open_page("rnn")
    by_key(at.text_input, "rnn.seq").input("0.5, -1, 2").run()
    assert by_key(at.slider, "rnn.t").max == 3
    by_key(at.slider, "rnn.t").set_value(3).run()
    assert r"h_{3}" in at.latex[0].value and "2.00" in at.latex[0].value
    # the numbers shown are the hand-written cell's (checked against torch.nn.RNN in the unit tests)
    cell = rnn.random_cell(3, 1, 0.9, 42)
    h3 = rnn.unroll(np.array([[0.5], [-1.0], [2.0]]), cell, "tanh").states[2]
    assert all(f"{v:.2f}" in at.latex[0].value for v in h3)
    press(at, "rnn.pick.sine")
    assert by_key(at.text_input, "rnn.seq").value.startswith("0, 0.5, 0.87")
    assert 1 <= by_key(at.slider, "rnn.t").value <= by_key(at.slider, "rnn.t").max == 12
    by_key(at.text_input, "rnn.seq").input("1 2").run()  # shorter than the step shown: the step follows
    assert by_key(at.slider, "rnn.t").value <= 2


def test_malformed_sequence_gets_a_message_not_a_traceback():
    at = open_page("rnn")
    by_key(at.text_input, "rnn.seq").input("1, two, 3").run()
    assert "two" in errors(at) and len(at.get("plotly_chart")) == CHARTS
    by_key(at.text_input, "rnn.seq").input("1, 1e99").run()
    assert "1e99" in errors(at)
    at = open_page("rnn", lang="zh")
    by_key(at.text_input, "rnn.seq").input("7").run()
    assert "至少需要 2 个" in errors(at)


def test_spectral_radius_and_activation_decide_vanishing_or_exploding():
    at = open_page("rnn")
    by_key(at.slider, "rnn.rho").set_value(0.3).run()
    assert "Vanishing" in at.info[0].value
    by_key(at.button_group, "rnn.act").set_value("linear").run()
    by_key(at.slider, "rnn.rho").set_value(1.6).run()
    assert "Exploding" in at.info[0].value
    by_key(at.button_group, "rnn.clip_at").set_value("off").run()
    assert "multiplies it by **1**" in "\n".join(m.value for m in at.markdown)


def test_training_ticks_lower_the_error():
    at = open_page("rnn")
    train(at, "rnn", ticks=3)
    trainer = at.session_state["rnn.run"].trainer
    for _ in range(300):  # by steps, not by time: a refresh's share of training depends on the machine
        if trainer.steps_done >= 40:
            break
        at.run()
    assert trainer.steps_done >= 40 and trainer.history["test_mse"][-1] < trainer.baseline_mse
    assert any("RMSE" in m.value for m in at.markdown)
    press(at, "rnn.run.pause")
    by_key(at.select_slider, "rnn.units").set_value(8).run()  # a new model: a fresh, paused run
    assert at.session_state["rnn.run"].trainer.steps_done == 0


def test_stacked_and_bidirectional_controls():
    at = open_page("rnn")
    by_key(at.slider, "rnn.depth").set_value(3).run()
    by_key(at.toggle, "rnn.bidir").set_value(False).run()
    assert "3 numbers: h_t of the top layer" in "\n".join(m.value for m in at.markdown)
    assert at.query_params["depth"] == "3" and at.query_params["bidir"] == "0"


def test_tampered_link_is_clamped_or_ignored_with_notices():
    at = open_page("rnn", params={"t": "99", "rho": "abc", "act": "sigmoid", "seq": "1,,oops", "units": "7",
                                  "hack": "1"})
    text = warnings_text(at)
    for word in ("t=99", "rho", "act", "units", "hack"):
        assert word in text
    assert "oops" in errors(at)
    assert by_key(at.slider, "rnn.rho").value == 0.9


def test_live_training_draws_pictures_and_paused_view_interactive_charts():
    at = open_page("rnn")
    charts_before = len(at.get("plotly_chart"))
    train(at, "rnn", ticks=2)
    assert len(at.image) == 2 and len(at.get("plotly_chart")) == charts_before - 2  # forecast and error curve
    captions = "\n".join(c.value for c in at.caption)
    assert ":orange[━━] forecast x̂ₜ₊₁" in captions and ":green[╌╌] goal" in captions
    assert "Shaded: the first 5 forecasts" in captions and "pause for the interactive charts" in captions
    press(at, "rnn.run.pause")
    assert len(at.get("plotly_chart")) == charts_before and not at.image
