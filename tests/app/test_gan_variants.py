"""The GAN-variants page as a visitor uses it: every tab trains, its controls change the run, bad links get notices."""
import pytest

from core.generative.digit_judge import digit_judge

from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text

TABS = ("cond", "info", "cycle", "pix")


def run_of(at, tab):
    return at.session_state[f"gan_variants_{tab}.run"]


def image_captions(at) -> list[str]:
    return [image.caption for element in at.get("image") for image in element.proto.imgs]


@pytest.fixture(scope="module")
def page():
    digit_judge()  # trained in the background when the page opens; here wait for it, so readings start at once
    return open_page("gan_variants")


def test_default_page_has_four_tabs_with_their_formulas(page):
    assert [tab.label for tab in page.tabs] == ["Conditional GAN · AC-GAN", "InfoGAN", "CycleGAN", "pix2pix"]
    text = "\n".join(m.value for m in page.markdown)
    for paper in ("Mirza & Osindero", "Odena et al.", "Chen et al.", "Zhu et al.", "Isola et al."):
        assert paper in text
    assert "$$" in text and not page.error and not warnings_text(page)
    for tab in TABS:
        run = run_of(page, tab)
        assert run.trainer.steps_done == 0 and not run.running


def test_infogan_and_cyclegan_train_and_show_their_measures(page):
    train(page, "gan_variants_info", 3)
    train(page, "gan_variants_cycle", 3)
    assert run_of(page, "info").trainer.steps_done > 0 and run_of(page, "cycle").trainer.steps_done > 0
    captions = "\n".join(c.value for c in page.caption)
    assert "Codes pick" in captions
    assert {"Cycle error", "Partner error", "Lands on B"} <= {m.label for m in page.metric}
    press(page, "gan_variants_info.run.pause")
    press(page, "gan_variants_cycle.run.pause")


def test_conditional_tab_trains_and_the_digit_choice_keeps_the_run(page):
    press(page, "gan_variants_cond.run.step")
    trainer = run_of(page, "cond").trainer
    assert trainer.steps_done == 50 and trainer.recognised is not None and "aux_real" in trainer.latest()
    assert any(m.label == "Drawn as asked" for m in page.metric)
    by_key(page.button_group, "gan_variants.digit").set_value(7).run()
    assert_no_exception(page)
    assert run_of(page, "cond").trainer is trainer  # a display setting: the run goes on
    assert any("G's 7s" in caption for caption in image_captions(page))


def test_pix2pix_trains_both_generators(page):
    press(page, "gan_variants_pix.run.step")
    trainer = run_of(page, "pix").trainer
    assert {"test_l1_l1", "test_l1_gan"} <= set(trainer.latest()) and set(trainer.judged) == {"l1", "gan"}
    assert {"L1 only", "L1 + adversarial", "The real digit"} <= set(image_captions(page))


def test_controls_start_fresh_runs_with_their_settings(page):
    by_key(page.button_group, "gan_variants.kind").set_value("cgan").run()
    by_key(page.selectbox, "gan_variants.info_target").select("ring").run()
    by_key(page.toggle, "gan_variants.cycle").set_value(False).run()
    by_key(page.selectbox, "gan_variants.pix_task").select("upscale").run()
    assert_no_exception(page)
    assert run_of(page, "cond").config.kind == "cgan" and run_of(page, "cond").trainer.steps_done == 0
    assert run_of(page, "info").trainer.k == 8
    assert run_of(page, "cycle").config.cycle is False
    assert run_of(page, "pix").config.task == "upscale"
    assert page.query_params["kind"] == "cgan" and page.query_params["cycle"] == "0"


def test_chinese_page():
    at = open_page("gan_variants", lang="zh")
    assert [tab.label for tab in at.tabs][0] == "条件 GAN · AC-GAN"
    train(at, "gan_variants_info", 2)
    assert run_of(at, "info").trainer.steps_done > 0
    assert any("编码" in c.value for c in at.caption)


def test_a_preset_sets_its_controls():
    at = open_page("gan_variants")
    press(at, "gan_variants.preset.no_cycle")
    assert run_of(at, "cycle").config.cycle is False


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("gan_variants", params={"kind": "wgan", "digit": "12", "info_lam": "abc", "cycle": "maybe",
                                           "pix_lam": "7", "cycle_angle": "45", "bogus": "1"})
    notices = warnings_text(at)
    for name in ("kind", "digit", "info_lam", "cycle", "pix_lam", "cycle_angle", "bogus"):
        assert name in notices
    assert run_of(at, "cond").config.kind == "acgan" and run_of(at, "info").config.lam == 1.0
    assert run_of(at, "cycle").config.cycle is True and run_of(at, "cycle").config.angle == 90
    assert run_of(at, "pix").config.lam == 10.0


LIVE_CHARTS = {"cond": {"cond.per_class", "cond.curves"},
               "info": {"info.info", "info.plain", "info.mi", "info.code_info"},
               "cycle": {"cycle.view", "cycle.curves"}, "pix": {"pix.curves"}}


def chart_keys(at) -> set[str]:
    """The page's Plotly charts, by key without the `gan_variants.` prefix."""
    return {chart.proto.id.rsplit("-gan_variants.", 1)[-1] for chart in at.get("plotly_chart")}


@pytest.mark.parametrize("tab", TABS)
def test_a_training_tab_draws_pictures_and_a_paused_one_interactive_charts(tab):
    digit_judge()  # ready, so the conditional tab draws its per-digit bars from the first step
    at = open_page("gan_variants")
    images = len(at.image)  # the digit grids, pictures at all times
    train(at, f"gan_variants_{tab}", 3)
    assert run_of(at, tab).running and run_of(at, tab).trainer.steps_done > 0
    assert not chart_keys(at) & LIVE_CHARTS[tab] and len(at.image) == images + len(LIVE_CHARTS[tab])
    captions = "\n".join(c.value for c in at.caption)
    assert "pause for the interactive charts" in captions and "across: iterations" in captions
    press(at, f"gan_variants_{tab}.run.pause")
    assert LIVE_CHARTS[tab] <= chart_keys(at) and len(at.image) == images
    assert "pause for the interactive charts" not in "\n".join(c.value for c in at.caption)
