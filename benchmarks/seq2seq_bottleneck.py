"""Seq2seq bottleneck page: time until the plain model trails attention by ≥ 20 BLEU on the longest sentences,
both models' final BLEU per source length, training/evaluation cost per refresh, and script time of a control change.

Target (issue #22 item 2): the plot shows the plain model's score at the longest sentences at least 20 points below
attention's, within about a minute of CPU training (one torch thread, the page's default settings; evaluations
count, as on the page); a control change re-renders in < 100 ms of script time.
Run: .venv/bin/python benchmarks/seq2seq_bottleneck.py [seeds, default 1]
"""
from __future__ import annotations

import statistics
import sys
import time

from _util import script_run_ms, widget_setter

import torch

from core.attention.bottleneck import GOAL_GAP, MODELS, BottleneckConfig, BottleneckTrainer
from core.attention.compound_corpus import bucket_labels, compound_corpus
from core.attention.seq2seq import Seq2SeqTrainConfig
from tests.app.harness import press
from ui.runner import INTERVAL_S, TICK_S

torch.set_num_threads(1)
LIMIT_S = 180.0  # the runner's default time budget per run


def race(seed: int) -> dict:
    """Train with the page's defaults, one step per call (what a refresh does at this step cost), until the goal."""
    cfg = BottleneckConfig(train=Seq2SeqTrainConfig(batch_size=32, lr=0.003, max_steps=1500, eval_every=25,
                                                    seed=seed))
    tr = BottleneckTrainer(compound_corpus(cfg.corpus), cfg)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    first_gap = goal = None
    step_times, eval_times = [], []
    while not tr.done and time.perf_counter() - wall0 < LIMIT_S:
        evaluations = len(tr.evals["step"])
        start = time.perf_counter()
        tr.step(1)
        (eval_times if len(tr.evals["step"]) > evaluations else step_times).append(time.perf_counter() - start)
        if tr.last_eval is not None and first_gap is None and tr.last_eval.gap() >= GOAL_GAP:
            first_gap = (tr.steps_done, time.process_time() - cpu0, time.perf_counter() - wall0)
    if tr.goal_reached():
        goal = (tr.steps_done, time.process_time() - cpu0, time.perf_counter() - wall0)
    step_s = statistics.median(step_times)
    return {"first_gap": first_gap, "goal": goal, "scores": tr.last_eval.scores, "step_ms": 1000 * step_s,
            "eval_ms": 1000 * (statistics.median(eval_times) - step_s)}


def script_times() -> dict[str, float]:
    """Median script time (ms) of control changes on a page whose paused run shows its charts (after one Step)."""
    return script_run_ms("seq2seq_bottleneck", {
        "rerun": lambda at, i: None,
        "example length": widget_setter("button_group", "seq2seq_bottleneck.length", [0, 4]),
        "example number": widget_setter("slider", "seq2seq_bottleneck.example", [5, 6]),
        "state size (new run)": widget_setter("button_group", "seq2seq_bottleneck.hidden", [32, 64]),
    }, prepare=lambda at: press(at, "seq2seq_bottleneck.run.step"))  # one step and one evaluation: the charts are up


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    buckets = bucket_labels()
    for seed in range(seeds):
        r = race(seed)
        print(f"seed {seed}: one training step (both models, batch 32) {r['step_ms']:.0f} ms median; "
              f"one evaluation (150 held-out sentences, both models) {r['eval_ms']:.0f} ms")
        for label, hit in (("first gap >= 20 BLEU on the longest bucket", r["first_gap"]),
                           ("goal (attention >= 80 there, plain >= 20 below)", r["goal"])):
            print(f"  {label}: " + ("not reached" if hit is None else
                                    f"step {hit[0]}, {hit[1]:.1f} s CPU, {hit[2]:.1f} s wall"))
        print("  BLEU per source length " + " | ".join(f"{b:>6}" for b in buckets))
        for name in MODELS:
            print(f"  {name:>22} " + " | ".join(f"{s:6.1f}" for s in r["scores"][name]))
        per_tick = max(TICK_S, r["step_ms"] / 1000)  # a refresh trains at least one step
        print(f"  live view: about {1 / max(INTERVAL_S, per_tick):.1f} refreshes/s between evaluations "
              f"(timer {INTERVAL_S} s, one step per refresh), plus drawing")
    for name, ms in script_times().items():
        print(f"script time, {name}: {ms:.0f} ms median")


if __name__ == "__main__":
    main()
