"""NumPy layers with torch.nn's names, built on :mod:`helpers.ops` (lesson 10).

Each layer's forward calls the op (``conv2d``, ``max_pool2d``, ...) and keeps
its input; its backward calls the op's pure backward function with that
input and ``grad_output``. Shapes::

    Conv2d     (N, C_in, H, W) -> (N, C_out, H_out, W_out)   weight (C_out, C_in, kH, kW), bias (C_out,)
    MaxPool2d  (N, C, H, W)    -> (N, C, H_out, W_out)       H_out = floor((H + 2*padding - kH) / stride) + 1
    AvgPool2d  (N, C, H, W)    -> (N, C, H_out, W_out)
    ReLU, Sigmoid  any shape   -> the same shape
    Flatten    (N, C, H, W)    -> (N, C*H*W)
    Linear     (N, in_features) -> (N, out_features)         weight (out_features, in_features), bias (out_features,)

Weights and biases start as torch's do (see :mod:`helpers.nn.init`), drawn
from ``rng`` (a ``numpy.random.Generator`` or a seed).

>>> rng = np.random.default_rng(0)
>>> conv = Conv2d(1, 6, 5, padding=2, rng=rng)
>>> x = rng.standard_normal((2, 1, 28, 28))
>>> out = conv(x)
>>> out.shape, conv.backward(np.ones_like(out)).shape, conv.weight.grad.shape
((2, 6, 28, 28), (2, 1, 28, 28), (6, 1, 5, 5))
"""
from __future__ import annotations

import math

import numpy as np

from .. import ops
from ..ops._args import pair
from .init import _rng, kaiming_uniform_, uniform_
from .module import Module, Parameter

__all__ = ["Conv2d", "Linear", "ReLU", "Sigmoid", "MaxPool2d", "AvgPool2d", "Flatten"]


def _weight_and_bias(shape, bias, rng, dtype):
    """torch's default init: kaiming_uniform_(a=sqrt(5)) for the weight, U(±1/sqrt(fan_in)) for the bias."""
    rng = _rng(rng)
    weight = Parameter(kaiming_uniform_(np.empty(shape, dtype=dtype), a=math.sqrt(5), rng=rng))
    if not bias:
        return weight, None
    bound = 1 / math.sqrt(int(np.prod(shape[1:])))
    return weight, Parameter(uniform_(np.empty(shape[0], dtype=dtype), -bound, bound, rng))


class Conv2d(Module):
    """``torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True)``.

    Forward :func:`helpers.ops.conv2d`; backward :func:`helpers.ops.conv2d_backward`
    (grad_input is a transposed convolution of grad_output with the weight,
    grad_weight the input correlated with grad_output, grad_bias a sum).
    """

    _params = ("weight", "bias")

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, *, rng=None, dtype=np.float32):
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = pair(stride, "stride", "Conv2d")
        self.padding = pair(padding, "padding", "Conv2d", minimum=0)
        self.weight, self.bias = _weight_and_bias((self.out_channels, self.in_channels) + self.kernel_size, bias, rng, dtype)

    def extra_repr(self):
        return f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def _args(self):
        return (self.weight.data, None if self.bias is None else self.bias.data, self.stride, self.padding)

    def forward(self, input):
        x = self._check_input(input, 4, f"(N, {self.in_channels}, H, W)", {1: self.in_channels})
        out = ops.conv2d(x, *self._args())
        self._remember(input=x, out_shape=out.shape)
        return out

    def backward(self, grad_output, input_grad=True):
        """Add the gradients to ``weight.grad`` and ``bias.grad``; return grad_input
        (None with ``input_grad=False``: a first layer's input needs none)."""
        g, saved = self._recall(grad_output)
        x = saved["input"]
        if input_grad:
            grad_input, grad_weight, grad_bias = ops.conv2d_backward(g, x, *self._args())
        else:
            grad_input = None
            grad_weight = ops.conv2d_weight(x, self.weight.shape, g, self.stride, self.padding)
            grad_bias = g.sum(axis=(0, 2, 3))
        self.weight.accumulate(grad_weight)
        if self.bias is not None:
            self.bias.accumulate(grad_bias)
        return grad_input


