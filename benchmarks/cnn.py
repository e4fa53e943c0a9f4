"""Vision pages: the digit CNN's training time to 97 % test accuracy, and the three pages' script-run times.

Training is timed the way the page trains: one torch thread, metrics evaluated after every chunk of steps
(the live runner's chunks hold a few dozen steps; we use 10, a little pessimistic). Script times are medians
of AppTest runs after a control change (the brief's target: < 100 ms).
Run: .venv/bin/python benchmarks/cnn.py
"""
from __future__ import annotations

import statistics
import time

from _util import median_ms, script_run_ms

import torch

from core.vision.cnn import TARGET_ACCURACY, CNNConfig, CNNTrainer

torch.set_num_threads(1)
SEEDS = range(5)
CHUNK = 10


def time_to_target(cfg: CNNConfig, max_steps: int = 4000) -> tuple[int, float] | None:
    trainer = CNNTrainer(cfg, max_steps=max_steps)
    while trainer.reached is None and not trainer.done:
        trainer.step(CHUNK)
    return trainer.reached


def training() -> None:
    print(f"Time to {TARGET_ACCURACY:.0%} test accuracy (sklearn digits, 1,347 train / 450 test), one thread:")
    configs = {
        "defaults (8/16 filters, 3×3, max, ReLU, Adam 0.01, batch 64)": {},
        "batch 128": {"batch_size": 128},
        "tanh": {"activation": "tanh"},
        "SGD + momentum 0.03": {"optimizer": "momentum", "lr": 0.03},
        "5×5 kernels": {"kernel": 5},
    }
    for name, changes in configs.items():
        results = [time_to_target(CNNConfig(seed=s, **changes)) for s in SEEDS]
        reached = [r for r in results if r is not None]
        if not reached:
            print(f"  {name:62s} not reached in 4,000 steps")
            continue
        steps = statistics.median(r[0] for r in reached)
        seconds = statistics.median(r[1] for r in reached)
        worst = max(r[1] for r in reached)
        print(f"  {name:62s} median {seconds:5.2f} s ({steps:.0f} steps), worst {worst:5.2f} s, "
              f"{len(reached)}/{len(results)} seeds")
    trainer = CNNTrainer(CNNConfig())
    trainer.step(1)
    print(f"  one update of batch 64: {median_ms(lambda: trainer._advance(1) and None, 5):.1f} ms incl. evaluation; "
          f"evaluation alone (1,797 digits): {median_ms(trainer.evaluate, 5):.1f} ms")


def pages() -> None:
    print("Median script time per run (ms), AppTest, after the named change:")

    def set_widget(kind: str, key: str, values: list):
        def act(at, i):
            widget = next(w for w in getattr(at, kind) if w.key == key)
            widget.set_value(values[i % len(values)])
        return act

    def view(name: str):
        def act(at, i):
            at.session_state["cnn.view"] = name
        return act

    def train_tick(at, i):
        if i == 0:
            next(b for b in at.button if b.key == "cnn.run.start").click()

    cases = {
        "convolution": {"rerun": lambda at, i: None, "stride": set_widget("slider", "convolution.stride", [1, 2]),
                        "preset": set_widget("selectbox", "convolution.preset", ["gaussian", "emboss"]),
                        "output pixel": set_widget("slider", "convolution.row", [10, 20])},
        "pooling": {"rerun": lambda at, i: None, "window": set_widget("slider", "pooling.cell", [1, 4]),
                    "kernel": set_widget("slider", "pooling.kernel", [2, 3]),
                    "shift": set_widget("slider", "pooling.shift", [1, 2])},
        "cnn": {"rerun": lambda at, i: None, "test digit": set_widget("slider", "cnn.sample", [3, 7]),
                "filters (new run)": set_widget("slider", "cnn.c1", [6, 8]),
                "architectures": view("arch"), "shape calculator": view("shapes")},
    }
    for slug, actions in cases.items():
        started = time.perf_counter()
        timings = script_run_ms(slug, actions)
        cells = "  ".join(f"{name} {ms:5.0f}" for name, ms in timings.items())
        print(f"  {slug:12s} {cells}   ({time.perf_counter() - started:.0f} s)")
    ticks = script_run_ms("cnn", {"training tick (~120 ms of training + drawing)": train_tick})
    for name, ms in ticks.items():
        print(f"  {'cnn':12s} {name} {ms:5.0f}")


if __name__ == "__main__":
    training()
    pages()
