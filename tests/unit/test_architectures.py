"""Classic architectures against published parameter counts and hand-computed shapes; the shape calculator
against real torch.nn layers (shapes, and the same refusals)."""
import pytest
import torch
import torch.nn as nn
from hypothesis import given, settings, strategies as st

from core.vision.architectures import (MODELS, build, count_params, googlenet, inception_cost, layer_table, lenet5,
                                separable_cost)
from core.vision.shape_calc import LayerSpec, ShapeInputError, clean_spec, propagate
from ui.figures.vision.pictures import inception_dot, inverted_residual_dot

# torchvision's documented counts (https://pytorch.org/vision/stable/models.html) and LeNet-5 by hand (below).
PUBLISHED_PARAMS = {"lenet5": 61_706, "alexnet": 61_100_840, "vgg16": 138_357_544, "googlenet": 6_624_904,
                    "mobilenetv2": 3_504_872}
PUBLISHED_GMACS = {"alexnet": 0.714, "vgg16": 15.47, "googlenet": 1.498, "mobilenetv2": 0.301}  # torchvision "GFLOPS"


def rows(name):
    return {row.name: row for row in layer_table(name)}


@pytest.mark.parametrize("name", MODELS)
def test_parameter_counts_match_the_references(name):
    table = layer_table(name)
    assert sum(row.params for row in table) == PUBLISHED_PARAMS[name] == count_params(build(name))


@pytest.mark.parametrize("name", sorted(PUBLISHED_GMACS))
def test_multiply_adds_match_torchvision_gflops(name):
    total = sum(row.macs for row in layer_table(name)) / 1e9
    assert total == pytest.approx(PUBLISHED_GMACS[name], rel=2e-3)


def test_lenet5_layer_by_layer_by_hand():
    r = rows("lenet5")
    # (5·5·1 + 1)·6, (5·5·6 + 1)·16, (5·5·16 + 1)·120, (120 + 1)·84, (84 + 1)·10
    assert [r[n].params for n in ("C1", "C3", "C5", "F6", "output")] == [156, 2416, 48120, 10164, 850]
    assert [r[n].shape for n in ("C1", "S2", "C3", "S4", "C5")] == [(6, 28, 28), (6, 14, 14), (16, 10, 10),
                                                                    (16, 5, 5), (120, 1, 1)]
    assert r["C1"].macs == 6 * 28 * 28 * 25
    real = lenet5()  # real weights on the CPU, not only the meta device
    assert real(torch.zeros(2, 1, 32, 32)).shape == (2, 10)


def test_alexnet_vgg_googlenet_mobilenet_shapes_by_hand():
    a = rows("alexnet")
    # ⌊(224 + 2·2 − 11)/4⌋ + 1 = 55, then ⌊(55 − 3)/2⌋ + 1 = 27, 13, 6
    assert [a[n].shape for n in ("conv1", "pool1", "conv2", "pool2", "conv5", "pool5")] == [
        (64, 55, 55), (64, 27, 27), (192, 27, 27), (192, 13, 13), (256, 13, 13), (256, 6, 6)]
    assert a["conv1"].macs == 64 * 55 * 55 * 3 * 11 * 11
    v = rows("vgg16")
    assert [v[f"pool{i}"].shape[1] for i in range(1, 6)] == [112, 56, 28, 14, 7]
    assert v["fc6"].params == 25088 * 4096 + 4096
    g = rows("googlenet")
    widths = {n: g[n].shape for n in ("inception3a", "inception3b", "inception4a", "inception4e", "inception5b")}
    assert widths == {"inception3a": (256, 28, 28), "inception3b": (480, 28, 28), "inception4a": (512, 14, 14),
                      "inception4e": (832, 14, 14), "inception5b": (1024, 7, 7)}  # 64 + 128 + 32 + 32 = 256 …
    m = rows("mobilenetv2")
    assert [m[f"block{i}"].shape for i in (1, 3, 6, 10, 13, 16, 17)] == [
        (16, 112, 112), (24, 56, 56), (32, 28, 28), (64, 14, 14), (96, 14, 14), (160, 7, 7), (320, 7, 7)]
    assert m["conv_last"].shape == (1280, 7, 7)


def test_the_papers_5x5_inception_adds_exactly_the_wider_kernels():
    with torch.device("meta"):
        paper = googlenet(wide_kernel=5)
    reduce_out = [(16, 32), (32, 96), (16, 48), (24, 64), (24, 64), (32, 64), (32, 128), (32, 128), (48, 128)]
    assert count_params(paper) - PUBLISHED_PARAMS["googlenet"] == sum(r * c * (25 - 9) for r, c in reduce_out)


