"""Convolution against a dense layer: parameter counts from torch.nn modules, and translation equivariance."""
import numpy as np
import pytest
import torch

from core.vision.conv_vs_dense import parameter_counts, shift_check, translate
from core.vision.convolution import ConvSettings, cross_correlate, output_shape


def torch_count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("h, w, c, k, filters, stride, padding", [
    (8, 8, 1, 3, 8, 1, 1), (12, 10, 3, 5, 4, 2, 0), (16, 16, 1, 3, 2, 1, 0)])
def test_counts_match_torch_conv2d_and_linear(h, w, c, k, filters, stride, padding):
    conv = torch.nn.Conv2d(c, filters, k, stride=stride, padding=padding)
    out = conv(torch.zeros(1, c, h, w))
    _, _, oh, ow = out.shape
    assert (oh, ow) == output_shape(h, w, k, ConvSettings(stride=stride, padding=padding))
    dense = torch.nn.Linear(h * w * c, filters * oh * ow)
    counts = parameter_counts(h, w, c, k, filters, oh, ow)
    assert counts.conv == torch_count(conv) and counts.dense == torch_count(dense)
    assert counts.ratio == counts.dense / counts.conv > 10


def test_the_cnn_page_numbers():
    counts = parameter_counts(8, 8, 1, 3, 8, 8, 8)  # conv 1 of the CNN page's default network
    assert (counts.conv, counts.dense) == (8 * (9 + 1), 64 * 512 + 512)  # 80 against 33,280


def test_translate_moves_content_and_fills_with_zeros():
    image = np.arange(12.0).reshape(3, 4)
    moved = translate(image, 1, -1)
    assert np.array_equal(moved[1:, :3], image[:2, 1:]) and not moved[0].any() and not moved[:, 3].any()
    assert not translate(image, 5, 0).any()


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate"])
@pytest.mark.parametrize("padding, dilation, k", [(0, 1, 3), (1, 2, 3), (2, 1, 5)])
@pytest.mark.parametrize("dy, dx", [(3, 2), (-2, 4), (0, -3)])
def test_conv_of_a_shifted_picture_is_the_shifted_feature_map_away_from_the_border(mode, padding, dilation, k, dy, dx):
    rng = np.random.default_rng(7)
    image, kernel = rng.normal(size=(24, 21)), rng.normal(size=(k, k))
    settings = ConvSettings(padding=padding, pad_mode=mode, dilation=dilation, stride=2)  # stride is set to 1
    check = shift_check(image, kernel, dy, dx, settings)
    assert check.max_difference < 1e-5
    inner = (slice(check.border, -check.border or None),) * 2
    assert check.conv_of_shifted[inner].size > 0
    direct = cross_correlate(translate(image, dy, dx), kernel,
                             ConvSettings(padding=padding, pad_mode=mode, dilation=dilation))
    assert np.allclose(direct, check.conv_of_shifted)
    # at the border the two differ: the equality really is about the interior
    assert np.abs(check.conv_of_shifted - check.shifted_conv).max() > 1e-3


def test_a_colour_picture_moves_too():
    rng = np.random.default_rng(1)
    check = shift_check(rng.random((20, 20, 3)), rng.normal(size=(3, 3)), 2, 2)
    assert check.conv_of_shifted.shape == (18, 18, 3) and check.max_difference < 1e-5


def test_a_dense_layer_is_not_translation_equivariant():
    dense = torch.nn.Linear(64, 64, bias=False)
    with torch.no_grad():
        dense.weight.copy_(torch.randn(64, 64, generator=torch.Generator().manual_seed(0)))
    image = np.zeros((8, 8), dtype=np.float32)
    image[2:4, 2:4] = 1.0
    with torch.no_grad():
        out = dense(torch.from_numpy(image).flatten()).numpy().reshape(8, 8)
        moved = dense(torch.from_numpy(translate(image, 2, 2)).flatten()).numpy().reshape(8, 8)
    assert np.abs(moved[3:, 3:] - translate(out, 2, 2)[3:, 3:]).max() > 0.1
