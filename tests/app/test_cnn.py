"""The CNN page: live training ticks, changed settings, the architectures explorer, the shape calculator, links."""
import pytest

from tests.app.harness import assert_no_exception, by_key, open_page, train, warnings_text

NS = "cnn"


def values(at) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_untrained_page_and_a_few_training_ticks(lang):
    at = open_page(NS, lang=lang)
    assert not at.error and not warnings_text(at)
    assert at.info  # "press Start" and "nothing drawn yet"
    assert len(at.image) == len(["input", "conv1", "pool1", "conv2", "pool2"])
    train(at, NS, ticks=3)
    assert " 0 of" not in at.get("progress")[0].proto.text and "第 0 /" not in at.get("progress")[0].proto.text
    assert len(values(at)) == 4 and values(at)[0].endswith("%")
    maps = len(["input", "conv1", "pool1", "conv2", "pool2"])
    # live: loss, accuracy, filters and confusion as pictures beside the feature maps; no Plotly chart
    assert len(at.image) == maps + 4 and not at.get("plotly_chart")
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━]" in captions and ":red[━━]" in captions and ":gray[╌╌] 97%" in captions
    press_pause = next(b for b in at.button if b.key == f"{NS}.run.pause")
    press_pause.click().run()
    assert_no_exception(at)
    assert len(at.image) == maps and len(at.get("plotly_chart")) == 3  # curves, filters, confusion: interactive


def test_other_settings_start_a_fresh_run_that_trains():
    at = open_page(NS, params={"c1": "4", "c2": "6", "kernel": "5", "pool": "avg", "act": "tanh", "opt": "sgd",
                               "lr": "0.1", "batch": "full", "sample": "17"})
    assert not warnings_text(at)
    assert "4×8×8" in at.caption[0].value and "full" not in at.caption[0].value
    train(at, NS, ticks=2)
    assert values(at)
    by_key(at.slider, f"{NS}.c1").set_value(5).run()  # a new network: the run starts over, paused
    assert_no_exception(at)
    assert not values(at) and any(b.key == f"{NS}.run.start" for b in at.button)


@pytest.mark.parametrize("name, params", [("lenet5", "61,706"), ("alexnet", "61,100,840"), ("vgg16", "138,357,544"),
                                          ("googlenet", "6,624,904"), ("mobilenetv2", "3,504,872")])
def test_architectures_explorer_shows_the_reference_counts(name, params):
    at = open_page(NS, params={"view": "arch", "arch": name})
    assert values(at)[0] == params
    assert len(at.dataframe[0].value) >= 8
    assert not at.error


def test_shape_calculator_default_broken_and_edited_stacks():
    at = open_page(NS, params={"view": "shapes"})
    assert "120×1×1" in at.success[0].value
    at = open_page(NS, params={"view": "shapes", "stack": "too_deep"})
    assert "Layer 6" in at.error[0].value
    at = open_page(NS, params={"view": "shapes", "in_h": "20", "in_w": "20"})
    assert "Layer 5" in at.error[0].value  # 20 → 16 → 8 → 4 → 2: the last 5×5 convolution no longer fits
    at = open_page(NS, params={"view": "shapes"})
    key = f"{NS}.stack_grid.lenet"
    at.session_state[key] = {"edited_rows": {2: {"kernel": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_no_exception(at)
    assert "Layer 3" in at.error[0].value and "kernel" in at.error[0].value
    at.session_state[key] = {"edited_rows": {}, "added_rows": [{"kind": "maxpool", "kernel": 1, "stride": 1,
                                                                 "padding": 0}], "deleted_rows": [0]}
    at.run()
    assert_no_exception(at)
    assert "120×2×2" in at.success[0].value  # 32 → pool 16 → conv 12 → pool 6 → conv 2 → pool(1) 2


def test_tampered_link_gets_notices():
    at = open_page(NS, params={"view": "nope", "c1": "999", "lr": "7", "arch": "resnet"})
    text = warnings_text(at)
    assert "nope" in text and "c1" in text and "lr" in text
    assert by_key(at.slider, f"{NS}.c1").value == 16
