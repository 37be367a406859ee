"""2-D convolution: ``conv2d`` (vectorised), ``conv2d_naive`` (the loops that
lesson 03 teaches) and ``conv2d_backward`` (lesson 10), mirrors of
``torch.nn.functional.conv2d`` and its autograd, and ``conv2d_weight``
(``torch.nn.grad.conv2d_weight``: the weight's gradient alone).

Shapes (N batch, C_in/C_out channels, H/W input size, kH/kW kernel size)::

    input   (N, C_in, H, W)            or unbatched (C_in, H, W)
    weight  (C_out, C_in/groups, kH, kW)
    bias    (C_out,)
    output  (N, C_out, H_out, W_out)   or unbatched (C_out, H_out, W_out)

    H_out = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1

(likewise ``W_out``; see :func:`helpers.ops.conv_output_size`). As in
torch, "convolution" is cross-correlation: the kernel is not flipped.
"""
from __future__ import annotations

import numpy as np

from ._args import as_array
from .conv_args import check_conv2d, check_grad_output
from .conv_gemm import conv_backward, conv_forward, conv_weight_grad
from .pad import pad

__all__ = ["conv2d", "conv2d_naive", "conv2d_backward", "conv2d_weight"]


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation), vectorised; ``torch.nn.functional.conv2d``.

    Every window of the padded input is copied into one column (im2col,
    :func:`helpers.ops.unfold`), so that the whole convolution is one matrix
    product per group. Introduced in lesson 03 (the loops) and used from
    then on.

    Args:
        input: (N, C_in, H, W), or unbatched (C_in, H, W).
        weight: (C_out, C_in/groups, kH, kW).
        bias: (C_out,) or None.
        stride: int or (sH, sW), at least 1.
        padding: int or (pH, pW) zeros on each side, or ``"valid"`` (no
            padding) or ``"same"`` (output as large as the input; stride 1
            only; an even kernel gets the extra zero after, as in torch).
        dilation: int or (dH, dW): spacing between kernel taps.
        groups: split the channels into ``groups`` independent convolutions;
            must divide C_in and C_out.

    Returns:
        (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for unbatched
        input, with H_out, W_out from the formula in the module docstring.
        Float dtypes are kept (float32 stays float32); integer input such as
        pixel values is computed in float64.

    Raises:
        ValueError, TypeError: for bad arguments, naming the argument, what
            was expected and what arrived.

    >>> image = np.arange(25.).reshape(1, 1, 5, 5)
    >>> kernel = np.ones((1, 1, 3, 3))
    >>> conv2d(image, kernel, padding=1).shape
    (1, 1, 5, 5)
    >>> conv2d(image, kernel)[0, 0]
    array([[ 54.,  63.,  72.],
           [ 99., 108., 117.],
           [144., 153., 162.]])
    """
    a = check_conv2d("conv2d", input, weight, bias, stride, padding, dilation, groups)
    out = conv_forward(a.input, a.weight, a.bias, a.stride, a.pads, a.dilation, a.groups, a.out_size)
    return out[0] if a.unbatched else out


def conv2d_naive(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution with plain loops: the version lesson 03 teaches.

    Same arguments, shapes and results as :func:`conv2d` (tested equal), but
    written as the definition reads: for every image ``n``, every filter
    ``c_out`` and every output position ``(i, j)``, multiply the window of the
    padded input under the kernel by the kernel and add it all up (plus the
    bias). It is slow: use it on small inputs, to read and to check.

    Args:
        input: (N, C_in, H, W), or unbatched (C_in, H, W).
        weight: (C_out, C_in/groups, kH, kW).
        bias: (C_out,) or None.
        stride, padding, dilation, groups: as for :func:`conv2d`.

    Returns:
        (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for unbatched input.

    >>> image = np.array([[[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]]])  # (C_in, H, W)
    >>> kernel = np.array([[[[1., 0.], [0., -1.]]]])                     # (C_out, C_in, kH, kW)
    >>> conv2d_naive(image, kernel)
    array([[[-4., -4.],
            [-4., -4.]]])
    """
    a = check_conv2d("conv2d_naive", input, weight, bias, stride, padding, dilation, groups)
    top, bottom, left, right = a.pads
    x = pad(a.input, (left, right, top, bottom))  # zeros around every image
    w, b = a.weight, a.bias
    N = x.shape[0]
    C_out, C_in_per_group, kH, kW = w.shape
    C_out_per_group = C_out // a.groups
    H_out, W_out = a.out_size
    sH, sW = a.stride
    dH, dW = a.dilation

    out = np.zeros((N, C_out, H_out, W_out), dtype=w.dtype)
    for n in range(N):
        for c_out in range(C_out):
            group = c_out // C_out_per_group  # this filter sees only its group's channels
            for i in range(H_out):
                for j in range(W_out):
                    total = 0.0
                    for c in range(C_in_per_group):
                        c_in = group * C_in_per_group + c
                        for ki in range(kH):
                            for kj in range(kW):
                                row = i * sH + ki * dH  # position in the padded input
                                col = j * sW + kj * dW
                                total += x[n, c_in, row, col] * w[c_out, c, ki, kj]
                    if b is not None:
                        total += b[c_out]
                    out[n, c_out, i, j] = total
    return out[0] if a.unbatched else out


def conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of :func:`conv2d` (lesson 10): what torch's autograd computes.

    A pure function of the forward's own arguments and ``grad_output``
    (the loss's gradient with respect to the forward's output); nothing is
    cached between the two calls.

    - ``grad_weight[c_out] = sum over n, i, j of grad_output[n, c_out, i, j] *``
      (the input window at (i, j)): ``grad_output`` times the im2col columns.
    - ``grad_input``: every output position sends ``grad_output * weight``
      back to the pixels of its window; overlapping windows add (col2im). It
      is a transposed convolution of ``grad_output`` with ``weight``.
    - ``grad_bias[c_out] = grad_output[:, c_out].sum()``.

    Args:
        grad_output: (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for
            unbatched input: must match the forward's output shape.
        input, weight, bias, stride, padding, dilation, groups: exactly as
            given to :func:`conv2d`.

    Returns:
        ``(grad_input, grad_weight, grad_bias)`` with the shapes of
        ``input`` (N, C_in, H, W), ``weight`` (C_out, C_in/groups, kH, kW) and
        ``bias`` (C_out,); ``grad_bias`` is None when ``bias`` is None.

    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> w = np.ones((2, 1, 3, 3))
    >>> grad_output = np.ones((1, 2, 2, 2))
    >>> grad_input, grad_weight, grad_bias = conv2d_backward(grad_output, x, w, np.zeros(2))
    >>> grad_input[0, 0]
    array([[2., 4., 4., 2.],
           [4., 8., 8., 4.],
           [4., 8., 8., 4.],
           [2., 4., 4., 2.]])
    >>> grad_weight[0, 0]
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> grad_bias
    array([4., 4.])
    """
    fn = "conv2d_backward"
    g = as_array(grad_output, "grad_output", fn)
    a = check_conv2d(fn, input, weight, bias, stride, padding, dilation, groups, extra=(g,))
    N, _, H, W = a.input.shape
    C_out = a.weight.shape[0]
    g = check_grad_output(g, (N, C_out) + a.out_size, a.unbatched, fn, "conv2d's output")
    g = g.astype(a.weight.dtype, copy=False)
    grad_input, grad_weight = conv_backward(g, a.input, a.weight, a.stride, a.pads, a.dilation, a.groups)
    grad_bias = None if a.bias is None else g.sum(axis=(0, 2, 3))
    return (grad_input[0] if a.unbatched else grad_input), grad_weight, grad_bias


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of :func:`conv2d` with respect to its weight alone (lesson 10);
    ``torch.nn.grad.conv2d_weight``, same argument order.

    What a network's first layer needs: its input (the images) needs no
    gradient, so the grad_input half of :func:`conv2d_backward` is skipped.
    ``grad_weight[c_out] = sum over n, i, j of grad_output[n, c_out, i, j] *``
    (the input window at (i, j)).

    Args:
        input: (N, C_in, H, W), or unbatched (C_in, H, W).
        weight_size: the weight's shape (C_out, C_in/groups, kH, kW).
        grad_output: (N, C_out, H_out, W_out), or (C_out, H_out, W_out).
        stride, padding, dilation, groups: as given to :func:`conv2d`.

    Returns:
        grad_weight (C_out, C_in/groups, kH, kW).

    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> conv2d_weight(x, (2, 1, 3, 3), np.ones((1, 2, 2, 2)))[0, 0]
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    """
    fn = "conv2d_weight"
    try:
        size = tuple(int(v) for v in weight_size)
    except (TypeError, ValueError):
        size = ()
    if len(size) != 4 or min(size) < 1:
        raise ValueError(f"{fn}: weight_size must be 4 positive ints (C_out, C_in/groups, kH, kW); got {weight_size!r}")
    g = as_array(grad_output, "grad_output", fn)
    x = as_array(input, "input", fn)
    weight = np.broadcast_to(np.zeros((), dtype=np.result_type(x.dtype, g.dtype, np.float32)), size)
    a = check_conv2d(fn, x, weight, None, stride, padding, dilation, groups, extra=(g,))
    N = a.input.shape[0]
    g = check_grad_output(g, (N, size[0]) + a.out_size, a.unbatched, fn, "conv2d's output")
    g = g.astype(a.weight.dtype, copy=False)
    return conv_weight_grad(g, a.input, size, a.stride, a.pads, a.dilation, a.groups)
