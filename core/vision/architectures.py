"""Classic CNNs as real torch.nn modules (no weights: built on the meta device) and their per-layer tables.

Layer sizes follow the reference implementations, so parameter counts match them exactly:
- LeNet-5: LeCun et al., "Gradient-based learning applied to document recognition" (1998), 32×32 input,
  with the common simplifications — C3 connected to all six S2 maps, parameter-free average pooling,
  and a linear 84→10 output instead of the RBF layer: 61,706 parameters.
- AlexNet (61,100,840), VGG-16 (138,357,544), GoogLeNet without auxiliary heads (6,624,904) and
  MobileNetV2 (3,504,872): the numbers in torchvision's model documentation
  (https://pytorch.org/vision/stable/models.html), whose layer layout we rebuild. torchvision's GoogLeNet
  uses a 3×3 convolution in the branch the paper gives as 5×5 (pytorch/vision issue #906); we keep that
  so the count matches, and `inception_cost` works out the paper's 5×5 version.

Each model is an nn.Sequential of named blocks; one table row per block. Multiply-accumulates (MACs) count
convolutions and linear layers for one image, the convention of torchvision's "GFLOPS" column.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass

import torch
import torch.nn as nn

MODELS = ("lenet5", "alexnet", "vgg16", "googlenet", "mobilenetv2")
INPUT_SHAPES = {"lenet5": (1, 32, 32), "alexnet": (3, 224, 224), "vgg16": (3, 224, 224),
                "googlenet": (3, 224, 224), "mobilenetv2": (3, 224, 224)}


def _seq(*named: tuple[str, nn.Module]) -> nn.Sequential:
    return nn.Sequential(OrderedDict(named))


def lenet5() -> nn.Sequential:
    return _seq(
        ("C1", nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh())),  # 6×28×28
        ("S2", nn.AvgPool2d(2)),  # 6×14×14
        ("C3", nn.Sequential(nn.Conv2d(6, 16, 5), nn.Tanh())),  # 16×10×10
        ("S4", nn.AvgPool2d(2)),  # 16×5×5
        ("C5", nn.Sequential(nn.Conv2d(16, 120, 5), nn.Tanh())),  # 120×1×1
        ("flatten", nn.Flatten()),
        ("F6", nn.Sequential(nn.Linear(120, 84), nn.Tanh())),
        ("output", nn.Linear(84, 10)),
    )


def _conv_relu(cin: int, cout: int, k: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding), nn.ReLU(inplace=True))


def _fc(cin: int, cout: int, dropout: float = 0.5) -> nn.Sequential:
    return nn.Sequential(nn.Dropout(dropout), nn.Linear(cin, cout), nn.ReLU(inplace=True))


def alexnet() -> nn.Sequential:
    """Krizhevsky et al. (2012), in torchvision's single-GPU variant (Krizhevsky 2014, "one weird trick")."""
    return _seq(
        ("conv1", _conv_relu(3, 64, 11, 4, 2)), ("pool1", nn.MaxPool2d(3, 2)),
        ("conv2", _conv_relu(64, 192, 5, padding=2)), ("pool2", nn.MaxPool2d(3, 2)),
        ("conv3", _conv_relu(192, 384, 3, padding=1)),
        ("conv4", _conv_relu(384, 256, 3, padding=1)),
        ("conv5", _conv_relu(256, 256, 3, padding=1)), ("pool5", nn.MaxPool2d(3, 2)),
        ("avgpool", nn.AdaptiveAvgPool2d(6)), ("flatten", nn.Flatten()),
        ("fc6", _fc(256 * 6 * 6, 4096)), ("fc7", _fc(4096, 4096)), ("fc8", nn.Linear(4096, 1000)),
    )


def vgg16() -> nn.Sequential:
    """Simonyan & Zisserman (2014), configuration D: thirteen 3×3 convolutions, five 2×2 poolings."""
    blocks: list[tuple[str, nn.Module]] = []
    cin = 3
    for stage, (width, repeats) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
        for i in range(1, repeats + 1):
            blocks.append((f"conv{stage}_{i}", _conv_relu(cin, width, 3, padding=1)))
            cin = width
        blocks.append((f"pool{stage}", nn.MaxPool2d(2, 2)))
    blocks += [("avgpool", nn.AdaptiveAvgPool2d(7)), ("flatten", nn.Flatten()),
               ("fc6", nn.Sequential(nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5))),
               ("fc7", nn.Sequential(nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5))),
               ("fc8", nn.Linear(4096, 1000))]
    return _seq(*blocks)


