"""The same network in :mod:`helpers.nn` and in ``torch.nn`` (lesson 10).

:func:`lenet5` builds the lesson's LeNet-style CNN in NumPy; :func:`to_torch`
builds the equal ``torch.nn`` network with a copy of the same weights, so the
two can be trained side by side and compared step by step.

>>> net = lenet5(rng=0)
>>> sum(p.data.size for p in net.parameters())
61706
>>> tnet = to_torch(net)
>>> type(tnet).__name__, len(tnet)
('Sequential', 12)
"""
from __future__ import annotations

import numpy as np

from .container import Sequential
from .init import _rng
from .layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sigmoid

__all__ = ["lenet5", "to_torch"]


def lenet5(num_classes: int = 10, rng=None, dtype=np.float32) -> Sequential:
    """A LeNet-5-style CNN for (N, 1, 28, 28) digits, with ReLU and max pooling
    (LeCun et al. 1998 used tanh-like units and subsampling)::

        Conv2d(1, 6, 5, padding=2) ReLU MaxPool2d(2)   (N, 6, 14, 14)
        Conv2d(6, 16, 5)           ReLU MaxPool2d(2)   (N, 16, 5, 5)
        Flatten Linear(400, 120) ReLU Linear(120, 84) ReLU Linear(84, num_classes)

    Weights drawn as torch's defaults from ``rng`` (a Generator or a seed).
    """
    rng = _rng(rng)
    return Sequential(
        Conv2d(1, 6, 5, padding=2, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2),
        Conv2d(6, 16, 5, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2),
        Flatten(),
        Linear(16 * 5 * 5, 120, rng=rng, dtype=dtype), ReLU(),
        Linear(120, 84, rng=rng, dtype=dtype), ReLU(),
        Linear(84, num_classes, rng=rng, dtype=dtype),
    )


def _torch_layer(layer):
    import torch
    from torch import nn

    if isinstance(layer, Sequential):
        return nn.Sequential(*(_torch_layer(child) for child in layer))
    if isinstance(layer, Conv2d):
        out = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                        bias=layer.bias is not None)
    elif isinstance(layer, Linear):
        out = nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None)
    elif isinstance(layer, (MaxPool2d, AvgPool2d)):
        return getattr(nn, type(layer).__name__)(layer.kernel_size, layer.stride, layer.padding)
    elif isinstance(layer, (ReLU, Sigmoid, Flatten)):
        return getattr(nn, type(layer).__name__)()
    else:
        raise TypeError(f"to_torch: no torch.nn counterpart for {type(layer).__name__}")
    dtype = torch.from_numpy(np.zeros(0, dtype=layer.weight.data.dtype)).dtype
    out = out.to(dtype)
    with torch.no_grad():
        out.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.weight.data)))
        if layer.bias is not None:
            out.bias.copy_(torch.from_numpy(np.ascontiguousarray(layer.bias.data)))
    return out


def to_torch(module):
    """The ``torch.nn`` network equal to a :mod:`helpers.nn` one: same layers,
    a copy of the same weights, in the parameters' dtype."""
    return _torch_layer(module)
