"""Model files: a trained model's tensors plus the page settings that built it, saved and loaded safely.

A model file is the zip archive `torch.save` writes: stored (uncompressed) entries, one per tensor storage plus
the pickled payload. Loading refuses, before `torch.load` allocates anything, every archive whose unpacked size
could exceed the file's own size: compressed entries (4 MB of deflated zeros unpack to 4 GB, and torch.load
would allocate all of it for a 16-number view), entries overlapping each other, too many entries, an oversized
payload. Then `torch.load(weights_only=True)` unpickles only tensors and plain containers (never arbitrary
objects), and every field is validated — storage sizes, element counts, numbers — before anything is used.
"""
from __future__ import annotations

import io
import struct
import zipfile

import torch

from core.errors import InputError

FORMAT = "nn-playground-model/1"
MAX_FILE_BYTES = 16_000_000  # the upload box refuses bigger files with the same number (ui/checkpoints.py)
MAX_ELEMENTS = 8_000_000  # numbers in all tensors together
MAX_STORAGE_BYTES = MAX_FILE_BYTES  # bytes behind all tensors together: stored entries cannot hold more
MAX_TENSORS = 1_000
MAX_ENTRIES = MAX_TENSORS + 16  # one per tensor storage, the payload, and torch's few small records
MAX_PAYLOAD_BYTES = 1_000_000  # the pickled settings and tensor references (not the numbers)
MAX_PARAMS = 100  # link parameters
MAX_PARAM_NAME = 64
MAX_PARAM_VALUE = 2000
MAX_STEPS = 10**9
MAX_SECONDS = 1e7  # training seconds (~4 months): far past any time budget, small enough to print
_END_OF_DIRECTORY = b"PK\x05\x06"  # the zip's last record: entry count and central directory size
_END_RECORD_SIZE = 22
_MAX_COMMENT = 0xFFFF


class CheckpointError(InputError):
    """Why a model file cannot be used; `code` is translated by the UI."""


def save_checkpoint(page: str, params: dict[str, str], steps: int, tensors: dict[str, torch.Tensor],
                    seconds: float | None = None) -> bytes:
    """Bytes of a model file for `page`: the tensors (on the CPU), the link parameters of its settings, the steps
    trained and, when known, the seconds that training took."""
    payload = {"format": FORMAT, "page": page, "params": {str(k): str(v) for k, v in params.items()},
               "steps": int(steps), "tensors": {k: v.detach().cpu().clone() for k, v in tensors.items()}}
    if seconds is not None:
        payload["seconds"] = min(max(float(seconds), 0.0), MAX_SECONDS)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def check_archive(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse, from the zip's directory alone, an archive whose loading could take more memory than its size.

    Every entry must be stored (not compressed) with its stated sizes equal, the entries together no larger
    than the file (so none overlaps another) and than `max_bytes`; the entry count is read from the end
    record before Python builds a directory entry for each.
    """
    if len(data) > max_bytes:
        raise CheckpointError("too_big", limit_mb=max_bytes // 1_000_000)
    end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_RECORD_SIZE - _MAX_COMMENT))
    if end < 0 or len(data) - end < _END_RECORD_SIZE:
        raise CheckpointError("not_a_model")
    declared_entries = struct.unpack_from("<H", data, end + 10)[0]
    if declared_entries > MAX_ENTRIES:  # also 0xFFFF, the zip64 marker: no model file needs zip64
        raise CheckpointError("too_big", limit_mb=max_bytes // 1_000_000)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    # RuntimeError covers an unsupported compression method as well (zipfile raises a subclass of it)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError, ValueError, EOFError):
        raise CheckpointError("not_a_model") from None
    names = [entry.filename for entry in entries]
    if len(entries) > MAX_ENTRIES or len(set(names)) != len(names):
        raise CheckpointError("not_a_model")
    if any(entry.compress_type != zipfile.ZIP_STORED or entry.compress_size != entry.file_size
           for entry in entries):
        raise CheckpointError("not_a_model")
    if sum(entry.file_size for entry in entries) > min(len(data), max_bytes):
        raise CheckpointError("not_a_model")
    payloads = [entry for entry in entries if entry.filename.endswith("/data.pkl")]
    if len(payloads) != 1 or payloads[0].file_size > MAX_PAYLOAD_BYTES:
        raise CheckpointError("not_a_model")


def safe_torch_load(data: bytes, max_bytes: int = MAX_FILE_BYTES):
    """`torch.load` of an archive that passed `check_archive`, tensors and plain containers only, on the CPU."""
    check_archive(data, max_bytes)
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception:  # any unpickling failure means "not one of our files"; nothing was executed
        raise CheckpointError("not_a_model") from None


def load_checkpoint(data: bytes, page: str) -> tuple[dict[str, str], int, dict[str, torch.Tensor], float | None]:
    """(params, steps, tensors, seconds) from a model file, or CheckpointError saying what is wrong with it.
    `seconds` (the training time) is None for files written before it was stored."""
    payload = safe_torch_load(data)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError("not_a_model")
    if payload.get("page") != page:
        raise CheckpointError("other_page", page=str(payload.get("page"))[:40])
    params, tensors, steps = payload.get("params"), payload.get("tensors"), payload.get("steps", 0)
    if not isinstance(params, dict) or len(params) > MAX_PARAMS or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= MAX_PARAM_NAME and len(v) <= MAX_PARAM_VALUE
            for k, v in params.items()):
        raise CheckpointError("not_a_model")
    if type(steps) is not int or not 0 <= steps <= MAX_STEPS:  # bool is an int too: refused
        raise CheckpointError("not_a_model")
    seconds = payload.get("seconds")
    if seconds is not None and (type(seconds) is not float or not 0.0 <= seconds <= MAX_SECONDS):  # NaN fails too
        raise CheckpointError("not_a_model")
    if not isinstance(tensors, dict) or not 0 < len(tensors) <= MAX_TENSORS or not all(
            isinstance(k, str) and type(v) is torch.Tensor and v.layout == torch.strided for k, v in tensors.items()):
        raise CheckpointError("not_a_model")
    if (sum(v.numel() for v in tensors.values()) > MAX_ELEMENTS
            or sum(v.untyped_storage().nbytes() for v in tensors.values()) > MAX_STORAGE_BYTES):
        raise CheckpointError("too_big", limit_mb=MAX_FILE_BYTES // 1_000_000)
    if any(not torch.isfinite(v).all() for v in tensors.values() if v.is_floating_point() or v.is_complex()):
        raise CheckpointError("not_finite")
    # own, compact copies: no tensor keeps a bigger storage (or another tensor's) alive in the session
    return params, steps, {k: v.clone(memory_format=torch.contiguous_format) for k, v in tensors.items()}, seconds


def check_shapes(expected: dict[str, torch.Tensor], given: dict[str, torch.Tensor]) -> None:
    """Raise CheckpointError("mismatch") unless `given` has exactly the names and shapes of `expected`."""
    if set(expected) != set(given):
        raise CheckpointError("mismatch")
    for name, tensor in expected.items():
        if tuple(given[name].shape) != tuple(tensor.shape) or given[name].dtype != tensor.dtype:
            raise CheckpointError("mismatch")
