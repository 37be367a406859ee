"""Vectorised average pooling and its backward (lessons 05 and 10).

The public functions are re-exported by :mod:`helpers.ops.pool`; the shapes,
the output-size formula and the divisor rules are documented there.
"""
from __future__ import annotations

import numpy as np

from ._args import check_flag
from .pool_common import axis_offsets, check_grad_output, check_int_or_none, pool_setup, reduce_axis

__all__ = ["avg_pool2d", "avg_pool2d_backward", "avg_divisor"]


def _axis_counts(n_out, k, s, p, L):
    """Per output position along one axis: the window length counted with
    padding (cut at the end of the right padding, as torch) and without."""
    start = np.arange(n_out) * s - p
    end = np.minimum(start + k, L + p)
    with_pad = end - start
    inside = np.minimum(end, L) - np.maximum(start, 0)
    return with_pad, np.maximum(inside, 0)


def avg_divisor(shape_hw, geometry, count_include_pad, divisor_override, dtype):
    """The (H_out, W_out) array each window sum is divided by (torch's rule);
    0 where a window holds no input element (its output is 0)."""
    H, W = shape_hw
    (kH, kW), (sH, sW), (pH, pW), _, (H_out, W_out) = geometry
    h_pad, h_in = _axis_counts(H_out, kH, sH, pH, H)
    w_pad, w_in = _axis_counts(W_out, kW, sW, pW, W)
    empty = (h_in[:, None] * w_in[None, :]) == 0
    if divisor_override is not None:
        divisor = np.full((H_out, W_out), divisor_override)
    elif count_include_pad:
        divisor = h_pad[:, None] * w_pad[None, :]
    else:
        divisor = h_in[:, None] * w_in[None, :]
    divisor = divisor.astype(dtype)
    divisor[empty] = np.inf  # x / inf = 0: torch writes 0 for an empty window
    return divisor


def _setup(fn, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    x, unbatched, geometry = pool_setup(fn, input, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = check_flag(count_include_pad, "count_include_pad", fn)
    check_int_or_none(divisor_override, "divisor_override", fn)
    if divisor_override is not None and divisor_override == 0:
        raise ValueError(f"{fn}: divisor_override must be a non-zero int or None; got {divisor_override!r}")
    return x, unbatched, geometry, count_include_pad


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None):
    """Average pooling: the mean of each window (lesson 05); mirrors
    ``torch.nn.functional.avg_pool2d``.

    Args:
        input: (N, C, H, W) or unbatched (C, H, W) array.
        kernel_size: ``k`` or ``(kH, kW)``.
        stride: int or pair; ``None`` (default) or an empty ``()`` means ``kernel_size``, as torch.
        padding: int or pair of zero padding, at most half the kernel.
        ceil_mode: round the output size up (see :mod:`helpers.ops.pool`).
        count_include_pad: divide by the window size counting the zero
            padding (default, as torch) or only by the input elements in it.
            A ``ceil_mode`` window that runs past the padding counts only up
            to the padding's end, as torch.
        divisor_override: a non-zero int to divide every window sum by.

    Returns:
        (N, C, H_out, W_out) or (C, H_out, W_out), in the input's float dtype
        (float64 for integer input).

    >>> avg_pool2d(np.arange(16).reshape(1, 4, 4), 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    >>> avg_pool2d(np.ones((1, 2, 2)), 3, stride=1, padding=1, count_include_pad=False)
    array([[[1., 1.],
            [1., 1.]]])
    """
    fn = "avg_pool2d"
    x, unbatched, geometry, count_include_pad = _setup(
        fn, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    (kH, kW), (sH, sW), (pH, pW), _, (H_out, W_out) = geometry
    rows = reduce_axis(np.add, 0, x, 2, H_out, kH, sH, pH, 1)
    out = reduce_axis(np.add, 0, rows, 3, W_out, kW, sW, pW, 1)
    out /= avg_divisor(x.shape[-2:], geometry, count_include_pad, divisor_override, x.dtype)
    return out[0] if unbatched else out


def avg_pool2d_backward(
    grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    """Gradient of :func:`avg_pool2d` with respect to its input (lesson 10).

    Each window spreads ``grad_output / divisor`` evenly over the input
    elements it covers (padding gets nothing); overlapping windows add up.

    Args:
        grad_output: (N, C, H_out, W_out) or (C, H_out, W_out), the shape of
            the forward output.
        input, kernel_size, stride, padding, ceil_mode, count_include_pad,
            divisor_override: the forward's own arguments.

    Returns:
        grad_input of the input's shape (N, C, H, W) or (C, H, W).

    >>> avg_pool2d_backward(np.ones((1, 1, 1)), np.zeros((1, 2, 2)), 2)
    array([[[0.25, 0.25],
            [0.25, 0.25]]])
    """
    fn = "avg_pool2d_backward"
    x, unbatched, geometry, count_include_pad = _setup(
        fn, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    )
    g = check_grad_output(fn, grad_output, x, unbatched, geometry.out, x.dtype)
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), _, (H_out, W_out) = geometry
    g = g / avg_divisor((H, W), geometry, count_include_pad, divisor_override, x.dtype)
    # Spread each window's share over its columns, then over its rows, with
    # slice-adds over the kernel offsets (overlapping windows accumulate);
    # offsets that land in the padding are skipped.
    t = np.zeros((N, C, H_out, W), dtype=x.dtype)
    for _, o, i in axis_offsets(W_out, W, kW, sW, pW, 1):
        if o is not None:
            t[..., i] += g[..., o]
    grad_input = np.zeros((N, C, H, W), dtype=x.dtype)
    for _, o, i in axis_offsets(H_out, H, kH, sH, pH, 1):
        if o is not None:
            grad_input[:, :, i, :] += t[:, :, o, :]
    return grad_input[0] if unbatched else grad_input