def _conv_bn(cin: int, cout: int, k: int, stride: int = 1, padding: int = 0, *, groups: int = 1,
             act: type[nn.Module] | None = nn.ReLU, eps: float = 1e-5) -> nn.Sequential:
    """Convolution without bias (batch norm's shift replaces it), batch norm, then an optional activation."""
    layers = [nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=eps)]
    if act is not None:
        layers.append(act(inplace=True))
    return nn.Sequential(*layers)


class Inception(nn.Module):
    """Four parallel branches concatenated along channels: 1×1 | 1×1→3×3 | 1×1→k×k | 3×3 max-pool→1×1.

    The 1×1 convolutions first shrink the channels ("reduce"), so the wide 3×3 and k×k filters are cheap
    (Szegedy et al., "Going deeper with convolutions", 2015).
    """

    def __init__(self, cin: int, c1: int, c3_reduce: int, c3: int, c5_reduce: int, c5: int, pool_proj: int,
                 wide_kernel: int = 3):
        super().__init__()
        basic = functools.partial(_conv_bn, eps=1e-3)
        self.channels = (c1, c3_reduce, c3, c5_reduce, c5, pool_proj)
        self.branch1 = basic(cin, c1, 1)
        self.branch2 = nn.Sequential(basic(cin, c3_reduce, 1), basic(c3_reduce, c3, 3, padding=1))
        self.branch3 = nn.Sequential(basic(cin, c5_reduce, 1),
                                     basic(c5_reduce, c5, wide_kernel, padding=wide_kernel // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), basic(cin, pool_proj, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


def googlenet(wide_kernel: int = 3) -> nn.Sequential:
    """GoogLeNet / Inception v1 as in torchvision (batch-normalised convolutions, no auxiliary heads)."""
    basic = functools.partial(_conv_bn, eps=1e-3)
    pool = functools.partial(nn.MaxPool2d, ceil_mode=True)
    inc = functools.partial(Inception, wide_kernel=wide_kernel)
    return _seq(
        ("conv1", basic(3, 64, 7, 2, 3)), ("pool1", pool(3, 2)),
        ("conv2", basic(64, 64, 1)), ("conv3", basic(64, 192, 3, padding=1)), ("pool2", pool(3, 2)),
        ("inception3a", inc(192, 64, 96, 128, 16, 32, 32)), ("inception3b", inc(256, 128, 128, 192, 32, 96, 64)),
        ("pool3", pool(3, 2)),
        ("inception4a", inc(480, 192, 96, 208, 16, 48, 64)), ("inception4b", inc(512, 160, 112, 224, 24, 64, 64)),
        ("inception4c", inc(512, 128, 128, 256, 24, 64, 64)), ("inception4d", inc(512, 112, 144, 288, 32, 64, 64)),
        ("inception4e", inc(528, 256, 160, 320, 32, 128, 128)), ("pool4", pool(2, 2)),
        ("inception5a", inc(832, 256, 160, 320, 32, 128, 128)),
        ("inception5b", inc(832, 384, 192, 384, 48, 128, 128)),
        ("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc", nn.Sequential(nn.Dropout(0.2), nn.Linear(1024, 1000))),
    )


class InvertedResidual(nn.Module):
    """Expand with 1×1 (×t), filter with a depthwise 3×3, project back with a linear 1×1; add the input if
    the shapes allow.

    Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks" (2018).
    """

    def __init__(self, cin: int, cout: int, stride: int, expand: int):
        super().__init__()
        hidden = cin * expand
        self.expand, self.stride = expand, stride
        layers = [] if expand == 1 else [_conv_bn(cin, hidden, 1, act=nn.ReLU6)]
        layers += [_conv_bn(hidden, hidden, 3, stride, 1, groups=hidden, act=nn.ReLU6),  # depthwise
                   _conv_bn(hidden, cout, 1, act=None)]  # linear bottleneck: no activation
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x) if self.residual else self.block(x)


def mobilenetv2() -> nn.Sequential:
    blocks: list[tuple[str, nn.Module]] = [("conv_stem", _conv_bn(3, 32, 3, 2, 1, act=nn.ReLU6))]
    cin, index = 32, 1
    # (expansion t, output channels c, repeats n, first stride s) — Table 2 of the paper
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            blocks.append((f"block{index}", InvertedResidual(cin, c, s if i == 0 else 1, t)))
            cin, index = c, index + 1
    blocks += [("conv_last", _conv_bn(cin, 1280, 1, act=nn.ReLU6)), ("avgpool", nn.AdaptiveAvgPool2d(1)),
               ("flatten", nn.Flatten()), ("fc", nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000)))]
    return _seq(*blocks)


BUILDERS = {"lenet5": lenet5, "alexnet": alexnet, "vgg16": vgg16, "googlenet": googlenet, "mobilenetv2": mobilenetv2}


