"""The multilayer perceptron: its forward pass in NumPy (lesson 01).

A dense (fully connected) layer computes ``x @ weight.T + bias`` with
``weight`` of shape (out_features, in_features), exactly as
``torch.nn.functional.linear`` / ``torch.nn.Linear``. An MLP stacks them with
an activation between layers; the last layer gives one score (logit) per class.

- :func:`linear`, :func:`mlp_forward`: the NumPy forward pass, layer by layer.
- :func:`mlp_parameters`: the weights of a torch MLP
  (:func:`helpers.models.mlp`) back as NumPy arrays.
- :func:`dense_parameter_count`: weights + biases of a first dense layer on a
  flattened image (the measured "problem of MLPs on images").

Training is :func:`helpers.train.fit` (``torch.optim.Adam`` by default).

>>> x = np.array([[1.0, 2.0]])                 # (N=1, in_features=2)
>>> w = np.array([[1.0, -1.0], [0.5, 0.5]])     # (out_features=2, in_features=2)
>>> linear(x, w, np.array([0.0, 1.0]))
array([[-1. ,  2.5]])
"""
from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS

__all__ = [
    "linear",
    "mlp_forward",
    "mlp_parameters",
    "dense_parameter_count",
]

def linear(input, weight, bias=None) -> np.ndarray:
    """A dense layer, ``input @ weight.T + bias``; mirrors ``torch.nn.functional.linear``.

    Args:
        input: (N, in_features) (or (in_features,) for one sample).
        weight: (out_features, in_features).
        bias: (out_features,) or None.

    Returns:
        (N, out_features) (or (out_features,)).
    """
    x, w = np.asarray(input, dtype=np.float64), np.asarray(weight, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be (out_features, in_features); got shape {w.shape}")
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[1]:
        raise ValueError(f"linear: input must be (N, {w.shape[1]}) to match weight {w.shape}; got shape {x.shape}")
    out = x @ w.T
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64)
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: bias must have shape ({w.shape[0]},) to match weight {w.shape}; got {b.shape}")
        out = out + b
    return out


def mlp_forward(x, weights, biases, activation: str = "relu", return_layers: bool = False):
    """Forward pass of an MLP: ``linear -> activation -> ... -> linear`` (no activation at the end).

    Args:
        x: (N, in_features); images (N, H, W) are flattened to (N, H*W) first,
            as ``torch.nn.Flatten`` does.
        weights: list of (out_features, in_features) arrays, one per layer.
        biases: list of (out_features,) arrays.
        activation: a name from :data:`helpers.activations.ACTIVATIONS`.
        return_layers: also return every intermediate array.

    Returns:
        (N, out_features of the last layer): the logits; with
        ``return_layers``, ``(logits, layers)`` where ``layers`` is a list of
        ``(name, array)`` pairs: "input", "linear1", "relu1", ..., "linearL".
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"mlp_forward: activation must be one of {list(ACTIVATIONS)}; got {activation!r}")
    if len(weights) != len(biases) or len(weights) == 0:
        raise ValueError(f"mlp_forward: need as many biases as weights (at least one); got {len(weights)} and {len(biases)}")
    h = np.asarray(x, dtype=np.float64)
    if h.ndim > 2:
        h = h.reshape(h.shape[0], -1)
    f = ACTIVATIONS[activation][0]
    layers = [("input", h)]
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        h = linear(h, w, b)
        layers.append((f"linear{k}", h))
        if k < len(weights):
            h = f(h)
            layers.append((f"{activation}{k}", h))
    return (h, layers) if return_layers else h


def mlp_parameters(model):
    """The weights and biases of every ``nn.Linear`` in ``model``, as float64 NumPy arrays.

    Returns:
        ``(weights, biases)``: lists of (out_features, in_features) and (out_features,).
    """
    from torch import nn

    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("mlp_parameters: model has no nn.Linear layer")
    weights = [m.weight.detach().double().numpy().copy() for m in linears]
    biases = [m.bias.detach().double().numpy().copy() if m.bias is not None else np.zeros(m.out_features) for m in linears]
    return weights, biases


def dense_parameter_count(input_shape, out_features: int) -> int:
    """Weights + biases of a dense layer on a flattened input: ``prod(input_shape) * out + out``.

    >>> dense_parameter_count((28, 28), 100)
    78500
    """
    try:
        dims = [int(d) for d in input_shape]
    except TypeError:
        raise TypeError(f"dense_parameter_count: input_shape must be a tuple of ints; got {input_shape!r}") from None
    if not dims or min(dims) < 1 or int(out_features) < 1:
        raise ValueError(f"dense_parameter_count: sizes must be positive; got {input_shape!r} and {out_features!r}")
    return math.prod(dims) * int(out_features) + int(out_features)
