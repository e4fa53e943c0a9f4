"""A run computes what it shows once per state of its model: again after a step or a new display setting."""
import time

from core.trainer import Trainer, why_done
from ui.runner import Run


class Counting(Trainer):
    def __init__(self):
        super().__init__(max_steps=10)

    def _advance(self, n):
        return {"loss": 1.0 / (self.steps_done + n)}


def test_built_once_per_model_state_and_key():
    run, builds = Run(Counting(), config="c"), []

    def build():
        builds.append(run.trainer.steps_done)
        return object()

    first = run.per_model_state("picture", build, "train points")
    assert run.per_model_state("picture", build, "train points") is first  # a waiting tick: nothing new
    assert builds == [0]
    shown_differently = run.per_model_state("picture", build, "all points")
    assert shown_differently is not first and builds == [0, 0]
    run.trainer.step(2)
    assert run.per_model_state("picture", build, "all points") is not shown_differently and builds == [0, 0, 2]
    assert run.per_model_state("other", build, "all points") is not None and builds == [0, 0, 2, 2]  # own name


def test_start_after_the_target_trains_on(monkeypatch):
    from ui import runner

    class Reached(Counting):
        def goal_reached(self):
            return self.steps_done >= 2

    run = Run(Reached(), config="c")
    monkeypatch.setattr(runner.st, "session_state", {"p.run": run})
    run.trainer.step(2)
    assert why_done(run.trainer) == "goal" and not run.trainer.finished
    runner._set_running("p.run", True)
    assert run.running and why_done(run.trainer) is None
    runner._train_for(run, tick_s=0.05, time_budget_s=60)
    assert run.trainer.steps_done == 10 and run.stop_reason == "steps"


class Tuned(Counting):
    """Records the live setting in force at every step."""

    def __init__(self):
        super().__init__()
        self.lr, self.seen = 0.1, []

    def apply_live(self, settings):
        self.lr = settings

    def _advance(self, n):
        self.seen.extend([self.lr] * n)
        return super()._advance(n)


def test_live_settings_reach_the_trainer_before_every_step_of_a_tick_and_a_click(monkeypatch):
    from ui import runner

    run = Run(Tuned(), config="c", live=0.5, steps_per_tick=2)
    runner._train_for(run, tick_s=10.0, time_budget_s=60)  # a fixed tick: exactly two steps, however long
    assert run.trainer.steps_done == 2 and run.trainer.seen == [0.5, 0.5]
    run.live = 0.03  # the learner moved the slider: the next full run hands it over
    monkeypatch.setattr(runner.st, "session_state", {"p.run": run})
    runner._step("p.run", 1)
    assert run.trainer.seen == [0.5, 0.5, 0.03]


def test_a_pace_sets_each_ticks_steps_from_the_trainer():
    from ui import runner

    run = Run(Tuned(), config="c", steps_per_tick=lambda trainer: trainer.steps_done + 1)  # 1, then 2, then 4 …
    for _ in range(3):
        runner._train_for(run, tick_s=10.0, time_budget_s=60)
    assert run.trainer.steps_done == 1 + 2 + 4


def test_a_trainer_without_live_settings_refuses_them():
    import pytest

    with pytest.raises(TypeError):
        Counting().apply_live({"lr": 1.0})


class Slow(Trainer):
    """A step that takes a little time, and many of them."""

    def __init__(self):
        super().__init__(max_steps=1_000_000)

    def _advance(self, n):
        import time
        time.sleep(0.001 * n)
        return {"loss": 1.0}


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    return condition()


def test_training_goes_on_between_refreshes_until_held(monkeypatch):
    from ui import runner

    monkeypatch.setattr(runner, "_last_ticks", {})  # nobody else trains

    run = Run(Slow(), config="c", running=True)
    runner._train_between_refreshes(run, "me", 0.0, 0.01, time_budget_s=60)
    assert _wait_for(lambda: run.trainer.steps_done >= 5)  # trains while nobody looks
    runner.hold(run)  # the next refresh (or a button): it stops, and its last chunk is over
    steps = run.trainer.steps_done
    assert run.between is None and not _wait_for(lambda: run.trainer.steps_done != steps, 0.1)
    assert run.seconds > 0 and run.trained_between  # its time counts against the budget; the refresh just draws


