"""Playground speed: epochs per second of the live trainer vs a bare PyTorch loop, and in a real browser.

One epoch = one pass over the 250 training points in batches of 10 (25 updates), as in TensorFlow Playground.
Networks: TF Playground's default (circle, 2-4-2-1, tanh, lr 0.03) and 6 hidden layers of 8 on the spiral.
"""
from __future__ import annotations

import re
import time

from _util import server_and_browser

import torch

from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
from core.basics.playground_data import feature_columns, make_dataset, split

torch.set_num_threads(1)
NETS = {
    "4-2 circle": PlaygroundConfig(),
    "6x8 spiral": PlaygroundConfig(dataset="spiral", hidden=(8,) * 6),
}


def epochs_per_second(run_epoch, seconds: float = 3.0) -> float:
    run_epoch()
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        run_epoch()
        count += 1
    return count / (time.perf_counter() - start)


def bare_pytorch_epoch(cfg: PlaygroundConfig):
    """The textbook loop: nn.Sequential, autograd and torch.optim.SGD on the same data and batches."""
    pts, labels = make_dataset(cfg.dataset, 500, cfg.noise, cfg.seed, cfg.classes)
    train_idx, _ = split(500, 0.5, cfg.seed)
    x = torch.from_numpy(feature_columns(pts, cfg.features))[train_idx]
    t = (2 * torch.from_numpy(labels).float() - 1)[train_idx].unsqueeze(1)
    sizes = [2, *cfg.hidden, 1]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)

    def epoch():
        order = torch.randperm(len(x))
        for s in range(0, len(x), 10):
            idx = order[s:s + 10]
            opt.zero_grad()
            (0.5 * ((model(x[idx]) - t[idx]) ** 2).sum(1).mean()).backward()
            opt.step()
    return epoch


def in_browser(query: str, seconds: float = 10.0) -> tuple[float, float]:
    """(epochs/s, chart refreshes/s) of the Playground page training in headless Chromium."""
    with server_and_browser() as (url, page):
        page.goto(f"{url}/playground{query}")
        page.get_by_role("button", name="Start", exact=True).wait_for()
        page.wait_for_selector(".js-plotly-plot")
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("button", name="Pause", exact=True).wait_for()
        progress = page.locator('[data-testid="stProgress"], [data-testid="nnpgLiveProgress"]').first

        def epochs():
            return int(re.search(r"epoch ([\d,]+) of", progress.inner_text()).group(1).replace(",", ""))

        page.wait_for_timeout(1500)  # let it settle
        seen, start_epochs, start = set(), epochs(), time.perf_counter()
        while time.perf_counter() - start < seconds:
            seen.add(progress.inner_text())
            page.wait_for_timeout(40)
        elapsed = time.perf_counter() - start
        return (epochs() - start_epochs) / elapsed, len(seen) / elapsed


def main() -> None:
    print("Playground epochs/s (one thread, no UI):")
    for name, cfg in NETS.items():
        ours = epochs_per_second(lambda tr=PlaygroundTrainer(cfg, Hyper()): tr.step(1))
        bare = epochs_per_second(bare_pytorch_epoch(cfg))
        print(f"  {name:11s}  live trainer {ours:7.1f}   bare PyTorch loop (autograd + torch.optim) {bare:7.1f}")
    print("Playground in headless Chromium (server and browser on this machine):")
    for name, query in (("4-2 circle", ""), ("6x8 spiral", "?data=spiral&layers=6&" +
                                            "&".join(f"n{i}=8" for i in range(1, 7)))):
        eps, refresh = in_browser(query)
        print(f"  {name:11s}  {eps:7.1f} epochs/s sustained, progress and charts refreshed {refresh:4.1f} times/s")


if __name__ == "__main__":
    main()
