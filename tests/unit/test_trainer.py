"""The trainer protocol: budgets, history, NaN and divergence detection (on a hand-made toy trainer)."""
import math

import torch

from core.trainer import Trainer


class Countdown(Trainer):
    """Loss follows a given list, one value per step, so every branch is easy to reach."""

    unit = "epoch"

    def __init__(self, losses, max_steps=100):
        super().__init__(max_steps)
        self.losses = list(losses)

    def _advance(self, n):
        return {"loss": self.losses[min(self.steps_done + n - 1, len(self.losses) - 1)], "acc": 0.5}


def test_step_counts_and_records_history():
    tr = Countdown([4.0, 3.0, 2.0, 1.0], max_steps=10)
    tr.step(1)
    tr.step(2)
    assert tr.steps_done == 3
    assert tr.history["step"] == [1, 3]
    assert tr.history["loss"] == [4.0, 2.0]
    assert tr.latest() == {"loss": 2.0, "acc": 0.5}


def test_budget_is_never_exceeded():
    tr = Countdown([1.0], max_steps=5)
    tr.step(3)
    tr.step(3)
    assert tr.steps_done == 5 and tr.done
    tr.step(10)
    assert tr.steps_done == 5


def test_nan_stops_the_run_and_names_the_metric():
    tr = Countdown([1.0, math.nan])
    tr.step(1)
    assert not tr.done
    tr.step(1)
    assert tr.problem == "not_finite" and tr.problem_metric == "loss" and tr.done
    before = tr.steps_done
    tr.step(5)
    assert tr.steps_done == before


def test_divergence_is_relative_to_the_first_loss():
    tr = Countdown([2.0, 100.0, 1999.0, 2001.0])
    for _ in range(3):
        tr.step(1)
    assert tr.problem is None
    tr.step(1)
    assert tr.problem == "diverged"


class GlobalDraws(Trainer):
    """Draws from the global torch generator, as dropout does."""

    def _advance(self, n):
        return {"loss": float(torch.rand(n).sum())}


def test_a_run_draws_its_own_numbers_whatever_else_draws_between_its_steps():
    torch.manual_seed(0)
    alone = GlobalDraws(100)
    for _ in range(5):
        alone.step(3)
    torch.manual_seed(0)
    shared = GlobalDraws(100)
    outside = []
    for _ in range(5):
        shared.step(3)
        outside.append(torch.rand(2))  # another session's draws between two ticks
    assert shared.history == alone.history
    torch.manual_seed(0)
    assert torch.cat(outside).tolist() == torch.rand(10).tolist()  # the others' stream as if the run never drew
    torch.manual_seed(0)
    assert alone.history["loss"][0] == float(torch.rand(3).sum())  # the run's stream began where it first stepped


class Goal(Countdown):
    def goal_reached(self):
        return self.steps_done >= 3


def test_a_run_can_train_on_past_its_goal_but_not_past_its_budget():
    tr = Goal([1.0] * 10, max_steps=6)
    tr.step(3)
    assert tr.done and not tr.finished
    tr.past_goal = True  # the learner pressed Start again
    assert not tr.done
    tr.step(10)
    assert tr.steps_done == 6 and tr.done and tr.finished


def test_resume_takes_the_step_count_and_measures_once():
    class Measured(Countdown):
        model = torch.nn.Linear(2, 1)

        def measure(self):
            return {"loss": float(self.model.weight.detach().sum()), "acc": 0.5}

    tr = Measured([1.0], max_steps=100)
    tensors = {"weight": torch.ones(1, 2), "bias": torch.zeros(1)}
    tr.resume(tensors, 377)
    assert tr.steps_done == 100  # never past the budget
    assert tr.history == {"step": [100], "loss": [2.0], "acc": [0.5]}
    tr2 = Measured([1.0], max_steps=1000)
    tr2.resume(tensors, 377)
    assert tr2.steps_done == 377 and tr2.latest() == {"loss": 2.0, "acc": 0.5}
