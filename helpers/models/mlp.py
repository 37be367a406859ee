"""The multilayer perceptron as a torch model (lessons 01 and 06).

``Flatten -> Linear -> activation -> ... -> Linear``: the last layer gives one
score (logit) per class. Its NumPy forward pass, written out, is in
:mod:`helpers.mlp`.

>>> model = mlp([784, 128, 10], seed=0)
>>> sum(p.numel() for p in model.parameters())
101770
"""
from __future__ import annotations

__all__ = ["mlp", "TORCH_ACTIVATIONS"]

#: Course activation names -> torch.nn class names.
TORCH_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU",
                     "elu": "ELU", "softplus": "Softplus", "gelu": "GELU", "silu": "SiLU"}


def mlp(sizes, activation: str = "relu", seed=None):
    """A torch MLP ``Flatten -> Linear -> act -> ... -> Linear`` with the given layer sizes.

    Args:
        sizes: e.g. ``[784, 128, 10]``: input features, hidden widths, classes.
        activation: one of :data:`TORCH_ACTIVATIONS`.
        seed: when given, ``torch.manual_seed(seed)`` first, so the initial
            weights are reproducible.
    """
    import torch
    from torch import nn

    try:
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise TypeError(f"mlp: sizes must be a list of ints; got {sizes!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp: sizes must list at least 2 positive widths; got {sizes}")
    if activation not in TORCH_ACTIVATIONS:
        raise ValueError(f"mlp: activation must be one of {list(TORCH_ACTIVATIONS)}; got {activation!r}")
    if seed is not None:
        torch.manual_seed(seed)
    layers = [nn.Flatten()]
    for k in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[k], sizes[k + 1]))
        if k < len(sizes) - 2:
            layers.append(getattr(nn, TORCH_ACTIVATIONS[activation])())
    return nn.Sequential(*layers)
