"""The pooling page: stepping through windows of the editable matrix, global pooling, shifts, bad settings."""
import pytest

from tests.app.harness import assert_no_exception, by_key, open_page, warnings_text

NS = "pooling"


def formulas(at) -> str:
    return "\n".join(latex.value for latex in at.latex)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_reduces_the_first_window(lang):
    at = open_page(NS, lang=lang)
    assert not at.error and not warnings_text(at)
    assert r"\max(1, 3, 4, 6) = \mathbf{6}" in formulas(at)  # the example matrix's top-left 2×2 window
    assert len(at.metric) == 2 and len(at.image) == 4


def test_stepping_to_another_window_and_average_pooling():
    at = open_page(NS)
    by_key(at.slider, f"{NS}.cell").set_value(4).run()  # the centre window of the 3×3 output
    assert r"\max(9, 2, 1, 7) = \mathbf{9}" in formulas(at)
    by_key(at.radio, f"{NS}.kind").set_value("avg").run()
    assert r"\frac{9 + 2 + 1 + 7}{4} = \mathbf{4.75}" in formulas(at)


def test_padding_shows_as_minus_infinity_and_zero():
    at = open_page(NS, params={"kernel": "3", "stride": "2", "padding": "1"})
    assert r"\max(-\infty, -\infty, -\infty, -\infty, 1, 3, -\infty, 4, 6) = \mathbf{6}" in formulas(at)
    by_key(at.radio, f"{NS}.kind").set_value("avg").run()
    assert r"{9} = \mathbf{1.5556}" in formulas(at)  # (1 + 3 + 4 + 6) / 9, padding counted as zero


def test_global_average_pooling_uses_the_whole_matrix():
    at = open_page(NS, params={"kind": "global_avg"})
    assert_no_exception(at)
    assert "cell" not in [s.key.split(".")[-1] for s in at.slider]
    assert r"\frac{100}{36} = \mathbf{2.7778}" in formulas(at)  # the 6×6 example sums to 100
    assert len(at.metric) == 2


def test_edited_matrix_and_an_empty_cell():
    at = open_page(NS)
    at.session_state[f"{NS}.grid.example.42"] = {"edited_rows": {0: {"1": 100.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert r"\max(100, 3, 4, 6) = \mathbf{100}" in formulas(at)
    at.session_state[f"{NS}.grid.example.42"] = {"edited_rows": {0: {"1": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_no_exception(at)
    assert "number" in at.error[0].value and r"\max(1, 3, 4, 6)" in formulas(at)
    next(b for b in at.button if b.key == f"{NS}.restore").click().run()
    assert_no_exception(at)
    assert not at.error and not any(b.key == f"{NS}.restore" for b in at.button)


def test_random_matrix_shift_and_photo():
    at = open_page(NS, params={"matrix": "random", "photo": "grass", "shift": "3", "kernel": "4", "stride": "4"})
    assert_no_exception(at)
    assert not at.error and len(at.image) == 4
    by_key(at.slider, f"{NS}.shift").set_value(0).run()
    assert [m.value for m in at.metric] == ["100%", "100%"]  # no move, nothing changes


def test_refused_padding_and_tampered_link():
    at = open_page(NS, params={"kernel": "1", "padding": "2"})
    assert "half" in at.error[0].value
    at = open_page(NS, params={"kind": "median", "stride": "-3", "cell": "x"})
    text = warnings_text(at)
    assert "median" in text and "stride" in text
    assert by_key(at.slider, f"{NS}.stride").value == 1
