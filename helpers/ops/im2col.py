"""``unfold`` (im2col) and ``fold`` (col2im), mirrors of
``torch.nn.functional.unfold``/``fold`` (lesson 03), and the internal kernels
that the vectorised convolutions use.

im2col copies every kernel-sized window of the (padded) input into one column,
so that a convolution becomes one matrix product::

    input (N, C, H, W)  --unfold-->  cols (N, C*kH*kW, L),  L = H_out * W_out

with ``H_out = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1``
(see :func:`helpers.ops.conv_output_size`), and likewise ``W_out``. Rows are
ordered channel-major, then kernel row, then kernel column, as in torch.
``fold`` is the adjoint: it sums every column back into its window, so
overlapping windows add up.
"""
from __future__ import annotations

import numpy as np

from ._args import as_array, compute_dtype, pair
from .conv_args import check_input
from .conv_args import output_size as _output_size
from .conv_memory import scratch, tune_malloc

__all__ = ["unfold", "fold"]


def _padded(x: np.ndarray, pads: tuple, reuse: bool = False) -> np.ndarray:
    """Zero-pad (N, C, H, W) by ``(top, bottom, left, right)``; ``x`` itself when there is no padding.

    ``reuse``: build it in the per-thread scratch buffer (see :mod:`helpers.ops.conv_memory`).
    """
    if not any(pads):
        return x
    top, bottom, left, right = pads
    N, C, H, W = x.shape
    shape = (N, C, H + top + bottom, W + left + right)
    xp = scratch(shape, x.dtype, "padded") if reuse else np.empty(shape, x.dtype)
    xp[:, :, :top] = 0
    xp[:, :, top + H:] = 0
    xp[:, :, top:top + H, :left] = 0
    xp[:, :, top:top + H, left + W:] = 0
    xp[:, :, top:top + H, left:left + W] = x
    return xp


def _window(i, j, stride, dilation, out_size):
    """Slices of the padded input read by kernel offset (i, j) at every output position."""
    (sH, sW), (dH, dW), (H_out, W_out) = stride, dilation, out_size
    return (slice(i * dH, i * dH + sH * (H_out - 1) + 1, sH), slice(j * dW, j * dW + sW * (W_out - 1) + 1, sW))


def _im2col(xp, kernel, stride, dilation, out_size, batch_first=True, reuse=False) -> np.ndarray:
    """Padded input (N, C, H_p, W_p) -> cols: one copy per kernel offset.

    ``batch_first``: cols (N, C*kH*kW, H_out*W_out), torch's unfold layout.
    Otherwise (C*kH*kW, N*H_out*W_out), which turns a batch's convolution
    into one large matrix product (what the conv ops use).
    ``reuse``: write into the per-thread scratch buffer (the caller must not
    let the result escape; see :mod:`helpers.ops.conv_memory`).

    With a stride, the input is first split into its stride phases (every
    sH-th row and sW-th column, from each starting offset); each kernel
    offset then reads one phase with unit steps, which copies about a third
    faster than reading every other element of the whole input.
    """
    tune_malloc()
    N, C = xp.shape[:2]
    (kH, kW), (sH, sW), (dH, dW), (H_out, W_out) = kernel, stride, dilation, out_size
    shape = (N, C, kH, kW, H_out, W_out) if batch_first else (C, kH, kW, N, H_out, W_out)
    cols = scratch(shape, xp.dtype) if reuse else np.empty(shape, xp.dtype)
    source = xp if batch_first else xp.transpose(1, 0, 2, 3)  # in the order of cols' leading axes
    phases = {}
    for i in range(kH):
        for j in range(kW):
            if (sH, sW) == (1, 1):
                rows, columns = _window(i, j, stride, dilation, out_size)
                window = source[:, :, rows, columns]
            else:
                phase = (i * dH % sH, j * dW % sW)
                if phase not in phases:
                    phases[phase] = np.ascontiguousarray(source[:, :, phase[0]::sH, phase[1]::sW])
                top, left = i * dH // sH, j * dW // sW
                window = phases[phase][:, :, top:top + H_out, left:left + W_out]
            if batch_first:
                cols[:, :, i, j] = window
            else:
                cols[:, i, j] = window
    if batch_first:
        return cols.reshape(N, C * kH * kW, H_out * W_out)
    return cols.reshape(C * kH * kW, N * H_out * W_out)