def test_why_inception_and_depthwise_separable_are_cheap():
    direct, reduced = inception_cost(192, 16, 32, 5, 28, 28)  # inception 3a's 5×5 branch
    assert (direct.params, reduced.params) == (192 * 32 * 25, 192 * 16 + 16 * 32 * 25) == (153_600, 15_872)
    assert direct.macs == 153_600 * 28 * 28
    standard, separable = separable_cost(96, 96, 3, 14, 14)
    assert separable.params / standard.params == pytest.approx(1 / 96 + 1 / 9)
    conv = nn.Conv2d(96, 96, 3, bias=False)
    dw, pw = nn.Conv2d(96, 96, 3, groups=96, bias=False), nn.Conv2d(96, 96, 1, bias=False)
    assert (standard.params, separable.params) == (count_params(conv), count_params(dw) + count_params(pw))


def torch_layer(spec: LayerSpec, cin: int) -> nn.Module:
    if spec.kind == "conv":
        return nn.Conv2d(cin, spec.channels, spec.kernel, spec.stride, spec.padding, spec.dilation, device="meta")
    cls = nn.MaxPool2d if spec.kind == "maxpool" else nn.AvgPool2d
    return cls(spec.kernel, spec.stride, spec.padding)


layer = st.builds(LayerSpec, kind=st.sampled_from(["conv", "maxpool", "avgpool"]), channels=st.integers(1, 8),
                  kernel=st.integers(1, 7), stride=st.integers(1, 3), padding=st.integers(0, 3),
                  dilation=st.integers(1, 2))


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 40), layers=st.lists(layer, min_size=1, max_size=5))
def test_shape_calculator_agrees_with_torch(size, layers):
    layers = [LayerSpec(s.kind, s.channels if s.kind == "conv" else None, s.kernel, s.stride, s.padding,
                        s.dilation if s.kind == "conv" else 1) for s in layers]
    steps = propagate((3, size, size), layers)
    x = torch.empty(1, 3, size, size, device="meta")
    for step, spec in zip(steps, layers):
        module = torch_layer(spec, x.shape[1])
        if step.shape_out is None:
            with pytest.raises(RuntimeError):
                module(x)
            assert step is steps[-1]
            return
        x = module(x)
        assert tuple(x.shape[1:]) == step.shape_out
        assert step.params == sum(p.numel() for p in module.parameters())
    assert len(steps) == len(layers)


def test_shape_calculator_messages():
    steps = propagate((1, 8, 8), [LayerSpec("conv", 4, 3), LayerSpec("maxpool", None, 2, 2),
                                  LayerSpec("conv", 8, 5), LayerSpec("maxpool", None, 2, 2)])
    assert [s.shape_out for s in steps[:2]] == [(4, 6, 6), (4, 3, 3)]
    assert steps[2].error == "too_small" and len(steps) == 3
    assert propagate((1, 8, 8), [LayerSpec("avgpool", None, 2, 2, 2)])[0].error == "pad_too_big"
    spec, problem = clean_spec("conv", None, 3, 1, 0)
    assert spec is None and dict(problem)["field"] == "channels"
    assert clean_spec("conv", 4, 2.5, 1, 0)[0] is None and clean_spec("pool", 4, 3, 1, 0)[0] is None
    assert clean_spec("maxpool", None, 2, 2, 0)[0] == LayerSpec("maxpool", None, 2, 2, 0)
    bad = propagate((1, 8, 8), [LayerSpec("conv", 4, 3), None], [(), (("field", "kernel"),)])
    assert bad[1].error == "bad_value" and dict(bad[1].detail)["field"] == "kernel"
    with pytest.raises(ShapeInputError):
        propagate((0, 8, 8), [])


def test_block_diagrams_are_valid_dot_with_escaped_labels():
    labels = {key: f'{key} "x"' for key in ("prev", "b1", "r3", "c3", "r5", "c5", "pool", "proj", "concat")}
    dot = inception_dot(labels)
    assert dot.startswith("digraph {") and dot.endswith("}") and dot.count("->") == 11
    assert 'label="prev \\"x\\""' in dot  # quotes in translated labels cannot break the graph
    residual = inverted_residual_dot({k: k for k in ("input", "expand", "depthwise", "project", "add")})
    assert "x -> add [style=dashed]" in residual  # the shortcut
