"""The course's building blocks for the classic architectures (lesson 07).

Each block is a small ``torch.nn`` module (or a function returning an
``nn.Sequential``) whose layer layout follows torchvision's models, so that
the networks of :mod:`helpers.models.classic` have exactly torchvision's
parameter counts.

- :func:`conv_relu`: Conv2d -> ReLU, the unit of AlexNet and VGG.
- :func:`vgg_block`: ``num_convs`` 3x3 conv-ReLU layers, then a 2x2 max-pool
  (Simonyan & Zisserman 2015).
- :func:`nin_block`: a conv followed by two 1x1 convs, each with a ReLU
  (Lin et al. 2014, "Network in Network").
- :class:`Inception`: four parallel branches concatenated along channels
  (Szegedy et al. 2015, GoogLeNet).
- :class:`ResidualBlock`: two 3x3 convs with batch norm and a shortcut,
  ``relu(F(x) + shortcut(x))`` (He et al. 2016); ``shortcut=False`` gives
  the plain block of the same depth.

Shapes are (N, C_in, H, W) -> (N, C_out, H_out, W_out).

>>> import torch
>>> block = ResidualBlock(64, 128, stride=2)
>>> tuple(block(torch.zeros(2, 64, 56, 56)).shape)
(2, 128, 28, 28)
"""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["conv_relu", "vgg_block", "nin_block", "conv_bn_relu", "Inception", "ResidualBlock"]


def _positive_int(fn, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{fn}: {name} must be a positive int; got {value!r}")


def conv_relu(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
              groups: int = 1) -> nn.Sequential:
    """Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups) -> ReLU(inplace).

    (N, C_in, H, W) -> (N, C_out, H_out, W_out), H_out = floor((H + 2 padding - kH) / stride) + 1.

    >>> conv_relu(3, 64, 11, stride=4, padding=2)(torch.zeros(1, 3, 224, 224)).shape
    torch.Size([1, 64, 55, 55])
    """
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel_size", kernel_size),
                        ("stride", stride), ("groups", groups)):
        _positive_int("conv_relu", name, value)
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=groups),
                         nn.ReLU(inplace=True))


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """``num_convs`` x (3x3 conv, padding 1 -> ReLU), then MaxPool2d(2): halves H and W.

    Parameters: 9 C_in C_out + C_out for the first conv, 9 C_out^2 + C_out for the others.

    >>> sum(p.numel() for p in vgg_block(2, 64, 128).parameters())
    221440
    """
    for name, value in (("num_convs", num_convs), ("in_channels", in_channels), ("out_channels", out_channels)):
        _positive_int("vgg_block", name, value)
    layers = []
    for i in range(num_convs):
        layers += [nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, 3, padding=1), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers, nn.MaxPool2d(2))


def nin_block(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    """A conv, then two 1x1 convs (a small MLP shared across positions), each followed by a ReLU.

    >>> nin_block(3, 96, 11, stride=4)(torch.zeros(1, 3, 224, 224)).shape
    torch.Size([1, 96, 54, 54])
    """
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("kernel_size", kernel_size),
                        ("stride", stride)):
        _positive_int("nin_block", name, value)
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
    )


def conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
                 batch_norm: bool = True) -> nn.Sequential:
    """GoogLeNet's unit: Conv2d (no bias) -> BatchNorm2d(eps=0.001) -> ReLU, as torchvision's
    ``BasicConv2d``; ``batch_norm=False``: Conv2d with bias -> ReLU, as in the paper."""
    conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=not batch_norm)
    if batch_norm:
        return nn.Sequential(conv, nn.BatchNorm2d(out_channels, eps=0.001), nn.ReLU(inplace=True))
    return nn.Sequential(conv, nn.ReLU(inplace=True))


class Inception(nn.Module):
    """The Inception block: four branches on the same input, concatenated along channels.

    1. 1x1 conv to ``c1`` channels;
    2. 1x1 conv to ``c3_reduce``, then 3x3 conv to ``c3``;
    3. 1x1 conv to ``c5_reduce``, then a ``branch3_kernel`` conv to ``c5``
       (the paper: 5x5; torchvision's GoogLeNet: 3x3, whose counts we match);
    4. 3x3 max-pool (stride 1), then 1x1 conv to ``pool_proj``.

    (N, C_in, H, W) -> (N, c1 + c3 + c5 + pool_proj, H, W).

    >>> block = Inception(192, 64, 96, 128, 16, 32, 32)
    >>> block(torch.zeros(1, 192, 28, 28)).shape
    torch.Size([1, 256, 28, 28])
    """

    def __init__(self, in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj, branch3_kernel: int = 3,
                 batch_norm: bool = True):
        super().__init__()
        for name, value in (("in_channels", in_channels), ("c1", c1), ("c3_reduce", c3_reduce), ("c3", c3),
                            ("c5_reduce", c5_reduce), ("c5", c5), ("pool_proj", pool_proj)):
            _positive_int("Inception", name, value)
        if branch3_kernel not in (3, 5):
            raise ValueError(f"Inception: branch3_kernel must be 3 (torchvision) or 5 (the paper); got {branch3_kernel!r}")
        unit = lambda *a, **k: conv_bn_relu(*a, batch_norm=batch_norm, **k)  # noqa: E731
        self.branch1 = unit(in_channels, c1, 1)
        self.branch2 = nn.Sequential(unit(in_channels, c3_reduce, 1), unit(c3_reduce, c3, 3, padding=1))
        self.branch3 = nn.Sequential(unit(in_channels, c5_reduce, 1),
                                     unit(c5_reduce, c5, branch3_kernel, padding=branch3_kernel // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True), unit(in_channels, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=1)


class ResidualBlock(nn.Module):
    """ResNet's basic block: ``relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``.

    conv1 is 3x3 with ``stride``, conv2 3x3, both without bias (batch norm
    follows). When the shape changes (``stride != 1`` or ``in_channels !=
    out_channels``) the shortcut is a 1x1 conv with that stride and a batch
    norm (torchvision's ``downsample``), so that it matches the main path's
    (N, out_channels, H_out, W_out); otherwise it is the identity.
    ``shortcut=False``: the plain block (no addition), for comparison.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, shortcut: bool = True):
        super().__init__()
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels), ("stride", stride)):
            _positive_int("ResidualBlock", name, value)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = bool(shortcut)
        self.downsample = None
        if self.shortcut and (stride != 1 or in_channels != out_channels):
            self.downsample = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                            nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        if self.shortcut:
            out = out + (x if self.downsample is None else self.downsample(x))
        return self.relu(out)
