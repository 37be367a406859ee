"""Argument checks and window geometry shared by the pooling ops (lesson 05).

Internal module: the public functions live in :mod:`helpers.ops.pool`.

For one spatial axis of size ``L`` with kernel ``k``, stride ``s``, padding
``p`` and dilation ``d``, output position ``i`` reads the input positions
``i*s - p + a*d`` for ``a = 0 .. k-1``; the ones outside ``0 .. L-1`` are
padding (``-inf`` for max pooling, ``0`` for average pooling). The number of
output positions comes from :func:`helpers.ops.conv_output_size`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._args import _is_int, as_array, as_batched, check_flag, compute_dtype, pair
from .shape import _one

__all__ = [
    "PoolGeometry",
    "pool_setup",
    "check_grad_output",
    "check_int_or_none",
    "axis_offsets",
    "reduce_axis",
    "first_inside",
]


class PoolGeometry(NamedTuple):
    """Checked pooling arguments: every pair is ``(height, width)``."""

    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    out: tuple  # (H_out, W_out)


def pool_setup(fn, input, kernel_size, stride, padding, dilation, ceil_mode, *, name="input"):
    """Check the arguments of a pooling op.

    ``stride`` None or empty (``()``, ``[]``) means ``kernel_size``, as in
    torch. Returns ``(x, unbatched, geometry)`` where ``x`` is the (N, C, H, W) input
    cast to the compute dtype (float dtypes kept, integers -> float64).
    """
    x, unbatched = as_batched(input, name, fn)
    kH, kW = pair(kernel_size, "kernel_size", fn)
    # torch reads an empty stride (``()`` or ``[]``) as "not given", like None: one stride per window
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    sH, sW = (kH, kW) if no_stride else pair(stride, "stride", fn)
    pH, pW = pair(padding, "padding", fn, minimum=0)
    dH, dW = pair(dilation, "dilation", fn)
    ceil_mode = check_flag(ceil_mode, "ceil_mode", fn)
    if pH > kH // 2 or pW > kW // 2:
        raise ValueError(
            f"{fn}: padding must be at most half of kernel_size (padding <= kernel_size // 2, as torch); "
            f"got padding {(pH, pW)} for kernel_size {(kH, kW)}"
        )
    H, W = x.shape[-2:]
    out = []
    for L, k, s, p, d, axis in ((H, kH, sH, pH, dH, "height"), (W, kW, sW, pW, dW, "width")):
        o = _one(L, k, s, p, d, ceil_mode)
        if o is None or o < 1:
            raise ValueError(
                f"{fn}: kernel_size {(kH, kW)} with dilation {(dH, dW)} spans {d * (k - 1) + 1} in {axis}, "
                f"larger than the padded input ({axis} {L} + 2*{p} = {L + 2 * p}); got input of shape {x.shape[1:] if unbatched else x.shape}"
            )
        a = first_inside(o, s, p, d)
        empty = (a >= k) | (np.arange(o) * s - p + a * d >= L)
        if empty.any():
            i = int(np.argmax(empty))
            raise ValueError(
                f"{fn}: with padding {(pH, pW)} and dilation {(dH, dW)}, output {axis} position {i} reads only "
                f"padding (input {axis} {L}, kernel_size {(kH, kW)}); use a smaller padding or dilation"
            )
        out.append(o)
    x = x.astype(compute_dtype(x), copy=False)
    return x, unbatched, PoolGeometry((kH, kW), (sH, sW), (pH, pW), (dH, dW), tuple(out))


def check_grad_output(fn, grad_output, x, unbatched, out_hw, dtype):
    """Check ``grad_output`` against the forward output's shape; return it as
    an (N, C, H_out, W_out) array of ``dtype``."""
    g = as_array(grad_output, "grad_output", fn)
    N, C = x.shape[:2]
    expected = (C,) + tuple(out_hw) if unbatched else (N, C) + tuple(out_hw)
    if g.shape != expected:
        raise ValueError(
            f"{fn}: grad_output must have the forward output's shape {expected}; got shape {g.shape}"
        )
    if unbatched:
        g = g[None]
    return g.astype(dtype, copy=False)


def axis_offsets(n_out, L, k, s, p, d):
    """For each kernel offset ``a`` along one axis: ``(a, out, inp)`` where
    output positions ``out`` (a slice) read the input positions ``inp`` (a
    strided slice), or ``(a, None, None)`` when the offset reads only
    padding. Working on these sub-ranges avoids a padded copy of the input."""
    result = []
    for a in range(k):
        shift = a * d - p  # input position of output 0
        lo = -(shift // s) if shift < 0 else 0  # first output inside the input
        hi = min(n_out, (L - 1 - shift) // s + 1) if L - 1 - shift >= 0 else 0
        if hi > lo:
            result.append((a, slice(lo, hi), slice(lo * s + shift, (hi - 1) * s + shift + 1, s)))
        else:
            result.append((a, None, None))
    return result


def reduce_axis(ufunc, fill, x, axis, n_out, k, s, p, d):
    """Reduce ``x`` with ``ufunc`` (``np.maximum`` or ``np.add``) over the
    kernel offsets along ``axis`` (2 or 3), positions outside ``x`` counting
    as ``fill`` (its identity: ``-inf`` or 0); the result has ``n_out``
    positions along ``axis``."""
    offsets = [(o, i) for _, o, i in axis_offsets(n_out, x.shape[axis], k, s, p, d) if o is not None]

    def at(index):
        return (slice(None),) * axis + (index,)

    full = [i for o, i in offsets if o == slice(0, n_out)]
    rest = [(o, i) for o, i in offsets if o != slice(0, n_out)]
    if len(full) >= 2:
        out = ufunc(x[at(full[0])], x[at(full[1])])
        rest += [(slice(0, n_out), i) for i in full[2:]]
    elif full:
        out = x[at(full[0])].copy()
    else:
        shape = list(x.shape)
        shape[axis] = n_out
        out = np.full(shape, fill, dtype=x.dtype)
    for o, i in rest:
        ufunc(out[at(o)], x[at(i)], out=out[at(o)])
    return out


def first_inside(n_out, s, p, d):
    """Per output position along one axis, the first kernel offset at or
    after the input's start (torch starts its max search there): shape
    (n_out,), int64."""
    start = np.arange(n_out, dtype=np.int64) * s - p
    return np.where(start < 0, -(start // d), 0)  # ceil(-start / d)


def check_int_or_none(value, name, fn):
    """Check an optional int argument such as ``divisor_override``."""
    if value is not None and not _is_int(value):
        raise TypeError(f"{fn}: {name} must be an int or None; got {value!r} of type {type(value).__name__}")
    return value
