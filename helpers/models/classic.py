"""The classic CNN architectures, built from :mod:`helpers.models.blocks` (lesson 07).

==============  ====  =====================================  ===========================
builder         year  paper                                  parameters (1000 classes)
==============  ====  =====================================  ===========================
lenet5()        1998  LeCun et al., Proc. IEEE               61,706 (1x28x28 -> 10)
alexnet()       2012  Krizhevsky et al., NeurIPS             61,100,840 (torchvision)
nin()           2014  Lin et al., ICLR                       7,439,608 (see :func:`nin`)
vgg16()         2015  Simonyan & Zisserman, ICLR             138,357,544
googlenet()     2015  Szegedy et al., CVPR                   6,624,904 (torchvision)
resnet18()      2016  He et al., CVPR                        11,689,512
==============  ====  =====================================  ===========================

The ImageNet networks map (N, 3, 224, 224) -> (N, num_classes) logits and
follow torchvision's layer layout, so their parameter counts equal those of
torchvision's model documentation. ``alexnet(variant="paper")`` and
``googlenet(variant="paper")`` build the papers' own layouts instead (two-GPU
grouped convolutions and 96 first-layer filters; 5x5 convs in the Inception
blocks and no batch norm), whose counts differ; lesson 07 shows by which layers.

>>> import torch
>>> resnet18(num_classes=5, seed=0)(torch.zeros(2, 3, 224, 224)).shape
torch.Size([2, 5])
"""
from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from .blocks import Inception, ResidualBlock, conv_bn_relu, conv_relu, nin_block, vgg_block

__all__ = ["lenet5", "alexnet", "vgg16", "nin", "googlenet", "resnet18", "digit_resnet"]


def _start(fn, num_classes, seed, variant=None, variants=None):
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"{fn}: num_classes must be a positive int; got {num_classes!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"{fn}: seed must be an int or None; got {type(seed).__name__}")
    if variants is not None and variant not in variants:
        raise ValueError(f"{fn}: variant must be one of {list(variants)}; got {variant!r}")
    if seed is not None:
        torch.manual_seed(seed)


def lenet5(num_classes: int = 10, activation: str = "tanh", seed=None) -> nn.Sequential:
    """LeNet-5 in its common variant, for (N, 1, 28, 28) digits -> (N, num_classes).

    conv1 (6 5x5 filters, padding 2: 28x28) -> pool1 (2x2 average: 14x14) ->
    conv2 (16 5x5: 10x10) -> pool2 (5x5) -> fc1 (400 -> 120) -> fc2 (120 -> 84)
    -> fc3 (84 -> num_classes); 61,706 parameters for 10 classes. The 1998
    paper's 32x32 input is replaced by padding; its trainable subsampling and
    partial C3 connections by plain average pooling and full connections.

    Args:
        activation: "tanh" (the paper's squashing), "relu" or "sigmoid".
    """
    _start("lenet5", num_classes, seed)
    acts = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
    if activation not in acts:
        raise ValueError(f"lenet5: activation must be one of {list(acts)}; got {activation!r}")
    act = acts[activation]
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 6, 5, padding=2)), ("act1", act()), ("pool1", nn.AvgPool2d(2)),
        ("conv2", nn.Conv2d(6, 16, 5)), ("act2", act()), ("pool2", nn.AvgPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(16 * 5 * 5, 120)), ("act3", act()),
        ("fc2", nn.Linear(120, 84)), ("act4", act()),
        ("fc3", nn.Linear(84, num_classes)),
    ]))


def _classifier(in_features, num_classes, dropout_first):
    drop = lambda: nn.Dropout(0.5)  # noqa: E731
    if dropout_first:  # AlexNet: dropout before each of the first two linear layers
        return nn.Sequential(drop(), nn.Linear(in_features, 4096), nn.ReLU(inplace=True),
                             drop(), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))
    return nn.Sequential(nn.Linear(in_features, 4096), nn.ReLU(inplace=True), drop(),
                         nn.Linear(4096, 4096), nn.ReLU(inplace=True), drop(), nn.Linear(4096, num_classes))


