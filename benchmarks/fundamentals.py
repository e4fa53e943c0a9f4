"""Speed of the Basics pages perceptron, losses, optimizers and fitting.

Prints (1) each page's median script-run time (AppTest) for slider changes that miss every cache (a value
not seen before, so the real work is redone) and for a scrub between cached values; (2) the optimizer
race's compute time per surface; (3) the fitting page's network training speed and live-draw time.
Target: a control change under 100 ms of script time; the race well within that.
Run: .venv/bin/python benchmarks/fundamentals.py
"""
from __future__ import annotations

import statistics
import time

from _util import ROOT, median_ms

import torch
from streamlit.testing.v1 import AppTest

from core.basics.fitting_mlp import RemedyConfig, remedy_trainer
from core.formula import parse_formula
from core.basics.optimizer_race import OPTIMIZERS, Settings, race
from core.basics.surfaces import built_in, formula_surface

torch.set_num_threads(1)
REPEAT = 8


def widget(at: AppTest, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


def setter(kind: str, key: str, values):
    """An action that sets a widget to the i-th value of `values` (all distinct: every run misses the cache)."""
    def act(at: AppTest, i: int) -> None:
        widget(at, kind, key).set_value(values[i % len(values)])
    return act


def press(key: str):
    def act(at: AppTest, i: int) -> None:
        widget(at, "button", key).click()
    return act


def script_ms(slug: str, actions: dict, params: dict | None = None) -> dict[str, float]:
    """Median script-run time (ms) after each action; the first run of each action is a warm-up."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{slug}.py"), default_timeout=300)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    results = {}
    for name, act in actions.items():
        times = []
        for i in range(REPEAT + 1):
            act(at, i)
            start = time.perf_counter()
            at.run()
            if i:
                times.append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(at.exception[0].message)
        results[name] = statistics.median(times)
    return results


def frange(start: float, step: float, n: int = REPEAT + 1) -> list[float]:
    return [round(start + i * step, 6) for i in range(n)]


PAGES = {
    "perceptron": ({
        "points (new data, new run)": setter("slider", "perceptron.points", list(range(20, 20 + REPEAT + 1))),
        "update scrub (cached run)": setter("slider", "perceptron.update", [1, 3, 5, 2, 4, 6, 0, 7, 8]),
        "start w0 (new descent)": setter("slider", "perceptron.w0", frange(-1.9, 0.1)),
        "step scrub (cached descent)": setter("slider", "perceptron.step", [10, 50, 90, 130, 170, 30, 70, 110, 150]),
    }, None),
    "losses": ({
        "target y (curves)": setter("slider", "losses.target", frange(-1.9, 0.1)),
        "outlier height (new fits)": setter("slider", "losses.outlier_y", frange(-9.5, 0.5)),
        "confidence (new race)": setter("slider", "losses.confidence", frange(1.0, 0.5)),
    }, None),
    "optimizers": ({
        "quadratic: start x (new race)": setter("slider", "optimizers.x0", frange(-2.9, 0.05)),
        "quadratic: kappa": setter("select_slider", "optimizers.kappa", [1, 2, 5, 10, 20, 100, 200, 500, 1000]),
        "quadratic: steps 500": setter("slider", "optimizers.steps", list(range(410, 510, 10))),
    }, None),
    "optimizers (rosenbrock)": ({
        "rosenbrock: start x (new race)": setter("slider", "optimizers.x0", frange(-1.9, 0.05)),
    }, {"surface": "rosenbrock"}),
    "optimizers (formula)": ({
        "formula: start x (new race)": setter("slider", "optimizers.x0", frange(-2.9, 0.05)),
    }, {"surface": "formula"}),
    "fitting": ({
        "degree (new fit)": setter("slider", "fitting.degree", list(range(0, REPEAT + 1))),
        "n (new data, U-curve + learning curve)": setter("slider", "fitting.n", list(range(16, 16 + REPEAT + 1))),
        "noise (everything recomputed)": setter("slider", "fitting.noise", frange(0.05, 0.05)),
        "+100 epochs (network step and draw)": press("fitting.run.step"),
    }, None),
}


def race_times() -> None:
    print("\nOptimizer race: median compute time of race() with all six optimizers (ms)")
    settings = Settings(tuple((name, 0.001) for name in OPTIMIZERS))
    surfaces = {name: built_in(name, 50.0) for name in ("quadratic", "rosenbrock", "beale", "saddle")}
    surfaces["formula"] = formula_surface(parse_formula("x^2 + 2*y^2 + 2*sin(2*x)*cos(2*y)", ("x", "y")))
    print(f"  {'surface':12s} {'200 steps':>10s} {'500 steps':>10s}")
    for name, surface in surfaces.items():
        start = surface.start
        row = [median_ms(lambda n=n: race(surface, start, settings, n)) for n in (200, 500)]
        print(f"  {name:12s} {row[0]:10.1f} {row[1]:10.1f}")


def network_speed() -> None:
    print("\nFitting page network (defaults: 64 units x 2 layers, all five models side by side)")
    cfg = RemedyConfig("sine", 15, 0.2, 42, 64, 2, 1e-3, 0.2, 200, 5, ("none", "l2", "dropout", "early", "data"))
    trainer = remedy_trainer(cfg)
    trainer.step(20)
    start = time.perf_counter()
    trainer.step(500)
    per_epoch = (time.perf_counter() - start) / 500 * 1000
    print(f"  {per_epoch:.2f} ms per epoch (all five models): {cfg.max_steps} epochs in "
          f"{per_epoch * cfg.max_steps / 1000:.1f} s of training time")


def main() -> None:
    print("Script-run time per control change (median of 8 runs, ms; AppTest, includes its own overhead)")
    for page, (actions, params) in PAGES.items():
        slug = page.split(" ")[0]
        for name, ms in script_ms(slug, actions, params).items():
            print(f"  {page:24s} {name:42s} {ms:7.1f}")
    race_times()
    network_speed()


if __name__ == "__main__":
    main()
