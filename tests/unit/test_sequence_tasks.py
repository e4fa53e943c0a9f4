"""Sequence tasks (core/sequences/sequence_tasks.py): data shapes, the answers asked for, the typed-input parsers; and the
trainers of core/sequences/sequence_trainers.py, which must learn them (checked by step count, never by time)."""
import copy
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from core.sequences.gates import GateWeights, lstm_sequence
from core.sequences.sequence_tasks import (ALPHABET, LEAD, WARMUP, SequenceInputError, encode_letters, parse_numbers,
                                 parse_recall, persistence_mse, recall_batch, recall_length, sine_batch)
from core.sequences.sequence_trainers import (OPEN_BIAS, SOLVED_RMSE, RaceConfig, RaceTrainer, RecallConfig, RecallTrainer,
                                    SineConfig, SineTrainer)


def test_sine_batch_targets_are_the_next_values():
    batch = sine_batch(5, 30, 0.1, torch.Generator().manual_seed(0))
    assert batch.inputs.shape == batch.targets.shape == batch.clean.shape == (5, 30, 1)
    torch.testing.assert_close(batch.inputs[:, 1:], batch.targets[:, :-1])  # x_{t+1} is the next input
    noise = batch.targets - batch.clean
    assert 0.05 < float(noise.std()) < 0.15
    assert float(batch.clean.abs().max()) <= 1.0


def test_clean_sine_fits_a_sine_and_persistence_is_scored_against_it():
    batch = sine_batch(2, 40, 0.0, torch.Generator().manual_seed(1))
    wave = batch.clean[0, :, 0].numpy()
    # a pure sine obeys x_{t+1} + x_{t-1} = 2 cos(ω) x_t with the same ω everywhere
    ratios = (wave[2:] + wave[:-2]) / wave[1:-1]
    ratios = ratios[np.abs(wave[1:-1]) > 0.2]
    assert np.ptp(ratios) < 1e-4
    expected = float(((batch.inputs - batch.clean)[:, 5:] ** 2).mean())
    assert persistence_mse(batch) == pytest.approx(expected)


def test_recall_batch_marks_one_early_letter_and_asks_for_it():
    batch = recall_batch(200, 10, torch.Generator().manual_seed(0))
    k = len(ALPHABET)
    assert batch.inputs.shape == (200, recall_length(10), k + 1) == (200, LEAD + 11, k + 1)
    assert torch.all(batch.inputs[..., :k].sum(-1) == 1)  # one letter per step
    marks = batch.inputs[..., k]
    assert torch.all(marks.sum(1) == 1)
    mark_at = marks.argmax(1)
    assert int(mark_at.max()) <= LEAD  # at least `distance` letters follow the mark
    assert torch.equal(batch.inputs[torch.arange(200), mark_at, :k].argmax(1), batch.labels)
    assert len(set(batch.labels.tolist())) == k


@pytest.mark.parametrize("text,expected", [("0.5, -1, 2", [0.5, -1.0, 2.0]), ("1 2;3", [1.0, 2.0, 3.0]),
                                           (" -1e-1 ,\n 4 ", [-0.1, 4.0])])
def test_parse_numbers_accepts_common_separators(text, expected):
    assert parse_numbers(text) == expected


@pytest.mark.parametrize("text,code", [("1, two, 3", "not_a_number"), ("1, nan", "out_of_range"),
                                       ("1, inf", "out_of_range"), ("1, 1e9", "out_of_range"), ("", "too_short"),
                                       ("5", "too_short"), (", ".join(["1"] * 41), "too_long"),
                                       ("__import__('os')", "not_a_number")])
def test_parse_numbers_refuses_bad_input_with_a_reason(text, code):
    with pytest.raises(SequenceInputError) as err:
        parse_numbers(text)
    assert err.value.code == code


def test_parse_recall():
    assert parse_recall("ab Cd") == ([0, 1, 2, 3], 2)
    for text, code in [("abcd", "one_mark"), ("AbCd", "one_mark"), ("abXd", "unknown_letter"),
                       ("ab中d", "unknown_letter"), ("A", "too_short"), ("A" + "b" * 80, "too_long")]:
        with pytest.raises(SequenceInputError) as err:
            parse_recall(text)
        assert err.value.code == code, text


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_parsers_never_fail_with_anything_but_a_sequence_error(text):
    for parse in (parse_numbers, parse_recall):
        try:
            result = parse(text)
        except SequenceInputError as err:
            assert err.code in {"not_a_number", "out_of_range", "too_short", "too_long", "unknown_letter", "one_mark"}
        else:
            assert result


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=40))
def test_parse_numbers_round_trips(values):
    parsed = parse_numbers(", ".join(repr(v) for v in values))
    assert all(math.isclose(a, b) for a, b in zip(parsed, values)) and len(parsed) == len(values)


# ----- the trainers -----

