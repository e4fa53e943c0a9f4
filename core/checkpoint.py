"""Model files: a trained model's tensors plus the page settings that built it, saved and loaded safely.

Loading uses `torch.load(weights_only=True)`, which unpickles only tensors and plain containers (never
arbitrary objects), after a size check; then every field is validated before anything is used.
"""
from __future__ import annotations

import io

import torch

from core.errors import InputError

FORMAT = "nn-playground-model/1"
MAX_FILE_BYTES = 16 * 2**20  # the server's upload limit is the same
MAX_ELEMENTS = 8_000_000  # numbers in all tensors together
MAX_PARAMS = 100  # link parameters


class CheckpointError(InputError):
    """Why a model file cannot be used; `code` is translated by the UI."""



def save_checkpoint(page: str, params: dict[str, str], steps: int, tensors: dict[str, torch.Tensor]) -> bytes:
    """Bytes of a model file for `page`: the tensors (on the CPU) and the link parameters of its settings."""
    payload = {"format": FORMAT, "page": page, "params": {str(k): str(v) for k, v in params.items()},
               "steps": int(steps), "tensors": {k: v.detach().cpu().contiguous() for k, v in tensors.items()}}
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def load_checkpoint(data: bytes, page: str) -> tuple[dict[str, str], int, dict[str, torch.Tensor]]:
    """(params, steps, tensors) from a model file, or CheckpointError saying what is wrong with it."""
    if len(data) > MAX_FILE_BYTES:
        raise CheckpointError("too_big", limit_mb=MAX_FILE_BYTES // 2**20)
    try:
        payload = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception:  # any unpickling failure means "not one of our files"; nothing was executed
        raise CheckpointError("not_a_model") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError("not_a_model")
    if payload.get("page") != page:
        raise CheckpointError("other_page", page=str(payload.get("page"))[:40])
    params, tensors, steps = payload.get("params"), payload.get("tensors"), payload.get("steps", 0)
    if (not isinstance(params, dict) or len(params) > MAX_PARAMS
            or not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 2000 for k, v in params.items())):
        raise CheckpointError("not_a_model")
    if not isinstance(tensors, dict) or not tensors or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in tensors.items()):
        raise CheckpointError("not_a_model")
    if sum(v.numel() for v in tensors.values()) > MAX_ELEMENTS:
        raise CheckpointError("too_big", limit_mb=MAX_FILE_BYTES // 2**20)
    if any(not torch.isfinite(v).all() for v in tensors.values() if v.is_floating_point()):
        raise CheckpointError("not_finite")
    return params, int(steps) if isinstance(steps, int) else 0, tensors


def check_shapes(expected: dict[str, torch.Tensor], given: dict[str, torch.Tensor]) -> None:
    """Raise CheckpointError("mismatch") unless `given` has exactly the names and shapes of `expected`."""
    if set(expected) != set(given):
        raise CheckpointError("mismatch")
    for name, tensor in expected.items():
        if tuple(given[name].shape) != tuple(tensor.shape) or given[name].dtype != tensor.dtype:
            raise CheckpointError("mismatch")