def alexnet(num_classes: int = 1000, variant: str = "torchvision", seed=None) -> nn.Sequential:
    """AlexNet: five conv layers and three linear ones; (N, 3, 224, 224) -> (N, num_classes).

    ``variant="torchvision"`` (default): the one-GPU layout of torchvision
    (after Krizhevsky 2014, "One weird trick"), 64-192-384-256-256 filters,
    61,100,840 parameters. ``variant="paper"``: the 2012 paper's 96-256-384-
    384-256 filters, conv2, conv4 and conv5 split in two groups (one per GPU)
    and local response normalisation after conv1 and conv2.
    """
    _start("alexnet", num_classes, seed, variant, ("torchvision", "paper"))
    pool = lambda: nn.MaxPool2d(3, 2)  # noqa: E731 - overlapping pooling
    if variant == "torchvision":
        features = [conv_relu(3, 64, 11, 4, 2), pool(), conv_relu(64, 192, 5, padding=2), pool(),
                    conv_relu(192, 384, 3, padding=1), conv_relu(384, 256, 3, padding=1),
                    conv_relu(256, 256, 3, padding=1), pool()]
    else:
        lrn = lambda: nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)  # noqa: E731
        features = [conv_relu(3, 96, 11, 4, 2), lrn(), pool(), conv_relu(96, 256, 5, padding=2, groups=2), lrn(), pool(),
                    conv_relu(256, 384, 3, padding=1), conv_relu(384, 384, 3, padding=1, groups=2),
                    conv_relu(384, 256, 3, padding=1, groups=2), pool()]
    return nn.Sequential(OrderedDict([
        ("features", nn.Sequential(*features)),
        ("avgpool", nn.AdaptiveAvgPool2d((6, 6))),
        ("flatten", nn.Flatten()),
        ("classifier", _classifier(256 * 6 * 6, num_classes, dropout_first=True)),
    ]))


def vgg16(num_classes: int = 1000, seed=None) -> nn.Sequential:
    """VGG-16 (configuration D): five VGG blocks of 2, 2, 3, 3, 3 convs (64, 128,
    256, 512, 512 channels), then three linear layers; 138,357,544 parameters.
    (N, 3, 224, 224) -> (N, num_classes)."""
    _start("vgg16", num_classes, seed)
    plan = [(2, 3, 64), (2, 64, 128), (3, 128, 256), (3, 256, 512), (3, 512, 512)]
    return nn.Sequential(OrderedDict([
        ("features", nn.Sequential(*[vgg_block(*p) for p in plan])),
        ("avgpool", nn.AdaptiveAvgPool2d((7, 7))),
        ("flatten", nn.Flatten()),
        ("classifier", _classifier(512 * 7 * 7, num_classes, dropout_first=False)),
    ]))


def nin(num_classes: int = 1000, in_channels: int = 3, seed=None) -> nn.Sequential:
    """Network in Network for ImageNet: four NiN blocks with AlexNet's widths
    (96, 256, 384, then ``num_classes``), 3x3 max-pools between them, and
    global average pooling instead of linear layers (Lin et al. 2014; the
    layout of d2l.ai's NiN). (N, in_channels, 224, 224) -> (N, num_classes).

    The paper gives no ImageNet parameter count, so there is no published
    figure to match: for 1000 classes this layout has 7,439,608 parameters,
    5,459,000 of them in the last block (a 3x3 conv to 1000 channels and two
    1000x1000 1x1 convs).
    """
    _start("nin", num_classes, seed)
    if isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1:
        raise ValueError(f"nin: in_channels must be a positive int; got {in_channels!r}")
    return nn.Sequential(OrderedDict([
        ("block1", nin_block(in_channels, 96, 11, stride=4)), ("pool1", nn.MaxPool2d(3, 2)),
        ("block2", nin_block(96, 256, 5, padding=2)), ("pool2", nn.MaxPool2d(3, 2)),
        ("block3", nin_block(256, 384, 3, padding=1)), ("pool3", nn.MaxPool2d(3, 2)),
        ("dropout", nn.Dropout(0.5)),
        ("block4", nin_block(384, num_classes, 3, padding=1)),
        ("gap", nn.AdaptiveAvgPool2d(1)),
        ("flatten", nn.Flatten()),
    ]))


