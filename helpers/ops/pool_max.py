"""Vectorised max pooling and its backward (lessons 05 and 10).

The public functions are re-exported by :mod:`helpers.ops.pool`; the shapes,
the output-size formula and the tie rule are documented there.
"""
from __future__ import annotations

import numpy as np

from .conv_gemm import fill_outside, phase_inside
from .conv_memory import scratch
from .pool_common import (
    axis_offsets,
    check_grad_output,
    first_inside,
    pool_setup,
    reduce_axis,
)

__all__ = ["max_pool2d", "max_pool2d_backward"]


def _max_values(x, geometry):
    """Window maxima: reduce the kernel rows first (contiguous reads), then
    the kernel columns of the smaller result."""
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    rows = reduce_axis(np.maximum, -np.inf, x, 2, H_out, kH, sH, pH, dH)
    return reduce_axis(np.maximum, -np.inf, rows, 3, W_out, kW, sW, pW, dW)


def _update(best, arg, value, offset, has_nan):
    """One step of torch's scan: take ``value`` where it beats ``best``
    (strictly greater, or NaN); return where it did."""
    wins = value > best
    if has_nan:
        wins |= np.isnan(value)
        np.copyto(best, value, where=wins)
    else:
        np.maximum(best, value, out=best)
    np.copyto(arg, offset, where=wins)
    return wins


def _max_with_indices(x, geometry):
    """Window maxima and torch's flat (H*W) indices.

    torch scans each window in row-major order, starting at its first element
    inside the input, and moves to an element that is strictly greater or NaN:
    ties go to the first maximum, NaNs to the last NaN. Reducing the kernel
    columns first (per input row) and then the rows keeps exactly that order.
    """
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    has_nan = bool(np.isnan(x).any())
    small = np.int16 if max(kH, kW) < 2**15 else np.int64
    # Columns: the best column offset b per (input row, output column).
    best = np.full((N, C, H, W_out), -np.inf, dtype=x.dtype)
    col_arg = np.empty(best.shape, dtype=small)
    col_arg[...] = first_inside(W_out, sW, pW, dW)
    for b, o, i in axis_offsets(W_out, W, kW, sW, pW, dW):
        if o is not None:
            _update(best[..., o], col_arg[..., o], x[..., i], b, has_nan)
    # Rows: the best row offset a per output position, carrying its column offset.
    a0 = first_inside(H_out, sH, pH, dH)
    out = np.full((N, C, H_out, W_out), -np.inf, dtype=x.dtype)
    row_arg = np.empty(out.shape, dtype=small)
    row_arg[...] = a0[:, None]
    arg_col = col_arg[:, :, np.arange(H_out) * sH - pH + a0 * dH, :]
    for a, o, i in axis_offsets(H_out, H, kH, sH, pH, dH):
        if o is not None:
            wins = _update(out[:, :, o], row_arg[:, :, o], best[:, :, i], a, has_nan)
            np.copyto(arg_col[:, :, o], col_arg[:, :, i], where=wins)
    h = (np.arange(H_out, dtype=np.int64) * sH - pH)[:, None] + row_arg * np.int64(dH)
    w = np.arange(W_out, dtype=np.int64) * sW - pW + arg_col * np.int64(dW)
    return out, h * W + w


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling: the largest value in each window (lesson 05); mirrors
    ``torch.nn.functional.max_pool2d``.

    Args:
        input: (N, C, H, W) or unbatched (C, H, W) array.
        kernel_size: ``k`` or ``(kH, kW)``.
        stride: int or pair; ``None`` (default) or an empty ``()`` means ``kernel_size``, as torch.
        padding: int or pair, at most half the kernel; padded positions count
            as ``-inf`` (they are never the maximum).
        dilation: int or pair: gap between the window's elements.
        ceil_mode: round the output size up (see :mod:`helpers.ops.pool`).
        return_indices: also return where each maximum came from.

    Returns:
        output (N, C, H_out, W_out) (or (C, H_out, W_out)) in the input's float
        dtype, float64 for integer input; with ``return_indices`` also int64
        indices of the same shape, flat positions ``h * W + w`` in each (H, W)
        plane. Ties go to the first maximum in row-major window order (a NaN
        wins over numbers, the last NaN over earlier ones), exactly as torch.

    >>> x = np.array([[[2, 2, 2, 0], [2, 5, 2, 1], [2, 2, 2, 0], [0, 1, 0, 0]]])
    >>> max_pool2d(x, 2)                       # the lecture's example, (1, 4, 4)
    array([[[5., 2.],
            [2., 2.]]])
    >>> max_pool2d(x, 2, return_indices=True)[1]
    array([[[ 5,  2],
            [ 8, 10]]])
    """
    fn = "max_pool2d"
    x, unbatched, geometry = pool_setup(fn, input, kernel_size, stride, padding, dilation, ceil_mode)
    if not isinstance(return_indices, (bool, np.bool_)):
        raise TypeError(f"{fn}: return_indices must be True or False; got {return_indices!r}")
    if return_indices:
        out, indices = _max_with_indices(x, geometry)
        return (out[0], indices[0]) if unbatched else (out, indices)
    out = _max_values(x, geometry)
    return out[0] if unbatched else out


def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Gradient of :func:`max_pool2d` with respect to its input (lesson 10).

    Each window passes its ``grad_output`` value to the element it picked
    (the same element torch picks when values tie); every other element gets
    0, and an element that is the maximum of several overlapping windows
    accumulates their gradients.

    Args:
        grad_output: (N, C, H_out, W_out) or (C, H_out, W_out), the shape of
            the forward output.
        input, kernel_size, stride, padding, dilation, ceil_mode: the
            forward's own arguments.

    Returns:
        grad_input of the input's shape (N, C, H, W) or (C, H, W), in the
        input's float dtype (float64 for integer input).

    >>> x = np.array([[[1., 3.], [2., 0.]]])
    >>> max_pool2d_backward(np.array([[[10.]]]), x, 2)
    array([[[ 0., 10.],
            [ 0.,  0.]]])
    """
    fn = "max_pool2d_backward"
    x, unbatched, geometry = pool_setup(fn, input, kernel_size, stride, padding, dilation, ceil_mode)
    g = check_grad_output(fn, grad_output, x, unbatched, geometry.out, x.dtype)
    if _overlapping(geometry):
        grad_input = _backward_by_phases(x, g, geometry)
    else:
        grad_input = _backward_by_masks(x, _max_values(x, geometry), g, geometry)
    if grad_input is None:
        grad_input = _backward_by_indices(x, g, geometry)
    return grad_input[0] if unbatched else grad_input


