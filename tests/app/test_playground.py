"""The Playground page as a visitor uses it: defaults, controls, live training, links, bad settings."""
from tests.app.harness import by_key, open_page, press, train, warnings_text


def trainer(at):
    return at.session_state["playground.run"].trainer


def test_default_page_renders_in_both_languages():
    for lang, word in (("en", "Epoch"), ("zh", "轮数")):
        at = open_page("playground", lang=lang)
        assert [m.label for m in at.metric][0] == word
        assert trainer(at).cfg.hidden == (4, 2) and trainer(at).hyper.lr == 0.03


def test_training_ticks_advance_epochs_and_lower_the_loss():
    at = open_page("playground")
    first_loss = trainer(at).evaluate()["train_loss"]
    train(at, "playground", ticks=1)
    for _ in range(30):  # ticks are timed: a busy machine trains fewer epochs in each
        if trainer(at).steps_done > 10:
            break
        at.run()
    assert trainer(at).steps_done > 10
    assert trainer(at).latest()["train_loss"] < first_loss
    press(at, "playground.run.pause")
    steps = trainer(at).steps_done
    at.run()
    assert trainer(at).steps_done == steps  # paused means paused
    press(at, "playground.run.reset")
    assert trainer(at).steps_done == 0


def test_learning_rate_applies_live_but_architecture_starts_over():
    at = open_page("playground")
    press(at, "playground.run.step")
    assert trainer(at).steps_done == 1
    by_key(at.selectbox, "playground.lr").set_value(0.1).run()
    assert trainer(at).steps_done == 1 and trainer(at).hyper.lr == 0.1
    by_key(at.slider, "playground.layers").set_value(3).run()
    assert trainer(at).steps_done == 0 and len(trainer(at).cfg.hidden) == 3
    assert at.query_params["layers"] == "3" and at.query_params["lr"] == "0.1"


def test_a_link_reopens_the_same_setup():
    params = {"data": "spiral", "layers": "3", "n1": "8", "n2": "8", "n3": "5", "features": "x1,x2,sin_x1",
              "act": "relu", "opt": "adam", "lr": "0.01", "noise": "10", "classes": "3", "loss": "cross_entropy"}
    cfg = trainer(open_page("playground", params=params)).cfg
    assert (cfg.dataset, cfg.hidden, cfg.features, cfg.activation, cfg.optimizer, cfg.classes, cfg.loss) == (
        "spiral", (8, 8, 5), ("x1", "x2", "sin_x1"), "relu", "adam", 3, "cross_entropy")
    assert cfg.noise == 0.1


def test_tampered_link_is_clamped_or_ignored_with_notices():
    at = open_page("playground", params={"lr": "abc", "layers": "99", "n1": "-3", "features": "x9,x1",
                                         "data": "<script>", "hack": "1"})
    text = warnings_text(at)
    cfg = trainer(at).cfg
    assert cfg.hidden == (1, 2, 2, 2, 2, 2)  # layers clamped to 6, n1 clamped to 1
    assert trainer(at).hyper.lr == 0.03 and cfg.dataset == "circle" and cfg.features == ("x1",)
    for word in ("lr", "layers", "n1", "features", "data", "hack"):
        assert word in text


def test_no_features_gives_a_message_not_a_crash():
    at = open_page("playground")
    by_key(at.multiselect, "playground.features").set_value([]).run()
    assert not at.exception
    assert any("feature" in w.value for w in at.warning)


def test_divergence_pauses_and_explains():
    at = open_page("playground", params={"problem": "regression", "act": "relu", "lr": "10", "layers": "2",
                                         "n1": "8", "n2": "8"})
    train(at, "playground", ticks=3)
    assert trainer(at).problem in ("not_finite", "diverged")
    assert at.error and "learning rate" in at.error[0].value


