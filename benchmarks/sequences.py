"""Sequences pages: time-to-solve of every race entry (vanilla RNN, LSTM, GRU) at a short distance, the default
distance and a longer one; the LSTM page's memory model; the RNN page's sine forecaster; both pages' script-run times.

"Solved": recall — at least 95% of 512 held-out strings right; sine — held-out RMSE below 0.1 against the clean
wave. Times are each model's own training time (one torch thread, CPU), checked every 20 steps.
Run: .venv/bin/python benchmarks/sequences.py [--seeds 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

from _util import script_run_ms

import torch

from core.sequences.sequence_trainers import KINDS, RaceConfig, RaceTrainer, RecallConfig, RecallTrainer, SineConfig, SineTrainer

torch.set_num_threads(1)
DISTANCES = (5, 20, 60)  # a short distance, the race's default and a longer one
CHUNK = 20


def race(distance: int, seed: int) -> dict[str, tuple[int, float] | None]:
    trainer = RaceTrainer(RaceConfig(distance=distance, seed=seed))
    while not trainer.done:
        trainer.step(CHUNK)
    return {kind: c.solved_at for kind, c in trainer.contestants.items()}


def describe(results: list[tuple[int, float] | None], budget: int) -> str:
    solved = [r for r in results if r is not None]
    if not solved:
        return f"not solved in {budget} steps (0/{len(results)} seeds)"
    steps = statistics.median(r[0] for r in solved)
    seconds = statistics.median(r[1] for r in solved)
    spread = f"{min(r[1] for r in solved):.1f}-{max(r[1] for r in solved):.1f} s"
    return f"{len(solved)}/{len(results)} seeds solved, median step {steps:.0f}, median {seconds:.1f} s ({spread})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    seeds = range(42, 42 + parser.parse_args().seeds)
    budget = RaceConfig().max_steps

    print("Race: time to solve recall of the marked letter (32 units, Adam 0.01, clip 1; one thread):")
    for distance in DISTANCES:
        runs = [race(distance, seed) for seed in seeds]
        for kind in KINDS:
            print(f"  distance {distance:3d}  {kind:5s} {describe([r[kind] for r in runs], budget)}")

    print("LSTM page, memory model (16 units, distance 20):")
    for open_gates in (True, False):
        results = []
        for seed in seeds:
            trainer = RecallTrainer(RecallConfig(distance=20, open_gates=open_gates, seed=seed))
            while not trainer.done:
                trainer.step(CHUNK)
            results.append(trainer.solved_at)
        label = "forget gate initialised open" if open_gates else "PyTorch default init"
        print(f"  {label:29s} {describe(results, RecallConfig().max_steps)}")

    print("RNN page, noisy sine forecaster (16 units, tanh, noise 0.1):")
    results = []
    for seed in seeds:
        trainer = SineTrainer(SineConfig(seed=seed))
        seconds = 0.0
        while not trainer.done and trainer.solved_at is None:
            start = time.perf_counter()
            trainer.step(CHUNK)
            seconds += time.perf_counter() - start
        results.append((trainer.solved_at, seconds) if trainer.solved_at is not None else None)
    print(f"  {describe(results, SineConfig().max_steps)}")

    print("Script-run time under AppTest (median ms of 7 runs, after a warm-up):")
    rnn_actions = {
        "rerun": lambda at, i: None,
        "spectral radius": lambda at, i: _set(at.slider, "rnn.rho", 0.9 if i % 2 else 1.2),
        "time step": lambda at, i: _set(at.slider, "rnn.t", 1 + i % 5),
        "typed sequence": lambda at, i: _input(at, "rnn.seq", f"1, {i % 3}, -0.5, 2, 0"),
        "stack depth": lambda at, i: _set(at.slider, "rnn.depth", 1 + i % 3),
    }
    lstm_actions = {
        "rerun": lambda at, i: None,
        "one weight": lambda at, i: _set(at.number_input, "lstm.f_b", 1.0 + 0.1 * i),
        "typed string": lambda at, i: _input(at, "lstm.letters", "abCdefgh"[: 4 + i % 4] + "abcdefgh"),
        "distance": lambda at, i: _set(at.slider, "lstm.distance", 20 + i % 2),
    }
    for slug, actions in (("rnn", rnn_actions), ("lstm", lstm_actions)):
        times = script_run_ms(slug, actions)
        print(f"  {slug:5s} " + "   ".join(f"{name} {ms:.0f}" for name, ms in times.items()))


def _set(widgets, key, value):
    next(w for w in widgets if w.key == key).set_value(value)


def _input(at, key, text):
    next(w for w in at.text_input if w.key == key).input(text)


if __name__ == "__main__":
    main()