def _col2im_add(target, cols, kernel, stride, dilation, out_size, batch_first=True) -> None:
    """Adjoint of :func:`_im2col`: add cols (either layout) into the padded image ``target`` (N, C, H_p, W_p).

    Adds each kernel offset's slab into a strided slice of the image
    (slice-adds, several times faster than ``np.add.at``).
    """
    N, C = target.shape[:2]
    (kH, kW), (H_out, W_out) = kernel, out_size
    if batch_first:
        cols = cols.reshape(N, C, kH, kW, H_out, W_out)
    else:  # (C, kH, kW, N, H_out, W_out) viewed as (N, C, kH, kW, H_out, W_out)
        cols = cols.reshape(C, kH, kW, N, H_out, W_out).transpose(3, 0, 1, 2, 4, 5)
    for i in range(kH):
        for j in range(kW):
            rows, columns = _window(i, j, stride, dilation, out_size)
            target[:, :, rows, columns] += cols[:, :, i, j]


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding windows as columns (im2col); ``torch.nn.functional.unfold``.

    Introduced in lesson 03, where a convolution becomes one matrix product.

    Args:
        input: (N, C, H, W), or unbatched (C, H, W).
        kernel_size: ``k`` or ``(kH, kW)``.
        dilation, padding, stride: int or pair, as in torch (zero padding on
            both sides).

    Returns:
        (N, C*kH*kW, L), or (C*kH*kW, L) for unbatched input, with
        ``L = H_out * W_out``. Row ``c*kH*kW + i*kW + j`` holds input channel
        ``c`` at kernel offset ``(i, j)``; column ``h*W_out + w`` is the window
        of output position ``(h, w)``. Float dtypes are kept; integers give
        float64.

    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> cols = unfold(x, kernel_size=2, stride=2)
    >>> cols.shape
    (1, 4, 4)
    >>> cols[0, :, 0]                  # the top-left 2x2 window
    array([0., 1., 4., 5.])
    """
    fn = "unfold"
    x, unbatched = check_input(input, fn)
    kernel = pair(kernel_size, "kernel_size", fn)
    dilation = pair(dilation, "dilation", fn)
    pH, pW = pair(padding, "padding", fn, minimum=0)
    stride = pair(stride, "stride", fn)
    pads = (pH, pH, pW, pW)
    shapes = f"got input of shape {np.shape(input)} and kernel_size {kernel_size!r}"
    out_size = _output_size(fn, x.shape[2:], kernel, stride, pads, dilation, "kernel_size", shapes)
    x = x.astype(compute_dtype(x), copy=False)
    cols = _im2col(_padded(x, pads), kernel, stride, dilation, out_size)
    return cols[0] if unbatched else cols


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns back into an image (col2im); ``torch.nn.functional.fold``.

    The adjoint of :func:`unfold`: where windows overlap their values add up,
    so ``fold(unfold(x))`` is ``x`` times the number of windows that cover each
    pixel. Introduced in lesson 03.

    Args:
        input: (N, C*kH*kW, L), or unbatched (C*kH*kW, L), with
            ``L = H_out * W_out`` for the given output size.
        output_size: ``(H, W)`` of the image to rebuild (or one int).
        kernel_size, dilation, padding, stride: as for :func:`unfold`.

    Returns:
        (N, C, H, W), or (C, H, W) for unbatched input.

    >>> cols = np.ones((1, 4, 9))                         # 3x3 windows of a 2x2 kernel
    >>> fold(cols, output_size=(4, 4), kernel_size=2)[0, 0]
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    """
    fn = "fold"
    cols = as_array(input, "input", fn)
    if cols.ndim not in (2, 3):
        raise ValueError(f"{fn}: input must be 3-D (N, C*kH*kW, L) or 2-D (C*kH*kW, L); got {cols.ndim}-D array of shape {cols.shape}")
    unbatched = cols.ndim == 2
    if unbatched:
        cols = cols[None]
    H, W = pair(output_size, "output_size", fn)
    kH, kW = pair(kernel_size, "kernel_size", fn)
    dilation = pair(dilation, "dilation", fn)
    pH, pW = pair(padding, "padding", fn, minimum=0)
    stride = pair(stride, "stride", fn)
    pads = (pH, pH, pW, pW)
    if cols.shape[1] % (kH * kW) or cols.shape[1] == 0:
        raise ValueError(
            f"{fn}: input must have C*kH*kW rows, a positive multiple of kH*kW = {kH * kW} for kernel_size "
            f"({kH}, {kW}); got input of shape {np.shape(input)}"
        )
    shapes = f"got output_size {(H, W)} and kernel_size {(kH, kW)}"
    out_size = _output_size(fn, (H, W), (kH, kW), stride, pads, dilation, "kernel_size", shapes)
    L = out_size[0] * out_size[1]
    if cols.shape[2] != L:
        raise ValueError(
            f"{fn}: input must have L = H_out * W_out = {out_size[0]} * {out_size[1]} = {L} columns for output_size "
            f"{(H, W)}, kernel_size {(kH, kW)}, dilation {dilation}, padding {(pH, pW)}, stride {stride}; "
            f"got input of shape {np.shape(input)}"
        )
    cols = cols.astype(compute_dtype(cols), copy=False)
    tune_malloc()
    xp = np.zeros((cols.shape[0], cols.shape[1] // (kH * kW), H + 2 * pH, W + 2 * pW), dtype=cols.dtype)
    _col2im_add(xp, cols, (kH, kW), stride, dilation, out_size)
    x = xp[:, :, pH:pH + H, pW:pW + W]
    return np.ascontiguousarray(x[0] if unbatched else x)
