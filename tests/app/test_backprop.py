"""The Backprop page as a visitor uses it: phases with the worked example's numbers, apply, training, links."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def trainer(at):
    return at.session_state["backprop.run"].trainer


def latex_text(at) -> str:
    return "\n".join(formula.value for formula in at.latex)


def test_phases_show_the_worked_example_then_apply_the_update():
    at = open_page("backprop")
    assert not at.latex and len(at.get("plotly_chart")) == 1  # only the network before the first phase
    press(at, "backprop.next")
    assert r"\mathit{out}_{h1} = \sigma(\mathit{net}_{h1}) = \sigma(0.3775) = 0.593269992" in latex_text(at)
    press(at, "backprop.next")
    assert "E = E_{o1} + E_{o2} = 0.274811083 + 0.0235600256 = 0.298371109" in latex_text(at)
    press(at, "backprop.next")
    backward = latex_text(at)
    assert r"= 0.74136507\times0.186815602\times0.593269992 = 0.0821670406" in backward  # dE/dw5
    assert r"= 0.0363503064\times0.241300709\times0.05 = 0.000438567734" in backward  # dE/dw1
    assert at.success and "agree on all ten gradients" in at.success[0].value
    press(at, "backprop.next")
    assert r"w_5^{+} = w_5 - \eta" in latex_text(at) and "= 0.35891648" in latex_text(at)
    params_table = at.dataframe[1].value
    after = dict(zip(params_table.iloc[:, 0], params_table.iloc[:, 3]))
    assert after["w5"] == "0.35891648" and after["w1"] == "0.149780716" and after["b1"] == "0.35 (fixed)"
    assert any("0.298371109 to 0.291027774" in m.value for m in at.markdown)  # the loss after the update
    press(at, "backprop.next")  # apply: the network takes the new weights, the next step starts
    assert trainer(at).steps_done == 1 and trainer(at).params.w5 == 0.35891647971788465
    assert at.session_state["backprop.phase"] == 1
    assert r"\sigma(\mathit{net}_{h1})" in latex_text(at)
    press(at, "backprop.restart")
    assert not at.latex


def test_chinese_page_and_another_activation():
    at = open_page("backprop", lang="zh", params={"act": "tanh", "biases": "1"})
    for _ in range(4):
        press(at, "backprop.next")
    assert at.success and "一致" in at.success[0].value
    assert r"1-(" not in latex_text(at) and r"1-0." in latex_text(at)  # tanh' = 1 - out^2 with numbers
    after = dict(zip(at.dataframe[1].value.iloc[:, 0], at.dataframe[1].value.iloc[:, 3]))
    assert "固定" not in after["b1"]  # biases are trained when switched on


def test_training_repeats_steps_and_the_loss_falls():
    at = open_page("backprop")
    train(at, "backprop", ticks=3)
    tr = trainer(at)
    assert tr.steps_done > 10 and tr.latest()["loss"] < 0.298371109
    assert len(at.get("plotly_chart")) == 1 and len(at.image) == 1  # the network; the loss curve as a live picture
    captions = "\n".join(c.value for c in at.caption)
    assert ":red[━━] E" in captions and "training steps" in captions and "pause for the interactive" in captions
    press(at, "backprop.run.pause")
    assert len(at.get("plotly_chart")) == 2 and not at.image  # the network and the interactive loss curve
    assert "after" in at.info[0].value  # the step-through now shows the trained network
    by_key(at.number_input, "backprop.lr").set_value(2.0).run()
    assert trainer(at).steps_done == tr.steps_done and trainer(at).lr == 2.0  # lr applies without a restart
    by_key(at.number_input, "backprop.w5").set_value(0.1).run()
    assert trainer(at).steps_done == 0 and trainer(at).params.w5 == 0.1  # a new start


def test_dead_relu_and_exploding_identity_are_explained_not_crashes():
    at = open_page("backprop", params={"act": "relu", "b1": "-1"})
    for _ in range(3):
        press(at, "backprop.next")
    assert r"[-0.9725>0] = 0" in latex_text(at)  # the hidden neuron is off: its slope is 0
    at = open_page("backprop", params={"act": "identity", "lr": "10", "i1": "5", "i2": "5", "t1": "-9",
                                       "w1": "3", "w5": "3"})
    train(at, "backprop", ticks=2)
    assert trainer(at).problem in ("not_finite", "diverged") and at.error


def test_tampered_link_is_clamped_or_ignored_with_notices():
    at = open_page("backprop", params={"w1": "abc", "lr": "99", "act": "bogus", "t1": "nan", "biases": "maybe",
                                       "nonsense": "1"})
    text = warnings_text(at)
    for name in ("w1", "lr", "act", "t1", "biases", "nonsense"):
        assert name in text, name
    cfg = trainer(at).config
    assert cfg.params.w1 == 0.15 and trainer(at).lr == 10.0 and cfg.act == "sigmoid" and cfg.example.t1 == 0.01
