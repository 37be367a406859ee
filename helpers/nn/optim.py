"""``SGD`` with torch's update rule (lesson 10).

For each parameter ``p`` with gradient ``g`` (plus ``weight_decay * p``)::

    momentum == 0:   p -= lr * g
    momentum > 0:    buf = g                                    (first step)
                     buf = momentum * buf + (1 - dampening) * g  (later steps)
                     p -= lr * (g + momentum * buf if nesterov else buf)

(torch.optim.SGD's documentation; note that torch, unlike some textbooks, puts
``lr`` outside the buffer.)

>>> from helpers.nn import Parameter
>>> p = Parameter(np.array([1.0])); p.grad = np.array([2.0])
>>> opt = SGD([p], lr=0.1, momentum=0.9)
>>> opt.step(); opt.step(); p.data
array([0.42])
"""
from __future__ import annotations

import numpy as np

__all__ = ["SGD"]


class SGD:
    """``torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)``."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params = list(params)
        if not self.params:
            raise ValueError("SGD: params is empty; pass model.parameters()")
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"SGD: {name} must be a non-negative number; got {value!r}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")
        self.lr, self.momentum, self.dampening = float(lr), float(momentum), float(dampening)
        self.weight_decay, self.nesterov = float(weight_decay), bool(nesterov)
        self.buffers = [None] * len(self.params)

    def zero_grad(self):
        """``.grad = None`` for every parameter (torch's default, ``set_to_none=True``)."""
        for p in self.params:
            p.grad = None

    def step(self):
        """One update of every parameter that has a gradient."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            if self.momentum:
                buf = self.buffers[i]
                if buf is None:
                    buf = self.buffers[i] = np.array(g, copy=True)
                else:
                    buf *= self.momentum
                    buf += (1 - self.dampening) * g
                g = g + self.momentum * buf if self.nesterov else buf
            p.data -= self.lr * g
