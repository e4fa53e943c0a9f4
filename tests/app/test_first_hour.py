"""What a new learner meets in the first hour (issue #26): number boxes, language switches, lessons, model files."""
from streamlit.testing.v1 import AppTest

from tests.app.harness import ROOT, assert_no_exception, by_key, open_page


def test_a_cleared_or_unreadable_number_keeps_its_value_and_says_why():
    at = open_page("backprop")
    box = by_key(at.number_input, "backprop.i1")
    before = box.value
    box.set_value(None).run()  # what the browser sends for an empty box, "abc" or 1e999
    assert_no_exception(at)
    assert by_key(at.number_input, "backprop.i1").value == before
    assert any("-10" in w.value and "10" in w.value for w in at.warning), [w.value for w in at.warning]
    by_key(at.number_input, "backprop.i1").set_value(0.25).run()
    assert by_key(at.number_input, "backprop.i1").value == 0.25
    assert not at.warning


def test_a_cleared_seed_keeps_the_seed():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.number_input[0].set_value(None).run()
    assert_no_exception(at)
    assert at.sidebar.number_input[0].value == 42
    assert at.session_state["app.seed"] == 42
    assert at.sidebar.warning


def _upload(slug, params, ticks, *, lang="en", seconds=None):
    """Train a model on one page, download it, and load it on a fresh visit: the fresh page, and the original."""
    from core.checkpoint import save_checkpoint
    from tests.app.harness import train

    at = open_page(slug, params=params)
    train(at, slug, ticks=ticks)
    tr = at.session_state[f"{slug}.run"].trainer
    data = save_checkpoint(slug, params, tr.steps_done, tr.model_tensors(), seconds)
    fresh = open_page(slug, lang=lang)
    fresh.file_uploader(key=f"{slug}.model.upload").set_value(("model.pt", data, "application/octet-stream")).run()
    assert_no_exception(fresh)
    return fresh, tr


def test_an_uploaded_cnn_looks_trained():
    fresh, tr = _upload("cnn", {"c1": "4"}, ticks=3)
    loaded = fresh.session_state["cnn.run"].trainer
    assert loaded.steps_done == tr.steps_done > 0
    assert f"{tr.steps_done:,} steps" in fresh.success[0].value
    progress = fresh.get("progress")[0].proto.text
    assert f"{tr.steps_done:,} of" in progress
    assert not any("random noise" in i.value for i in fresh.info)
    metrics = [m.value for m in fresh.metric]
    assert metrics and metrics[0].endswith("%")
    assert abs(loaded.latest()["test_acc"] - tr.evaluate()["test_acc"]) < 1e-6  # measured once, on the loaded model


def test_an_uploaded_model_counts_the_seconds_it_trained_before():
    from tests.app.harness import press

    for lang, before, after in (("en", "95.3 s of training", "s of training since the model file was loaded"),
                                ("zh", "已训练 95.3 秒", "载入模型文件后已训练")):
        fresh, _ = _upload("playground", {}, ticks=2, lang=lang, seconds=95.3)
        assert before in fresh.get("progress")[0].proto.text
        press(fresh, "playground.run.step")  # the time trained here adds to it; a download carries the sum
        run = fresh.session_state["playground.run"]
        assert run.trained_seconds == run.seconds_before + run.seconds > 95.3
        old, _ = _upload("playground", {}, ticks=2, lang=lang)  # a file from before the seconds were stored
        assert after in old.get("progress")[0].proto.text and old.session_state["playground.run"].trained_seconds is None


def test_an_uploaded_transformer_is_not_called_untrained():
    fresh, tr = _upload("transformer", {}, ticks=2)
    loaded = fresh.session_state["transformer.run"].trainer
    assert loaded.steps_done == tr.steps_done > 0 and loaded.history["loss"] and loaded.evals["step"]
    texts = "\n".join(i.value for i in fresh.info)
    assert "has not trained" not in texts and "Press Start to train" not in texts


def test_a_race_that_ended_says_who_did_not_solve_it():
    from tests.app.harness import press, train

    at = open_page("lstm")
    train(at, "lstm_race", ticks=2)
    press(at, "lstm_race.run.pause")
    race = at.session_state["lstm_race.run"].trainer
    race.steps_done = race.max_steps  # the run is over
    at.run()
    cells = " ".join(str(v) for table in at.table for v in table.value.to_numpy().ravel())
    assert "not yet" not in cells and "not solved in" in cells


def test_the_untrained_translator_map_is_as_tall_as_the_sentence():
    at = open_page("attention")
    tr = at.session_state["attention.run"].trainer
    assert tr.steps_done == 0
    alignment = next(c for c in at.get("plotly_chart") if c.proto.id and "alignment" in c.proto.id
                     and "curve" not in c.proto.id)
    import json

    rows = json.loads(alignment.proto.spec)["data"][0]["z"]
    words = len(at.text_input(key="attention.sentence").value.split())
    assert len(rows) <= words + 2  # an untrained decoder never stops by itself: it used to fill ~30 rows


def test_fitting_shows_no_empty_curves_chart_before_start():
    from tests.app.harness import press

    at = open_page("fitting")
    keys = lambda: [c.proto.id for c in at.get("plotly_chart")]  # noqa: E731
    assert not any("chart_net_curves" in k for k in keys())
    assert any("Press Start" in i.value for i in at.info)
    press(at, "fitting.run.step")
    assert any("chart_net_curves" in k for k in keys())


def _chart_keys(at) -> list[str]:
    return [c.proto.id for c in at.get("plotly_chart")]


def test_an_uploaded_autoencoder_shows_its_losses_at_once():
    fresh, tr = _upload("autoencoder", {}, ticks=2)
    loaded = fresh.session_state["autoencoder.run"].trainer
    assert loaded.steps_done == tr.steps_done > 0 and loaded.history["step"] == [tr.steps_done]
    assert any("autoencoder.losses" in key for key in _chart_keys(fresh))  # the loss curves, measured on load
    assert loaded.latest()["knn"] == tr.knn_score()


def test_an_uploaded_translator_shows_its_loss_at_once():
    fresh, tr = _upload("attention", {}, ticks=2)
    loaded = fresh.session_state["attention.run"].trainer
    assert loaded.steps_done == tr.steps_done > 0 and loaded.history["loss"] and loaded.evals["step"]
    assert any("attention.loss" in key for key in _chart_keys(fresh))
    assert not any("Press Start to train the translator" in i.value for i in fresh.info)


def test_an_uploaded_fitting_network_shows_its_errors_at_once():
    untrained = open_page("fitting")
    fresh, tr = _upload("fitting", {}, ticks=2)
    loaded = fresh.session_state["fitting.run"].trainer
    assert loaded.steps_done == tr.steps_done > 0 and loaded.curve_steps == [tr.steps_done]

    def test_errors(at) -> list[str]:
        table = next(d.value for d in at.dataframe if "Model" in d.value.columns)
        return list(table["Test error (MSE)"])

    shown = test_errors(fresh)
    assert shown == [f"{values[-1]:.4f}" for values in loaded.curves["test"]]
    assert shown != test_errors(untrained)  # the loaded weights' errors, not a fresh network's