def test_training_between_refreshes_stops_by_itself_and_yields_to_waiting_sessions(monkeypatch):
    from ui import runner

    monkeypatch.setattr(runner, "BETWEEN_MAX_S", 0.1)
    monkeypatch.setattr(runner, "_last_ticks", {})
    run = Run(Slow(), config="c", running=True)
    runner._train_between_refreshes(run, "me", 0.0, 0.01, time_budget_s=60)  # a tab that closed: no refresh ever holds it
    assert _wait_for(lambda: not run.between.is_alive(), 2.0)
    monkeypatch.setattr(runner, "_waiting_for_slot", 1)  # another session's refresh waits for a slot
    steps = run.trainer.steps_done
    runner._train_between_refreshes(run, "me", 0.0, 0.01, time_budget_s=60)
    assert _wait_for(lambda: not run.between.is_alive(), 2.0) and run.trainer.steps_done == steps
    monkeypatch.setattr(runner, "_waiting_for_slot", 0)
    monkeypatch.setattr(runner, "_last_ticks", {"me": time.monotonic(), "other": time.monotonic()})  # a class
    runner._train_between_refreshes(run, "me", 0.0, 0.01, time_budget_s=60)
    assert _wait_for(lambda: not run.between.is_alive(), 2.0) and run.trainer.steps_done == steps
    monkeypatch.setattr(runner, "_last_ticks", {})  # alone again
    runner._train_between_refreshes(run, "me", 0.0, 0.01, time_budget_s=run.seconds)  # the time budget is used up
    assert _wait_for(lambda: not run.between.is_alive(), 2.0)
    assert not run.running and run.stop_reason == "budget"


def test_no_step_starts_between_refreshes_that_would_end_after_the_next_one_is_due(monkeypatch):
    from ui import runner

    monkeypatch.setattr(runner, "_last_ticks", {})
    run = Run(Slow(), config="c", running=True, sec_per_step=0.3)  # a step takes longer than the gap left
    runner._train_between_refreshes(run, "me", time.monotonic() + 0.2, 0.05, time_budget_s=60)
    time.sleep(0.1)
    assert run.trainer.steps_done == 0  # it waits: the refresh would have waited for the step
    assert _wait_for(lambda: run.trainer.steps_done > 0, 2.0)  # the refresh is late (a slow browser): it trains
    runner.hold(run)


def test_a_crowd_is_more_recent_trainers_than_slots_and_old_ones_are_forgotten(monkeypatch):
    from ui import runner

    now = time.monotonic()
    recent = {f"s{i}": now for i in range(runner.MAX_CONCURRENT_TRAININGS)}
    monkeypatch.setattr(runner, "_last_ticks", dict(recent))
    assert not runner._crowded()  # as many as there are slots
    runner._last_ticks["late"] = now - runner.CROWD_WINDOW_S - 1  # stopped asking: not part of the crowd
    assert not runner._crowded() and "late" not in runner._last_ticks
    runner._last_ticks["one more"] = now
    assert runner._crowded()
    assert not runner._training_alone("one more")


def test_a_timer_refresh_moves_its_timer_when_a_crowd_comes_or_goes(monkeypatch):
    from ui import runner

    sent = []
    monkeypatch.setattr(runner, "set_fragment_interval", sent.append)
    monkeypatch.setattr(runner, "_last_ticks", {})
    run = Run(Slow(), config="c", running=True)
    runner._follow_the_crowd(run, 0.2)
    assert sent == [] and not run.crowded  # as declared
    now = time.monotonic()
    runner._last_ticks.update({f"s{i}": now for i in range(runner.MAX_CONCURRENT_TRAININGS + 1)})
    runner._follow_the_crowd(run, 0.2)
    runner._follow_the_crowd(run, 0.2)
    assert sent == [runner.CROWDED_INTERVAL_S] and run.crowded  # once
    runner._last_ticks.clear()
    runner._follow_the_crowd(run, 0.2)
    assert sent == [runner.CROWDED_INTERVAL_S, 0.2] and not run.crowded
