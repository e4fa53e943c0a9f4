"""The Activation page as a visitor uses it: defaults, controls, the custom formula, the deep stack, bad links."""
import pytest

from tests.app.harness import assert_no_exception, by_key, open_page, warnings_text


def table(at, index):
    return at.dataframe[index].value


@pytest.fixture(scope="module")
def page():
    return open_page("activation")


def test_default_page_in_both_languages_shows_charts_tables_and_a_healthy_stack(page):
    assert len(page.get("plotly_chart")) == 6
    curves = table(page, 0)
    assert list(curves.iloc[:, 0]) == ["Sigmoid", "tanh", "ReLU"]
    assert list(curves.iloc[:, 1]) == ["0.25", "1", "0"]  # f'(0): sigmoid's best slope is a quarter
    assert curves.iloc[0, 3] == "x ≤ -4.59; x ≥ 4.59"
    assert not page.warning and not page.error
    assert len(page.success) == 2  # tanh + Xavier: forward and backward both in range
    zh = open_page("activation", lang="zh")
    assert list(table(zh, 0).columns)[0] == "函数" and table(zh, 0).iloc[2, 3] == "x ≤ 0.00"
    assert len(zh.get("plotly_chart")) == 6


def test_every_function_with_parameters_and_the_custom_formula():
    at = open_page("activation", params={"funcs": "sigmoid,tanh,relu,leaky_relu,elu,gelu,silu,softplus,softsign,custom",
                                         "slope": "0.2", "alpha": "2"})
    curves = table(at, 0)
    assert len(curves) == 10
    rows = dict(zip(curves.iloc[:, 0], curves.iloc[:, 1]))
    assert rows["Leaky ReLU"] == "0.2"  # torch's leaky_relu takes the negative slope at exactly 0
    assert rows["GELU"] == "0.5" and rows["SiLU / Swish"] == "0.5" and rows["Softplus"] == "0.5"
    assert rows["Custom"] == "0.6"  # Mish'(0) = tanh(ln 2) = 0.6
    assert len(table(at, 1)) == 10  # the batch statistics cover every function
    assert any(r"2\,e^{x}" in formula.value for formula in at.latex)  # ELU's α written into its formula


def test_batch_shift_shows_dead_relu_units():
    at = open_page("activation", params={"funcs": "relu,leaky_relu", "mu": "-2", "sigma": "0.5"})
    stats = table(at, 1)
    shares = dict(zip(stats.iloc[:, 0], stats.iloc[:, -1]))
    assert shares["ReLU"] == "100%" and shares["Leaky ReLU"] == "0%"


def test_bad_custom_formula_gets_a_message_and_the_rest_still_works():
    at = open_page("activation", params={"funcs": "tanh,custom"})
    by_key(at.text_input, "activation.custom").input("__import__('os')").run()
    assert_no_exception(at)
    assert at.error and "not an allowed function" in at.error[0].value
    assert list(table(at, 0).iloc[:, 0]) == ["tanh"]
    by_key(at.selectbox, "activation.stack_act").set_value("custom").run()
    assert any("not valid" in i.value for i in at.info)
    by_key(at.text_input, "activation.custom").input("log(x)").run()
    assert "no number" in warnings_text(at)  # log is undefined for x <= 0: the points are left out


def test_deep_stack_reacts_to_activation_and_initialisation():
    at = open_page("activation", params={"stack_act": "relu", "init": "xavier"})
    assert "vanishes" in warnings_text(at)
    by_key(at.get("button_group"), "activation.init").set_value("he").run()
    assert not at.warning and len(at.success) == 2
    at = open_page("activation", params={"stack_act": "tanh", "init": "normal", "init_sigma": "1"})
    assert "explodes" in warnings_text(at)
    at = open_page("activation", params={"stack_act": "custom", "custom": "exp(x)", "init": "normal",
                                         "init_sigma": "2", "depth": "12", "width": "32"})
    assert "overflow" in warnings_text(at)


def test_tampered_link_is_clamped_or_ignored_with_notices():
    at = open_page("activation", params={"slope": "9", "depth": "abc", "width": "1000", "funcs": "relu,bogus",
                                         "eps": "0.5", "nonsense": "1"})
    text = warnings_text(at)
    for name in ("slope", "depth", "width", "funcs", "eps", "nonsense"):
        assert name in text, name
    assert by_key(at.slider, "activation.slope").value == 0.5
    assert list(table(at, 0).iloc[:, 0]) == ["ReLU"]
