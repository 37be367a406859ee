"""Transposed convolution (lesson 08): ``conv_transpose2d``, a mirror of
``torch.nn.functional.conv_transpose2d``, and its backward.

A transposed convolution is the gradient of :func:`helpers.ops.conv2d` with
respect to its input: every input pixel stamps ``pixel * kernel`` onto the
output, the stamps ``stride`` apart, and overlapping stamps add. Shapes::

    input   (N, C_in, H, W)             or unbatched (C_in, H, W)
    weight  (C_in, C_out/groups, kH, kW)
    bias    (C_out,)
    output  (N, C_out, H_out, W_out)    or unbatched (C_out, H_out, W_out)

    H_out = (H - 1)*stride - 2*padding + dilation*(kH - 1) + output_padding + 1

(likewise ``W_out``): the inverse of conv2d's size formula, with
``output_padding`` choosing among the sizes a strided conv2d maps to ``H``.
"""
from __future__ import annotations

from ._args import as_array, compute_dtype, pair
from .conv_args import check_bias, check_grad_output, check_groups, check_input, check_weight
from .conv_gemm import conv_forward, conv_input_grad, conv_weight_grad

__all__ = ["conv_transpose2d", "conv_transpose2d_backward"]


def _check(fn, input, weight, bias, stride, padding, output_padding, groups, dilation, extra=()):
    x, unbatched = check_input(input, fn)
    w = check_weight(weight, fn, "(C_in, C_out/groups, kH, kW)")
    groups = check_groups(groups, fn)
    stride = pair(stride, "stride", fn)
    pH, pW = pair(padding, "padding", fn, minimum=0)
    output_padding = pair(output_padding, "output_padding", fn, minimum=0)
    dilation = pair(dilation, "dilation", fn)
    N, C_in, H, W = x.shape
    if C_in % groups:
        raise ValueError(f"{fn}: groups must divide C_in; got groups={groups} for input with C_in = {C_in} channels")
    if w.shape[0] != C_in:
        raise ValueError(
            f"{fn}: weight must have C_in = {C_in} rows (shape (C_in, C_out/groups, kH, kW)) to match input "
            f"(N, {C_in}, H, W); got weight of shape {w.shape}"
        )
    C_out = w.shape[1] * groups
    b = check_bias(bias, C_out, fn)
    for op, s, d, axis in zip(output_padding, stride, dilation, ("height", "width")):
        if op >= max(s, d):
            raise ValueError(
                f"{fn}: output_padding must be smaller than stride or dilation; got output_padding={output_padding} "
                f"with stride={stride} and dilation={dilation} ({axis})"
            )
    kH, kW = w.shape[2:]
    out_size = tuple(
        (L - 1) * s - 2 * p + d * (k - 1) + op + 1
        for L, s, p, d, k, op in zip((H, W), stride, (pH, pW), dilation, (kH, kW), output_padding)
    )
    if min(out_size) < 1:
        raise ValueError(
            f"{fn}: padding must leave an output of at least 1x1, (H-1)*stride - 2*padding + dilation*(k-1) + "
            f"output_padding + 1 >= 1; got padding {(pH, pW)}, which leaves {out_size} for input of shape "
            f"{x.shape} and weight of shape {w.shape}"
        )
    dtype = compute_dtype(x, w, b, *extra)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    b = None if b is None else b.astype(dtype, copy=False)
    return x, w, b, unbatched, stride, (pH, pH, pW, pW), dilation, groups, out_size


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution; ``torch.nn.functional.conv_transpose2d``.

    Introduced in lesson 08 (upsampling). Computed as the input-gradient of
    conv2d: one matrix product (weight^T @ input) and a col2im that adds the
    overlapping stamps; ``padding`` then crops that many rows and columns
    from each side.

    Args:
        input: (N, C_in, H, W), or unbatched (C_in, H, W).
        weight: (C_in, C_out/groups, kH, kW) (note: C_in first, as in torch).
        bias: (C_out,) or None.
        stride, padding, dilation: int or pair.
        output_padding: int or pair added to one side of the output; each
            must be smaller than the stride or the dilation.
        groups: must divide C_in; C_out = weight.shape[1] * groups.

    Returns:
        (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for unbatched
        input (formula in the module docstring). Float dtypes are kept;
        integers give float64.

    >>> x = np.array([[[[1., 2.], [3., 4.]]]])          # (N, C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2))                       # (C_in, C_out, kH, kW)
    >>> conv_transpose2d(x, w, stride=2)[0, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    x, w, b, unbatched, stride, pads, dilation, groups, out_size = _check(
        "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    N, C_out = x.shape[0], w.shape[1] * groups
    # the input-gradient of the conv2d from (N, C_out, H_out, W_out) to x's shape (N, C_in, H, W)
    out = conv_input_grad(x, w, (N, C_out) + out_size, stride, pads, dilation, groups)
    if b is not None:
        out += b[:, None, None]
    return out[0] if unbatched else out


def conv_transpose2d_backward(
    grad_output, input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """Gradients of :func:`conv_transpose2d`, as torch's autograd gives them.

    The transpose of a transposed convolution is a convolution, so
    ``grad_input = conv2d(grad_output, weight, stride, padding, dilation, groups)``
    (first H x W outputs) and ``grad_weight`` is conv2d's weight gradient
    with the roles of input and grad_output swapped. Introduced in lesson 08.

    Args:
        grad_output: (N, C_out, H_out, W_out), or (C_out, H_out, W_out) for
            unbatched input: the forward's output shape.
        input, weight, bias, stride, padding, output_padding, groups,
            dilation: exactly as given to :func:`conv_transpose2d`.

    Returns:
        ``(grad_input, grad_weight, grad_bias)`` shaped like ``input``
        (N, C_in, H, W), ``weight`` (C_in, C_out/groups, kH, kW) and ``bias``
        (C_out,); ``grad_bias`` is None when ``bias`` is None.

    >>> x, w = np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2))
    >>> gi, gw, gb = conv_transpose2d_backward(np.ones((1, 1, 4, 4)), x, w, np.zeros(1), stride=2)
    >>> gi[0, 0], gw[0, 0], gb
    (array([[4., 4.],
           [4., 4.]]), array([[4., 4.],
           [4., 4.]]), array([16.]))
    """
    fn = "conv_transpose2d_backward"
    g = as_array(grad_output, "grad_output", fn)
    x, w, b, unbatched, stride, pads, dilation, groups, out_size = _check(
        fn, input, weight, bias, stride, padding, output_padding, groups, dilation, extra=(g,)
    )
    N, _, H, W = x.shape
    C_out = w.shape[1] * groups
    g = check_grad_output(g, (N, C_out) + out_size, unbatched, fn, "conv_transpose2d's output")
    g = g.astype(w.dtype, copy=False)
    grad_input = conv_forward(g, w, None, stride, pads, dilation, groups, (H, W))
    grad_weight = conv_weight_grad(x, g, w.shape, stride, pads, dilation, groups)
    grad_bias = None if b is None else g.sum(axis=(0, 2, 3))
    return (grad_input[0] if unbatched else grad_input), grad_weight, grad_bias
