"""Generative pages: GAN iterations/s, time to cover the 8 ring modes, the autoencoder's time to the k-NN target,
and both pages' script-run times.

- GAN iterations/s at GAN Lab's defaults (batch 150; per iteration 2 discriminator updates and 1 generator
  update; one hidden layer of 8 neurons in each network) and at this page's defaults (2 hidden layers of 64):
  the bare trainer (one thread, no UI), a textbook autograd + torch.optim loop for comparison, and the page in
  headless Chromium (iterations/s sustained while its charts refresh; refreshes/s).
- Time to 8/8 ring modes on the page's defaults: training seconds (several seeds) and wall seconds in the browser.
- Autoencoder: training seconds until the k-NN score on the 2-D codes reaches 80 % (several seeds), and wall
  seconds in the browser.
- Median script-run time (ms) of a control change on both pages, under AppTest.
"""
from __future__ import annotations

import re
import statistics
import time

from _util import script_run_ms, server_and_browser, watch_training

import torch

from core.generative import gan_targets
from core.generative.autoencoder import AutoencoderConfig, AutoencoderTrainer
from core.digits import digit_split
from core.generative.gan import GanConfig, GanTrainer
from tests.e2e.conftest import _free_port

torch.set_num_threads(1)
GAN_LAB = dict(g_layers=1, g_width=8, d_layers=1, d_width=8)
GAN_LAB_QUERY = "?g_layers=1&g_width=8&d_layers=1&d_width=8"
SEEDS = (42, 1, 2, 3, 4)


def trainer_iterations_per_second(config: GanConfig, seconds: float = 3.0) -> float:
    tr = GanTrainer(config, gan_targets.ring())
    tr.step(30)
    start, updates = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        tr.step(300)
        updates += 300
    return updates / (time.perf_counter() - start) / tr.updates_per_iteration


