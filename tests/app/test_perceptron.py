"""The perceptron page as a visitor uses it: both sections, scrubbing, XOR, divergence, bad links."""
from tests.app.harness import by_key, open_page, press, warnings_text


def test_default_page_in_both_languages():
    for lang, heading in (("en", "perceptron learning rule"), ("zh", "感知机学习规则")):
        at = open_page("perceptron", lang=lang)
        assert any(heading in h.value for h in at.header)
        assert len(at.success) == 1  # the separable default converges
        update = by_key(at.slider, "perceptron.update")
        assert update.value == update.max > 0  # opens at the end of the run


def test_scrubbing_and_stepping_through_the_updates():
    at = open_page("perceptron")
    by_key(at.slider, "perceptron.update").set_value(0).run()
    assert "w = 0" in " ".join(m.value for m in at.markdown) or at.latex
    press(at, "perceptron.next")
    assert by_key(at.slider, "perceptron.update").value == 1
    press(at, "perceptron.back")
    press(at, "perceptron.back")  # never below 0
    assert by_key(at.slider, "perceptron.update").value == 0
    assert at.query_params["update"] == "0"


def test_xor_never_converges_and_new_data_jump_to_the_end():
    at = open_page("perceptron")
    by_key(at.slider, "perceptron.update").set_value(1).run()
    at.button_group[0].set_value("xor").run()
    assert len(at.warning) == 1 and not at.success
    update = by_key(at.slider, "perceptron.update")
    assert update.value == update.max > 100


def test_too_large_a_learning_rate_is_explained():
    at = open_page("perceptron", params={"lr": "0.2"})
    assert len(at.error) == 1 and "2/λmax" in at.error[0].value
    at = open_page("perceptron", params={"lr": "0.01"})
    assert not at.error


def test_tampered_link_gets_notices():
    at = open_page("perceptron", params={"update": "99999", "points": "abc", "lr": "7", "data": "spiral",
                                         "noise": "-1", "junk": "1"})
    text = warnings_text(at)
    for word in ("update", "points", "lr", "data", "noise", "junk"):
        assert word in text
    assert by_key(at.slider, "perceptron.points").value == 30
    assert by_key(at.slider, "perceptron.noise").value == 0.0
