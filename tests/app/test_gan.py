"""The GAN page as a visitor uses it: both tabs train, controls and links change the run, bad input gets a notice."""
import pytest

from core.generative.gan_targets import DRAW_CELLS
from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text


def chart_keys(at) -> set[str]:
    """The page's Plotly charts, by key (`gan.view`, `gan_digits.losses`, …)."""
    return {chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")}


def captions(at) -> str:
    return "\n".join([c.value for c in at.caption] + [i.caption for e in at.get("image") for i in e.proto.imgs])


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module")
def trained():
    at = open_page("gan")
    train(at, "gan", 3)
    return at


def test_default_page_trains_and_measures_coverage(trained):
    run = trained.session_state["gan.run"]
    assert run.trainer.steps_done > 0 and run.trainer.config.target == "ring"
    assert metric(trained, "Modes covered").endswith("of 8")
    assert "%" in metric(trained, "High-quality samples")
    assert not {"gan.view", "gan.losses", "gan.coverage"} & chart_keys(trained)  # training: pictures instead
    assert len(trained.get("image")) == 3 + 2  # the view and two curves; the digits tab's two grids
    text = captions(trained)
    assert "pause for the interactive charts" in text and "across: updates · up: Losses" in text
    assert "real data" in text and "D: probability real" in text and "3σ around each mode" in text
    assert not trained.error


def test_pause_brings_back_the_interactive_charts():
    at = open_page("gan")
    train(at, "gan", 2)
    press(at, "gan.run.pause")
    assert {"gan.view", "gan.losses", "gan.coverage"} <= chart_keys(at) and len(at.get("image")) == 2
    assert "pause for the interactive charts" not in captions(at)


def test_chinese_page_trains():
    at = open_page("gan", lang="zh")
    train(at, "gan", 2)
    assert metric(at, "覆盖的模式").endswith("/ 8")
    assert at.session_state["gan.run"].trainer.steps_done > 0


def test_controls_start_a_fresh_run_with_their_settings(trained):
    by_key(trained.selectbox, "gan.loss").select("wgan_gp").run()
    by_key(trained.selectbox, "gan.target").select("moons").run()
    by_key(trained.slider, "gan.noise_dim").set_value(3).run()
    by_key(trained.toggle, "gan.show_grid").set_value(True).run()
    assert_no_exception(trained)
    run = trained.session_state["gan.run"]
    assert (run.trainer.config.loss, run.trainer.config.target, run.trainer.config.noise_dim) == ("wgan_gp", "moons", 3)
    assert run.trainer.steps_done == 0 and not run.running
    train(trained, "gan", 2)
    assert run.trainer.steps_done > 0
    assert any("Precision" in m.label for m in trained.metric)
    assert any("first two of the 3 noise numbers" in c.value for c in trained.caption)


def test_slow_motion_steps_one_update_at_a_time():
    at = open_page("gan", params={"slow": "1", "d_steps": "3"})
    press(at, "gan.run.step")
    press(at, "gan.run.step")
    trainer = at.session_state["gan.run"].trainer
    assert trainer.steps_done == 2 and trainer.last_update == "d"
    assert any("discriminator just learned" in i.value for i in at.info)
    assert any("update 3 of 3" in c.value for c in at.caption)
    press(at, "gan.run.step")
    assert trainer.next_update() == "g" and any("generator's update" in c.value for c in at.caption)
    press(at, "gan.run.step")
    assert trainer.last_update == "g" and any("generator just learned" in i.value for i in at.info)


def test_a_drawn_target_trains_on_the_chosen_cells():
    at = open_page("gan", params={"target": "drawn"})
    assert any("at least 3 cells" in i.value for i in at.info)  # nothing drawn yet: say what to do
    assert "gan.run" not in at.session_state
    at.session_state["_gan.drawn_cells"] = [DRAW_CELLS * 12 + c for c in range(8, 17)]  # a horizontal bar
    at.run()
    assert_no_exception(at)
    train(at, "gan", 2)
    trainer = at.session_state["gan.run"].trainer
    assert trainer.config.points_digest and trainer.steps_done > 0
    assert abs(trainer.real_eval[:, 1].mean().item()) < 0.3  # the bar is in the middle row


def test_upload_target_asks_for_a_file():
    at = open_page("gan", params={"target": "upload"})
    assert any("CSV" in i.value for i in at.info)


def test_digits_tab_trains_and_shows_samples():
    at = open_page("gan")
    train(at, "gan_digits", 3)
    trainer = at.session_state["gan_digits.run"].trainer
    assert trainer.steps_done > 0 and "one_nn" in trainer.latest()
    assert len(at.get("image")) == 2 + 2  # G's samples and the real digits; the two curves as pictures
    assert not {"gan_digits.losses", "gan_digits.one_nn"} & chart_keys(at)
    press(at, "gan_digits.run.pause")
    assert {"gan_digits.losses", "gan_digits.one_nn"} <= chart_keys(at) and len(at.get("image")) == 2


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("gan", params={"target": "pentagon", "g_width": "7", "d_steps": "99", "g_lr": "abc",
                                  "loss": "hinge", "noise_dim": "-3"})
    notices = warnings_text(at)
    for name in ("target", "g_width", "d_steps", "g_lr", "loss", "noise_dim"):
        assert name in notices
    config = at.session_state["gan.run"].config
    assert (config.target, config.g_width, config.d_steps, config.noise_dim) == ("ring", 64, 5, 1)
