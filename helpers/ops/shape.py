"""The output-size formula of convolution and pooling (lessons 04 and 05).

For one spatial dimension of size ``L`` with kernel size ``k``, stride ``s``,
padding ``p`` (on each side) and dilation ``d``::

    L_out = floor((L + 2p - d(k - 1) - 1) / s) + 1

With ``ceil_mode=True`` (pooling only) the floor becomes a ceiling, and, as in
PyTorch, a last window that would start inside the right padding is dropped.
The ops, the widgets and the lessons all call :func:`conv_output_size`.
"""
from __future__ import annotations

from ._args import _is_int, check_flag, pair

__all__ = ["conv_output_size"]


def _one(L, k, s, p, d, ceil_mode):
    span = L + 2 * p - d * (k - 1) - 1
    if span < 0:
        return None
    if ceil_mode:
        out = -(-span // s) + 1
        if (out - 1) * s >= L + p:
            out -= 1
    else:
        out = span // s + 1
    return out


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Output height and width of a convolution or pooling window.

    Args:
        input_size: ``H`` or ``(H, W)``: the input's spatial size.
        kernel_size: ``k`` or ``(kH, kW)``.
        stride, padding, dilation: int or pair, as in ``torch.nn.functional.conv2d``.
        ceil_mode: round up instead of down (pooling).

    Returns:
        ``(H_out, W_out)`` when ``input_size`` is a pair, else the single int.

    Raises:
        ValueError: when the dilated kernel is larger than the padded input
            (there is no valid window), naming the sizes.

    Introduced in lesson 04 (stride and padding).

    >>> conv_output_size((7, 7), 3)            # the lecture: 7x7, 3x3, stride 1
    (5, 5)
    >>> conv_output_size(7, 3, stride=2)
    3
    >>> conv_output_size((7, 7), 3, padding=1)
    (7, 7)
    """
    fn = "conv_output_size"
    scalar = _is_int(input_size)
    H, W = pair(input_size, "input_size", fn, minimum=1)
    kH, kW = pair(kernel_size, "kernel_size", fn)
    sH, sW = pair(stride, "stride", fn)
    pH, pW = pair(padding, "padding", fn, minimum=0)
    dH, dW = pair(dilation, "dilation", fn)
    ceil_mode = check_flag(ceil_mode, "ceil_mode", fn)
    out = []
    for L, k, s, p, d, axis in ((H, kH, sH, pH, dH, "height"), (W, kW, sW, pW, dW, "width")):
        o = _one(L, k, s, p, d, ceil_mode)
        if o is None or o < 1:
            raise ValueError(
                f"{fn}: the kernel (size {k}, dilation {d}, so it spans {d * (k - 1) + 1}) is larger than "
                f"the padded input ({axis} {L} + 2*{p} = {L + 2 * p}); no output position fits"
            )
        out.append(o)
    return out[0] if scalar else (out[0], out[1])
