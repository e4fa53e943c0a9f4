"""Which `torch.set_num_threads` serves many sessions best? Sessions are threads of one server process.

Runs 1, 2 and 4 concurrent "sessions" (Python threads, as Streamlit runs them) that each train for a few
seconds, with torch using 1 or 2 intra-op threads, and prints the total work done per second. Two workloads:
the Playground's tiny MLP (dispatch-bound) and a mid-size MLP on digits-sized batches (arithmetic-bound).
"""
from __future__ import annotations

import threading
import time

from _util import ROOT  # noqa: F401  (puts the project on sys.path)

import torch

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer

SECONDS = 4.0


def tiny_worker(counter: list, stop: threading.Event) -> None:
    trainer = PlaygroundTrainer(PlaygroundConfig(dataset="spiral", hidden=(8,) * 6), Hyper(), max_epochs=10**9)
    while not stop.is_set():
        trainer.step(1)
        counter[0] += 1


def mid_worker(counter: list, stop: threading.Event) -> None:
    model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                                torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(256, 64), torch.randint(0, 10, (256,))
    while not stop.is_set():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        counter[0] += 1


def throughput(worker, sessions: int) -> float:
    """Work per second summed over `sessions` threads, counted after a 1 s warm-up."""
    counters = [[0] for _ in range(sessions)]
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(c, stop)) for c in counters]
    for th in threads:
        th.start()
    time.sleep(1.0)
    before = sum(c[0] for c in counters)
    time.sleep(SECONDS)
    done = sum(c[0] for c in counters) - before
    stop.set()
    for th in threads:
        th.join()
    return done / SECONDS


def main() -> None:
    for name, worker, unit in (("Playground 6x8 spiral", tiny_worker, "epochs/s"),
                               ("MLP 64-512-512-10, batch 256", mid_worker, "updates/s")):
        print(f"{name} — total {unit} over all sessions")
        for threads in (1, 2):
            torch.set_num_threads(threads)
            row = "  ".join(f"{s} session{'s' if s > 1 else ' '}: {throughput(worker, s):7.1f}" for s in (1, 2, 4))
            print(f"  torch threads = {threads}:  {row}")


if __name__ == "__main__":
    main()
