"""Lesson 10's demonstrations: gradients checked three ways, and gradient
norms through a deep stack (vanishing and exploding gradients).

- :func:`numerical_gradient`: central differences of a scalar function;
- :func:`check_gradients`: an analytic gradient against central differences
  and against torch's autograd (raises with the details when one disagrees);
- :func:`deep_stack` and :func:`layer_gradient_norms`: the norm of the loss's
  gradient with respect to each Linear layer's weight, first layer to last.

>>> x = np.array([1.0, -2.0])
>>> numerical_gradient(lambda v: float(np.sum(v ** 3)), x).round(6)
array([ 3., 12.])
"""
from __future__ import annotations

import numpy as np

from . import nn

__all__ = ["numerical_gradient", "check_gradients", "GradientReport", "deep_stack", "layer_gradient_norms"]

#: tolerances: central differences (step 1e-6 in float64) are accurate to about 1e-8;
#: autograd computes the same sums in another order, equal to about 1e-12
NUMERICAL_TOL, AUTOGRAD_TOL = 1e-6, 1e-10


def numerical_gradient(f, x, eps: float = 1e-6):
    """``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry ``i`` of ``x``.

    Args:
        f: a function of one array (the shape of ``x``) returning a number.
        x: float64 array, any shape, e.g. (N, C_in, H, W); it is changed and restored.

    Returns:
        Array of ``x``'s shape: the gradient of ``f`` at ``x``, numerically.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient: x must be float64 (float32 steps are too coarse); got {x.dtype}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + eps
        up = f(x)
        x[i] = keep - eps
        down = f(x)
        x[i] = keep
        grad[i] = (up - down) / (2 * eps)
    return grad


class GradientReport(list):
    """Rows ``(name, shape, error vs central differences, error vs autograd)``; prints as a table
    of verdicts (the errors themselves differ in their last digits between CPUs)."""

    def __str__(self):
        lines = [f"{'gradient':<22} {'shape':<16} {'= central differences':>22} {'= autograd':>11}"]
        for name, shape, _, _ in self:
            lines.append(f"{name:<22} {str(shape):<16} {'✓':>22} {'✓':>11}")
        return "\n".join(lines)


def _error(got, want):
    return float(np.max(np.abs(got - want) / (1 + np.abs(want)))) if np.size(want) else 0.0


def check_gradients(loss, torch_loss, inputs: dict, ours: dict, label: str = "") -> GradientReport:
    """Check analytic gradients against central differences and autograd.

    Args:
        loss: NumPy function ``loss(**inputs) -> float``.
        torch_loss: the same function in torch, ``torch_loss(**tensors) -> scalar tensor``.
        inputs: name -> float64 array (the variables).
        ours: name -> the analytic gradient of ``loss`` with respect to that input
            (names missing here are not checked).
        label: prefix for the row names, e.g. "conv2d".

    Returns:
        A :class:`GradientReport`. Raises AssertionError naming the gradient, the
        largest relative error and its first index when one disagrees.
    """
    import torch

    tensors = {k: torch.tensor(v, requires_grad=k in ours) for k, v in inputs.items()}
    torch_loss(**tensors).backward()
    report = GradientReport()
    for name, got in ours.items():
        arrays = dict(inputs)
        arrays[name] = np.array(inputs[name], dtype=np.float64)

        def f(v, name=name, arrays=arrays):
            arrays[name] = v
            return loss(**arrays)

        numerical = numerical_gradient(f, arrays[name])
        autograd = tensors[name].grad.numpy()
        row = f"{label} {name}".strip()
        for what, want, tol in (("central differences", numerical, NUMERICAL_TOL), ("autograd", autograd, AUTOGRAD_TOL)):
            if np.shape(got) != np.shape(want):
                raise AssertionError(f"{row}: shape {np.shape(got)}, expected {np.shape(want)} ({what})")
            err = _error(got, want)
            if not err <= tol:
                worst = np.unravel_index(np.argmax(np.abs(got - want)), np.shape(want))
                raise AssertionError(f"{row}: differs from {what} by {err:.3g} (tolerance {tol:g}) "
                                     f"at index {tuple(int(i) for i in worst)}")
        report.append((row, tuple(np.shape(got)), _error(got, numerical), _error(got, autograd)))
    return report


def deep_stack(depth: int, width: int, activation: str, init: str = "default", in_features: int = 784,
               num_classes: int = 10, rng=None):
    """``depth`` x (Linear(width) -> activation), then Linear(num_classes), in float64.

    Args:
        activation: "sigmoid" or "relu".
        init: "default" (torch's, U(±1/sqrt(fan_in))), "good" (He for ReLU,
            Glorot for sigmoid; biases 0), or "large" (He's std times 2).
        rng: a Generator or a seed.
    """
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"deep_stack: activation must be 'sigmoid' or 'relu'; got {activation!r}")
    if init not in ("default", "good", "large"):
        raise ValueError(f"deep_stack: init must be 'default', 'good' or 'large'; got {init!r}")
    rng = np.random.default_rng(rng)
    layers = []
    for i in range(depth):
        linear = nn.Linear(in_features if i == 0 else width, width, rng=rng, dtype=np.float64)
        if init != "default":
            if activation == "relu":
                nn.init.kaiming_normal_(linear.weight.data, rng=rng)
            else:
                nn.init.xavier_normal_(linear.weight.data, rng=rng)
            linear.weight.data *= 2.0 if init == "large" else 1.0
            linear.bias.data[...] = 0
        layers += [linear, nn.ReLU() if activation == "relu" else nn.Sigmoid()]
    layers.append(nn.Linear(width, num_classes, rng=rng, dtype=np.float64))
    return nn.Sequential(*layers)


def layer_gradient_norms(net, images, labels):
    """The Frobenius norm of dL/dW for every Linear layer of ``net``, first to last,
    for the cross-entropy loss of one batch (N, in_features) with labels (N,)."""
    loss_fn = nn.CrossEntropyLoss()
    net.zero_grad()
    loss_fn(net(images), labels)
    net.backward(loss_fn.backward(), input_grad=False)
    return np.array([np.linalg.norm(layer.weight.grad) for layer in net if isinstance(layer, nn.Linear)])
