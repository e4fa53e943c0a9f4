"""The one compute device every model and tensor of the app lives on: CUDA, then Apple MPS, then CPU."""
from __future__ import annotations

import os

import torch


def pick_device() -> torch.device:
    """Best available accelerator; `NNPG_DEVICE` (e.g. "cpu") overrides for tests and benchmarks."""
    forced = os.environ.get("NNPG_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


device = pick_device()


def device_label(dev: torch.device | None = None) -> str:
    """Human name of the device: the GPU's model name, or "CPU (n threads)"."""
    dev = dev or device
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    if dev.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({torch.get_num_threads()} thread{'s' if torch.get_num_threads() != 1 else ''})"


def configure_threads(default: int = 1) -> int:
    """Set torch's intra-op threads once at start-up.

    Our models are tiny: per-op dispatch, not arithmetic, sets their pace, and a second thread per op only
    adds synchronisation while other sessions compete for the same cores (benchmarks/threads.py measures
    1 vs 2 threads). One thread per op lets concurrent sessions use the cores in parallel instead.
    `NNPG_TORCH_THREADS` overrides for big-GPU or many-core hosts.
    """
    n = int(os.environ.get("NNPG_TORCH_THREADS", default))
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n