def build(name: str) -> nn.Sequential:
    """The model on the meta device: real modules and shapes, no memory for weights."""
    with torch.device("meta"):
        return BUILDERS[name]()


@dataclass(frozen=True)
class LayerRow:
    name: str
    kind: str  # "conv", "depthwise", "linear", "maxpool", "avgpool", "adaptive_avgpool", "flatten",
    #            "inception" or "inverted_residual" (the UI words them)
    settings: tuple[tuple[str, int], ...]  # e.g. (("cin", 3), ("cout", 64), ("k", 11), ("s", 4), ("p", 2))
    shape: tuple[int, ...]  # output shape of one image (C, H, W) or (features,)
    params: int
    macs: int  # multiply-accumulates of its convolutions and linear layers


def _describe(block: nn.Module) -> tuple[str, dict[str, int]]:
    """The block's kind and settings, from its main layer."""
    if isinstance(block, Inception):
        return "inception", dict(zip(("c1", "c3r", "c3", "c5r", "c5", "pool"), block.channels))
    if isinstance(block, InvertedResidual):
        return "inverted_residual", {"t": block.expand, "s": block.stride, "residual": int(block.residual)}
    leaves = [m for m in block.modules() if not list(m.children())] or [block]
    main = next((m for m in leaves if isinstance(m, (nn.Conv2d, nn.Linear))), leaves[0])
    if isinstance(main, nn.Conv2d):
        kind = "depthwise" if main.groups > 1 else "conv"
        return kind, {"cin": main.in_channels, "cout": main.out_channels, "k": main.kernel_size[0],
                      "s": main.stride[0], "p": main.padding[0]}
    if isinstance(main, nn.Linear):
        return "linear", {"cin": main.in_features, "cout": main.out_features}
    if isinstance(main, (nn.MaxPool2d, nn.AvgPool2d)):
        kind = "maxpool" if isinstance(main, nn.MaxPool2d) else "avgpool"
        return kind, {"k": int(main.kernel_size), "s": int(main.stride)}
    if isinstance(main, nn.AdaptiveAvgPool2d):
        return "adaptive_avgpool", {"size": int(main.output_size)}
    return "flatten", {}


def _leaf_macs(module: nn.Module, inputs, output: torch.Tensor) -> int:
    per_image = output[0].numel()
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return per_image * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return per_image * module.in_features
    return 0


@functools.lru_cache(maxsize=8)
def layer_table(name: str) -> tuple[LayerRow, ...]:
    """One row per block of model `name`: output shape, parameters, MACs — from a forward pass on meta."""
    model = build(name).eval()
    shapes: dict[str, tuple[int, ...]] = {}
    macs: dict[str, int] = {}
    hooks = []
    for block_name, block in model.named_children():
        macs[block_name] = 0
        hooks.append(block.register_forward_hook(
            lambda _m, _i, out, n=block_name: shapes.__setitem__(n, tuple(out.shape[1:]))))
        for leaf in block.modules():
            if isinstance(leaf, (nn.Conv2d, nn.Linear)):
                hooks.append(leaf.register_forward_hook(
                    lambda m, i, out, n=block_name: macs.__setitem__(n, macs[n] + _leaf_macs(m, i, out))))
    with torch.no_grad():
        model(torch.empty(1, *INPUT_SHAPES[name], device="meta"))
    for hook in hooks:
        hook.remove()
    rows = []
    for block_name, block in model.named_children():
        kind, settings = _describe(block)
        rows.append(LayerRow(block_name, kind, tuple(settings.items()), shapes[block_name],
                             sum(p.numel() for p in block.parameters()), macs[block_name]))
    return tuple(rows)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@dataclass(frozen=True)
class Cost:
    params: int  # weights (biases left out: they do not change the comparison)
    macs: int  # multiply-accumulates on an H×W map


def inception_cost(cin: int, reduce: int, cout: int, k: int, height: int, width: int) -> tuple[Cost, Cost]:
    """A k×k convolution cin→cout straight away, versus a 1×1 reduction to `reduce` channels first."""
    direct = cin * cout * k * k
    reduced = cin * reduce + reduce * cout * k * k
    return Cost(direct, direct * height * width), Cost(reduced, reduced * height * width)


def separable_cost(cin: int, cout: int, k: int, height: int, width: int) -> tuple[Cost, Cost]:
    """A standard k×k convolution cin→cout versus depthwise k×k (one filter per channel) + pointwise 1×1.

    Ratio = 1/cout + 1/k² (Howard et al., MobileNets, 2017).
    """
    standard = k * k * cin * cout
    separable = k * k * cin + cin * cout
    return Cost(standard, standard * height * width), Cost(separable, separable * height * width)