def test_regression_and_export():
    at = open_page("playground", params={"problem": "regression", "rdata": "multi_gauss"})
    assert trainer(at).cfg.problem == "regression"
    assert "nn.Linear" in at.code[0].value


def test_a_lesson_preset_sets_the_page_in_one_click():
    at = open_page("playground", params={"lr": "0.3", "noise": "20"})
    press(at, "playground.preset.spiral_features")
    cfg = trainer(at).cfg
    assert cfg.dataset == "spiral" and len(cfg.features) == 7 and cfg.hidden == (8, 6)
    assert cfg.noise == 0.0 and trainer(at).hyper.lr == 0.03  # controls the preset does not name: defaults
    assert at.query_params["data"] == "spiral" and "noise" not in at.query_params


def test_download_then_upload_continues_with_the_same_model_and_settings():
    import torch

    from core.checkpoint import save_checkpoint

    at = open_page("playground", params={"layers": "1", "n1": "5", "act": "relu"})
    train(at, "playground", ticks=2)
    tr = trainer(at)
    data = save_checkpoint("playground", {"layers": "1", "n1": "5", "act": "relu"}, tr.steps_done,
                           tr.model_tensors())
    fresh = open_page("playground")  # another visitor, default settings
    fresh.file_uploader(key="playground.model.upload").set_value(("model.pt", data, "application/octet-stream")).run()
    assert any("loaded" in s.value for s in fresh.success)
    loaded = trainer(fresh)
    assert loaded.cfg.hidden == (5,) and loaded.cfg.activation == "relu"
    for name, tensor in tr.model_tensors().items():
        assert torch.equal(loaded.model_tensors()[name], tensor)


def test_a_broken_model_file_gets_a_message():
    at = open_page("playground")
    at.file_uploader(key="playground.model.upload").set_value(("model.pt", b"garbage", "application/octet-stream"))
    at.run()
    assert any("not an NN Playground model" in e.value for e in at.error)


def test_live_pictures_are_drawn_again_only_when_the_model_changed():
    from ui import runner

    at = open_page("playground")
    train(at, "playground", ticks=2)
    run = at.session_state["playground.run"]
    key, pictures = run.extra["_state.pictures"]
    assert key == (run.trainer.steps_done, False)
    steps = run.trainer.steps_done
    runner._slots.acquire()  # every slot busy: the tick waits in the queue, refreshes, trains nothing
    try:
        at.run()
    finally:
        runner._slots.release()
    assert run.trainer.steps_done == steps and run.extra["_state.pictures"][1] is pictures  # the same, not redrawn
    assert "1" in at.info[0].value  # and the page says where it stands in the queue
    at.run()  # a slot again: a new step, new pictures
    assert run.trainer.steps_done > steps and run.extra["_state.pictures"][0][0] == run.trainer.steps_done
    assert "1" in at.info[0].value  # the notice stays a moment (no page jumping between waiting and training)


def test_the_queue_notice_goes_once_the_run_stopped_waiting(monkeypatch):
    import time

    from ui import runner

    at = open_page("playground")
    train(at, "playground", ticks=1)
    run = at.session_state["playground.run"]
    run.queued = (time.monotonic(), 2)  # waited a moment ago, trains now
    at.run()
    assert any("2" in box.value and "queue" in box.value for box in at.info)
    monkeypatch.setattr(runner, "QUEUE_NOTICE_S", 0.0)  # ... and a while ago
    at.run()
    assert not [box for box in at.info if "queue" in box.value]


