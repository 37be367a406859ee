"""Weight initialisation (lesson 10): torch's defaults and the good inits of
lesson 10's vanishing-gradient section, drawn from a seedable NumPy Generator.

``fan_in`` is ``C_in * kH * kW`` for a conv weight (C_out, C_in, kH, kW) and
``in_features`` for a linear weight (out_features, in_features).

torch's default for ``nn.Linear`` and ``nn.Conv2d`` is
``kaiming_uniform_(weight, a=sqrt(5))``: uniform on ``±gain * sqrt(3 / fan_in)``
with ``gain = sqrt(2 / (1 + a**2))``, which is exactly ``±1 / sqrt(fan_in)``;
the bias is uniform on ``±1 / sqrt(fan_in)`` too.

>>> w = np.empty((120, 400))
>>> _ = kaiming_uniform_(w, a=5 ** 0.5, rng=np.random.default_rng(0))
>>> bool(np.abs(w).max() <= 1 / 400 ** 0.5)
True
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["fan_in", "calculate_gain", "uniform_", "kaiming_uniform_", "kaiming_normal_", "xavier_normal_"]

_GAINS = {"linear": 1.0, "identity": 1.0, "conv2d": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3}


def fan_in(weight) -> int:
    """Inputs feeding one output: ``weight.shape[1] * kH * kW`` (1 for a vector)."""
    shape = np.shape(weight)
    if len(shape) < 2:
        raise ValueError(f"fan_in: weight must have at least 2 dims (C_out, C_in, ...); got shape {shape}")
    return int(np.prod(shape[1:]))


def calculate_gain(nonlinearity: str, param=None) -> float:
    """``torch.nn.init.calculate_gain``: the factor that keeps activations' variance."""
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity in _GAINS:
        return _GAINS[nonlinearity]
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; expected one of "
                     f"{sorted(_GAINS) + ['leaky_relu', 'relu']}")


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def uniform_(array, low: float, high: float, rng=None):
    """Fill ``array`` in place with uniform values on [low, high); returns it."""
    array[...] = _rng(rng).uniform(low, high, size=array.shape)
    return array


def kaiming_uniform_(weight, a: float = 0.0, nonlinearity: str = "leaky_relu", rng=None):
    """He et al.'s uniform init, bound ``gain * sqrt(3 / fan_in)`` (torch's formula)."""
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan_in(weight))
    return uniform_(weight, -bound, bound, rng)


def kaiming_normal_(weight, nonlinearity: str = "relu", rng=None):
    """He et al.'s normal init, std ``gain / sqrt(fan_in)``: keeps ReLU activations' scale."""
    std = calculate_gain(nonlinearity) / math.sqrt(fan_in(weight))
    weight[...] = _rng(rng).normal(0.0, std, size=weight.shape)
    return weight


def xavier_normal_(weight, gain: float = 1.0, rng=None):
    """Glorot and Bengio's normal init, std ``gain * sqrt(2 / (fan_in + fan_out))``."""
    shape = np.shape(weight)
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    std = gain * math.sqrt(2.0 / (fan_in(weight) + shape[0] * receptive))
    weight[...] = _rng(rng).normal(0.0, std, size=weight.shape)
    return weight
