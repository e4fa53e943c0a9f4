"""The autoencoder page as a visitor uses it: three models train, the explore controls work, bad links are explained."""
import pytest

from tests.app.harness import assert_no_exception, by_key, open_page, press, train, warnings_text

LIVE_CHARTS = {"codes", "manifold", "pca", "losses", "knn"}


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def chart_keys(at) -> set[str]:
    """The page's Plotly charts, by key without the `autoencoder.` prefix."""
    return {chart.proto.id.rsplit("-autoencoder.", 1)[-1] for chart in at.get("plotly_chart")}


def image_captions(at):
    return [caption for image in at.get("image") for caption in image.captions]


@pytest.fixture(scope="module")
def trained():
    at = open_page("autoencoder")
    train(at, "autoencoder", 3)
    return at


def test_default_page_trains_and_scores_the_code(trained):
    trainer = trained.session_state["autoencoder.run"].trainer
    assert trainer.steps_done > 0 and trainer.config.kind == "ae"
    assert metric(trained, "How well the code separates digits").endswith("%")
    assert metric(trained, "PCA's 2-D projection, same test").endswith("%")
    assert trained.session_state["autoencoder.run"].running
    assert not chart_keys(trained)  # while training: pictures (a Plotly chart costs the browser ~70 ms a redraw)
    assert len(trained.get("image")) == 3 + 5  # probe, interpolation, reconstructions; the five live pictures
    captions = "\n".join(c.value for c in trained.caption)
    assert "pause for the interactive charts" in captions and "across: z₁ · up: z₂" in captions
    assert any("across: epochs" in c for c in image_captions(trained) + captions.splitlines())


def test_pause_brings_back_the_interactive_charts(trained):
    press(trained, "autoencoder.run.pause")
    assert not trained.session_state["autoencoder.run"].running
    assert chart_keys(trained) == LIVE_CHARTS and len(trained.get("image")) == 3
    assert "pause for the interactive charts" not in "\n".join(c.value for c in trained.caption)


def test_explore_controls_move_the_probe_and_the_path(trained):
    by_key(trained.slider, "autoencoder.z1").set_value(0.5).run()
    by_key(trained.selectbox, "autoencoder.to").select(3).run()
    assert_no_exception(trained)
    assert any(c.startswith("Decoded at z = (") for c in image_captions(trained))
    assert trained.query_params["to"] == "3" and trained.query_params["z1"] == "0.5"


def test_a_clicked_digit_is_shown_with_its_reconstruction(trained):
    trained.session_state["_autoencoder.picked"] = 7  # what the map's on_select stores for a click
    trained.run()
    assert_no_exception(trained)
    assert any(c.startswith("Picked: a ") for c in image_captions(trained))


@pytest.mark.parametrize("params,field,value", [({"kind": "vae", "beta": "0.5"}, "beta", 0.5),
                                                ({"kind": "dae", "noise": "0.5"}, "noise", 0.5)])
def test_vae_and_denoising_train_from_a_link(params, field, value):
    at = open_page("autoencoder", lang="zh", params=params)
    train(at, "autoencoder", 2)
    trainer = at.session_state["autoencoder.run"].trainer
    assert trainer.config.kind == params["kind"] and getattr(trainer.config, field) == value
    assert trainer.steps_done > 0
    assert metric(at, "编码区分数字的能力").endswith("%")
    if params["kind"] == "vae":
        assert "kl" in trainer.latest()


def test_switching_model_starts_a_fresh_paused_run(trained):
    by_key(trained.button_group, "autoencoder.kind").set_value("vae").run()
    assert_no_exception(trained)
    run = trained.session_state["autoencoder.run"]
    assert run.trainer.config.kind == "vae" and run.trainer.steps_done == 0 and not run.running


def test_tampered_link_gets_notices_not_a_traceback():
    at = open_page("autoencoder", params={"kind": "gan", "lr": "5", "z1": "9", "from": "x", "beta": "-1"})
    notices = warnings_text(at)
    for name in ("kind", "lr", "z1", "from"):
        assert name in notices
    assert at.session_state["autoencoder.run"].trainer.config.kind == "ae"
    assert by_key(at.slider, "autoencoder.z1").value == 1.0  # clamped into range
