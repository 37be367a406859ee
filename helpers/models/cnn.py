"""The lesson-06 CNN: two typical layers (conv -> ReLU -> max-pool) and a
linear classifier, for 1x28x28 digits.

Its layers are named so that a student, a widget or a hook can reach each
stage: ``conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc``.

Shapes for the default ``channels=(8, 16)``, (N, C, H, W)::

    input (N, 1, 28, 28) -> conv1 (N, 8, 28, 28) -> pool1 (N, 8, 14, 14)
    -> conv2 (N, 16, 14, 14) -> pool2 (N, 16, 7, 7) -> flatten (N, 784) -> fc (N, 10)

>>> model = digit_cnn(seed=0)
>>> [name for name, _ in model.named_children()]
['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc']
>>> sum(p.numel() for p in model.parameters())
9098
"""
from __future__ import annotations

__all__ = ["digit_cnn"]


def digit_cnn(channels=(8, 16), kernel_size: int = 3, num_classes: int = 10, image_size: int = 28, seed=None):
    """Conv(k, padding k//2) -> ReLU -> MaxPool(2), twice, then Flatten -> Linear.

    Args:
        channels: output channels of ``conv1`` and ``conv2``.
        kernel_size: an odd int; padding ``kernel_size // 2`` keeps H and W.
        num_classes: outputs of ``fc``.
        image_size: H = W of the (1, H, W) input; must be divisible by 4.
        seed: when given, ``torch.manual_seed(seed)`` first (reproducible weights).
    """
    from collections import OrderedDict

    import torch
    from torch import nn

    try:
        c1, c2 = (int(c) for c in channels)
    except (TypeError, ValueError):
        raise TypeError(f"digit_cnn: channels must be a pair of ints; got {channels!r}") from None
    for name, value in (("kernel_size", kernel_size), ("num_classes", num_classes), ("image_size", image_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"digit_cnn: {name} must be a positive int; got {value!r}")
    if min(c1, c2) < 1:
        raise ValueError(f"digit_cnn: channels must be positive; got {channels!r}")
    if kernel_size % 2 == 0:
        raise ValueError(f"digit_cnn: kernel_size must be odd (padding kernel_size // 2 keeps the size); got {kernel_size}")
    if image_size % 4:
        raise ValueError(f"digit_cnn: image_size must be divisible by 4 (two 2x2 poolings); got {image_size}")
    if seed is not None:
        torch.manual_seed(seed)
    p = kernel_size // 2
    side = image_size // 4
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, c1, kernel_size, padding=p)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(c1, c2, kernel_size, padding=p)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(c2 * side * side, num_classes)),
    ]))
