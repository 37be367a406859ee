"""The base of :mod:`helpers.nn`: :class:`Parameter` and :class:`Module` (lesson 10).

A module is called on an input to run its forward (``output = layer(input)``)
and keeps what its backward needs; ``grad_input = layer.backward(grad_output)``
then returns the loss's gradient with respect to that input and *adds* the
gradients of the module's parameters to their ``.grad`` (as torch's autograd
accumulates them; :meth:`Module.zero_grad` or the optimiser's ``zero_grad``
clears them).

>>> from helpers.nn import Linear
>>> layer = Linear(3, 2, rng=np.random.default_rng(0))
>>> [tuple(p.data.shape) for p in layer.parameters()]
[(2, 3), (2,)]
"""
from __future__ import annotations

import numpy as np

__all__ = ["Parameter", "Module"]


class Parameter:
    """A learnable array: ``.data`` (the values) and ``.grad`` (None until a
    backward adds a gradient of the same shape), as ``torch.nn.Parameter``."""

    def __init__(self, data):
        self.data = np.asarray(data)
        self.grad = None

    @property
    def shape(self):
        return self.data.shape

    def accumulate(self, grad):
        """Add ``grad`` to ``.grad`` (the first gradient is stored, not added)."""
        if grad.shape != self.data.shape:
            raise ValueError(f"Parameter: gradient of shape {grad.shape} for a parameter of shape {self.data.shape}")
        if self.grad is None:
            self.grad = grad.astype(self.data.dtype, copy=True)
        else:
            self.grad += grad

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """A layer or a network: ``forward`` and ``backward`` in NumPy.

    Subclasses implement ``forward(input)`` and ``backward(grad_output)``; a
    module's parameters are the :class:`Parameter` attributes it holds (and
    those of the modules it holds, for containers).
    """

    _params = ()  # attribute names of the module's own parameters, in torch's order

    def __call__(self, input):
        return self.forward(input)

    def forward(self, input):  # pragma: no cover - every layer overrides it
        raise NotImplementedError

    def backward(self, grad_output, input_grad=True):  # pragma: no cover - every layer overrides it
        raise NotImplementedError

    def children(self):
        """The modules this one holds (none for a layer)."""
        return []

    def parameters(self):
        """Every parameter, in torch's order (``weight`` before ``bias``, layer by layer)."""
        params = [getattr(self, name) for name in self._params if getattr(self, name) is not None]
        for child in self.children():
            params.extend(child.parameters())
        return params

    def zero_grad(self):
        """Forget the accumulated gradients (``.grad = None``, torch's default)."""
        for p in self.parameters():
            p.grad = None

    def to(self, dtype):
        """Cast every parameter to ``dtype`` in place (``np.float64`` to compare
        with torch's ``model.double()``); returns the module."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        return self

    def extra_repr(self) -> str:
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"

    # -- shared checks ------------------------------------------------------
    def _remember(self, **saved):
        """Keep what the backward needs (the forward's input, its output's shape)."""
        self._saved = saved

    def _recall(self, grad_output):
        """What the forward kept, after checking that there was a forward and
        that ``grad_output`` has the shape of its output."""
        saved = getattr(self, "_saved", None)
        if saved is None:
            raise ValueError(f"{self!r}.backward: called before forward; call the module on an input first")
        g = np.asarray(grad_output)
        if g.shape != saved["out_shape"]:
            raise ValueError(
                f"{self!r}.backward: grad_output must have the shape of the forward's output "
                f"{saved['out_shape']}; got shape {g.shape}"
            )
        return g, saved

    def _check_input(self, input, ndim: int, what: str, sizes=None):
        """``input`` as a floating array with ``ndim`` dims and the given sizes
        (``{axis: size}``), else a ValueError naming the layer and both shapes."""
        x = np.asarray(input)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        ok = x.ndim == ndim and all(x.shape[axis] == size for axis, size in (sizes or {}).items())
        if not ok:
            raise ValueError(f"{self!r}: expected input of shape {what}; got shape {x.shape}")
        return x
