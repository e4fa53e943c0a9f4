"""Is the hand-written Adam on one flat tensor (core/tinymlp.FlatOptimizer) worth keeping over torch.optim.Adam?

Both update the same flat parameter tensor with the same gradient, alternating in one process, one thread;
prints microseconds per step for the Playground's default net size (~25 parameters) and a 6×8 net (~400), and a
GAN-sized net (~8,600). torch.optim.Adam is run with foreach=True and with fused=False/foreach=False (its
single-tensor path); its `step()` also reads `param.grad`, so the gradient is assigned first, as a trainer would.
"""
from __future__ import annotations

import time

import _util  # noqa: F401  (puts the repository on the path)
import torch

from core.tinymlp import FlatOptimizer

torch.set_num_threads(1)


def per_step_us(step, repeats: int = 2000) -> float:
    for _ in range(50):
        step()
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            step()
        best = min(best, (time.perf_counter() - started) / repeats)
    return best * 1e6


def main() -> None:
    for n in (25, 400, 8_600):
        grad = torch.randn(n)
        ours = FlatOptimizer(torch.zeros(n), "adam", 1e-3)
        results = {"FlatOptimizer (hand-written)": per_step_us(lambda: ours.step(grad))}
        for name, kwargs in (("torch.optim.Adam foreach=True", {"foreach": True}),
                             ("torch.optim.Adam foreach=False", {"foreach": False})):
            param = torch.nn.Parameter(torch.zeros(n))
            opt = torch.optim.Adam([param], lr=1e-3, **kwargs)

            def step(param=param, opt=opt):
                param.grad = grad
                opt.step()
            results[name] = per_step_us(step)
        base = results["FlatOptimizer (hand-written)"]
        for name, us in results.items():
            print(f"{n:>6} params  {name:<32} {us:7.1f} µs/step  ({us / base:.2f}× the hand-written one)")


if __name__ == "__main__":
    main()
