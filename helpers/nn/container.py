"""``Sequential``: layers run one after another, and their backwards in reverse (lesson 10).

>>> import numpy as np
>>> from helpers.nn import Linear, ReLU
>>> net = Sequential(Linear(4, 3, rng=0), ReLU(), Linear(3, 2, rng=1))
>>> len(net), net[1]
(3, ReLU())
>>> out = net(np.ones((5, 4), dtype=np.float32))
>>> net.backward(np.ones_like(out)).shape
(5, 4)
"""
from __future__ import annotations

from .module import Module

__all__ = ["Sequential"]


class Sequential(Module):
    """``torch.nn.Sequential(*layers)``: ``net(x)`` runs ``layers[0]`` then ``layers[1]`` ...;
    ``net.backward(grad_output)`` runs their backwards from the last to the first, each
    layer's grad_input being the grad_output of the layer before it. Indexable
    (``net[0]``, ``net[-1]``, ``net[2:5]``), with ``len`` and iteration."""

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: layer {i} must be a helpers.nn Module; got {type(layer).__name__}")
        self.layers = list(layers)

    def children(self):
        return list(self.layers)

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        try:
            return self.layers[index]
        except IndexError:
            raise IndexError(f"Sequential: index {index} out of range for {len(self)} layers") from None
        except TypeError:
            raise TypeError(f"Sequential: index must be an int or a slice; got {type(index).__name__}") from None

    def forward(self, input):
        for layer in self.layers:
            input = layer(input)
        return input

    def backward(self, grad_output, input_grad=True):
        """Every layer's backward, last to first; returns grad_input of the first layer.

        ``input_grad=False`` (for a network fed the data itself, whose gradient
        nobody needs; torch skips it likewise for an input that does not
        require grad): the layers before the first one with parameters are
        not run backwards, that one computes only its parameters' gradients,
        and None is returned.
        """
        first = 0
        if not input_grad:
            with_params = [i for i, layer in enumerate(self.layers) if layer.parameters()]
            first = with_params[0] if with_params else len(self.layers)
        for i in range(len(self.layers) - 1, first - 1, -1):
            layer = self.layers[i]
            if i == first and not input_grad:
                return layer.backward(grad_output, input_grad=False)
            grad_output = layer.backward(grad_output)
        return None if not input_grad else grad_output

    def __repr__(self):
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"
