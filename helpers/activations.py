"""Activation functions and their derivatives, in NumPy (lesson 01).

Each function mirrors its PyTorch namesake elementwise (same name, same
keyword arguments and defaults as ``torch.nn.functional``), and each has a
derivative ``<name>_grad`` with the value torch's autograd gives, including
at the kinks: ReLU'(0) = 0, LeakyReLU'(0) = negative_slope, ELU'(0) = alpha.

:data:`ACTIVATIONS` maps a name to ``(function, derivative)``;
:func:`plot_activations` draws both for a list of names. Inputs are arrays of
any shape; outputs have the same shape, as float64 for integer input.

>>> relu(np.array([-2.0, 0.0, 3.0])), relu_grad(np.array([-2.0, 0.0, 3.0]))
(array([0., 0., 3.]), array([0., 0., 1.]))
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import erf, expit

__all__ = [
    "ACTIVATIONS",
    "sigmoid", "sigmoid_grad",
    "tanh", "tanh_grad",
    "relu", "relu_grad",
    "leaky_relu", "leaky_relu_grad",
    "elu", "elu_grad",
    "softplus", "softplus_grad",
    "gelu", "gelu_grad",
    "silu", "silu_grad",
    "plot_activations",
]


def _x(x, fn: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{fn}: x must be a number or an array of numbers; got {type(x).__name__}")
    a = np.asarray(x)
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{fn}: x must hold numbers; got dtype {a.dtype}")
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def _number(v, name: str, fn: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a number; got {type(v).__name__}")
    return float(v)


def sigmoid(x):
    """``1 / (1 + exp(-x))``, squashes to (0, 1); ``torch.sigmoid``."""
    return expit(_x(x, "sigmoid"))


def sigmoid_grad(x):
    """``sigmoid(x) * (1 - sigmoid(x))``: at most 1/4 (at 0), vanishing for large |x|."""
    s = expit(_x(x, "sigmoid_grad"))
    return s * (1 - s)


def tanh(x):
    """``(e^x - e^-x) / (e^x + e^-x)``, squashes to (-1, 1); ``torch.tanh``."""
    return np.tanh(_x(x, "tanh"))


def tanh_grad(x):
    """``1 - tanh(x)^2``: 1 at 0, vanishing for large |x|."""
    return 1 - np.tanh(_x(x, "tanh_grad")) ** 2


def relu(x):
    """``max(x, 0)``; ``torch.nn.functional.relu``. (The NCHW op of the course is :func:`helpers.ops.relu`.)"""
    a = _x(x, "relu")
    return np.where(a > 0, a, np.zeros_like(a))


def relu_grad(x):
    """1 for x > 0, else 0 (0 at x = 0, as torch)."""
    a = _x(x, "relu_grad")
    return (a > 0).astype(a.dtype)


def leaky_relu(x, negative_slope: float = 0.01):
    """``x`` for x > 0, ``negative_slope * x`` otherwise; ``F.leaky_relu``."""
    a = _x(x, "leaky_relu")
    k = _number(negative_slope, "negative_slope", "leaky_relu")
    return np.where(a > 0, a, k * a)


def leaky_relu_grad(x, negative_slope: float = 0.01):
    """1 for x > 0, ``negative_slope`` otherwise (also at 0, as torch)."""
    a = _x(x, "leaky_relu_grad")
    k = _number(negative_slope, "negative_slope", "leaky_relu_grad")
    return np.where(a > 0, 1.0, k).astype(a.dtype)


def elu(x, alpha: float = 1.0):
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise; ``F.elu``."""
    a = _x(x, "elu")
    al = _number(alpha, "alpha", "elu")
    return np.where(a > 0, a, al * np.expm1(np.minimum(a, 0)))


def elu_grad(x, alpha: float = 1.0):
    """1 for x > 0, ``alpha * exp(x)`` otherwise (``alpha`` at 0, as torch)."""
    a = _x(x, "elu_grad")
    al = _number(alpha, "alpha", "elu_grad")
    return np.where(a > 0, 1.0, al * np.exp(np.minimum(a, 0))).astype(a.dtype)


def softplus(x, beta: float = 1.0, threshold: float = 20.0):
    """``log(1 + exp(beta x)) / beta``, a smooth ReLU; linear where ``beta x > threshold``; ``F.softplus``."""
    a = _x(x, "softplus")
    b = _number(beta, "beta", "softplus")
    th = _number(threshold, "threshold", "softplus")
    z = b * a
    return np.where(z > th, a, np.logaddexp(0, z) / b)


def softplus_grad(x, beta: float = 1.0, threshold: float = 20.0):
    """``sigmoid(beta x)``, and exactly 1 where ``beta x > threshold`` (as torch)."""
    a = _x(x, "softplus_grad")
    b = _number(beta, "beta", "softplus_grad")
    th = _number(threshold, "threshold", "softplus_grad")
    z = b * a
    return np.where(z > th, 1.0, expit(z)).astype(a.dtype)


_SQRT2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def gelu(x):
    """``x * Phi(x)`` with Phi the standard normal CDF (exact form); ``F.gelu``."""
    a = _x(x, "gelu")
    return a * 0.5 * (1 + erf(a / _SQRT2))


def gelu_grad(x):
    """``Phi(x) + x * phi(x)``, phi the standard normal density."""
    a = _x(x, "gelu_grad")
    return 0.5 * (1 + erf(a / _SQRT2)) + a * np.exp(-0.5 * a * a) / _SQRT_2PI


def silu(x):
    """``x * sigmoid(x)`` (also called swish); ``F.silu``."""
    a = _x(x, "silu")
    return a * expit(a)


def silu_grad(x):
    """``sigmoid(x) * (1 + x * (1 - sigmoid(x)))``."""
    a = _x(x, "silu_grad")
    s = expit(a)
    return s * (1 + a * (1 - s))


#: name -> (function, derivative), in the order the lesson plots them.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "softplus": (softplus, softplus_grad),
    "gelu": (gelu, gelu_grad),
    "silu": (silu, silu_grad),
}


def plot_activations(names=None, x=None, negative_slope: float = 0.1, ncols: int = 4):
    """Plot each activation (solid) with its derivative (dashed), one small panel per name.

    Leaky ReLU is drawn with ``negative_slope`` = 0.1 (ten times torch's
    default) so that its slope is visible. Returns the figure.
    """
    import matplotlib.pyplot as plt

    names = list(ACTIVATIONS) if names is None else list(names)
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown or not names:
        raise ValueError(f"plot_activations: unknown names {unknown}; expected some of {list(ACTIVATIONS)}")
    x = np.linspace(-4, 4, 401) if x is None else _x(x, "plot_activations")
    ncols = min(ncols, len(names))
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.4 * ncols, 2.1 * nrows), sharex=True, sharey=True, squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    for ax, name in zip(axes.flat, names):
        f, df = ACTIVATIONS[name]
        kw = {"negative_slope": negative_slope} if name == "leaky_relu" else {}
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(x, f(x, **kw), color="tab:blue", lw=2, label="f(x)")
        ax.plot(x, df(x, **kw), color="tab:orange", lw=1.6, ls="--", label="f'(x)")
        ax.set_ylim(-1.5, 3.0)
        ax.tick_params(labelsize=7)
        ax.set_title(name, fontsize=9)
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