def autograd_iterations_per_second(config: GanConfig, seconds: float = 3.0) -> float:
    """The textbook loop: nn.Sequential, autograd, torch.optim.Adam, BCE-with-logits (non-saturating G)."""
    def net(sizes):
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    gen = net([config.noise_dim, *[config.g_width] * config.g_layers, 2])
    disc = net([2, *[config.d_width] * config.d_layers, 1])
    g_opt = torch.optim.Adam(gen.parameters(), lr=config.g_lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(disc.parameters(), lr=config.d_lr, betas=(0.5, 0.999))
    pool = gan_targets.ring().sample(20000, torch.Generator().manual_seed(0))
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ones, zeros = torch.ones(config.batch, 1), torch.zeros(config.batch, 1)

    def iteration():
        for _ in range(config.d_steps):
            real = pool[torch.randint(len(pool), (config.batch,))]
            fake = gen(torch.rand(config.batch, config.noise_dim) * 2 - 1).detach()
            d_opt.zero_grad()
            (bce(disc(real), ones) + bce(disc(fake), zeros)).backward()
            d_opt.step()
        g_opt.zero_grad()
        bce(disc(gen(torch.rand(config.batch, config.noise_dim) * 2 - 1)), ones).backward()
        g_opt.step()

    iteration()
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        iteration()
        count += 1
    return count / (time.perf_counter() - start)


def seconds_to_all_modes(seed: int) -> float | None:
    tr = GanTrainer(GanConfig(seed=seed), gan_targets.ring())
    while tr.first_all_modes_seconds is None and tr.iterations < 20000:
        tr.step(300)
    return tr.first_all_modes_seconds


def seconds_to_knn_target(seed: int) -> float | None:
    tr = AutoencoderTrainer(AutoencoderConfig(seed=seed), digit_split(seed=seed))
    while tr.target_seconds is None and tr.steps_done < 500:
        tr.step(2)
    return tr.target_seconds


def progress_count(text: str, unit: str) -> int:
    return int(re.search(rf"{unit} ([\d,]+) of", text).group(1).replace(",", ""))


def browser_gan_rate(url, page, query: str, seconds: float = 10.0) -> tuple[float, float]:
    """(iterations/s, refreshes/s) of the 2-D GAN tab while it trains (3 steps = 1 iteration at d_steps=2)."""
    refreshes, first, last, elapsed = watch_training(page, f"{url}/gan{query}", seconds)
    steps = progress_count(last, "step") - progress_count(first, "step")
    return steps / 3 / elapsed, refreshes


def browser_wait(url, page, slug: str, done, limit_s: float = 120.0) -> float | None:
    """Wall seconds from pressing Start until done(page) holds (None if not within limit_s)."""
    page.goto(f"{url}/{slug}")
    page.wait_for_selector(".js-plotly-plot")
    page.get_by_role("button", name="Start").first.click()
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if done(page):
            return time.perf_counter() - start
        page.wait_for_timeout(100)
    return None


def metric_text(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text() if box.count() else ""


def fmt(values) -> str:
    done = [v for v in values if v is not None]
    missed = len(values) - len(done)
    if not done:
        return "never"
    text = f"median {statistics.median(done):.1f} s, worst {max(done):.1f} s over {len(values)} seeds"
    return text + (f" ({missed} did not reach it)" if missed else "")


def main() -> None:
    print("GAN iterations/s (batch 150, 2 D updates + 1 G update per iteration; one thread, no UI):")
    for name, config in (("GAN Lab's defaults (1 hidden layer of 8)", GanConfig(**GAN_LAB)),
                         ("this page's defaults (2 hidden layers of 64)", GanConfig())):
        ours = trainer_iterations_per_second(config)
        bare = autograd_iterations_per_second(config)
        print(f"  {name:46s} hand-written backward {ours:7.0f}   autograd + torch.optim {bare:7.0f}")

    print("Time to cover all 8 ring modes, page defaults (training time, one thread):")
    print("  " + fmt([seconds_to_all_modes(seed) for seed in SEEDS]))
    print("Autoencoder time to k-NN >= 80 % on the 2-D codes of held-out digits, defaults (training time):")
    print("  " + fmt([seconds_to_knn_target(seed) for seed in SEEDS]))

    print("Median script-run time of a control change (AppTest, ms):")
    ae = script_run_ms("autoencoder", {
        "move the cross (z1)": lambda at, i: at.slider(key="autoencoder.z1").set_value(round(-0.5 + 0.1 * i, 2)),
        "switch model": lambda at, i: at.button_group(key="autoencoder.kind").set_value(["ae", "vae"][i % 2]),
    })
    gan = script_run_ms("gan", {
        "toggle arrows": lambda at, i: at.toggle(key="gan.show_arrows").set_value(i % 2 == 0),
        "change loss": lambda at, i: at.selectbox(key="gan.loss").select(["nonsat", "minimax"][i % 2]),
    })
    for page_name, results in (("autoencoder", ae), ("gan", gan)):
        print("  " + page_name + ": " + ", ".join(f"{k} {v:.0f}" for k, v in results.items()))

    print("In headless Chromium (server and browser on this machine):")
    with server_and_browser(port=_free_port()) as (url, page):  # a free port: never another run's server
        for name, query in (("GAN Lab's defaults", GAN_LAB_QUERY), ("page defaults", "")):
            rate, refresh = browser_gan_rate(url, page, query)
            print(f"  GAN, {name:18s} {rate:6.0f} iterations/s sustained, charts refreshed {refresh:4.1f} times/s")
        wall = browser_wait(url, page, "gan", lambda p: metric_text(p, "Modes covered").startswith("8 of 8"))
        print(f"  GAN ring, page defaults: 8/8 modes after {wall:.1f} s" if wall else "  GAN ring: 8/8 not in 120 s")
        wall = browser_wait(url, page, "autoencoder",
                            lambda p: metric_text(p, "Training time to 80%") not in ("", "not yet"))
        print(f"  Autoencoder, defaults: k-NN >= 80 % after {wall:.1f} s" if wall else "  Autoencoder: not in 120 s")


if __name__ == "__main__":
    main()
