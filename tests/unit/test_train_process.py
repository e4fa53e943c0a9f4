"""Training ticks in a worker process give the same model as in the caller's thread, and a failing or dying
worker costs one tick, never a session."""
from __future__ import annotations

import os
import threading

import pytest
import torch

from core.basics.playground import PlaygroundConfig, PlaygroundTrainer
from core.train_process import TrainingWorkers, shipping_cost
from core.trainer import Trainer, train_for


class Broken(Trainer):
    """Raises in training, or ends its process (a worker killed mid-tick)."""

    def __init__(self, how: str):
        super().__init__(10)
        self.how = how

    def _advance(self, n):
        if self.how == "exit":
            os._exit(3)
        raise ValueError("bad step")


@pytest.fixture(scope="module")
def workers():
    pool = TrainingWorkers(1)
    yield pool
    pool.close()


def tensors(trainer: PlaygroundTrainer):
    return list(trainer.model_tensors().values())


def test_a_tick_in_a_worker_trains_exactly_as_in_place(workers):
    here, there = PlaygroundTrainer(PlaygroundConfig()), PlaygroundTrainer(PlaygroundConfig())
    train_for(here, 0.0, steps=3)
    blob, _ = shipping_cost(there, None)
    trained, _ = workers.tick(blob, 0.0, 3, None)
    assert trained.steps_done == here.steps_done == 3
    assert trained.history == here.history
    for a, b in zip(tensors(trained), tensors(here)):
        assert torch.equal(a, b)
    train_for(here, 0.0, steps=2)  # and it goes on from there identically: its RNG state travelled with it
    trained, _ = workers.tick(shipping_cost(trained, None)[0], 0.0, 2, None)
    assert trained.history == here.history


def test_a_timed_tick_reports_its_seconds_per_step(workers):
    trained, sec_per_step = workers.tick(shipping_cost(PlaygroundTrainer(PlaygroundConfig()), None)[0], 0.2, None,
                                         None)
    assert trained.steps_done >= 2 and sec_per_step > 0


def test_an_error_in_training_is_raised_in_the_caller_and_the_worker_stays(workers):
    with pytest.raises(ValueError, match="bad step"):
        workers.tick(shipping_cost(Broken("raise"), None)[0], 0.0, 1, None)
    assert workers.tick(shipping_cost(PlaygroundTrainer(PlaygroundConfig()), None)[0], 0.0, 1, None) is not None


def test_a_worker_that_dies_costs_one_tick(workers):
    assert workers.tick(shipping_cost(Broken("exit"), None)[0], 0.0, 1, None) is None
    trained, _ = workers.tick(shipping_cost(PlaygroundTrainer(PlaygroundConfig()), None)[0], 0.0, 1, None)
    assert trained.steps_done == 1  # a fresh worker took its place


def test_a_trainer_that_cannot_be_pickled_is_not_shipped():
    trainer = PlaygroundTrainer(PlaygroundConfig())
    trainer.lock = threading.Lock()
    assert shipping_cost(trainer, None) is None
