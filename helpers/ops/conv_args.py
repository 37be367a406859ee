"""Argument checking for the convolution family (``conv2d``, its backward,
``conv_transpose2d``, ``unfold`` and ``fold``).

Internal module: it turns the user's arguments into validated values (4-D
arrays in the compute dtype, ``(h, w)`` pairs, the four padding amounts and
the output size) and words every error with the function's name, the
argument, what was expected and what arrived.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

from ._args import _is_int, as_array, as_batched, compute_dtype, pair
from .shape import conv_output_size

__all__ = [
    "ConvArgs",
    "check_conv2d",
    "check_input",
    "check_weight",
    "check_bias",
    "check_groups",
    "check_grad_output",
    "conv_padding",
    "output_size",
]


class ConvArgs(NamedTuple):
    """Validated arguments of a ``conv2d``-like call."""

    input: np.ndarray  # (N, C_in, H, W), compute dtype
    weight: np.ndarray  # (C_out, C_in/groups, kH, kW), compute dtype
    bias: Optional[np.ndarray]  # (C_out,) or None
    unbatched: bool  # input arrived as (C_in, H, W)
    stride: tuple
    pads: tuple  # (top, bottom, left, right)
    dilation: tuple
    groups: int
    out_size: tuple  # (H_out, W_out)


def check_groups(groups, fn: str) -> int:
    if not _is_int(groups):
        raise TypeError(f"{fn}: groups must be a positive int; got {groups!r} of type {type(groups).__name__}")
    if groups <= 0:
        raise ValueError(f"{fn}: groups must be a positive int; got groups={groups}")
    return int(groups)


def check_weight(weight, fn: str, layout: str = "(C_out, C_in/groups, kH, kW)") -> np.ndarray:
    w = as_array(weight, "weight", fn)
    if w.ndim != 4:
        raise ValueError(f"{fn}: weight must be 4-D {layout}; got {w.ndim}-D array of shape {w.shape}")
    if min(w.shape) < 1:
        raise ValueError(f"{fn}: weight must have at least one channel and a kernel of size >= 1; got weight of shape {w.shape}")
    return w


def check_input(input, fn: str, name: str = "input") -> tuple[np.ndarray, bool]:
    x, unbatched = as_batched(input, name, fn)
    if min(x.shape[1:]) < 1:
        raise ValueError(f"{fn}: {name} must have at least one channel, row and column; got shape {np.shape(input)}")
    return x, unbatched


def check_bias(bias, C_out: int, fn: str) -> Optional[np.ndarray]:
    if bias is None:
        return None
    b = as_array(bias, "bias", fn)
    if b.shape != (C_out,):
        raise ValueError(f"{fn}: bias must have shape (C_out,) = ({C_out},) to match weight; got bias of shape {b.shape}")
    return b


def conv_padding(padding, kernel, stride, dilation, fn: str) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` from an int, a pair, ``"same"`` or ``"valid"``.

    ``"same"`` pads ``d * (k - 1)`` in total, ``total // 2`` before and the rest
    after (asymmetric for even kernels), exactly as torch does.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{fn}: padding='same' needs stride 1, as in torch; got stride={stride}")
            (kH, kW), (dH, dW) = kernel, dilation
            tH, tW = dH * (kH - 1), dW * (kW - 1)
            return (tH // 2, tH - tH // 2, tW // 2, tW - tW // 2)
        raise ValueError(f"{fn}: padding must be an int, a pair of ints, 'same' or 'valid'; got {padding!r}")
    try:
        pH, pW = pair(padding, "padding", fn, minimum=0)
    except TypeError:
        raise TypeError(
            f"{fn}: padding must be an int, a pair of ints, 'same' or 'valid'; got {padding!r} of type {type(padding).__name__}"
        ) from None
    return (pH, pH, pW, pW)


def output_size(fn, in_hw, kernel, stride, pads, dilation, kernel_name="weight", shapes=""):
    """``(H_out, W_out)``; a kernel larger than the padded input raises, worded for ``fn``."""
    (H, W), (kH, kW), (dH, dW) = in_hw, kernel, dilation
    top, bottom, left, right = pads
    span = (dH * (kH - 1) + 1, dW * (kW - 1) + 1)
    padded = (H + top + bottom, W + left + right)
    if span[0] > padded[0] or span[1] > padded[1]:
        raise ValueError(
            f"{fn}: the kernel of {kernel_name} ({kH}, {kW}) with dilation ({dH}, {dW}) spans {span}, "
            f"larger than the padded input {padded} (padding {pads[::2]} before, {pads[1::2]} after); {shapes}"
        )
    if top == bottom and left == right:
        return conv_output_size((H, W), kernel, stride, (top, left), dilation)
    return ((padded[0] - span[0]) // stride[0] + 1, (padded[1] - span[1]) // stride[1] + 1)


def check_conv2d(fn, input, weight, bias, stride, padding, dilation, groups, extra=()) -> ConvArgs:
    """Check a ``conv2d(input, weight, bias, stride, padding, dilation, groups)`` call.

    ``extra`` holds further arrays (``grad_output``) that take part in the
    compute dtype.
    """
    x, unbatched = check_input(input, fn)
    w = check_weight(weight, fn)
    groups = check_groups(groups, fn)
    stride = pair(stride, "stride", fn)
    dilation = pair(dilation, "dilation", fn)
    N, C_in, H, W = x.shape
    C_out, C_in_g, kH, kW = w.shape
    if C_in % groups:
        raise ValueError(f"{fn}: groups must divide C_in; got groups={groups} for input with C_in = {C_in} channels")
    if C_out % groups:
        raise ValueError(f"{fn}: groups must divide C_out; got groups={groups} for weight of shape {w.shape} (C_out = {C_out})")
    if C_in_g * groups != C_in:
        raise ValueError(
            f"{fn}: weight must have C_in/groups = {C_in // groups} channels to match input (N, {C_in}, H, W)"
            f"{'' if groups == 1 else f' with groups={groups}'}; got weight of shape {w.shape}"
        )
    b = check_bias(bias, C_out, fn)
    pads = conv_padding(padding, (kH, kW), stride, dilation, fn)
    shapes = f"got input of shape {np.shape(input)} and weight of shape {w.shape}"
    out = output_size(fn, (H, W), (kH, kW), stride, pads, dilation, "weight", shapes)
    dtype = compute_dtype(x, w, b, *extra)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    b = None if b is None else b.astype(dtype, copy=False)
    return ConvArgs(x, w, b, unbatched, stride, pads, dilation, groups, out)


def check_grad_output(grad_output, expected: tuple, unbatched: bool, fn: str, what: str = "the forward's output") -> np.ndarray:
    """Check that ``grad_output`` has the shape of the forward's output."""
    g = as_array(grad_output, "grad_output", fn)
    want = expected[1:] if unbatched else expected
    if g.shape != tuple(want):
        raise ValueError(
            f"{fn}: grad_output must have the shape of {what}, {tuple(want)}; got grad_output of shape {g.shape}"
        )
    return g[None] if unbatched else g
