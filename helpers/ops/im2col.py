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

import ctypes
import sys

import numpy as np

from ._args import _is_int, as_array, compute_dtype, pair
from .conv_args import check_input
from .conv_args import output_size as _output_size

__all__ = ["unfold", "fold"]


# --------------------------------------------------------------------------
# Memory: by default glibc hands every freed block above 128 KiB straight
# back to the OS (mmap/munmap), so each large temporary of a convolution
# (the column matrix, the padded input) costs fresh page faults on every
# call. Raising M_MMAP_THRESHOLD (to its 32 MiB maximum) and M_TRIM_THRESHOLD
# keeps such blocks in the heap for reuse. Done once, on the first
# convolution, only where the C library is glibc; anywhere else it does
# nothing, and it never raises.
# --------------------------------------------------------------------------
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_malloc_tuned = False


def _tune_malloc() -> None:
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # musl and friends
            return
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 512 * 1024 * 1024)
    except Exception:  # pragma: no cover - best effort only
        pass


def _pad_input(x: np.ndarray, pads: tuple) -> np.ndarray:
    """Zero-pad (N, C, H, W) by ``(top, bottom, left, right)``."""
    top, bottom, left, right = pads
    if not any(pads):
        return x
    N, C, H, W = x.shape
    xp = np.empty((N, C, H + top + bottom, W + left + right), dtype=x.dtype)
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


def _im2col(x, kernel, stride, pads, dilation, out_size) -> np.ndarray:
    """(N, C, H, W) -> cols (N, C*kH*kW, H_out*W_out): one strided copy per kernel offset."""
    _tune_malloc()
    xp = _pad_input(x, pads)
    N, C = x.shape[:2]
    (kH, kW), (H_out, W_out) = kernel, out_size
    cols = np.empty((N, C, kH, kW, H_out, W_out), dtype=x.dtype)
    for i in range(kH):
        for j in range(kW):
            rows, columns = _window(i, j, stride, dilation, out_size)
            cols[:, :, i, j] = xp[:, :, rows, columns]
    return cols.reshape(N, C * kH * kW, H_out * W_out)


def _col2im(cols, channels, in_size, kernel, stride, pads, dilation, out_size) -> np.ndarray:
    """Adjoint of :func:`_im2col`: cols (N, C*kH*kW, H_out*W_out) -> (N, C, H, W).

    Adds each kernel offset's slab into a strided slice of the padded image
    (slice-adds, several times faster than ``np.add.at``), then crops the padding.
    """
    _tune_malloc()
    N = cols.shape[0]
    (H, W), (kH, kW), (H_out, W_out) = in_size, kernel, out_size
    top, bottom, left, right = pads
    cols = cols.reshape(N, channels, kH, kW, H_out, W_out)
    xp = np.zeros((N, channels, H + top + bottom, W + left + right), dtype=cols.dtype)
    for i in range(kH):
        for j in range(kW):
            rows, columns = _window(i, j, stride, dilation, out_size)
            xp[:, :, rows, columns] += cols[:, :, i, j]
    if any(pads):
        return np.ascontiguousarray(xp[:, :, top:top + H, left:left + W])
    return xp


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
    cols = _im2col(x, kernel, stride, pads, dilation, out_size)
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
    if _is_int(output_size):
        output_size = (output_size, output_size)
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
    x = _col2im(cols, cols.shape[1] // (kH * kW), (H, W), (kH, kW), stride, pads, dilation, out_size)
    return x[0] if unbatched else x
