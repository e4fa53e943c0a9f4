"""The optimizer race page: every surface, the theory table, typed formulas, bad input."""
import pytest

from tests.app.harness import by_key, open_page, warnings_text


def table(at):
    return at.dataframe[0].value


def test_default_quadratic_with_theory_in_both_languages():
    for lang, heading in (("en", "Theory for the quadratic"), ("zh", "二次函数上的理论")):
        at = open_page("optimizers", lang=lang)
        assert any(heading in h.value for h in at.subheader)
        rows = table(at)
        assert len(rows) == 6
        measured, predicted = rows.iloc[0, -2], rows.iloc[0, -1]  # SGD at the optimal step
        assert abs(float(measured) - float(predicted)) < 1e-3


@pytest.mark.parametrize("surface", ["rosenbrock", "beale", "saddle", "formula"])
def test_every_surface_races(surface):
    at = open_page("optimizers", params={"surface": surface})
    assert len(table(at)) == 6 and not at.error
    assert not at.subheader  # theory only for the quadratic


def test_changing_surface_resets_the_start_point():
    at = open_page("optimizers")
    by_key(at.slider, "optimizers.x0").set_value(1.0).run()
    by_key(at.selectbox, "optimizers.surface").set_value("rosenbrock").run()
    assert by_key(at.slider, "optimizers.x0").value == -1.2
    assert "x0" not in at.query_params


def test_bad_formula_is_explained_and_a_good_one_races():
    at = open_page("optimizers", params={"surface": "formula"})
    by_key(at.text_input, "optimizers.formula").input("__import__('os')").run()
    assert len(at.error) == 1 and not at.dataframe
    by_key(at.text_input, "optimizers.formula").input("x^2 + 10*y^2").run()
    assert not at.error and len(table(at)) == 6


def test_racers_and_settings():
    at = open_page("optimizers")
    by_key(at.button_group, "optimizers.racers").set_value(["adam"]).run()
    assert len(table(at)) == 1
    by_key(at.button_group, "optimizers.racers").set_value([]).run()
    assert len(at.warning) == 1
    at = open_page("optimizers", params={"surface": "rosenbrock", "lr_sgd": "0.01"})
    assert "diverged" in str(table(at).iloc[0, 2])


def test_tampered_link_gets_notices():
    at = open_page("optimizers", params={"surface": "moon", "kappa": "3", "steps": "100000", "x0": "nan"})
    text = warnings_text(at)
    for word in ("surface", "kappa", "steps", "x0"):
        assert word in text
    assert by_key(at.slider, "optimizers.steps").value == 500


def test_any_typed_formula_gives_a_message_not_a_traceback():
    at = open_page("optimizers", params={"surface": "formula"})
    for text in ["", "x +", "1/0", "log(x)", "exp(x^12)", "9**9**9", "y^13", "x" * 300, "open('x')", "中文",
                 "sqrt(-1 - x^2 - y^2)", "x^2 + y^2"]:
        by_key(at.text_input, "optimizers.formula").input(text[:200]).run()
        assert not at.exception, text
        assert at.error or at.warning or at.dataframe, text
    assert not at.error and len(table(at)) == 6  # the last one is fine


def test_every_racer_is_in_view():
    """The racers are pills (each a button that wraps to a new line), not a drop-down whose chips were cut off at
    the column's edge ("Adam" went missing): all six show, in both languages, picked ones and the others alike."""
    for lang in ("en", "zh"):
        at = open_page("optimizers", lang=lang, params={"racers": "sgd,adam"})
        assert not [m for m in at.multiselect if m.key == "optimizers.racers"]
        racers = by_key(at.button_group, "optimizers.racers")
        assert racers.options and len(racers.options) == 6 and racers.value == ["sgd", "adam"]
        assert len(table(at)) == 2
