"""Targets of the pages added for issue #22 (depth, minibatch, textgen, bottleneck): numbers printed, not asserted.

For each page: (1) the stated training target — steps and seconds of pure training to reach it, per seed, and at
most the wall time in the page, were the runner to train only TICK_S of every INTERVAL_S (page time ≤ training
time × INTERVAL_S / TICK_S; in a browser a lone learner's run also trains between refreshes, so it takes less);
(2) median script time of a control change (AppTest, the brief's < 100 ms); (3) the time of one live refresh while
training (AppTest run with the runner on: TICK_S of training + the whole script, an upper bound on the fragment's
time), as refreshes per second = 1 / max(INTERVAL_S, that time); (4) `browser`: refreshes per second in Chromium.
Run: .venv/bin/python benchmarks/basics_extra.py [depth minibatch textgen browser]
"""
from __future__ import annotations

import statistics
import sys
import time

from _util import ROOT

import torch
from streamlit.testing.v1 import AppTest

from ui.runner import INTERVAL_S, TICK_S

torch.set_num_threads(1)
REPEAT = 7


def script_ms(slug: str, act, params: dict | None = None) -> float:
    """Median script time after `act(at, i)` (a control change); the first run is a warm-up."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=300)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    times = []
    for i in range(REPEAT + 1):
        act(at, i)
        start = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        if i:
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def refresh_ms(slug: str, ticks: int = 6) -> float:
    """Median time of one run with training on (what a live refresh costs at most)."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=300)
    at.run()
    next(b for b in at.button if b.key == f"{slug}.run.start").click().run()
    times = []
    for _ in range(ticks):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def slider(key: str, values):
    def act(at: AppTest, i: int) -> None:
        next(w for w in at.slider if w.key == key).set_value(values[i % len(values)])
    return act


def report_live(slug: str, change_ms: float) -> None:
    tick = refresh_ms(slug)
    print(f"  control change: {change_ms:.0f} ms script time (median)")
    print(f"  live refresh: {tick:.0f} ms per tick incl. {TICK_S * 1000:.0f} ms training "
          f"-> {1000 / max(INTERVAL_S * 1000, tick):.1f} refreshes/s")


def time_to_target(make, reached, chunk: int, seeds=(0, 1, 2), limit: int = 5000) -> None:
    for seed in seeds:
        trainer = make(seed)
        start = time.perf_counter()
        while not trainer.done and reached(trainer) is None and trainer.steps_done < limit:
            trainer.step(chunk)
        seconds = time.perf_counter() - start
        at = reached(trainer)
        print(f"  seed {seed}: target at step {at}, {seconds:.1f} s of training "
              f"(≤ {seconds * INTERVAL_S / TICK_S:.1f} s in the page)")


def depth() -> None:
    from core.basics.depth import START_LOSS, TARGET_LOSS, DepthConfig, DepthTrainer

    print(f"depth: residual + BatchNorm to loss {TARGET_LOSS}; plain stays within 5 % of ln 2")
    holder = {}

    def make(seed):
        holder["t"] = DepthTrainer(DepthConfig(seed=seed))
        return holder["t"]

    def reached(trainer):
        return trainer.reached_at["both"]

    for seed in (0, 1, 2):
        time_to_target(make, reached, 10, seeds=(seed,))
        plain = holder["t"].curves["plain"]
        print(f"    plain loss range {min(plain) / START_LOSS - 1:+.1%} .. {max(plain) / START_LOSS - 1:+.1%} of ln 2")
    report_live("depth", script_ms("depth", slider("depth.depth", [25, 35, 20, 40, 15, 45, 10, 50])))


def select(key: str, values):
    def act(at: AppTest, i: int) -> None:
        next(w for w in at.select_slider if w.key == key).set_value(values[i % len(values)])
    return act


def minibatch() -> None:
    from core.basics.minibatch import BatchRace, RaceConfig

    race = BatchRace(RaceConfig())
    start = time.perf_counter()
    race.step(1000)
    print(f"minibatch: {(time.perf_counter() - start):.2f} ms per step of the three runs (1000 steps, so s = ms)")
    report_live("minibatch", script_ms("minibatch", select("minibatch.batch", [1, 4, 64, 2, 32, 8, 128, 16])))


def textgen() -> None:
    from core.sequences.textgen import TARGET_PERPLEXITY, TextGenConfig, TextGenTrainer, corpus_texts

    train_text, valid_text = corpus_texts()
    print(f"textgen: default LSTM to validation perplexity {TARGET_PERPLEXITY}")
    holder = {}

    def make(seed):
        holder["t"] = TextGenTrainer(TextGenConfig(seed=seed), train_text, valid_text)
        return holder["t"]

    for seed in (0, 1, 2):
        time_to_target(make, lambda trainer: trainer.reached_at, 25, seeds=(seed,))
    greedy = holder["t"].sample("The ", 0.0, 120, torch.Generator().manual_seed(0)).text
    print(f"  greedy sample after training: {greedy!r}")
    report_live("textgen", script_ms("textgen", select("textgen.temp", [0.0, 0.5, 1.5, 0.2, 2.0, 1.0, 0.8])))


def browser() -> None:
    """Refreshes per second of each page's live panel in headless Chromium while it trains (one tab, this machine)."""
    from _util import server_and_browser, watch_training

    from tests.e2e.conftest import _free_port

    print("Live panel refreshes per second while training (headless Chromium, server on this machine):")
    with server_and_browser(port=_free_port()) as (url, page):
        for slug in ("depth", "minibatch", "textgen", "seq2seq_bottleneck"):
            refreshes, first, last, seconds = watch_training(page, f"{url}/{slug}")
            print(f"  {slug:18s} {refreshes:4.1f} refreshes/s over {seconds:.1f} s (“{first}” → “{last}”)")


SECTIONS = {"depth": depth, "minibatch": minibatch, "textgen": textgen, "browser": browser}

if __name__ == "__main__":
    for name in sys.argv[1:] or SECTIONS:
        SECTIONS[name]()