class Linear(Module):
    """``torch.nn.Linear(in_features, out_features, bias=True)``: ``input @ weight.T + bias``.

    Backward: ``grad_input = grad_output @ weight``, ``grad_weight =
    grad_output.T @ input``, ``grad_bias = grad_output.sum(0)``.
    """

    _params = ("weight", "bias")

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float32):
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.weight, self.bias = _weight_and_bias((self.out_features, self.in_features), bias, rng, dtype)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

    def forward(self, input):
        x = self._check_input(input, 2, f"(N, {self.in_features})", {1: self.in_features})
        out = x @ self.weight.data.T
        if self.bias is not None:
            out += self.bias.data
        self._remember(input=x, out_shape=out.shape)
        return out

    def backward(self, grad_output, input_grad=True):
        """Add the gradients to ``weight.grad`` and ``bias.grad``; return grad_input
        (None with ``input_grad=False``)."""
        g, saved = self._recall(grad_output)
        self.weight.accumulate(g.T @ saved["input"])
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=0))
        return g @ self.weight.data if input_grad else None


class ReLU(Module):
    """``torch.nn.ReLU()``: ``max(x, 0)``; the gradient passes where the input is positive."""

    def forward(self, input):
        out = ops.relu(input)
        self._remember(output=out, out_shape=out.shape)
        return out

    def backward(self, grad_output):
        g, saved = self._recall(grad_output)
        return ops.relu_backward(g, saved["output"])  # output > 0 exactly where input > 0


class Sigmoid(Module):
    """``torch.nn.Sigmoid()``: ``1 / (1 + exp(-x))``; its derivative ``s (1 - s)`` is at most 1/4."""

    def forward(self, input):
        x = np.asarray(input)
        out = 0.5 * (np.tanh(0.5 * x) + 1)  # the same function, without overflow for very negative x
        self._remember(output=out, out_shape=out.shape)
        return out

    def backward(self, grad_output):
        g, saved = self._recall(grad_output)
        s = saved["output"]
        return g * s * (1 - s)


class _Pool(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        name = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", name)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", name)
        self.padding = pair(padding, "padding", name, minimum=0)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        x = self._check_input(input, 4, "(N, C, H, W)")
        out = self._op(x, self.kernel_size, self.stride, self.padding)
        self._remember(input=x, out_shape=out.shape)
        return out

    def backward(self, grad_output):
        g, saved = self._recall(grad_output)
        return self._op_backward(g, saved["input"], self.kernel_size, self.stride, self.padding)


class MaxPool2d(_Pool):
    """``torch.nn.MaxPool2d(kernel_size, stride=None, padding=0)``: each window's
    gradient goes to its maximum (the first one in reading order on a tie)."""

    _op = staticmethod(ops.max_pool2d)
    _op_backward = staticmethod(ops.max_pool2d_backward)


class AvgPool2d(_Pool):
    """``torch.nn.AvgPool2d(kernel_size, stride=None, padding=0)``: each window
    spreads its gradient evenly, ``grad_output / (kH * kW)`` to every element."""

    _op = staticmethod(ops.avg_pool2d)
    _op_backward = staticmethod(ops.avg_pool2d_backward)


class Flatten(Module):
    """``torch.nn.Flatten()``: (N, C, H, W) -> (N, C*H*W); backward reshapes back."""

    def forward(self, input):
        x = np.asarray(input)
        if x.ndim < 2:
            raise ValueError(f"{self!r}: expected input of shape (N, ...) with at least 2 dims; got shape {x.shape}")
        out = x.reshape(x.shape[0], -1)
        self._remember(in_shape=x.shape, out_shape=out.shape)
        return out

    def backward(self, grad_output):
        g, saved = self._recall(grad_output)
        return g.reshape(saved["in_shape"])
