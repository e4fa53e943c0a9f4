"""Model files: round trip, and every kind of bad file refused with a reason (nothing executed)."""
import io
import pickle

import pytest
import torch

from core.checkpoint import MAX_FILE_BYTES, CheckpointError, check_shapes, load_checkpoint, save_checkpoint


def tensors():
    return {"layer0.w": torch.randn(2, 4), "layer0.b": torch.zeros(4)}


def test_round_trip_keeps_settings_steps_and_weights():
    original = tensors()
    params, steps, loaded, seconds = load_checkpoint(
        save_checkpoint("playground", {"lr": "0.1"}, 42, original, seconds=12.5), "playground")
    assert params == {"lr": "0.1"} and steps == 42 and seconds == 12.5
    for name in original:
        assert torch.equal(loaded[name], original[name])


class Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize("data, code", [
    (b"not a torch file", "not_a_model"),
    (pickle.dumps(Evil()), "not_a_model"),
    (b"\0" * (MAX_FILE_BYTES + 1), "too_big"),
])
def test_bad_bytes_are_refused(data, code):
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(data, "playground")
    assert info.value.code == code


def test_arbitrary_objects_inside_a_torch_file_are_refused_by_weights_only(capsys):
    buffer = io.BytesIO()
    torch.save({"format": "nn-playground-model/1", "evil": Evil()}, buffer)
    with pytest.raises(CheckpointError):
        load_checkpoint(buffer.getvalue(), "playground")
    assert "must never run" not in capsys.readouterr().out


def test_other_page_wrong_fields_and_nan_are_refused():
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(save_checkpoint("cnn", {}, 1, tensors()), "playground")
    assert info.value.code == "other_page"
    bad = tensors()
    bad["layer0.w"][0, 0] = float("nan")
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(save_checkpoint("playground", {}, 1, bad), "playground")
    assert info.value.code == "not_finite"
    buffer = io.BytesIO()
    torch.save({"format": "nn-playground-model/1", "page": "playground", "params": {"a": 1}, "tensors": {}}, buffer)
    with pytest.raises(CheckpointError):
        load_checkpoint(buffer.getvalue(), "playground")


def test_shape_check():
    check_shapes(tensors(), tensors())
    with pytest.raises(CheckpointError):
        check_shapes(tensors(), {"layer0.w": torch.randn(3, 4), "layer0.b": torch.zeros(4)})
    with pytest.raises(CheckpointError):
        check_shapes(tensors(), {"layer0.w": torch.randn(2, 4)})
