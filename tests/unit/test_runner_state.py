"""A run computes what it shows once per state of its model: again after a step or a new display setting."""
from core.trainer import Trainer
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
    assert runner._why_done(run.trainer) == "goal" and not run.trainer.finished
    runner._set_running("p.run", True)
    assert run.running and runner._why_done(run.trainer) is None
    runner._train_for(run, tick_s=0.05, time_budget_s=60)
    assert run.trainer.steps_done == 10 and run.stop_reason == "steps"