def test_timer_refreshes_train_full_ticks_and_a_persons_run_only_a_moment(monkeypatch):
    """Start's run and every later full run (a slider, a button) train FIRST_TICK_S; the timer's fragment
    refreshes train the page's tick. (AppTest runs whole pages: a timer refresh is simulated.)"""
    from ui import runner

    ticks = []
    real = runner._train_for
    monkeypatch.setattr(runner, "_train_for",
                        lambda run, tick_s, budget: (ticks.append(tick_s), real(run, tick_s, budget)))
    monkeypatch.setattr(runner, "_train_between_refreshes", lambda *args: None)  # no thread in a test
    at = open_page("playground")
    press(at, "playground.run.start")
    monkeypatch.setattr(runner, "fragment_rerun", lambda: True)
    at.run()
    at.run()
    monkeypatch.setattr(runner, "fragment_rerun", lambda: False)
    at.run()  # a person's run while training
    assert ticks[0] == runner.FIRST_TICK_S and ticks[1] == ticks[2] > runner.FIRST_TICK_S  # the page's own tick
    assert ticks[3] == runner.FIRST_TICK_S
    assert at.session_state["playground.run"].trainer.steps_done > 0  # the short first refresh still trained


def test_a_persons_run_never_waits_for_a_training_slot(monkeypatch):
    """With every slot taken by other sessions, a full run returns at once with the queue notice, untrained; a
    timer refresh waits up to QUEUE_WAIT_S for a slot first."""
    from ui import runner

    at = open_page("playground")
    train(at, "playground", ticks=2)
    steps = at.session_state["playground.run"].trainer.steps_done
    waits = []
    real = runner._tick_in_a_slot
    monkeypatch.setattr(runner, "_tick_in_a_slot", lambda session, work, wait_s=runner.QUEUE_WAIT_S:
                        (waits.append(wait_s), real(session, work, wait_s))[1])
    taken = [runner._slots.acquire(blocking=False) for _ in range(runner.MAX_CONCURRENT_TRAININGS)]
    try:
        at.run()
        assert waits == [0.0] and at.session_state["playground.run"].trainer.steps_done == steps
        assert any("place 1 in the queue" in i.value for i in at.info)
        monkeypatch.setattr(runner, "_train_between_refreshes", lambda *args: None)
        monkeypatch.setattr(runner, "fragment_rerun", lambda: True)
        at.run()
        assert waits[-1] == runner.QUEUE_WAIT_S
    finally:
        for got in taken:
            if got:
                runner._slots.release()
        runner.leave_queue(at.session_state["_session_id"])


def test_a_refresh_after_training_between_refreshes_only_draws():
    at = open_page("playground")
    train(at, "playground", ticks=2)
    run = at.session_state["playground.run"]
    run.trained_between, steps = True, run.trainer.steps_done  # as the thread leaves it (tests/unit/test_runner_state)
    at.run()
    assert run.trainer.steps_done == steps and not run.trained_between  # shown, not trained on
    at.run()
    assert run.trainer.steps_done > steps  # the next refresh trains its own tick again


def test_in_a_crowd_the_panel_refreshes_slower_and_trains_longer_ticks(monkeypatch):
    """More sessions training than slots when the page runs: its panel is declared at the crowd's pace and a timer
    refresh trains CROWDED_TICK_S; alone again, the page's own tick. (Switching between full runs:
    tests/unit/test_runner_state.py.)"""
    import time

    from ui import runner

    ticks = []
    real = runner._train_for
    monkeypatch.setattr(runner, "_train_for",
                        lambda run, tick_s, budget: (ticks.append(tick_s), real(run, tick_s, budget)))
    monkeypatch.setattr(runner, "_train_between_refreshes", lambda *args: None)
    monkeypatch.setattr(runner, "_last_ticks", {})
    at = open_page("playground")
    press(at, "playground.run.start")
    assert not at.session_state["playground.run"].crowded
    monkeypatch.setattr(runner, "fragment_rerun", lambda: True)
    for i in range(runner.MAX_CONCURRENT_TRAININGS):
        runner._last_ticks[f"other {i}"] = time.monotonic()
    at.run()
    assert at.session_state["playground.run"].crowded and ticks[-1] == runner.CROWDED_TICK_S
    runner._last_ticks.clear()
    at.run()
    assert not at.session_state["playground.run"].crowded and ticks[-1] < runner.CROWDED_TICK_S
