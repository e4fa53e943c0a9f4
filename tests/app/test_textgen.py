"""The text-generation page: both languages, a few training ticks, the prompt box's bad input, bad links."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "predict the next character"), ("zh", "预测下一个字符")):
        at = open_page("textgen", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.code) == 1 and at.code[0].value.startswith("The ")


def test_training_ticks_and_temperature():
    at = open_page("textgen", params={"hidden": "32"})
    press(at, "textgen.run.step")
    assert at.session_state["textgen.run"].trainer.steps_done == 25
    train(at, "textgen", ticks=2)
    assert at.session_state["textgen.run"].trainer.steps_done > 25
    by_key(at.select_slider, "textgen.temp").set_value(0.0).run()
    assert at.query_params["temp"] == "0.0"


def test_prompt_box_handles_bad_and_empty_text():
    at = open_page("textgen")
    by_key(at.text_input, "textgen.prompt").input("Héllo <b>").run()
    assert not at.exception and at.error and "'é'" in at.error[0].value
    by_key(at.text_input, "textgen.prompt").input("").run()
    assert not at.error and at.code[0].value.startswith("The ")


def test_tampered_link_gets_notices():
    at = open_page("textgen", params={"cell": "transformer", "hidden": "4096", "length": "99999", "x": "1"})
    text = warnings_text(at)
    for word in ("cell", "hidden", "length", "x"):
        assert word in text
