"""Convolution filters against SciPy (an independent implementation) and torch.nn.Conv2d's shapes."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from scipy import ndimage, signal

from core.vision.convolution import (PRESETS, ConvSettings, ConvShapeError, check_kernel, cross_correlate, output_shape,
                              output_size, preset_kernel, window)

RNG = np.random.default_rng(0)
IMAGE = RNG.random((13, 17)).astype(np.float32)


def dilate(kernel, d):
    """The kernel with d−1 zeros between taps: dilation written out, for the reference."""
    k = kernel.shape[0]
    out = np.zeros((d * (k - 1) + 1,) * 2)
    out[::d, ::d] = kernel
    return out


def reference(image, kernel, s: ConvSettings):
    mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge"}[s.pad_mode]
    padded = np.pad(image.astype(float), s.padding, mode=mode) if s.padding else image.astype(float)
    full = signal.correlate2d(padded, dilate(kernel, s.dilation), mode="valid")
    return full[::s.stride, ::s.stride]


def test_hand_worked_sobel_on_a_ramp():
    image = np.arange(1, 10, dtype=np.float32).reshape(3, 3)  # 1..9, brighter to the right and down
    out = cross_correlate(image, preset_kernel("sobel_x"))
    assert out.shape == (1, 1) and out[0, 0] == pytest.approx((3 - 1) + 2 * (6 - 4) + (9 - 7))  # = 8
    assert cross_correlate(image, preset_kernel("sobel_y"))[0, 0] == pytest.approx(3 * 4 * 2)  # rows differ by 3


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("size", [3, 5])
def test_presets_have_the_expected_sums(name, size):
    kernel = preset_kernel(name, size)
    assert kernel.shape == (size, size)
    expected = {"identity": 1, "box_blur": 1, "gaussian": 1, "sharpen": 1, "emboss": 1}.get(name, 0)
    assert kernel.sum() == pytest.approx(expected)


def test_identity_keeps_the_image_and_5x5_presets_centre_the_3x3():
    out = cross_correlate(IMAGE, preset_kernel("identity", 5), ConvSettings(padding=2))
    np.testing.assert_allclose(out, IMAGE, atol=1e-6)
    np.testing.assert_array_equal(preset_kernel("laplacian", 5)[1:4, 1:4], preset_kernel("laplacian", 3))


@pytest.mark.parametrize("mode, scipy_mode", [("zeros", "constant"), ("reflect", "mirror"), ("replicate", "nearest")])
@pytest.mark.parametrize("name", ["sobel_x", "gaussian", "emboss"])
def test_same_padding_matches_scipy_ndimage(mode, scipy_mode, name):
    kernel = preset_kernel(name)
    out = cross_correlate(IMAGE, kernel, ConvSettings(padding=1, pad_mode=mode))
    np.testing.assert_allclose(out, ndimage.correlate(IMAGE.astype(float), kernel, mode=scipy_mode), atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(k=st.sampled_from([3, 5]), stride=st.integers(1, 3), padding=st.integers(0, 3), dilation=st.integers(1, 3),
       mode=st.sampled_from(["zeros", "reflect", "replicate"]), seed=st.integers(0, 1000))
def test_stride_padding_dilation_match_scipy_and_torch_shapes(k, stride, padding, dilation, mode, seed):
    kernel = np.random.default_rng(seed).normal(size=(k, k))
    s = ConvSettings(stride, padding, mode, dilation)
    try:
        shape = output_shape(*IMAGE.shape, k, s)
    except ConvShapeError:
        return
    out = cross_correlate(IMAGE, kernel, s)
    np.testing.assert_allclose(out, reference(IMAGE, kernel, s), atol=1e-4)
    conv = torch.nn.Conv2d(1, 1, k, stride=stride, padding=padding, dilation=dilation, device="meta")
    assert conv(torch.empty(1, 1, *IMAGE.shape, device="meta")).shape[2:] == shape == out.shape


def test_flip_gives_true_convolution():
    kernel = preset_kernel("emboss")
    out = cross_correlate(IMAGE, kernel, ConvSettings(flip=True))
    np.testing.assert_allclose(out, signal.convolve2d(IMAGE.astype(float), kernel, mode="valid"), atol=1e-5)
    assert not np.allclose(out, cross_correlate(IMAGE, kernel))  # an asymmetric kernel: the two differ


def test_colour_is_filtered_channel_by_channel():
    rgb = RNG.random((9, 11, 3)).astype(np.float32)
    s = ConvSettings(stride=2, padding=1, pad_mode="reflect")
    out = cross_correlate(rgb, preset_kernel("sharpen"), s)
    for c in range(3):
        np.testing.assert_allclose(out[..., c], cross_correlate(rgb[..., c], preset_kernel("sharpen"), s), atol=1e-6)


@pytest.mark.parametrize("s", [ConvSettings(), ConvSettings(2, 2, "zeros", 2), ConvSettings(1, 3, "reflect", 1),
                               ConvSettings(3, 1, "replicate", 2, flip=True)])
def test_window_products_sum_to_the_output_pixel(s):
    kernel = RNG.normal(size=(3, 3))
    out = cross_correlate(IMAGE, kernel, s)
    for row, col in [(0, 0), (out.shape[0] - 1, out.shape[1] - 1), (out.shape[0] // 2, 1)]:
        w = window(IMAGE, kernel, s, row, col)
        assert w.total == pytest.approx(float(out[row, col]), abs=1e-5)
        np.testing.assert_allclose(w.products, w.values * w.weights)
        assert w.rows[0] == row * s.stride - s.padding and w.rows[1] - w.rows[0] == s.dilation
        on_picture = ((w.rows >= 0) & (w.rows < IMAGE.shape[0]))[:, None] & ((w.cols >= 0) & (w.cols < IMAGE.shape[1]))
        np.testing.assert_array_equal(w.inside, on_picture)
        if s.pad_mode == "zeros":
            assert np.all(w.values[~w.inside] == 0)  # zero padding contributes nothing


def test_output_size_formula_and_refusals():
    assert output_size(224, 11, 4, 2) == 55  # AlexNet's first layer
    assert output_size(8, 3, 1, 0, 3) == 2  # dilation 3 spans 7 pixels
    with pytest.raises(ConvShapeError) as err:
        output_shape(8, 8, 5, ConvSettings(dilation=3))
    assert err.value.code == "too_small"
    with pytest.raises(ConvShapeError) as err:
        output_shape(8, 8, 3, ConvSettings(padding=8, pad_mode="reflect"))
    assert err.value.code == "reflect_too_wide"
    for bad in ([[1, 2], [3, 4]], [[np.nan, 0, 0]] * 3, [[1e6, 0, 0]] * 3):
        with pytest.raises(ConvShapeError):
            check_kernel(bad)
