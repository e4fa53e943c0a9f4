"""The runner with a training worker (a real process): a session training alone trains there between refreshes, each
timer refresh draws the worker's latest snapshot, and the trainer comes home when held, when others wait, or when
the worker stops by itself (the budget)."""
import time

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from ui import runner
from ui.runner import Run


def _refresh_until(run, condition, seconds=20.0, budget=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        drew = runner._draw_from_worker(run, "me", budget)
        if condition():
            return drew
        time.sleep(0.05)
    raise AssertionError("condition never met")


def _slot_is_free() -> bool:
    if runner._slots.acquire(blocking=False):
        runner._slots.release()
        return True
    return False


def test_training_alone_goes_on_in_the_worker_and_comes_home_when_held(alone_with_a_worker):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    assert run.remote is not None and not _slot_is_free()  # the worker holds the session's training slot
    assert _refresh_until(run, lambda: run.trainer.steps_done > 0)  # a refresh draws the snapshot
    seen, trained = run.trainer.steps_done, run.seconds
    assert trained > 0 and "me" in runner._last_ticks  # its time counts; the crowd count sees it training
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)  # the next deadline
    runner.hold(run)  # a button or a slider: the trainer comes home as it stands
    assert run.remote is None and run.trainer.steps_done >= seen and _slot_is_free()


def test_a_waiting_session_brings_the_trainer_home(alone_with_a_worker, monkeypatch):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    monkeypatch.setattr(runner, "_waiting_for_slot", 1)
    assert not runner._draw_from_worker(run, "me", 60)  # not drawn from the worker: the panel holds the run
    runner.hold(run)
    assert run.remote is None and _slot_is_free()
    assert not runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)  # nor lent again while one waits


def test_the_budget_spent_in_the_worker_stops_the_run(alone_with_a_worker):
    run = Run(PlaygroundTrainer(PlaygroundConfig(), Hyper()), config="c", running=True, seconds=59.9)
    assert runner._train_in_worker(run, "me", 0.2, 0.05, time_budget_s=60)
    _refresh_until(run, lambda: not run.running, budget=60)
    assert run.stop_reason == "budget" and run.remote is None and run.seconds >= 60 and _slot_is_free()
