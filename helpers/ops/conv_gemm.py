"""The vectorised convolution kernels: im2col + matrix products, block by block.

Internal module shared by :mod:`helpers.ops.conv` and
:mod:`helpers.ops.conv_transpose`. The arrays are already validated and in
the compute dtype; ``pads`` is ``(top, bottom, left, right)``.

im2col lays the windows of a block of P output positions out as cols
(C_in*kH*kW, P); per group, with ``K = C_in/groups * kH * kW``:

- forward:      out (C_out, P)  = weight (C_out, K) @ cols (K, P)
- grad_weight:  (C_out, K)     += grad_output (C_out, P) @ cols^T
- grad_input:   cols' (K, P)    = weight^T (K, C_out) @ grad_output, then col2im

The output is processed in blocks (several images, or some rows of one
image) whose cols take about ``BLOCK_BYTES``: cols is kH*kW times larger than
the input, and a block that stays in the CPU's cache is written by im2col and
read by the matrix product far faster than one that goes through main
memory. Each block is one large product (NumPy's broadcasting matmul, or a
product per image, is several times slower), and its scratch memory is
reused from block to block and call to call.
"""
from __future__ import annotations

import numpy as np

from .conv_memory import scratch
from .im2col import _col2im_add, _im2col, _padded

__all__ = ["conv_forward", "conv_weight_grad", "conv_input_grad", "BLOCK_BYTES"]

BLOCK_BYTES = 2 << 20  # about one core's L2 cache here
_NO_PADS = (0, 0, 0, 0)


def _blocks(N, H_out, row_bytes):
    """``(n0, n1, h0, h1)``: blocks of images and output rows whose cols take about BLOCK_BYTES."""
    per_image = row_bytes * H_out
    if per_image <= BLOCK_BYTES:
        step = max(1, BLOCK_BYTES // per_image)
        for n0 in range(0, N, step):
            yield n0, min(N, n0 + step), 0, H_out
    else:
        step = max(1, BLOCK_BYTES // row_bytes)
        for n0 in range(N):
            for h0 in range(0, H_out, step):
                yield n0, n0 + 1, h0, min(H_out, h0 + step)


def _input_rows(h0, h1, stride, dilation, kH):
    """Rows of the padded input that output rows h0..h1-1 read."""
    return slice(h0 * stride[0], (h1 - 1) * stride[0] + dilation[0] * (kH - 1) + 1)


def _grad_block(grad_output, n0, n1, h0, h1):
    """grad_output[n0:n1, :, h0:h1] as a (C_out, P) matrix in scratch memory."""
    block = grad_output[n0:n1, :, h0:h1]
    m = scratch((block.shape[1], block.shape[0]) + block.shape[2:], block.dtype, "grad")
    m[...] = block.transpose(1, 0, 2, 3)
    return m.reshape(block.shape[1], -1)


def _matmul_groups(a, b, groups, slot):
    """(g*M, K) @ (g*K, P) per group -> (g*M, P) in scratch memory; plain 2-D when groups == 1."""
    g, M, P = groups, a.shape[0] // groups, b.shape[1]
    out = scratch((g, M, P), np.result_type(a, b), slot)
    if g == 1:
        np.matmul(a, b, out=out[0])
    else:
        np.matmul(a.reshape(g, M, -1), b.reshape(g, -1, P), out=out)
    return out.reshape(g * M, P)


def conv_forward(x, weight, bias, stride, pads, dilation, groups, out_size):
    """(N, C_in, H, W) * (C_out, C_in/g, kH, kW) -> (N, C_out, H_out, W_out)."""
    N, C_in = x.shape[:2]
    C_out, C_in_g, kH, kW = weight.shape
    H_out, W_out = out_size
    w = weight.reshape(C_out, C_in_g * kH * kW)
    xp = _padded(x, pads, reuse=True)
    result = np.empty((N, C_out, H_out, W_out), dtype=w.dtype)
    for n0, n1, h0, h1 in _blocks(N, H_out, C_in * kH * kW * W_out * w.itemsize):
        xs = xp[n0:n1, :, _input_rows(h0, h1, stride, dilation, kH)]
        cols = _im2col(xs, (kH, kW), stride, dilation, (h1 - h0, W_out), batch_first=False, reuse=True)
        out = _matmul_groups(w, cols, groups, "out").reshape(C_out, n1 - n0, h1 - h0, W_out)
        target = result[n0:n1, :, h0:h1]
        if bias is None:
            target[...] = out.transpose(1, 0, 2, 3)
        else:
            np.add(out.transpose(1, 0, 2, 3), bias[:, None, None], out=target)
    return result


def conv_weight_grad(grad_output, x, weight_shape, stride, pads, dilation, groups):
    """grad_output (N, C_out, H_out, W_out), input (N, C_in, H, W) -> (C_out, C_in/g, kH, kW)."""
    N, C_in = x.shape[:2]
    C_out, C_in_g, kH, kW = weight_shape
    H_out, W_out = grad_output.shape[2:]
    g, K = groups, C_in_g * kH * kW
    xp = _padded(x, pads, reuse=True)
    grad_weight = np.zeros((g, C_out // g, K), dtype=np.result_type(grad_output, x))
    for n0, n1, h0, h1 in _blocks(N, H_out, C_in * kH * kW * W_out * x.itemsize):
        xs = xp[n0:n1, :, _input_rows(h0, h1, stride, dilation, kH)]
        cols = _im2col(xs, (kH, kW), stride, dilation, (h1 - h0, W_out), batch_first=False, reuse=True)
        go = _grad_block(grad_output, n0, n1, h0, h1)
        # (cols @ go^T)^T rather than go @ cols^T: the same numbers, and OpenBLAS is ~1.5x faster this way
        if g == 1:
            grad_weight[0] += (cols @ go.T).T
        else:
            grad_weight += np.matmul(cols.reshape(g, K, -1), go.reshape(g, C_out // g, -1).transpose(0, 2, 1)).transpose(0, 2, 1)
    return grad_weight.reshape(weight_shape)


def conv_input_grad(grad_output, weight, in_shape, stride, pads, dilation, groups):
    """grad_output (N, C_out, H_out, W_out), weight (C_out, C_in/g, kH, kW) -> in_shape (N, C_in, H, W).

    Also the forward of the transposed convolution.
    """
    N, C_in, H, W = in_shape
    C_out, C_in_g, kH, kW = weight.shape
    H_out, W_out = grad_output.shape[2:]
    g, K = groups, C_in_g * kH * kW
    top, bottom, left, right = pads
    w = weight.reshape(g, C_out // g, K).transpose(0, 2, 1).reshape(g * K, C_out // g)  # per group: weight^T
    grad_xp = np.zeros((N, C_in, H + top + bottom, W + left + right), dtype=np.result_type(grad_output, weight))
    for n0, n1, h0, h1 in _blocks(N, H_out, C_in * kH * kW * W_out * grad_xp.itemsize):
        cols = _matmul_groups(w, _grad_block(grad_output, n0, n1, h0, h1), g, "cols")  # (C_in*kH*kW, P)
        target = grad_xp[n0:n1, :, _input_rows(h0, h1, stride, dilation, kH)]
        _col2im_add(target, cols, (kH, kW), stride, dilation, (h1 - h0, W_out), batch_first=False)
    if any(pads):
        return np.ascontiguousarray(grad_xp[:, :, top:top + H, left:left + W])
    return grad_xp
