"""A worker process trains on while the server draws: its steps equal training here, snapshots arrive while it goes
on, it stops by itself (deadline, budget, goal) and a dead or failing worker is reported, never hung on."""
import os
import time

import pytest
import torch

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from core.generative.gan import GanConfig, GanTrainer
from core.generative.gan_targets import ring
from core.sequences.textgen import TextGenConfig, TextGenTrainer
from core.train_process import WORKER_NICENESS, TrainingWorker, WorkerGone, pack, shipping_cost
from core.trainer import Trainer


class Exploding(Trainer):
    """Raises on its third step."""

    def __init__(self):
        super().__init__(max_steps=1_000)

    def _advance(self, n):
        if self.steps_done + n >= 3:
            raise ValueError("boom")
        return {"loss": 1.0}


@pytest.fixture
def worker():
    w = TrainingWorker()
    deadline = time.monotonic() + 60
    while not w.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert w.ready()
    yield w
    w.close()


def _ship(trainer, live=None) -> bytes:
    shipment = shipping_cost(trainer, live)
    assert shipment is not None
    return shipment[0]


def _wait_snapshot(worker, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        snapshot = worker.latest(0.1)
        if snapshot is not None:
            return snapshot
    raise AssertionError("no snapshot")


@pytest.mark.parametrize("build", [lambda: PlaygroundTrainer(PlaygroundConfig(), Hyper(lr=0.1)),
                                   lambda: GanTrainer(GanConfig(), ring())], ids=["playground", "gan"])
def test_steps_trained_in_the_worker_equal_the_same_steps_here(worker, build):
    worker.start(_ship(build()), chunk_s=0.02, sec_per_step=None, for_s=30.0, budget_s=60.0)
    worker.extend(30.0)
    first = _wait_snapshot(worker)
    assert not first.final and first.trainer.steps_done > 0
    time.sleep(0.3)
    final = worker.stop(10.0)
    assert final.final and final.trainer.steps_done > first.trainer.steps_done  # it trained on after the snapshot
    here = build()
    here.step(final.trainer.steps_done)
    for name, tensor in here.model_tensors().items():
        assert torch.equal(tensor, final.trainer.model_tensors()[name]), name
    assert final.seconds > 0 and final.reason is None


def test_fixed_data_travels_once_and_snapshots_bring_back_the_rest(worker):
    """`Trainer.FIXED` (the training text here) goes to the worker with the trainer and never comes back: every
    snapshot refers to it by name and gets the server's own copy; the steps still equal training here."""
    text = "the quick brown fox jumps over the lazy dog. " * 400
    build = lambda: TextGenTrainer(TextGenConfig(hidden=16, seq_len=16, batch=4), text, text[:2_000])  # noqa: E731
    trainer = build()
    parcel = _ship(trainer)
    assert set(parcel.known) == {"vocab", "data", "valid"}
    assert parcel.size < len(pack((trainer, None))) - trainer.data.numel() * trainer.data.element_size()
    worker.start(parcel, chunk_s=0.02, sec_per_step=None, for_s=30.0, budget_s=60.0)
    worker.extend(30.0)
    snapshot = _wait_snapshot(worker)
    assert snapshot.trainer.data is trainer.data and snapshot.trainer.vocab is trainer.vocab
    final = worker.stop(10.0)
    assert final.trainer.valid is trainer.valid and final.trainer.steps_done > 0
    here = build()
    here.step(final.trainer.steps_done)
    for name, tensor in here.model_tensors().items():
        assert torch.equal(tensor, final.trainer.model_tensors()[name]), name


def test_views_stay_views_across_the_process():
    """The GAN's weight matrices are views into one flat vector, which its optimizer steps: after the journey a
    step of that vector still moves the matrices (plain pickle would have copied each view apart)."""
    from core.train_process import pack, unpack

    back, _ = unpack(pack((GanTrainer(GanConfig(), ring()), None)))
    assert back.g_opt.params is back.generator.flat
    back.generator.flat.add_(1.0)
    assert torch.equal(back.generator.weights[0].flatten(), back.generator.flat[:back.generator.weights[0].numel()])


def test_snapshots_come_while_training_goes_on_and_it_stops_at_its_deadline(worker):
    worker.start(_ship(PlaygroundTrainer(PlaygroundConfig(), Hyper())), chunk_s=0.02, sec_per_step=None,
                 for_s=0.5, budget_s=60.0)
    seen = []
    for _ in range(3):
        worker.extend(0.5)
        seen.append(_wait_snapshot(worker).trainer.steps_done)
    assert seen == sorted(seen) and seen[-1] > seen[0]
    time.sleep(1.0)  # nobody extended: the worker stopped training by itself
    worker.extend(0.0)
    a = _wait_snapshot(worker).trainer.steps_done
    time.sleep(0.3)
    worker.extend(0.0)
    assert _wait_snapshot(worker).trainer.steps_done == a
    assert worker.stop(10.0).trainer.steps_done == a


def test_the_budget_stops_the_worker_and_says_why(worker):
    worker.start(_ship(PlaygroundTrainer(PlaygroundConfig(), Hyper())), chunk_s=0.02, sec_per_step=None,
                 for_s=30.0, budget_s=0.1)
    deadline = time.monotonic() + 20
    reason = None
    while reason is None and time.monotonic() < deadline:
        worker.extend(30.0)
        reason = _wait_snapshot(worker).reason
    assert reason == "budget"
    final = worker.stop(10.0)
    assert final.reason == "budget" and 0.1 <= final.seconds < 5


def test_a_trainers_error_and_a_dead_worker_are_reported(worker):
    worker.start(_ship(Exploding()), chunk_s=0.01, sec_per_step=None, for_s=30.0, budget_s=60.0)
    with pytest.raises(WorkerGone, match="boom"):
        worker.stop(10.0)
    worker.process.kill()
    worker.process.wait(5)
    with pytest.raises(WorkerGone):
        worker.start(_ship(Exploding()), chunk_s=0.01, sec_per_step=None, for_s=1.0, budget_s=1.0)
        worker.stop(2.0)


def test_the_worker_runs_below_the_servers_priority(worker):
    assert os.getpriority(os.PRIO_PROCESS, worker.process.pid) == os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS


def test_an_idle_worker_exits(monkeypatch):
    monkeypatch.setenv("NNPG_WORKER_IDLE_EXIT_S", "0.5")
    w = TrainingWorker()
    try:
        assert w.process.wait(60) == 0
        assert not w.ready()
    finally:
        w.close()


def test_what_cannot_travel_is_not_shipped():
    trainer = PlaygroundTrainer(PlaygroundConfig(), Hyper())
    trainer.hook = lambda: None  # a lambda cannot be pickled
    assert shipping_cost(trainer, None) is None
