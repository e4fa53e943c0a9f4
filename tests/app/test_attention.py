"""The attention page as a learner uses it: matrices by hand, bad matrices, live alignment, MiniLM and its absence."""
import re

import pytest

from tests.app.harness import by_key, open_page, press, train, warnings_text


def trainer(at):
    return at.session_state["attention.run"].trainer


def errors(at):
    return "\n".join(e.value for e in at.error)


@pytest.mark.parametrize("lang, heading", [("en", "Scaled dot-product attention"), ("zh", "缩放点积注意力")])
def test_default_page_in_both_languages(lang, heading):
    at = open_page("attention", lang=lang)
    assert heading in at.subheader[0].value
    assert not at.error and not warnings_text(at)
    difference = float(re.search(r"\d\.\de[-+]\d+", at.caption[0].value).group())
    assert difference < 1e-12  # the page's own steps agree with torch's SDPA
    assert len(at.get("plotly_chart")) >= 7  # five steps, head view, head map


def test_controls_change_the_computation():
    at = open_page("attention")
    by_key(at.button_group, "attention.mask").set_value("causal").run()
    by_key(at.select_slider, "attention.temperature").set_value(0.1).run()
    by_key(at.toggle, "attention.scale").set_value(False).run()
    assert at.query_params["mask"] == "causal" and at.query_params["temperature"] == "0.1"
    assert not at.error
    by_key(at.slider, "attention.layer").set_value(6).run()
    by_key(at.selectbox, "attention.head").set_value("all").run()
    assert not at.error and at.query_params["head"] == "all"


BAD_MATRICES = [("q", "1 x", "not a number"), ("k", "1 0 0; 0 1 0", "same length d"),
                ("v", "1; 2", "one value row per key"), ("q", "", "is empty"),
                ("q", "1 2; 3", "same number of entries")]


def test_bad_matrices_get_a_message_and_the_page_goes_on():
    at = open_page("attention")
    defaults = {name: by_key(at.text_area, f"attention.{name}").value for name in "qkv"}
    for name, text, message in BAD_MATRICES:
        by_key(at.text_area, f"attention.{name}").input(text).run()
        assert message in errors(at), (name, text)
        assert len(at.get("plotly_chart")) >= 2  # the alignment and MiniLM parts still render
        by_key(at.text_area, f"attention.{name}").input(defaults[name]).run()
        assert not at.error


def test_padding_every_key_is_refused():
    at = open_page("attention", params={"mask": "padding", "padding": "4"})
    assert "at least one key visible" in errors(at)


def test_alignment_trains_live_and_maps_the_sentence():
    at = open_page("attention")
    assert trainer(at).steps_done == 0
    train(at, "attention", ticks=3)
    assert trainer(at).steps_done > 0 and trainer(at).history["loss"]
    assert "Model's translation" in "\n".join(m.value for m in at.markdown)


def test_unknown_and_empty_sentences():
    at = open_page("attention")
    by_key(at.text_input, "attention.sentence").input("The zebra eats quinoa.").run()
    text = warnings_text(at)
    assert "zebra" in text and "quinoa" in text and "eats" in text
    by_key(at.text_input, "attention.sentence").input("   ").run()
    assert "Type an English sentence" in "\n".join(i.value for i in at.info)


def test_tampered_link_gets_notices():
    at = open_page("attention", params={"temperature": "abc", "mask": "<b>", "padding": "99", "layer": "0",
                                        "q": "1" * 500, "hack": "1"})
    text = warnings_text(at)
    for word in ("temperature", "mask", "padding", "layer", "q", "hack"):
        assert word in text


def test_missing_pretrained_model_leaves_the_rest_working(monkeypatch, tmp_path):
    monkeypatch.setenv("NNPG_MINILM_PATH", str(tmp_path / "no-model-here"))
    at = open_page("attention")
    assert "could not be found" in warnings_text(at) or "were not found" in warnings_text(at)
    assert len(at.get("plotly_chart")) >= 5  # the hand computation is untouched
    train(at, "attention", ticks=2)
    assert trainer(at).steps_done > 0


def test_live_alignment_draws_pictures_and_paused_view_interactive_charts():
    at = open_page("attention")
    charts_before = len(at.get("plotly_chart"))  # the hand-worked matrices, the untrained map, MiniLM's heads
    train(at, "attention", ticks=2)
    assert len(at.image) == 2  # the loss curve and the alignment map (the accuracy curve after the first evaluation)
    assert len(at.get("plotly_chart")) == charts_before - 1
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━] training loss" in captions and "Across the top: English (source)" in captions
    assert "pause for the interactive charts" in captions
    press(at, "attention.run.pause")
    assert len(at.get("plotly_chart")) == charts_before + 1 and not at.image  # the map and the loss curve
