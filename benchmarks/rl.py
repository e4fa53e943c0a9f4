"""Reinforcement-learning pages: time to solve, the cliff experiment, script-run times, live refresh rate.

- Tabular: training seconds (and episodes) until Q-learning's greedy policy is optimal on CliffWalking (return −13)
  and on the 4 × 4 FrozenLake without slipping; target: within 2 s.
- The cliff (Sutton & Barto, Example 6.6; ε = 0.1 fixed, α = 0.5, γ = 1, 500 episodes) over several seeds: how
  often SARSA's greedy path avoids the row above the cliff and Q-learning's runs along it, and the mean online
  return per episode of each.
- CartPole-v1: training seconds (one thread) and environment steps until the mean return of 100 consecutive
  episodes reaches 475 — PPO over 3 seeds (target: median within 120 s), A2C and DQN over one seed.
- Median script-run time of a control change on both pages (AppTest; target < 100 ms), the pages' draw time per
  live refresh while training (AppTest), and refreshes per second of each page's live panel while training in
  headless Chromium (target >= 4), with the browser's long tasks (main-thread time in tasks > 50 ms).
Run: .venv/bin/python benchmarks/rl.py [tabular] [cliff] [cartpole] [script] [draw] [browser]   (default: all)
"""
from __future__ import annotations

import os
import statistics
import sys
import time

from _util import script_run_ms, server_and_browser, watch_training

import numpy as np
import torch

from core.rl.neural import CartPoleConfig, make_trainer
from core.rl.tabular import TabularConfig, TabularTrainer
from tests.e2e.conftest import _free_port

torch.set_num_threads(1)
SEEDS = (42, 1, 2, 3, 4)
EDGE = {2 * 12 + c for c in range(1, 11)}  # CliffWalking: the row right above the cliff


def seconds_to_optimal(config: TabularConfig) -> tuple[float | None, int | None]:
    trainer = TabularTrainer(config)
    while trainer.solved_episode is None and trainer.steps_done < 3000:
        trainer.step(5)
    return trainer.solved_seconds, trainer.solved_episode


def tabular() -> None:
    print("Q-learning, training seconds until the greedy policy is optimal (one process, no UI):")
    for name, config in (("CliffWalking (ε 0.1, α 0.5, γ 1)", TabularConfig(world="cliff")),
                         ("FrozenLake 4x4 (ε 0.5 ×0.95, γ 0.9)",
                          TabularConfig(world="lake4", gamma=0.9, epsilon=0.5, decay=0.95))):
        results = [seconds_to_optimal(TabularConfig(**{**config.__dict__, "seed": seed})) for seed in SEEDS]
        seconds = [s for s, _ in results if s is not None]
        episodes = [e for _, e in results if e is not None]
        print(f"  {name:38s} median {statistics.median(seconds):.3f} s, worst {max(seconds):.3f} s, "
              f"median {statistics.median(episodes):.0f} episodes ({len(seconds)}/{len(SEEDS)} seeds solved)")


def cliff(seeds: int = 10) -> None:
    print(f"The cliff, ε = 0.1, α = 0.5, γ = 1, 500 episodes, {seeds} seeds:")
    for algorithm in ("q_learning", "sarsa", "expected_sarsa"):
        safe = edge = 0
        online, paths, visits = [], [], []
        for seed in range(seeds):
            trainer = TabularTrainer(TabularConfig(world="cliff", algorithm=algorithm, seed=seed))
            trainer.step(500)
            walk = trainer.greedy_episode()
            safe += not (EDGE & set(walk.states)) and walk.reached_end
            edge += EDGE <= set(walk.states)
            online.append(float(np.mean(trainer.returns[100:])))
            paths.append(walk.total)
            for _ in range(20):  # where it really walks, exploring: visits to the edge row in 20 more episodes
                trainer.step(1)
                visits.append(sum(state in EDGE for state in trainer.last_episode.states))
        print(f"  {algorithm:15s} greedy path avoids the edge {safe}/{seeds}, runs along it {edge}/{seeds}; "
              f"greedy returns {sorted(set(paths))}; online return per episode (100-500) "
              f"mean {np.mean(online):.1f}; edge-row visits per exploring episode {np.mean(visits):.1f}")


def solve(algorithm: str, seed: int, cap_s: float) -> tuple[float | None, float, int, float]:
    """(CPU seconds, wall seconds, env steps, final mean return) until solved, or (None, …) after `cap_s` CPU seconds.

    CPU time of this process (one torch thread) is the time the training would take on one free core; on a busy
    machine the wall clock says more about the other programs than about the training.
    """
    trainer = make_trainer(CartPoleConfig(algorithm=algorithm, seed=seed))
    cpu_start = time.process_time()
    while trainer.solved is None and time.process_time() - cpu_start < cap_s:
        trainer.step(1)
    cpu = time.process_time() - cpu_start
    return (cpu if trainer.solved else None), trainer.train_seconds, trainer.env_steps, trainer.latest()["mean_return"]


