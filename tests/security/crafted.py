"""Hostile model files built byte by byte: the shapes an attacker can give a torch zip archive.

A file from `save_checkpoint` is a zip of stored (uncompressed) entries: `<root>/data.pkl` (the pickled
payload, whose tensors point at storages by key), `<root>/data/<key>` (each storage's raw bytes) and a few
small records. The helpers here rewrite such a file: a storage declared far bigger than its tensor, entries
deflate-compressed, thousands of entries. Nothing here allocates the sizes it declares.
"""
from __future__ import annotations

import io
import pickle
import pickletools
import zipfile

import torch

from core.checkpoint import save_checkpoint

CHUNK = 1 << 20


def model_file(page: str = "playground", params: dict[str, str] | None = None, steps: int = 1,
               tensors: dict[str, torch.Tensor] | None = None) -> bytes:
    """A genuine model file (the starting point of every crafted one)."""
    tensors = tensors if tensors is not None else {"w": torch.zeros(16), "b": torch.zeros(4)}
    return save_checkpoint(page, params or {}, steps, tensors)


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def declare_storage_elements(pickled: bytes, key: str, elements: int) -> bytes:
    """The pickle with storage `key` declared to hold `elements` elements.

    A storage's persistent id is the tuple ("storage", <type>, key, location, numel) built between a MARK and
    a TUPLE; strings seen before come back as memo references (BINGET), so the walk keeps the memo.
    """
    memo, items, last = {}, [], None
    for op, arg, pos in pickletools.genops(pickled):
        if op.name in ("BINUNICODE", "SHORT_BINUNICODE", "GLOBAL", "BININT", "BININT1", "BININT2", "LONG1"):
            last = arg
            items.append((arg, pos, op))
        elif op.name in ("BINPUT", "LONG_BINPUT", "MEMOIZE"):
            memo[arg] = last
        elif op.name in ("BINGET", "LONG_BINGET"):
            last = memo.get(arg)
            items.append((last, pos, op))
        elif op.name == "MARK":
            items = []
        elif op.name == "TUPLE" and len(items) == 5 and items[0][0] == "storage" and items[2][0] == key:
            start = items[4][1]
            encoded = pickle.encode_long(elements)
            return pickled[:start] + b"\x8a" + bytes([len(encoded)]) + encoded + pickled[pos:]
    raise KeyError(key)


def write_zip(records: dict[str, bytes | tuple[int, int]], *, compress: bool = False) -> bytes:
    """A zip of `records`; a value (size, 0) is written as `size` zero bytes, streamed in chunks."""
    buffer = io.BytesIO()
    kind = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression=kind, allowZip64=True) as archive:
        for name, content in records.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = kind
            with archive.open(info, "w", force_zip64=True) as sink:
                left, zeros = content[0], bytes(CHUNK)
                while left > 0:
                    sink.write(zeros[: min(left, CHUNK)])
                    left -= CHUNK
    return buffer.getvalue()


def view_of_huge_storage(storage_bytes: int, *, compress: bool = True, declare_only: bool = False) -> bytes:
    """A model file whose 16-element tensor "w" is a view of a `storage_bytes`-byte zero storage.

    compress: the storage record is deflated (zeros shrink ~1000-fold: 1 GB of storage in ~1 MB).
    declare_only: the pickle declares the size but the record keeps its 64 real bytes.
    """
    records = entries(model_file())
    pickled_name = next(name for name in records if name.endswith("/data.pkl"))
    root = pickled_name.rsplit("/", 1)[0]
    storage_key = "0"  # "w" is saved first
    assert len(records[f"{root}/data/{storage_key}"]) == 16 * 4
    records[pickled_name] = declare_storage_elements(records[pickled_name], storage_key, storage_bytes // 4)
    if not declare_only:
        records[f"{root}/data/{storage_key}"] = (storage_bytes, 0)
    return write_zip(records, compress=compress)


def many_entries(count: int) -> bytes:
    """A genuine model file with `count` extra tiny entries."""
    records = entries(model_file())
    root = next(name for name in records if name.endswith("/data.pkl")).rsplit("/", 1)[0]
    records.update({f"{root}/extra/{i}": b"" for i in range(count)})
    return write_zip(records)


def huge_uncompressed_entry(size: int) -> bytes:
    """A genuine model file plus one deflated entry of `size` zero bytes (a classic zip bomb)."""
    records = entries(model_file())
    root = next(name for name in records if name.endswith("/data.pkl")).rsplit("/", 1)[0]
    records[f"{root}/padding"] = (size, 0)
    return write_zip(records, compress=True)
