"""Exercise checkers of lesson 03 (convolution, number by number).

Every expected answer is computed here with PyTorch (``torch.nn.functional.conv2d``
or ``torch.nn.Conv2d``), independently of :mod:`helpers.ops` and
:mod:`helpers.conv_steps`, then compared by :func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer
from ..lecture import GREY_IMAGE, RGB_BIAS, RGB_KERNELS, RGB_PATCH, SHARPEN

__all__ = [
    "SHARPEN_POSITION",
    "SHAPE_CASE",
    "LAYER_CASE",
    "RGB_POSITION",
    "check_sharpen_value",
    "check_output_shape",
    "check_param_count",
    "check_rgb_value",
]

#: Exercise 3.1: the output position of the 5x5 example the student computes by hand.
SHARPEN_POSITION = (1, 2)
#: Exercise 3.2: a batch of 8 RGB 32x32 images through 16 filters of 5x5, padding 2, stride 1.
SHAPE_CASE = {"input_shape": (8, 3, 32, 32), "out_channels": 16, "kernel_size": 5, "padding": 2}
#: Exercise 3.3: a convolution layer (in_channels, out_channels, kernel_size).
LAYER_CASE = {"in_channels": 64, "out_channels": 128, "kernel_size": 3}
#: Exercise 3.4: the output position of the RGB example.
RGB_POSITION = (1, 1)


def _torch_conv(image, weight, bias=None, padding=0):
    import torch
    import torch.nn.functional as F

    x = torch.as_tensor(np.asarray(image, dtype=np.float64))
    w = torch.as_tensor(np.asarray(weight, dtype=np.float64))
    b = None if bias is None else torch.as_tensor(np.asarray(bias, dtype=np.float64))
    return F.conv2d(x, w, b, padding=padding).numpy()


def check_sharpen_value(answer):
    """3.1: the lecture's 5x5 image, sharpen kernel, padding 1: the output at :data:`SHARPEN_POSITION`."""
    i, j = SHARPEN_POSITION
    out = _torch_conv(GREY_IMAGE[None, None], SHARPEN[None, None], padding=1)
    return check_answer(
        "3.1 one output by hand", answer, float(out[0, 0, i, j]),
        hint=f"Take the 3x3 window of the PADDED image whose top-left corner is at padded row {i}, column {j} "
             f"(its centre is the pixel at row {i}, column {j} of the original image), multiply it by the "
             "kernel entry by entry and add the nine products.",
    )


def check_output_shape(answer):
    """3.2: the output shape (N, C_out, H_out, W_out) for :data:`SHAPE_CASE`."""
    import torch

    case = SHAPE_CASE
    conv = torch.nn.Conv2d(case["input_shape"][1], case["out_channels"], case["kernel_size"], padding=case["padding"])
    with torch.no_grad():
        shape = tuple(conv(torch.zeros(case["input_shape"])).shape)
    return check_answer(
        "3.2 output shape", answer, shape,
        hint="One output channel per filter; H_out = (H + 2*padding - kernel_size) // stride + 1. "
             "The batch size does not change.",
    )


def check_param_count(answer):
    """3.3: the number of parameters (weights and biases) of the layer in :data:`LAYER_CASE`."""
    import torch

    layer = torch.nn.Conv2d(LAYER_CASE["in_channels"], LAYER_CASE["out_channels"], LAYER_CASE["kernel_size"])
    expected = sum(p.numel() for p in layer.parameters())
    return check_answer(
        "3.3 parameter count", answer, expected,
        hint="Each of the C_out filters has C_in * kH * kW weights, and each filter has one bias.",
    )


def check_rgb_value(answer):
    """3.4: the lecture's RGB example (padding 1, bias 1): the output at :data:`RGB_POSITION`."""
    i, j = RGB_POSITION
    out = _torch_conv(RGB_PATCH[None], RGB_KERNELS[None], [RGB_BIAS], padding=1)
    return check_answer(
        "3.4 RGB output", answer, float(out[0, 0, i, j]),
        hint="Three windows (one per channel) at the same position, three kernels, three partial sums; "
             "add them and the bias once (not once per channel).",
    )
