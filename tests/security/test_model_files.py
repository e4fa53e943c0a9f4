"""Hostile model files ("continue from a downloaded model"): each is refused with a reason, before `torch.load`
allocates what the file declares, and nothing in it is executed."""
from __future__ import annotations

import io
import pickle
import warnings
import zipfile

import pytest
import torch

import core.checkpoint as checkpoint
from core.checkpoint import MAX_ENTRIES, MAX_FILE_BYTES, CheckpointError, load_checkpoint
from tests.app.harness import by_key, open_page
from tests.security import crafted

STORAGE_OVER_LIMIT = 64 * 10**6  # 4x the file limit; deflated it is ~60 KB on the wire


def refused(data: bytes, code: str, monkeypatch, *, loads: bool = False) -> None:
    """`data` is refused with `code`; unless `loads`, torch.load is never reached."""
    calls = []
    real_load = torch.load
    monkeypatch.setattr(checkpoint.torch, "load", lambda *a, **k: calls.append(1) or real_load(*a, **k))
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(data, "playground")
    assert info.value.code == code
    assert bool(calls) == loads


def test_a_genuine_file_still_loads():
    params, steps, tensors, seconds = load_checkpoint(crafted.model_file(params={"lr": "0.1"}, steps=7), "playground")
    assert params == {"lr": "0.1"} and steps == 7 and set(tensors) == {"w", "b"} and seconds is None


def test_view_of_a_huge_deflated_storage_is_refused_before_loading(monkeypatch):
    data = crafted.view_of_huge_storage(STORAGE_OVER_LIMIT)
    assert len(data) < 200_000  # the attack: a small upload that unpacks to far more than the limit
    refused(data, "not_a_model", monkeypatch)


def test_a_stored_storage_declared_bigger_than_its_record_is_refused():
    with pytest.raises(CheckpointError):  # torch itself checks record sizes; the declared 4 GB is never allocated
        load_checkpoint(crafted.view_of_huge_storage(4 * 10**9, declare_only=True), "playground")


def test_any_compressed_entry_is_refused(monkeypatch):
    records = crafted.entries(crafted.model_file())
    refused(crafted.write_zip(records, compress=True), "not_a_model", monkeypatch)


def test_a_huge_uncompressed_size_is_refused(monkeypatch):
    refused(crafted.huge_uncompressed_entry(STORAGE_OVER_LIMIT), "not_a_model", monkeypatch)


def test_too_many_entries_are_refused_from_the_end_record(monkeypatch):
    refused(crafted.many_entries(MAX_ENTRIES + 1), "too_big", monkeypatch)
    assert load_checkpoint(crafted.many_entries(10), "playground")  # a few extra records are harmless


def test_duplicate_entry_names_are_refused(monkeypatch):
    """Two payloads under one name: zipfile and torch's reader could each pick a different one."""
    data = crafted.model_file()
    name = next(n for n in crafted.entries(data) if n.endswith("/data.pkl"))
    buffer = io.BytesIO(data)
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": written all the same
        archive.writestr(name, pickle.dumps({"format": "other"}, protocol=2))
    refused(buffer.getvalue(), "not_a_model", monkeypatch)


def test_storages_bigger_than_the_limit_are_refused_after_loading(monkeypatch):
    monkeypatch.setattr(checkpoint, "MAX_STORAGE_BYTES", 1000)
    view = torch.zeros(10_000)[:16]  # saved with its whole 40 KB storage
    buffer = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": 1,
                "tensors": {"w": view}}, buffer)
    refused(buffer.getvalue(), "too_big", monkeypatch, loads=True)


def test_loaded_tensors_are_compact_copies():
    view = torch.arange(1000.0)[10:26]
    buffer = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": 1,
                "tensors": {"w": view}}, buffer)
    _, _, tensors, _ = load_checkpoint(buffer.getvalue(), "playground")
    assert torch.equal(tensors["w"], view) and tensors["w"].untyped_storage().nbytes() == 16 * 4


class Planted:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_a_pickled_reduce_payload_is_never_executed(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    buffer = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": 1,
                "tensors": {"w": torch.zeros(2)}, "extra": Planted(marker)}, buffer)
    refused(buffer.getvalue(), "not_a_model", monkeypatch, loads=True)
    raw = pickle.dumps(Planted(marker))  # a bare pickle, not even a zip
    refused(raw, "not_a_model", monkeypatch)
    assert not marker.exists()


@pytest.mark.parametrize("steps", [-5, True, 2.5, "7", 10**12])
def test_every_number_of_the_settings_is_checked(steps, monkeypatch):
    buffer = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": steps,
                "tensors": {"w": torch.zeros(2)}}, buffer)
    refused(buffer.getvalue(), "not_a_model", monkeypatch, loads=True)


def test_the_training_seconds_round_trip_and_old_files_load_without_them():
    data = checkpoint.save_checkpoint("playground", {}, 377, {"w": torch.zeros(2)}, seconds=95.25)
    assert load_checkpoint(data, "playground")[3] == 95.25
    buffer = io.BytesIO()  # a file written before the seconds were stored
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": 377,
                "tensors": {"w": torch.zeros(2)}}, buffer)
    params, steps, tensors, seconds = load_checkpoint(buffer.getvalue(), "playground")
    assert steps == 377 and seconds is None and set(tensors) == {"w"}


@pytest.mark.parametrize("seconds", [-1.0, float("nan"), float("inf"), 1.5e7, True, 5, "5.0", [1.0],
                                     torch.tensor(5.0)])
def test_tampered_training_seconds_are_refused(seconds, monkeypatch):
    buffer = io.BytesIO()
    torch.save({"format": checkpoint.FORMAT, "page": "playground", "params": {}, "steps": 1, "seconds": seconds,
                "tensors": {"w": torch.zeros(2)}}, buffer)
    refused(buffer.getvalue(), "not_a_model", monkeypatch, loads=True)


def test_oversized_parameter_names_and_values_are_refused(monkeypatch):
    for params in ({"x" * 65: "1"}, {"lr": "1" * 2001}, {f"p{i}": "1" for i in range(101)}):
        refused(crafted.model_file(params=params), "not_a_model", monkeypatch, loads=True)


def test_the_upload_box_and_the_check_use_one_limit(monkeypatch):
    at = open_page("playground")
    box = by_key(at.file_uploader, "playground.model.upload")
    assert box.proto.max_upload_size_mb * 1_000_000 == MAX_FILE_BYTES  # the browser's number (10^6 per MB)
    assert f"{MAX_FILE_BYTES // 1_000_000} MB" in box.help
    read = []
    box.set_value(("big.pt", bytes(MAX_FILE_BYTES + 1), "application/octet-stream"))
    monkeypatch.setattr(checkpoint.torch, "load", lambda *a, **k: read.append(1))
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert f"larger than {MAX_FILE_BYTES // 1_000_000} MB" in errors and not read


def test_the_crafted_upload_is_refused_in_the_page():
    at = open_page("playground")
    by_key(at.file_uploader, "playground.model.upload").set_value(
        ("model.pt", crafted.view_of_huge_storage(STORAGE_OVER_LIMIT), "application/octet-stream"))
    at.run()
    assert "not an NN Playground model file" in " ".join(e.value for e in at.error)
