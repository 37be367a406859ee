"""NumPy neural-network layers with torch.nn's names, built on :mod:`helpers.ops` (lesson 10).

A student can read this package end to end: every layer is a forward that
calls an op and a backward that calls the op's backward function.

- :mod:`~helpers.nn.module`: ``Parameter`` (``.data``, ``.grad``) and ``Module``
  (``module(input)`` runs the forward; ``module.backward(grad_output)``
  returns ``grad_input`` and adds the parameters' gradients to ``.grad``;
  ``parameters()``, ``zero_grad()``);
- :mod:`~helpers.nn.layers`: ``Conv2d``, ``Linear``, ``ReLU``, ``Sigmoid``,
  ``MaxPool2d``, ``AvgPool2d``, ``Flatten``;
- :mod:`~helpers.nn.container`: ``Sequential``; :mod:`~helpers.nn.loss`:
  ``CrossEntropyLoss`` (``loss_fn.backward()`` is the gradient with respect to
  the logits); :mod:`~helpers.nn.optim`: ``SGD`` with torch's rule;
- :mod:`~helpers.nn.init`: torch's default initialisation and He/Glorot;
- :mod:`~helpers.nn.bridge`: ``lenet5`` and ``to_torch`` (the same net in torch).

>>> import numpy as np
>>> from helpers import nn
>>> net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3, rng=0))
>>> loss_fn = nn.CrossEntropyLoss()
>>> optimizer = nn.SGD(net.parameters(), lr=0.1, momentum=0.9)
>>> x, y = np.ones((2, 1, 2, 2), dtype=np.float32), np.array([0, 2])
>>> loss = loss_fn(net(x), y)
>>> optimizer.zero_grad()
>>> _ = net.backward(loss_fn.backward())
>>> optimizer.step()
>>> bool(loss_fn(net(x), y) < loss)
True
"""
from . import init
from .bridge import lenet5, to_torch
from .container import Sequential
from .layers import AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sigmoid
from .loss import CrossEntropyLoss, log_softmax
from .module import Module, Parameter
from .optim import SGD

__all__ = [
    "Parameter",
    "Module",
    "Conv2d",
    "Linear",
    "ReLU",
    "Sigmoid",
    "MaxPool2d",
    "AvgPool2d",
    "Flatten",
    "Sequential",
    "CrossEntropyLoss",
    "log_softmax",
    "SGD",
    "init",
    "lenet5",
    "to_torch",
]
