"""Adaptive average and max pooling: pool any (H, W) down to a fixed
``output_size`` (lesson 05), mirroring ``torch.nn.functional.adaptive_avg_pool2d``
and ``adaptive_max_pool2d``, with their backward functions (lesson 10).

Output row ``i`` of ``H_out`` pools input rows ``start .. end-1`` with torch's
rule ``start = floor(i * H / H_out)``, ``end = ceil((i + 1) * H / H_out)``
(columns likewise), so windows may differ in size and may overlap.

Shapes: input (N, C, H, W) or unbatched (C, H, W); output and indices
(N, C, H_out, W_out) or (C, H_out, W_out). Float input keeps its dtype,
integer input is computed in float64; indices are int64 flat positions
``h * W + w`` in each (H, W) plane, as torch. An ``output_size`` of 0, for
which torch returns an empty array, raises a ``ValueError`` here.
"""
from __future__ import annotations

import numpy as np

from ._args import _is_int, as_batched, check_flag, compute_dtype
from .pool_common import check_grad_output
from .pool_max import _update

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "adaptive_avg_pool2d_backward",
    "adaptive_max_pool2d_backward",
]


def _setup(fn, input, output_size):
    x, unbatched = as_batched(input, "input", fn)
    H, W = x.shape[-2:]
    if _is_int(output_size):
        items = (output_size, output_size)
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 2 and all(
        v is None or _is_int(v) for v in output_size
    ):
        items = tuple(output_size)
    else:
        raise TypeError(
            f"{fn}: output_size must be an int or a pair (H_out, W_out) of ints or None (None keeps "
            f"that input size); got {output_size!r}"
        )
    H_out, W_out = (L if o is None else int(o) for o, L in zip(items, (H, W)))
    if H_out < 1 or W_out < 1:
        raise ValueError(f"{fn}: output_size must be positive; got {output_size!r}")
    if H < 1 or W < 1:
        raise ValueError(f"{fn}: input must have non-empty H and W; got shape {x.shape[1:] if unbatched else x.shape}")
    x = x.astype(compute_dtype(x), copy=False)
    return x, unbatched, (H_out, W_out)


def _windows(L, n_out):
    """Start and end (exclusive) of each of the ``n_out`` windows along an axis of size ``L``."""
    i = np.arange(n_out)
    return (i * L) // n_out, -((-(i + 1) * L) // n_out)


def _reduceat(ufunc, x, L, n_out, axis):
    """Apply ``ufunc`` over every adaptive window along ``axis`` at once."""
    start, end = _windows(L, n_out)
    pad_shape = list(x.shape)
    pad_shape[axis] = 1
    x = np.concatenate([x, np.zeros(pad_shape, dtype=x.dtype)], axis=axis)  # so that `end` is a valid index
    bounds = np.stack([start, end], axis=1).ravel()
    out = ufunc.reduceat(x, bounds, axis=axis)
    return out[(slice(None),) * axis + (slice(None, None, 2),)]


def adaptive_avg_pool2d(input, output_size):
    """Average over the adaptive windows (lesson 05).

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: ``H_out`` for a square output, or ``(H_out, W_out)``
            where ``None`` keeps that input size.

    Returns:
        (N, C, H_out, W_out) or (C, H_out, W_out).

    >>> adaptive_avg_pool2d(np.arange(9.).reshape(1, 3, 3), 2)
    array([[[2., 3.],
            [5., 6.]]])
    """
    fn = "adaptive_avg_pool2d"
    x, unbatched, (H_out, W_out) = _setup(fn, input, output_size)
    H, W = x.shape[-2:]
    sums = _reduceat(np.add, _reduceat(np.add, x, H, H_out, 2), W, W_out, 3)
    h0, h1 = _windows(H, H_out)
    w0, w1 = _windows(W, W_out)
    out = sums / ((h1 - h0)[:, None] * (w1 - w0)).astype(x.dtype)
    return out[0] if unbatched else out