#: GoogLeNet's nine Inception blocks: (name, in, c1, c3_reduce, c3, c5_reduce, c5, pool_proj), Szegedy et al. Table 1.
INCEPTIONS = [
    ("inception3a", 192, 64, 96, 128, 16, 32, 32), ("inception3b", 256, 128, 128, 192, 32, 96, 64),
    ("inception4a", 480, 192, 96, 208, 16, 48, 64), ("inception4b", 512, 160, 112, 224, 24, 64, 64),
    ("inception4c", 512, 128, 128, 256, 24, 64, 64), ("inception4d", 512, 112, 144, 288, 32, 64, 64),
    ("inception4e", 528, 256, 160, 320, 32, 128, 128),
    ("inception5a", 832, 256, 160, 320, 32, 128, 128), ("inception5b", 832, 384, 192, 384, 48, 128, 128),
]


def googlenet(num_classes: int = 1000, variant: str = "torchvision", seed=None) -> nn.Sequential:
    """GoogLeNet (Inception v1) without the auxiliary classifiers: (N, 3, 224, 224) -> (N, num_classes).

    ``variant="torchvision"`` (default): torchvision's layout, every conv
    followed by batch norm, the "5x5" branch built with a 3x3 conv;
    6,624,904 parameters. ``variant="paper"``: the 2015 paper's 5x5 convs and
    biases, no batch norm (the paper's local response normalisation is left out).
    """
    _start("googlenet", num_classes, seed, variant, ("torchvision", "paper"))
    bn = variant == "torchvision"
    k = 3 if bn else 5
    pool = lambda s=3: nn.MaxPool2d(s, 2, ceil_mode=True)  # noqa: E731
    layers = [("conv1", conv_bn_relu(3, 64, 7, 2, 3, batch_norm=bn)), ("maxpool1", pool()),
              ("conv2", conv_bn_relu(64, 64, 1, batch_norm=bn)), ("conv3", conv_bn_relu(64, 192, 3, padding=1, batch_norm=bn)),
              ("maxpool2", pool())]
    for name, *sizes in INCEPTIONS:
        layers.append((name, Inception(*sizes, branch3_kernel=k, batch_norm=bn)))
        if name == "inception3b":
            layers.append(("maxpool3", pool()))
        if name == "inception4e":
            layers.append(("maxpool4", pool(2)))
    layers += [("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("dropout", nn.Dropout(0.2)),
               ("fc", nn.Linear(1024, num_classes))]
    return nn.Sequential(OrderedDict(layers))


def resnet18(num_classes: int = 1000, seed=None) -> nn.Sequential:
    """ResNet-18: a 7x7 stem, four stages of two residual blocks (64, 128, 256,
    512 channels; stages 2-4 halve H and W), global average pooling and one
    linear layer; 11,689,512 parameters. (N, 3, 224, 224) -> (N, num_classes)."""
    _start("resnet18", num_classes, seed)
    stages = []
    for i, (c_in, c_out) in enumerate([(64, 64), (64, 128), (128, 256), (256, 512)]):
        stride = 1 if i == 0 else 2
        stages.append((f"layer{i + 1}", nn.Sequential(ResidualBlock(c_in, c_out, stride), ResidualBlock(c_out, c_out))))
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(3, 64, 7, 2, 3, bias=False)), ("bn1", nn.BatchNorm2d(64)), ("relu", nn.ReLU(inplace=True)),
        ("maxpool", nn.MaxPool2d(3, 2, 1)),
        *stages,
        ("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc", nn.Linear(512, num_classes)),
    ]))


def digit_resnet(num_blocks: int = 8, channels: int = 8, shortcut: bool = True, num_classes: int = 10,
                 in_channels: int = 1, seed=None) -> nn.Sequential:
    """A small ResNet for (N, in_channels, H, W) digits, or the plain net of the same depth (lesson 07).

    stem (3x3 conv, batch norm, ReLU, 4x4 max-pool: 28x28 -> 7x7) -> ``num_blocks`` residual
    blocks of ``channels`` channels (``shortcut=False``: the same blocks
    without the addition) -> global average pooling -> linear. Depth
    (weight layers on the longest path): 2 ``num_blocks`` + 2.
    """
    _start("digit_resnet", num_classes, seed)
    for name, value in (("num_blocks", num_blocks), ("channels", channels), ("in_channels", in_channels)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"digit_resnet: {name} must be a positive int; got {value!r}")
    body = [(f"block{i + 1}", ResidualBlock(channels, channels, shortcut=shortcut)) for i in range(num_blocks)]
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(in_channels, channels, 3, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(channels)),
        ("relu", nn.ReLU(inplace=True)), ("pool", nn.MaxPool2d(4)),
        *body,
        ("avgpool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(channels, num_classes)),
    ]))

