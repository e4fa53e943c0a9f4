"""3-D convolution page: time for the 3-D CNN to reach 95 % test accuracy on motion direction, where the one-frame
2-D CNN ends, how often the live panel can refresh, and the page's script time after control changes.

Training is timed the way the page trains it: one torch thread, the three models in lock-step in chunks of 5 steps,
the 400 test clips evaluated every 5 steps (as on the page). "own" = the 3-D model's share of that time.
Targets (the brief): 3-D ≥ 95 % within 30 s; one frame within 5 points of chance; ≥ 4 refreshes/s; < 100 ms.
Run: .venv/bin/python benchmarks/conv3d.py
"""
from __future__ import annotations

import statistics
import time

from _util import median_ms, script_run_ms, widget_setter

import torch

from core.vision.motion import CHANCE, EVAL_EVERY, TARGET_ACCURACY, VIEWS, MotionConfig, MotionRace

torch.set_num_threads(1)
SEEDS = range(5)
CHUNK = 5


def race(cfg: MotionConfig, steps: int = 200) -> tuple[MotionRace, float | None]:
    """Train to `steps`; also return the lock-step wall time when the 3-D model first reached the target."""
    trainer = MotionRace(cfg, max_steps=steps)
    started, wall = time.perf_counter(), None
    while not trainer.done:
        trainer.step(CHUNK)
        if wall is None and "3d" in trainer.reached:
            wall = time.perf_counter() - started
    return trainer, wall


def training() -> None:
    print(f"Race to {TARGET_ACCURACY:.0%} test accuracy (400 test clips), one thread, 200 lock-step updates per seed:")
    for name, changes in {"defaults (digits, 8 frames, noise 0.2, speed 1)": {},
                          "squares, noise 0.5": {"sprite": "square", "noise": 0.5},
                          "speed 2": {"speed": 2}}.items():
        rows = []
        for s in SEEDS:
            trainer, wall = race(MotionConfig(seed=s, **changes))
            final = {view: trainer.history[f"test_acc_{view}"][-1] for view in VIEWS}
            rows.append((trainer.reached.get("3d"), wall, final))
        reached = [(r[0], r[1]) for r in rows if r[0] is not None]
        print(f"  {name}: 3-D reached {len(reached)}/{len(rows)} seeds")
        if reached:
            print(f"    3-D: median step {statistics.median(r[0][0] for r in reached):.0f}, median own "
                  f"{statistics.median(r[0][1] for r in reached):.1f} s, lock-step wall median "
                  f"{statistics.median(r[1] for r in reached):.1f} s, worst {max(r[1] for r in reached):.1f} s")
        for view in VIEWS:
            finals = [r[2][view] for r in rows]
            print(f"    {view:5s} test accuracy after 200 steps: {', '.join(f'{a:.1%}' for a in finals)}"
                  + (f"  (max distance from chance {max(abs(a - CHANCE) for a in finals) * 100:.1f} points)"
                     if view == "frame" else ""))
    trainer = MotionRace(MotionConfig())
    trainer.step(1)
    update = median_ms(lambda: trainer._advance(1) and None, 5)  # never past an evaluation: training alone
    print(f"  one lock-step update of batch 32 (all three models): {update:.0f} ms; "
          f"evaluation of all three on the 400 test clips (every {EVAL_EVERY} steps): "
          f"{median_ms(trainer.evaluate, 5):.0f} ms")


def pages() -> None:
    print("Median script time per run (ms), AppTest, after the named change:")

    def train_tick(at, i):
        if i == 0:
            next(b for b in at.button if b.key == "conv3d.run.start").click()

    actions = {"rerun": lambda at, i: None,
               "output voxel": widget_setter("slider", "conv3d.ox", [2, 4]),
               "kernel size k_t": widget_setter("slider", "conv3d.kt", [2, 3]),
               "kernel preset": widget_setter("selectbox", "conv3d.kernel", ["left", "average"]),
               "direction": lambda at, i: at.session_state.__setitem__("conv3d.direction", ["up", "right"][i % 2]),
               "cost: C_in": widget_setter("number_input", "conv3d.c_in", [32, 64]),
               "noise (new run)": widget_setter("slider", "conv3d.noise", [0.3, 0.2])}
    started = time.perf_counter()
    for name, ms in script_run_ms("conv3d", actions).items():
        print(f"  {name:28s} {ms:5.0f}")
    ticks = script_run_ms("conv3d", {"training tick": train_tick})["training tick"]
    print(f"  {'training tick (~120 ms of training + drawing)':28s} {ticks:5.0f}  → about "
          f"{1000 / max(ticks, 250):.1f} refreshes/s with the runner's 0.25 s timer"
          f"   ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    training()
    pages()
