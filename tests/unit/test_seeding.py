"""One seeding idiom: every trainer depends only on its own seed, whatever other sessions draw in between.

A server runs many sessions in one process. A trainer that reset or drew from torch's global generator outside
its own `own_rng()` would make one learner's run depend on what another learner did. For every trainer: two runs
interleaved tick by tick (and built between each other's ticks), with foreign draws from the global generator in
between, end exactly where each ends alone; and building or stepping a trainer leaves the global generator as it was.
"""
from __future__ import annotations

import dataclasses
import itertools
import random

import pytest
import torch

from core.attention.corpus import ParallelCorpus
from core.attention.bottleneck import BottleneckConfig, BottleneckTrainer
from core.attention.seq2seq import Seq2SeqConfig, Seq2SeqTrainConfig, Seq2SeqTrainer
from core.attention.transformer import TransformerConfig
from core.attention.transformer_trainer import TrainConfig, TransformerTrainer
from core.basics.backprop import BackpropConfig, BackpropTrainer
from core.basics.fitting import make_data
from core.basics.fitting_mlp import FitTrainer, MLPConfig, ModelSpec
from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from core.digits import digit_split
from core.generative import gan_targets
from core.generative.autoencoder import AutoencoderConfig, AutoencoderTrainer
from core.generative.digits_gan import DigitsGanConfig, DigitsGanTrainer
from core.generative.gan import GanConfig, GanTrainer
from core.sequences.sequence_trainers import RaceConfig, RaceTrainer, RecallConfig, RecallTrainer, SineConfig, SineTrainer
from core.trainer import Trainer, seeded_rng
from core.vision.cnn import CNNConfig, CNNTrainer


def toy_corpus() -> ParallelCorpus:
    words = "a b c d e f".split()
    pairs = [(p, (p[1], p[0], p[2], ".")) for p in itertools.permutations(words, 3)]
    random.Random(0).shuffle(pairs)
    return ParallelCorpus("toy", tuple(pairs[:100]), tuple(pairs[100:120]))


def _builders():
    digits = digit_split(seed=42)
    corpus = toy_corpus()
    fit_data = make_data("sine", 15, 0.2, seed=42)
    small_gan = dataclasses.replace(GanConfig(), g_width=8, d_width=8, batch=16)
    tcfg = TransformerConfig(len(corpus.src_vocab), len(corpus.tgt_vocab), d_model=16, heads=2, layers=1, d_ff=32,
                             dropout=0.1)  # dropout: draws from the global generator while training
    return {
        "playground": lambda s: PlaygroundTrainer(PlaygroundConfig(seed=s), Hyper()),
        "backprop": lambda s: BackpropTrainer(BackpropConfig()),
        "fitting": lambda s: FitTrainer(fit_data, (ModelSpec(8, dropout=0.5),), MLPConfig(depth=1, max_steps=50, seed=s)),
        "cnn": lambda s: CNNTrainer(CNNConfig(seed=s), max_steps=6),
        "sine": lambda s: SineTrainer(SineConfig(hidden=4, seed=s, max_steps=10)),
        "recall": lambda s: RecallTrainer(RecallConfig(distance=3, hidden=4, seed=s, max_steps=10)),
        "race": lambda s: RaceTrainer(RaceConfig(distance=3, hidden=4, seed=s, max_steps=6)),
        "autoencoder": lambda s: AutoencoderTrainer(AutoencoderConfig(kind="vae", hidden=(16,), seed=s, max_epochs=3),
                                                    digits),
        "gan": lambda s: GanTrainer(dataclasses.replace(small_gan, seed=s), gan_targets.ring()),
        "digits_gan": lambda s: DigitsGanTrainer(DigitsGanConfig(hidden=16, batch=16, seed=s), digits.x_train,
                                                 digits.x_test),
        "seq2seq": lambda s: Seq2SeqTrainer(corpus, Seq2SeqConfig(len(corpus.src_vocab), len(corpus.tgt_vocab), 8, 8, 8),
                                            Seq2SeqTrainConfig(max_steps=6, eval_every=3, eval_sentences=5, seed=s)),
        "bottleneck": lambda s: BottleneckTrainer(corpus, BottleneckConfig(hidden=8, train=Seq2SeqTrainConfig(
            batch_size=8, max_steps=6, eval_every=3, seed=s))),
        "transformer": lambda s: TransformerTrainer(corpus, tcfg, TrainConfig(batch_size=8, warmup=2, max_steps=6,
                                                                              eval_every=3, eval_sentences=5, seed=s)),
    }


BUILDERS = _builders()
TICKS = 3


def fingerprint(trainer: Trainer) -> tuple:
    tensors = trainer.model_tensors() or {}
    return ({k: v for k, v in trainer.history.items()},
            {name: value.detach().cpu().clone() for name, value in tensors.items()})


def same(a: tuple, b: tuple) -> bool:
    if a[0] != b[0] or a[1].keys() != b[1].keys():
        return False
    return all(torch.equal(a[1][k], b[1][k]) for k in a[1])


def alone(name: str, seed: int) -> tuple:
    trainer = BUILDERS[name](seed)
    for _ in range(TICKS):
        trainer.step(1)
    return fingerprint(trainer)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_interleaved_runs_end_where_each_ends_alone(name):
    want_a, want_b = alone(name, 1), alone(name, 2)
    torch.randn(5)  # another session drew before anyone started
    a = BUILDERS[name](1)
    torch.randn(7)
    a.step(1)
    b = BUILDERS[name](2)  # built between two of a's ticks
    for _ in range(TICKS - 1):
        torch.randn(3)
        b.step(1)
        torch.rand(11)
        a.step(1)
    b.step(1)
    assert same(fingerprint(a), want_a)
    assert same(fingerprint(b), want_b)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_building_and_training_leave_the_global_generator_alone(name):
    before = torch.get_rng_state()
    trainer = BUILDERS[name](3)
    trainer.step(1)
    assert torch.equal(torch.get_rng_state(), before)


def test_seeded_rng_draws_from_the_seed_and_restores_the_outside():
    before = torch.get_rng_state()
    with seeded_rng(5):
        first = torch.rand(3)
    with seeded_rng(5):
        again = torch.rand(3)
    assert torch.equal(first, again)
    assert torch.equal(torch.get_rng_state(), before)
