"""NN Playground's core: models, data, math and resumable trainers in plain PyTorch (no UI imports)."""
from core.device import configure_threads, device, device_label, pick_device

__all__ = ["configure_threads", "device", "device_label", "pick_device"]
