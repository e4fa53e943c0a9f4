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
