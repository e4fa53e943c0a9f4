"""Attention pages: time-to-target of the Transformer, tokens/s, the Bahdanau model's time to a good
alignment, and both pages' median script-run times.

Targets (issue): ≥ 95 % exact match and BLEU ≥ 90 on the 500 held-out sentences within 120 s of training
on a 2-core CPU (one torch thread); a control change re-renders in < 100 ms of script time.
Run: .venv/bin/python benchmarks/transformer.py [seeds, default 3]
"""
from __future__ import annotations

import statistics
import sys
import time

from _util import script_run_ms

import torch

from core.attention.corpus import shipped_corpus
from core.attention.seq2seq import Seq2SeqTrainConfig, Seq2SeqTrainer
from core.attention.transformer import TransformerConfig
from core.attention.transformer_trainer import TrainConfig, TransformerTrainer
from tests.app.harness import by_key

torch.set_num_threads(1)
CHUNK = 25  # steps per call, about what the live runner does per refresh
GOOD_ALIGNMENT = 0.8  # share of gold word links where attention peaks on the right source word


def transformer_time_to_target(seed: int, limit_s: float = 180.0) -> dict:
    """Train with the page's default settings until the goal; evaluation time counts, as on the page."""
    corpus = shipped_corpus()
    model_cfg = TransformerConfig(len(corpus.src_vocab), len(corpus.tgt_vocab), d_model=64, heads=4, layers=2,
                                  d_ff=128, dropout=0.0, max_len=128)
    tr = TransformerTrainer(corpus, model_cfg, TrainConfig(seed=seed))
    eval_s = 0.0
    evaluate = tr.evaluate

    def timed_evaluate(step):
        nonlocal eval_s
        start = time.perf_counter()
        result = evaluate(step)
        eval_s += time.perf_counter() - start
        return result

    tr.evaluate = timed_evaluate
    start = time.perf_counter()
    while not tr.done and time.perf_counter() - start < limit_s:
        tr.step(CHUNK)
    total = time.perf_counter() - start
    return {"seed": seed, "reached": tr.goal_reached(), "seconds": total, "steps": tr.steps_done,
            "exact": tr.evals["exact"][-1], "bleu": tr.evals["bleu"][-1], "eval_s": eval_s,
            "tokens_per_s": tr.tokens_seen / max(total - eval_s, 1e-9)}


def bahdanau_time_to_alignment(seed: int = 0, limit_s: float = 120.0) -> dict:
    tr = Seq2SeqTrainer(shipped_corpus(), train_cfg=Seq2SeqTrainConfig(seed=seed))
    start = time.perf_counter()
    reached = None
    while not tr.done and time.perf_counter() - start < limit_s:
        tr.step(CHUNK)
        if reached is None and tr.evals["alignment"] and tr.evals["alignment"][-1] >= GOOD_ALIGNMENT:
            reached = (time.perf_counter() - start, tr.steps_done)
            break
    total = time.perf_counter() - start
    return {"reached": reached, "alignment": tr.evals["alignment"][-1] if tr.evals["alignment"] else 0.0,
            "steps": tr.steps_done, "tokens_per_s": tr.tokens_seen / total}


def page_script_times() -> dict[str, dict[str, float]]:
    def flip(kind, key, a, b):
        return lambda at, i: by_key(getattr(at, kind), key).set_value(a if i % 2 else b)

    attention = script_run_ms("attention", {
        "rerun": lambda at, i: None,
        "temperature": flip("select_slider", "attention.temperature", 2.0, 1.0),
        "matrix Q": lambda at, i: by_key(at.text_area, "attention.q").input(
            "1 0; 0 1; 1 1" if i % 2 else "1 1; 0 1; 1 0"),
        "MiniLM layer": flip("slider", "attention.layer", 3, 2),
    })
    transformer = script_run_ms("transformer", {
        "rerun": lambda at, i: None,
        "beam width": flip("slider", "transformer.beam", 3, 4),
        "attention kind": flip("button_group", "transformer.kind", "encoder", "cross"),
        "sentence": lambda at, i: by_key(at.text_input, "transformer.sentence").input(
            "My dog sees a red car." if i % 2 else "Her cats do not like the blue house."),
    })
    return {"attention": attention, "transformer": transformer}


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print("Transformer (d_model 64, 2+2 layers, 4 heads, d_ff 128, dropout 0, warm-up 200, lr 1e-3, batch 64),"
          " 6,000 training / 500 held-out pairs, 1 torch thread:")
    runs = [transformer_time_to_target(seed) for seed in range(seeds)]
    for r in runs:
        print(f"  seed {r['seed']}: {'reached' if r['reached'] else 'NOT reached'} ≥95 % exact & BLEU ≥90 in "
              f"{r['seconds']:.1f} s ({r['steps']} steps, of which {r['eval_s']:.1f} s held-out evaluation): "
              f"exact {100 * r['exact']:.1f} %, BLEU {r['bleu']:.1f}; {r['tokens_per_s']:,.0f} target tokens/s")
    print(f"  median time to target: {statistics.median(r['seconds'] for r in runs):.1f} s (target ≤ 120 s)")

    b = bahdanau_time_to_alignment()
    if b["reached"]:
        print(f"Bahdanau GRU: alignment accuracy ≥ {GOOD_ALIGNMENT:.0%} after {b['reached'][0]:.1f} s "
              f"({b['reached'][1]} steps); {b['tokens_per_s']:,.0f} target tokens/s")
    else:
        print(f"Bahdanau GRU: alignment accuracy {b['alignment']:.2f} after {b['steps']} steps "
              f"(not {GOOD_ALIGNMENT:.0%})")

    print("Median script-run time (ms), AppTest:")
    for page, times in page_script_times().items():
        print(f"  {page:12s} " + ", ".join(f"{name} {ms:.0f}" for name, ms in times.items()))


if __name__ == "__main__":
    main()
