"""The 3-D convolution page: default run in both languages, controls, the race's ticks, bad settings, bad links."""
import pytest

from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text

NS = "conv3d"


def metric_values(at) -> list[str]:
    return [m.value for m in at.metric]


def latex(at) -> list[str]:
    return [element.value.strip("$\n") for element in at.latex]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_and_a_few_training_ticks(lang):
    at = open_page(NS, lang=lang)
    assert not at.error and not warnings_text(at)
    assert len(at.image) == 2  # the clip and the output clip
    lines = latex(at)
    assert len(lines) == 3 + 1 + 3  # a line per kernel slice, the total, one size formula per axis
    assert lines[-3].startswith("T_") and "{8 + 2" in lines[-3] and lines[-3].endswith("= 6")  # k_t 3, p_t 0
    assert metric_values(at) == ["—"] * 3 and at.info  # "press Start"
    train(at, NS, ticks=3)
    values = metric_values(at)
    assert len(values) == 3 and all(v.endswith("%") for v in values)
    progress = at.get("progress")[0].proto.text
    assert " 0 of" not in progress and "第 0 /" not in progress
    charts = len(at.get("plotly_chart"))  # the kernel slices and the costs: not live
    assert len(at.image) == 2 + 2  # live: accuracy and loss as pictures
    captions = "\n".join(c.value for c in at.caption)
    assert ":blue[━━]" in captions and ":green[━━]" in captions and ":gray[╌╌]" in captions and "ln 4" in captions
    press(at, f"{NS}.run.pause")
    assert len(at.image) == 2 and len(at.get("plotly_chart")) == charts + 3  # accuracy, loss, predictions


def test_the_voxel_the_kernel_and_the_axes_follow_the_controls():
    at = open_page(NS, params={"kernel": "average", "kt": "1", "ot": "0", "oy": "2", "ox": "3"})
    assert not warnings_text(at) and not at.error
    assert len(latex(at)) == 1 + 1 + 3  # one slice, the total, three formulas
    assert "frame 0, row 2, column 3" in "".join(c.value for c in at.caption)
    by_key(at.slider, f"{NS}.kt").set_value(4).run()
    assert_no_exception(at)
    assert len(latex(at)) == 4 + 1 + 3
    by_key(at.slider, f"{NS}.st").set_value(2).run()
    assert_no_exception(at)
    assert latex(at)[-3].endswith("= 3")  # ⌊(8 + 0 − 3·1 − 1)/2⌋ + 1 = 3 frames out, with k_t = 4
    by_key(at.selectbox, f"{NS}.kernel").set_value("random").run()
    assert_no_exception(at)
    assert not at.error


def test_a_window_larger_than_the_padded_clip_gives_a_message_and_the_rest_still_works():
    at = open_page(NS, params={"frames": "4", "kt": "5", "pt": "0"})
    assert at.error and "5" in at.error[0].value and "4" in at.error[0].value
    assert len(at.image) == 1  # the clip is still shown
    train(at, NS, ticks=2)  # the race below is unaffected
    assert all(v.endswith("%") for v in metric_values(at))
    at = open_page(NS, lang="zh", params={"kw": "5", "dw": "3", "pw": "0", "sw": "1"})
    assert not at.error  # 13 ≤ 16: it fits
    at = open_page(NS, params={"kh": "5", "dh": "3", "ph": "0", "frames": "4"})  # span 13 ≤ 16 again
    assert not at.error


def test_cost_section_shows_the_three_kernels():
    at = open_page(NS, params={"c_in": "64", "c_out": "64", "ct": "8", "ch": "28", "cw": "28"})
    table = at.dataframe[0].value
    assert len(table) == 3
    params = table.iloc[:, 1].tolist()
    assert params[0] == 64 * (64 * 9 + 1) and params[2] == 64 * (64 * 27 + 1)
    assert any("144" in m.value for m in at.markdown)  # R(2+1)D's middle width for 64 → 64


def test_new_clip_settings_start_a_fresh_paused_run():
    at = open_page(NS, params={"sprite": "square", "noise": "0.4", "speed": "2", "channels": "4", "lr": "0.03"})
    assert not warnings_text(at)
    train(at, NS, ticks=2)
    assert metric_values(at)[0].endswith("%")
    by_key(at.slider, f"{NS}.frames").set_value(6).run()
    assert_no_exception(at)
    assert metric_values(at) == ["—"] * 3 and any(b.key == f"{NS}.run.start" for b in at.button)


def test_tampered_link_gets_notices():
    at = open_page(NS, params={"kt": "99", "kernel": "nope", "frames": "abc", "noise": "nan", "bogus": "1"})
    text = warnings_text(at)
    for name in ("kt", "kernel", "frames", "noise", "bogus"):
        assert name in text
    assert by_key(at.slider, f"{NS}.kt").value == 5 and by_key(at.slider, f"{NS}.frames").value == 8
    assert not at.error
