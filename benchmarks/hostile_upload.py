"""What a crafted model file costs the server: memory and time of loading it, before and after #23's checks.

The file: a 16-number tensor that is a view of a huge zero storage, the storage deflate-compressed inside the
torch zip (tests/security/crafted.py). "before" is the loader as it was (a byte-size check, then
`torch.load(weights_only=True)`, then an element count); "after" is `core.checkpoint.load_checkpoint`. Each
load runs in a fresh process, which reports its resident memory before, its peak (VmHWM) and the wall time.
A genuine model file is measured too, so the checks' cost on normal uploads shows.

    python benchmarks/hostile_upload.py            # 1 GB storage in a ~1 MB file
    python benchmarks/hostile_upload.py --gb 4     # the issue's case: ~4 MB file, 4 GB storage
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT

CHILD = """
import io, json, sys, time
import torch
from core.checkpoint import CheckpointError, load_checkpoint

def rss_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

def before(data):  # the loader before #23
    if len(data) > 16 * 2**20:
        raise CheckpointError("too_big")
    payload = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    if sum(v.numel() for v in payload["tensors"].values()) > 8_000_000:
        raise CheckpointError("too_big")
    return payload

data = open(sys.argv[2], "rb").read()
start_rss = rss_mb("VmRSS:")
started = time.perf_counter()
try:
    (before if sys.argv[1] == "before" else lambda d: load_checkpoint(d, "playground"))(data)
    outcome = "loaded"
except CheckpointError as err:
    outcome = "refused: " + err.code
seconds = time.perf_counter() - started
print(json.dumps({"outcome": outcome, "seconds": seconds, "start_mb": start_rss, "peak_mb": rss_mb("VmHWM:")}))
"""


def measure(kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "NNPG_DEVICE": "cpu", "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0, help="size of the hidden storage in GB (10^9 bytes)")
    args = parser.parse_args()
    from tests.security.crafted import model_file, view_of_huge_storage

    started = time.perf_counter()
    crafted = view_of_huge_storage(int(args.gb * 1e9))
    print(f"crafted file: {len(crafted) / 1e6:.2f} MB hiding {args.gb:g} GB of storage "
          f"(built in {time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        files = {"crafted": Path(tmp) / "crafted.pt", "genuine": Path(tmp) / "genuine.pt"}
        files["crafted"].write_bytes(crafted)
        files["genuine"].write_bytes(model_file(params={"lr": "0.03"}))
        print(f"{'file':8} {'loader':7} {'outcome':22} {'time s':>7} {'RSS before MB':>14} {'peak MB':>8} "
              f"{'growth MB':>10}")
        for name, path in files.items():
            for kind in ("before", "after"):
                r = measure(kind, path)
                print(f"{name:8} {kind:7} {r['outcome']:22} {r['seconds']:7.3f} {r['start_mb']:14.0f} "
                      f"{r['peak_mb']:8.0f} {r['peak_mb'] - r['start_mb']:10.0f}")


if __name__ == "__main__":
    main()