def _tiles(shape_hw, geometry):
    """Whether the windows cover the input exactly once (2x2 stride 2 on an
    even size, say): no padding, dilation or overlap, and nothing left over."""
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    return (
        (sH, sW) == (kH, kW)
        and (dH, dW) == (1, 1)
        and (pH, pW) == (0, 0)
        and (H_out * kH, W_out * kW) == tuple(shape_hw)
    )


def _overlapping(geometry):
    """Whether neighbouring windows share input elements along some axis."""
    (kH, kW), (sH, sW), _, (dH, dW), _ = geometry
    return sH < (kH - 1) * dH + 1 or sW < (kW - 1) * dW + 1


def _phase_axis(L, n_out, k, s, p, d):
    """Stride phases along one axis of length ``L``.

    Kernel offset ``a`` of output position ``o`` reads padded position
    ``o*s + a*d``, that is element ``o + a*d // s`` of phase ``r = a*d % s``
    (the padded positions ``r, r + s, r + 2s, ...``). Returns the offsets as
    ``(phase, shift)`` pairs, and per phase ``r`` that is read: its length
    and the slices of the phase array and of the input that hold the same
    elements (the rest of the phase is padding).
    """
    offsets = [(a * d % s, a * d // s) for a in range(k)]
    phases = {}
    for r, _ in offsets:
        if r not in phases:
            length = max(m for q, m in offsets if q == r) + n_out
            phases[r] = (length,) + phase_inside(L, r, s, p, length)
    return offsets, phases


def _backward_by_phases(x, g, geometry):
    """The fast route for overlapping windows (3x3 stride 2, say).

    Strided reads and writes (every second element) cost NumPy 4-10x more
    than contiguous ones, and overlapping windows need one of each per kernel
    offset. So the input is split once into its stride phases, padded with
    ``-inf`` and flattened, planes one after another (the layout of
    :mod:`helpers.ops.conv_gemm`): kernel offset (i, j) of the window at flat
    position ``t`` then reads one phase at ``t + shift(i, j)``, one
    contiguous slice for all windows at once. Positions past a plane's
    ``H_out x W_out`` windows are computed too and get no gradient. The
    maxima, each window's first maximum in torch's row-major scan (as in
    :func:`_backward_by_masks`) and the gradient are computed on that grid,
    and the gradient's phases are written back once. Returns None when some
    maximum is NaN or infinite, as :func:`_backward_by_masks`.
    """
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    rows, row_phases = _phase_axis(H, H_out, kH, sH, pH, dH)
    columns, column_phases = _phase_axis(W, W_out, kW, sW, pW, dW)
    Jh = max(length for length, _, _ in row_phases.values())
    Jw = max(length for length, _, _ in column_phases.values())
    keys = [(rh, rw) for rh in row_phases for rw in column_phases]
    size = N * C * Jh * Jw
    valid = size - (Jh - H_out) * Jw - (Jw - W_out)  # one past the last window that is kept

    # temporaries in reused memory (helpers.ops.conv_memory): fresh pages cost more than the arithmetic
    phases = scratch((len(keys), N, C, Jh, Jw), x.dtype, "pool_phases")
    for phase, (rh, rw) in zip(phases, keys):
        (_, jh, h), (_, jw, w) = row_phases[rh], column_phases[rw]
        fill_outside(phase, jh, jw, -np.inf)
        phase[:, :, jh, jw] = x[:, :, h, w]
    flat = phases.reshape(len(keys), size)
    reads = [(keys.index((rh, rw)), mh * Jw + mw) for rh, mh in rows for rw, mw in columns]  # row-major

    maxima = scratch(size, x.dtype, "pool_maxima")
    k, shift = reads[0]
    maxima[:valid] = flat[k, shift:shift + valid]
    for k, shift in reads[1:]:
        np.maximum(maxima[:valid], flat[k, shift:shift + valid], out=maxima[:valid])
    if not np.isfinite(maxima.reshape(N, C, Jh, Jw)[:, :, :H_out, :W_out]).all():
        return None
    gradient = scratch(size, x.dtype, "pool_gradient")  # grad_output on the grid, zero where no window is kept
    gradient.fill(0)
    gradient.reshape(N, C, Jh, Jw)[:, :, :H_out, :W_out] = g
    maxima, gradient = maxima[:valid], gradient[:valid]

    grads = scratch((len(keys), size), x.dtype, "pool_grads")
    hit, found = scratch(valid, bool, "pool_hit"), scratch(valid, bool, "pool_found")
    found.fill(False)
    share = scratch(valid, x.dtype, "pool_share")
    written = set()
    for r, (k, shift) in enumerate(reads):
        if r < len(reads) - 1:
            np.equal(flat[k, shift:shift + valid], maxima, out=hit)
            np.greater(hit, found, out=hit)  # a later hit of a window already served is a tie: skip it
            found |= hit
        else:  # every window has a finite maximum: the ones not served yet have it here
            np.logical_not(found, out=hit)
        target = grads[k, shift:shift + valid]
        if k in written:
            np.multiply(gradient, hit, out=share)
            np.add(target, share, out=target)
        else:  # the first offset that reads this phase writes it
            written.add(k)
            grads[k, :shift] = 0
            grads[k, shift + valid:] = 0
            np.multiply(gradient, hit, out=target)

    # every input element is in some phase unless a dilation skips phases or windows stop short of the end
    covered = all(
        sum(inside.stop - inside.start for _, inside, _ in axis.values()) == length
        for axis, length in ((row_phases, H), (column_phases, W))
    )
    grad_input = (np.empty if covered else np.zeros)(x.shape, dtype=x.dtype)
    for grad, (rh, rw) in zip(grads.reshape(len(keys), N, C, Jh, Jw), keys):
        (_, jh, h), (_, jw, w) = row_phases[rh], column_phases[rw]
        grad_input[:, :, h, w] = grad[:, :, jh, jw]
    return grad_input


def _backward_by_masks(x, out, g, geometry):
    """The fast route for windows that do not overlap (2x2 stride 2, say),
    when every window maximum (``out``) is finite.

    For each kernel offset, a mask of the windows whose maximum sits there;
    where a window holds its maximum more than once, only its first hit in
    torch's scan order (row-major) is kept. Then each offset passes its
    windows' gradients on with one slice-write (no input element is in two
    windows). Returns None when some maximum is NaN or infinite (padding
    could then tie with it); the general route handles those.
    """
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (pH, pW), (dH, dW), (H_out, W_out) = geometry
    if not np.isfinite(out).all():
        return None
    offsets = [
        (oh, ih, ow, iw)
        for _, oh, ih in axis_offsets(H_out, H, kH, sH, pH, dH)
        for _, ow, iw in axis_offsets(W_out, W, kW, sW, pW, dW)
        if oh is not None and ow is not None
    ]
    everywhere = (slice(0, H_out), slice(0, W_out))
    masks = np.empty((len(offsets),) + out.shape, dtype=bool)
    for mask, (oh, ih, ow, iw) in zip(masks, offsets):
        if (oh, ow) != everywhere:
            mask.fill(False)  # windows for which this offset falls in the padding
        np.equal(x[:, :, ih, iw], out[:, :, oh, ow], out=mask[:, :, oh, ow])
    if np.count_nonzero(masks) != out.size:  # ties: keep each window's first hit
        found = masks[0].copy()
        for mask in masks[1:]:
            np.greater(mask, found, out=mask)
            found |= mask
    # Windows that tile the input write every element once; otherwise start from 0.
    grad_input = (np.empty if _tiles((H, W), geometry) else np.zeros)(x.shape, dtype=x.dtype)
    for mask, (oh, ih, ow, iw) in zip(masks, offsets):
        np.multiply(g[:, :, oh, ow], mask[:, :, oh, ow], out=grad_input[:, :, ih, iw])
    return grad_input


def _backward_by_indices(x, g, geometry):
    """The general route: torch's indices, then a scatter-add (bincount)."""
    N, C, H, W = x.shape
    _, indices = _max_with_indices(x, geometry)
    flat = indices + (np.arange(N * C, dtype=np.int64) * (H * W)).reshape(N, C, 1, 1)
    grad_input = np.bincount(flat.ravel(), weights=g.ravel(), minlength=N * C * H * W)
    return grad_input.reshape(N, C, H, W).astype(x.dtype, copy=False)
