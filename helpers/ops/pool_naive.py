"""Max and average pooling with explicit loops: the versions lesson 05 teaches.

Same signatures and results as :func:`helpers.ops.max_pool2d` and
:func:`helpers.ops.avg_pool2d`, written for reading, not for speed: one
output number at a time, one window element at a time.
"""
from __future__ import annotations

import math

import numpy as np

from .pool_avg import _setup as _avg_setup
from .pool_common import pool_setup

__all__ = ["max_pool2d_naive", "avg_pool2d_naive"]


def max_pool2d_naive(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling with explicit loops (lesson 05); same arguments and result
    as :func:`helpers.ops.max_pool2d`.

    Shapes: input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out) or
    (C, H_out, W_out); indices likewise, int64 flat indices ``h * W + w``.

    Each window starts at its first element inside the input and moves on
    only to an element that is strictly greater (or NaN), as torch does, so
    ties go to the first maximum in row-major order. Padding is never picked.

    >>> x = np.array([[[2., 2, 2, 0], [2, 5, 2, 1], [2, 2, 2, 0], [0, 1, 0, 0]]])
    >>> max_pool2d_naive(x, 2)
    array([[[5., 2.],
            [2., 2.]]])
    """
    fn = "max_pool2d_naive"
    x, unbatched, geometry = pool_setup(fn, input, kernel_size, stride, padding, dilation, ceil_mode)
    if not isinstance(return_indices, (bool, np.bool_)):
        raise TypeError(f"{fn}: return_indices must be True or False; got {return_indices!r}")
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    output = np.empty((N, C, H_out, W_out), dtype=x.dtype)
    indices = np.empty((N, C, H_out, W_out), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    best, best_index = -math.inf, None
                    for a in range(kH):
                        for b in range(kW):
                            h = i * sH - pH + a * dH  # the input row and column
                            w = j * sW - pW + b * dW  # this kernel element reads
                            if not (0 <= h < H and 0 <= w < W):
                                continue  # padding: never the maximum
                            value = x[n, c, h, w]
                            if best_index is None or value > best or math.isnan(value):
                                best, best_index = value, h * W + w
                    output[n, c, i, j] = best
                    indices[n, c, i, j] = best_index
    if unbatched:
        output, indices = output[0], indices[0]
    return (output, indices) if return_indices else output


def avg_pool2d_naive(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """Average pooling with explicit loops (lesson 05); same arguments and
    result as :func:`helpers.ops.avg_pool2d`.

    Shapes: input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out) or
    (C, H_out, W_out).

    The window sum is divided by ``divisor_override`` if given, else by the
    window's size counting the zero padding (``count_include_pad=True``) or
    by the number of input elements in it (``False``). A ``ceil_mode``
    window that runs past the padding counts only up to the padding's end.

    >>> avg_pool2d_naive(np.arange(16.).reshape(1, 4, 4), 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    """
    fn = "avg_pool2d_naive"
    x, unbatched, geometry, count_include_pad = _avg_setup(
        fn, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), _, (H_out, W_out) = geometry
    output = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    total, inside, with_padding = 0.0, 0, 0
                    for a in range(kH):
                        for b in range(kW):
                            h = i * sH - pH + a
                            w = j * sW - pW + b
                            if h < H + pH and w < W + pW:
                                with_padding += 1  # inside the padded input
                            if 0 <= h < H and 0 <= w < W:
                                total += x[n, c, h, w]
                                inside += 1
                    if inside == 0:
                        continue  # a window of padding only: 0, as torch
                    if divisor_override is not None:
                        divisor = divisor_override
                    elif count_include_pad:
                        divisor = with_padding
                    else:
                        divisor = inside
                    output[n, c, i, j] = total / divisor
    return output[0] if unbatched else output
