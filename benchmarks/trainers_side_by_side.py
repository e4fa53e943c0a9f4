"""Trainer speed of two checkouts side by side: each measured in its own process, alternating, best of each.

Made for the restructure (one engine, one seeding idiom): `git worktree add /tmp/before aaa6bd6` and run
  .venv/bin/python benchmarks/trainers_side_by_side.py /tmp/before [rounds]
It prints epochs/updates/iterations per second of the Playground (circle 4-2 SGD, spiral 6×8 SGD and Adam), the 2-D
GAN at GAN Lab's settings and the digits GAN, for the other checkout ("before") and this one ("after"), one torch
thread, and their ratio. Either layout (flat core/ or sectioned) is read.
"""
import subprocess
import sys
from pathlib import Path
code = r'''
import sys, time, torch
torch.set_num_threads(1)
root = sys.argv[1]; sys.path.insert(0, root)
new = "basics" in __import__("os").listdir(root + "/core")
if new:
    from core.basics.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
    from core.generative.gan import GanConfig, GanTrainer
    from core.generative.digits_gan import DigitsGanConfig, DigitsGanTrainer
    from core.generative import gan_targets
else:
    from core.playground import Hyper, PlaygroundConfig, PlaygroundTrainer
    from core.gan import GanConfig, GanTrainer, DigitsGanConfig, DigitsGanTrainer
    from core import gan_targets
from core.digits import digit_split
def rate(tr, n, reps=3):
    tr.step(max(1, n // 10)); best = 1e9
    for _ in range(reps):
        t = time.perf_counter(); tr.step(n); best = min(best, time.perf_counter() - t)
    return n / best
d = digit_split(seed=42)
out = {
 "playground circle 4-2 sgd (epochs/s)": rate(PlaygroundTrainer(PlaygroundConfig(), Hyper()), 40),
 "playground spiral 6x8 (epochs/s)": rate(PlaygroundTrainer(PlaygroundConfig(dataset="spiral", hidden=(8,)*6), Hyper()), 20),
 "playground spiral 6x8 adam (epochs/s)": rate(PlaygroundTrainer(PlaygroundConfig(dataset="spiral", hidden=(8,)*6, optimizer="adam"), Hyper()), 20),
 "gan ring, GAN Lab settings (updates/s)": rate(GanTrainer(GanConfig(), gan_targets.ring()), 300),
 "digits gan (iterations/s)": rate(DigitsGanTrainer(DigitsGanConfig(), d.x_train, d.x_test), 100),
}
for k, v in out.items(): print(f"{'new' if new else 'old'}\t{k}\t{v:.0f}")
'''
if len(sys.argv) < 2 or not Path(sys.argv[1], "core").is_dir():
    print("usage: trainers_side_by_side.py <other checkout> [rounds]  (e.g. git worktree add /tmp/before aaa6bd6)")
    sys.exit(0)
rows = {}
before, here = sys.argv[1], str(Path(__file__).resolve().parent.parent)
for rnd in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    for root in (before, here):
        res = subprocess.run([sys.executable, "-c", code, root], capture_output=True, text=True, cwd=root)
        for line in res.stdout.splitlines():
            tag, name, value = line.split("\t"); rows.setdefault(name, {}).setdefault(tag, []).append(float(value))
        if res.returncode: print(res.stderr[-2000:])
for name, r in rows.items():
    o, n = max(r.get("old", [0])), max(r.get("new", [0]))
    print(f"{name:<42} before {o:8.0f}  after {n:8.0f}  after/before {n / o if o else float('nan'):.2f}")