def test_sine_trainer_beats_the_naive_forecast_and_scores_against_the_clean_wave():
    trainer = SineTrainer(SineConfig(hidden=16, max_steps=200))
    for _ in range(4):
        trainer.step(50)
    assert trainer.history["test_mse"][-1] < trainer.baseline_mse / 4
    # the held-out score, recomputed from the predictions
    predicted = np.array([trainer.predictions(k) for k in range(len(trainer.test.clean))])
    clean = trainer.test.clean[..., 0].numpy()
    expected = float(((predicted - clean)[:, WARMUP:] ** 2).mean())
    assert trainer.history["test_mse"][-1] == pytest.approx(expected, rel=1e-5)
    solved = [step for step, mse in zip(trainer.history["step"], trainer.history["test_mse"]) if mse < SOLVED_RMSE**2]
    assert trainer.solved_at == (solved[0] if solved else None)
    assert not trainer.goal_reached()  # solved or not, it trains on to its budget


def test_sine_trainer_reports_the_gradient_norm_before_clipping():
    cfg = SineConfig(clip=1e-3, seed=3)
    trainer = SineTrainer(cfg)
    before = copy.deepcopy(trainer.model)
    gen = torch.Generator()
    gen.set_state(trainer.gen.get_state())
    batch = sine_batch(cfg.batch, cfg.length, cfg.noise, gen)  # the batch the trainer is about to draw
    ((before(batch.inputs) - batch.targets)[:, WARMUP:] ** 2).mean().backward()
    norm = math.sqrt(sum(float((p.grad ** 2).sum()) for p in before.parameters()))
    assert trainer.step(1)["grad_norm"] == pytest.approx(norm, rel=1e-5)
    assert norm > cfg.clip  # so the update really was clipped


@pytest.fixture(scope="module")
def solved_lstm():
    trainer = RecallTrainer(RecallConfig(kind="lstm", distance=10, hidden=16, max_steps=600))
    while not trainer.done:
        trainer.step(20)
    return trainer


def test_lstm_solves_recall_and_the_hand_cell_sees_what_torch_sees(solved_lstm):
    assert solved_lstm.solved_at is not None and solved_lstm.solved_at[0] <= 600
    assert solved_lstm.evals[-1][2] >= 0.95 and solved_lstm.goal_reached()
    letters, mark = parse_recall("bcGadfehbgacdh")
    inside = solved_lstm.inside(letters, mark)
    x = encode_letters(torch.tensor([letters]), torch.tensor([mark]))
    with torch.no_grad():
        states, _ = solved_lstm.model.rec(x)
        logits = solved_lstm.model(x)[0]
    np.testing.assert_allclose(inside["h"], states[0].double().numpy(), atol=1e-5)
    np.testing.assert_allclose(solved_lstm.answer(letters, mark), torch.softmax(logits, 0).numpy(), atol=1e-6)
    assert int(np.argmax(solved_lstm.answer(letters, mark))) == ALPHABET.index("g")


def test_memory_model_can_keep_training_once_solved():
    trainer = RecallTrainer(RecallConfig(distance=5, hidden=8, stop_when_solved=False, max_steps=100))
    trainer.solved_at = (20, 0.1)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.step(20)
    assert trainer.steps_done == 20 and not trainer.done
    assert any(not torch.equal(a, b) for a, b in zip(before, trainer.model.parameters()))


def test_memory_gates_start_open_and_their_absence_stalls_training():
    opened = RecallTrainer(RecallConfig(kind="lstm", hidden=8))
    weights = GateWeights.from_torch(opened.model.rec)
    bias = weights.b_ih + weights.b_hh
    np.testing.assert_allclose(bias[8:16], OPEN_BIAS)  # forget gate
    np.testing.assert_allclose(bias[:8], -OPEN_BIAS)  # input gate
    f_start = lstm_sequence(np.zeros((3, len(ALPHABET) + 1)), weights)["f"]
    np.testing.assert_allclose(f_start, 1 / (1 + math.exp(-OPEN_BIAS)), atol=0.02)
    gru = RecallTrainer(RecallConfig(kind="gru", hidden=8)).model.rec
    np.testing.assert_allclose((gru.bias_ih_l0 + gru.bias_hh_l0)[8:16].detach().numpy(), OPEN_BIAS)

    closed = RecallTrainer(RecallConfig(kind="lstm", distance=20, hidden=16, open_gates=False, max_steps=300))
    while not closed.done:
        closed.step(50)
    assert closed.evals[-1][2] < 0.3  # still near chance (12.5%)


def test_vanilla_rnn_fails_at_a_long_distance():
    trainer = RecallTrainer(RecallConfig(kind="rnn", distance=30, hidden=32, max_steps=300))
    while not trainer.done:
        trainer.step(50)
    assert trainer.solved_at is None and trainer.evals[-1][2] < 0.3


def test_race_feeds_everyone_the_same_data_and_stops_the_solved():
    race = RaceTrainer(RaceConfig(distance=5, hidden=8, max_steps=40))
    gens = [c.gen.get_state() for c in race.contestants.values()]
    assert all(torch.equal(g, gens[0]) for g in gens)
    race.step(20)
    assert set(race.latest()) == {"accuracy_rnn", "accuracy_lstm", "accuracy_gru"}
    lstm = race.contestants["lstm"]
    lstm.solved_at = (20, 0.1)  # pretend it solved: it must not train any further
    race.step(20)
    assert lstm.steps_done == 20 and race.contestants["rnn"].steps_done == 40
    assert not race.goal_reached() and race.done  # step budget used up