def cartpole() -> None:
    print("CartPole-v1 solved (mean of 100 consecutive training episodes >= 475), one thread, no UI:")
    for algorithm, seeds, cap in (("ppo", (42, 1, 2), 240.0), ("a2c", (42,), 180.0), ("dqn", (42,), 180.0)):
        results = [solve(algorithm, seed, cap) for seed in seeds]
        parts = [f"{c:.1f} s CPU ({w:.1f} s wall) / {n:,} steps" if c is not None
                 else f"not in {cap:.0f} s CPU ({n:,} steps, mean {m:.0f})" for c, w, n, m in results]
        solved = [c for c, _, _, _ in results if c is not None]
        median = f"median {statistics.median(solved):.1f} s CPU; " if len(solved) == len(seeds) > 1 else ""
        print(f"  {algorithm:4s} {median}" + "; ".join(parts), flush=True)


def script() -> None:
    print("Median script-run time of a control change (AppTest, ms):")
    grid = script_run_ms("gridworld", {
        "change α": lambda at, i: at.select_slider(key="gridworld.alpha").set_value([0.3, 0.5][i % 2]),
        "change world": lambda at, i: at.selectbox(key="gridworld.world").select(["lake4", "cliff"][i % 2]),
    })
    cart = script_run_ms("cartpole", {
        "change γ": lambda at, i: at.select_slider(key="cartpole.gamma").set_value([0.98, 0.99][i % 2]),
        "change width": lambda at, i: at.select_slider(key="cartpole.width").set_value([32, 64][i % 2]),
    })
    for page_name, results in (("gridworld", grid), ("cartpole", cart)):
        print("  " + page_name + ": " + ", ".join(f"{k} {v:.0f}" for k, v in results.items()))


def draw(ticks: int = 30) -> None:
    """Each page's `draw(run)` alone while training: the part of a live refresh spent building what it shows."""
    import ui.runner
    from tests.app.harness import open_page, train

    print(f"Median time of the page's draw per live refresh while training (AppTest, {ticks} refreshes, ms):")
    real, times = ui.runner.live_training, []

    def timed(ns, build, config, page_draw, **kw):  # the page calls it on every run: wrap its draw in a timer
        def wrapped(run):
            wall, cpu = time.perf_counter(), time.process_time()
            page_draw(run)
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
        return real(ns, build, config, wrapped, **kw)

    ui.runner.live_training = timed
    try:
        for slug in ("gridworld", "cartpole"):
            at = train(open_page(slug), slug, 3)
            times.clear()
            for _ in range(ticks):
                at.run()
            wall, cpu = (1000 * statistics.median(t[i] for t in times) for i in (0, 1))
            print(f"  {slug:10s} {wall:5.1f} wall, {cpu:5.1f} CPU")
    finally:
        ui.runner.live_training = real


# Chromium's main-thread cost: its long tasks (> 50 ms) and the clicks (Start first, Pause last) that bound a watch.
LONG_TASKS = """
window.__longTasks = []; window.__clicks = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.__longTasks.push([e.startTime, e.duration])))
    .observe({type: 'longtask', buffered: true});
document.addEventListener('click', () => window.__clicks.push(performance.now()), true);
"""


def browser() -> None:
    print("Live panel refreshes per second while training (headless Chromium, server on this machine), and the "
          "browser's long tasks between Start and Pause (ms of its main thread per 5 s):")
    with server_and_browser(port=_free_port()) as (url, page):
        page.add_init_script(LONG_TASKS)
        for slug in ("gridworld", "cartpole"):  # the grid world paces its run: ~15 s for its 3,000 episodes
            refreshes, first, last, seconds = watch_training(page, f"{url}/{slug}")
            clicks, tasks = page.evaluate("[window.__clicks, window.__longTasks]")
            begin, end = clicks[0], clicks[-1] if len(clicks) > 1 else page.evaluate("performance.now()")
            busy = sum(d for s, d in tasks if begin <= s <= end) / max(end - begin, 1) * 5000
            print(f"  {slug:10s} {refreshes:4.1f} refreshes/s over {seconds:.1f} s, long tasks {busy:,.0f} ms per 5 s "
                  f"(progress went from “{first}” to “{last}”)")


def main() -> None:
    wanted = sys.argv[1:] or ["tabular", "cliff", "cartpole", "script", "draw", "browser"]
    print(f"(load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name in wanted:
        globals()[name]()


if __name__ == "__main__":
    main()
