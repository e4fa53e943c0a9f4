"""Activation and Backprop pages: median script-run time of their main interactions, and the core work behind them.

The brief's target: a control change re-renders in under 100 ms of script time. The Backprop trainer's speed
(steps/s) decides how long a run of its step budget takes to watch.
Run: .venv/bin/python benchmarks/activation_backprop.py
"""
from __future__ import annotations

import time

from _util import median_ms, script_run_ms

import torch

from core.basics import activations as A
from core.basics.backprop import BackpropConfig, BackpropTrainer
from core.basics.init_stats import deep_stack
from ui.figures.basics.backprop import loss_curve_figure

torch.set_num_threads(1)


def widget(elements, key):
    return next(e for e in elements if e.key == key)


def alternate(kind: str, key: str, a, b):
    """An action that flips a control between two values (both cached after the warm-up run)."""
    def act(at, i):
        widget(getattr(at, kind) if kind != "button_group" else at.button_group, key).set_value(a if i % 2 else b)
    return act


def fresh_depth(at, i):
    """A new depth every time: the deep-stack experiment is computed, not read from the cache."""
    widget(at.slider, "activation.depth").set_value(5 + (i * 7) % 45)


def press(key: str):
    def act(at, i):
        widget(at.button, key).click()
    return act


def core_numbers() -> None:
    trainer = BackpropTrainer(BackpropConfig())
    start = time.perf_counter()
    trainer.step(20_000)
    per_s = 20_000 / (time.perf_counter() - start)
    print(f"backprop trainer: {per_s:,.0f} full steps/s (pure Python floats); "
          f"its {trainer.max_steps:,} step budget takes {trainer.max_steps / per_s:.1f} s of training")
    for depth, width in ((20, 64), (50, 256)):
        ms = median_ms(lambda: deep_stack(A.activation("tanh"), depth, width, "xavier", seed=0), repeat=5)
        print(f"deep stack {depth} layers x {width} units, forward + backward: {ms:.1f} ms (uncached)")
    x = A.symmetric_grid(6.0, 801)
    ms = median_ms(lambda: [A.value_and_derivative(A.activation(n), x) for n in A.BUILTIN])
    print(f"all nine activation curves with autograd derivatives on 801 points: {ms:.1f} ms")
    trainer.step(200_000)
    ms = median_ms(lambda: loss_curve_figure(trainer.curve_steps, trainer.curve_loss, title="E", x_title="s",
                                             y_title="E"))
    print(f"backprop live panel: loss-curve figure of {len(trainer.curve_steps)} points built in {ms:.1f} ms")


def main() -> None:
    core_numbers()
    print("\nmedian script-run ms (AppTest, one thread)")
    activation = script_run_ms("activation", {
        "rerun": lambda at, i: None,
        "slope slider": alternate("slider", "activation.slope", 0.01, 0.02),
        "input spread sigma": alternate("slider", "activation.sigma", 1.0, 1.5),
        "stack depth (cached)": alternate("slider", "activation.depth", 20, 21),
        "stack depth (computed)": fresh_depth,
        "stack init (cached)": alternate("button_group", "activation.init", "he", "xavier"),
    })
    for name, ms in activation.items():
        print(f"  activation  {name:26s} {ms:7.0f}")
    backprop = script_run_ms("backprop", {
        "rerun": lambda at, i: None,
        "next phase (cycles 0-4, apply)": press("backprop.next"),
        "edit a weight (new run)": alternate("number_input", "backprop.w5", 0.4, 0.41),
        "learning rate (live)": alternate("number_input", "backprop.lr", 0.5, 0.6),
        "+1 step": press("backprop.run.step"),
    }, repeat=10)
    for name, ms in backprop.items():
        print(f"  backprop    {name:26s} {ms:7.0f}")


if __name__ == "__main__":
    main()
