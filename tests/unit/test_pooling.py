"""Pooling against torch.nn.functional's pools (an independent implementation) and hand-worked numbers."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from core.vision.pooling import (PoolSettings, PoolShapeError, output_shape, pool2d, shift, shift_similarity, shifted_views,
                          unchanged_share, window)

RNG = np.random.default_rng(1)
X = RNG.normal(size=(9, 11)).astype(np.float32)


def torch_pool(x, s: PoolSettings):
    t = torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 0) if x.ndim == 3 else x[None])).unsqueeze(0)
    if s.kind == "global_avg":
        out = F.adaptive_avg_pool2d(t, 1)
    elif s.kind == "max":
        out = F.max_pool2d(t, s.kernel, s.stride, s.padding)
    else:
        out = F.avg_pool2d(t, s.kernel, s.stride, s.padding)  # count_include_pad=True, PyTorch's default
    out = out[0].numpy()
    return np.moveaxis(out, 0, -1) if x.ndim == 3 else out[0]


def test_hand_worked_2x2():
    x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 7, 2], [3, 2, 1, 1]], dtype=np.float32)
    np.testing.assert_array_equal(pool2d(x, PoolSettings("max", 2, 2)), [[4, 5], [3, 7]])
    np.testing.assert_array_equal(pool2d(x, PoolSettings("avg", 2, 2)), [[2.5, 2], [1.5, 2.75]])
    assert pool2d(x, PoolSettings("global_avg")).shape == (1, 1)
    assert pool2d(x, PoolSettings("global_avg"))[0, 0] == pytest.approx(x.mean())


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["max", "avg", "global_avg"]), k=st.integers(1, 4), stride=st.integers(1, 4),
       padding=st.integers(0, 2), colour=st.booleans())
def test_matches_torch(kind, k, stride, padding, colour):
    x = RNG.normal(size=(9, 11, 3) if colour else (9, 11)).astype(np.float32)
    s = PoolSettings(kind, k, stride, padding)
    try:
        shape = output_shape(9, 11, s)
    except PoolShapeError as err:
        if err.code == "pad_too_big":  # PyTorch refuses the same settings
            with pytest.raises(RuntimeError):
                torch_pool(x, s)
        return
    out = pool2d(x, s)
    assert out.shape[:2] == shape
    np.testing.assert_allclose(out, torch_pool(x, s), atol=1e-6)


@pytest.mark.parametrize("s", [PoolSettings("max", 3, 2, 1), PoolSettings("avg", 2, 3, 1), PoolSettings("global_avg")])
def test_each_window_gives_its_output_cell(s):
    out = pool2d(X, s)
    for row in range(out.shape[0]):
        for col in range(out.shape[1]):
            w = window(X, s, row, col)
            assert w.result == pytest.approx(float(out[row, col]), abs=1e-6)


def test_padding_cells_are_marked_and_never_the_max():
    w = window(-np.ones((4, 4)), PoolSettings("max", 2, 2, 1), 0, 0)
    assert np.isnan(w.values[0]).all() and np.isnan(w.values[:, 0]).all()
    assert w.result == -1.0 and (w.top, w.left) == (-1, -1)


def test_shift_and_shift_tolerance_of_max_pooling():
    x = np.zeros((6, 6), dtype=np.float32)
    x[1, 1] = 1.0  # a single bright feature
    moved = shift(x, 1)
    assert moved[1, 2] == 1.0 and moved.sum() == 1.0
    s = PoolSettings("max", 3, 3)
    np.testing.assert_array_equal(pool2d(x, s), pool2d(moved, s))  # same window: the pooled map ignores it
    assert not np.array_equal(x, moved)
    a, b = shifted_views(np.arange(20.0).reshape(2, 10), 2, 3)
    np.testing.assert_array_equal(b, a - 2)  # a real shift of the scene, not a blank edge


def test_pooled_maps_stay_more_alike_under_small_shifts_than_raw_pixels():
    text = np.zeros((40, 40), dtype=np.float32)
    text[::4, :] = 1.0  # fine horizontal stripes moved sideways: unchanged rows, so …
    assert shift_similarity(text, PoolSettings("max", 1, 1), range(3)) == [1.0, 1.0, 1.0]
    texture = RNG.random((64, 64)).astype(np.float32)
    raw = shift_similarity(texture, PoolSettings("max", 1, 1), range(4))
    pooled = shift_similarity(texture, PoolSettings("max", 4, 4), range(4))
    assert raw[0] == pytest.approx(1) and pooled[0] == pytest.approx(1)
    assert abs(raw[1]) < 0.1 < pooled[1]  # white noise: a 1-px shift decorrelates the pixels, not the maxima
    a, b = shifted_views(texture, 1, 3)  # margin = the largest shift asked for
    expected = np.corrcoef(pool2d(a, PoolSettings("max", 4, 4)).ravel(), pool2d(b, PoolSettings("max", 4, 4)).ravel())
    assert pooled[1] == pytest.approx(expected[0, 1])  # NumPy's own correlation
    assert unchanged_share(texture, PoolSettings("max", 1, 1), 1, 4) < 0.05
    assert unchanged_share(texture, PoolSettings("max", 4, 4), 1, 4) > 0.5  # the max usually stays in its window
    assert unchanged_share(texture, PoolSettings("max", 4, 4), 0, 4) == 1.0