def _adaptive_max_indices(x, H_out, W_out):
    """Window maxima and torch's flat indices: columns first, then rows, each
    a scan that moves only to a strictly greater value or a NaN (torch's tie
    rule). Shorter windows repeat their last element, which never wins twice."""
    N, C, H, W = x.shape
    has_nan = bool(np.isnan(x).any())
    w0, w1 = _windows(W, W_out)
    best = np.full((N, C, H, W_out), -np.inf, dtype=x.dtype)
    col = np.broadcast_to(w0, best.shape).copy()
    for b in range(int((w1 - w0).max())):
        cols = np.minimum(w0 + b, w1 - 1)
        _update(best, col, x[..., cols], cols, has_nan)
    h0, h1 = _windows(H, H_out)
    out = np.full((N, C, H_out, W_out), -np.inf, dtype=x.dtype)
    row = np.broadcast_to(h0[:, None], out.shape).copy()
    col_of_row = col[:, :, h0, :]
    for a in range(int((h1 - h0).max())):
        rows = np.minimum(h0 + a, h1 - 1)
        wins = _update(out, row, best[:, :, rows, :], rows[:, None], has_nan)
        np.copyto(col_of_row, col[:, :, rows, :], where=wins)
    return out, row * W + col_of_row


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Maximum over the adaptive windows (lesson 05).

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: ``H_out`` or ``(H_out, W_out)``, ``None`` keeping that
            input size.
        return_indices: also return int64 flat indices ``h * W + w`` of the
            maxima (ties: the first in row-major order, as torch).

    Returns:
        (N, C, H_out, W_out) or (C, H_out, W_out); with ``return_indices``,
        ``(output, indices)``.

    >>> adaptive_max_pool2d(np.arange(9.).reshape(1, 3, 3), 2, return_indices=True)
    (array([[[4., 5.],
            [7., 8.]]]), array([[[4, 5],
            [7, 8]]]))
    """
    fn = "adaptive_max_pool2d"
    x, unbatched, (H_out, W_out) = _setup(fn, input, output_size)
    return_indices = check_flag(return_indices, "return_indices", fn)
    H, W = x.shape[-2:]
    if return_indices:
        out, indices = _adaptive_max_indices(x, H_out, W_out)
        return (out[0], indices[0]) if unbatched else (out, indices)
    out = _reduceat(np.maximum, _reduceat(np.maximum, x, H, H_out, 2), W, W_out, 3)
    return out[0] if unbatched else out


def adaptive_avg_pool2d_backward(grad_output, input, output_size):
    """Gradient of :func:`adaptive_avg_pool2d` with respect to its input (lesson 10).

    Each window spreads ``grad_output / (window height * window width)``
    over its elements; overlapping windows add up.

    Args:
        grad_output: (N, C, H_out, W_out) or (C, H_out, W_out).
        input, output_size: the forward's arguments.

    Returns:
        grad_input, the input's shape (N, C, H, W) or (C, H, W).

    >>> adaptive_avg_pool2d_backward(np.ones((1, 1, 1)), np.zeros((1, 2, 2)), 1)
    array([[[0.25, 0.25],
            [0.25, 0.25]]])
    """
    fn = "adaptive_avg_pool2d_backward"
    x, unbatched, (H_out, W_out) = _setup(fn, input, output_size)
    g = check_grad_output(fn, grad_output, x, unbatched, (H_out, W_out), x.dtype)
    N, C, H, W = x.shape
    h0, h1 = _windows(H, H_out)
    w0, w1 = _windows(W, W_out)
    g = g / ((h1 - h0)[:, None] * (w1 - w0)).astype(x.dtype)
    t = np.zeros((N, C, H_out, W), dtype=x.dtype)
    for j in range(W_out):
        t[..., w0[j]:w1[j]] += g[..., j:j + 1]
    grad_input = np.zeros((N, C, H, W), dtype=x.dtype)
    for i in range(H_out):
        grad_input[:, :, h0[i]:h1[i], :] += t[:, :, i:i + 1, :]
    return grad_input[0] if unbatched else grad_input


def adaptive_max_pool2d_backward(grad_output, input, output_size):
    """Gradient of :func:`adaptive_max_pool2d` with respect to its input (lesson 10).

    Each window's gradient goes to the element it picked (torch's choice on
    ties); overlapping windows that pick the same element add up.

    Args:
        grad_output: (N, C, H_out, W_out) or (C, H_out, W_out).
        input, output_size: the forward's arguments.

    Returns:
        grad_input, the input's shape (N, C, H, W) or (C, H, W).

    >>> adaptive_max_pool2d_backward(np.array([[[5.]]]), np.array([[[1., 3.], [2., 0.]]]), 1)
    array([[[0., 5.],
            [0., 0.]]])
    """
    fn = "adaptive_max_pool2d_backward"
    x, unbatched, (H_out, W_out) = _setup(fn, input, output_size)
    g = check_grad_output(fn, grad_output, x, unbatched, (H_out, W_out), x.dtype)
    N, C, H, W = x.shape
    _, indices = _adaptive_max_indices(x, H_out, W_out)
    flat = indices + (np.arange(N * C, dtype=np.int64) * (H * W)).reshape(N, C, 1, 1)
    grad_input = np.bincount(flat.ravel(), weights=g.ravel(), minlength=N * C * H * W)
    grad_input = grad_input.reshape(N, C, H, W).astype(x.dtype, copy=False)
    return grad_input[0] if unbatched else grad_input
