"""Exercise checkers of lesson 03 (convolution, number by number).

Every expected answer is computed here with PyTorch (``torch.nn.functional.conv2d``
or ``torch.nn.Conv2d``), independently of :mod:`helpers.ops` and
:mod:`helpers.conv_steps`, then compared by :func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer
from ..lecture import GREY_IMAGE, RGB_PATCH
from ._coding import check_function

__all__ = [
    "HAND_KERNEL",
    "HAND_POSITION",
    "SHAPE_CASE",
    "LAYER_CASE",
    "RGB_FILTER",
    "RGB_FILTER_BIAS",
    "RGB_POSITION",
    "check_sharpen_value",
    "check_output_shape",
    "check_param_count",
    "check_rgb_value",
    "UNFOLD_CASES",
    "check_conv2d_unfold",
]

#: Exercise 3.1: a kernel the lesson has not applied to the lecture's 5x5 image (an
#: asymmetric one, so a flipped kernel gives another number), and the output position.
HAND_KERNEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
HAND_POSITION = (1, 2)
#: Exercise 3.2: a batch of 8 RGB 32x32 images through 16 filters of 5x5, padding 2, stride 1.
SHAPE_CASE = {"input_shape": (8, 3, 32, 32), "out_channels": 16, "kernel_size": 5, "padding": 2}
#: Exercise 3.3: a convolution layer (in_channels, out_channels, kernel_size).
LAYER_CASE = {"in_channels": 64, "out_channels": 128, "kernel_size": 3}
#: Exercise 3.4: a second filter for the lecture's RGB patch (one 3x3 kernel per channel,
#: (C_in=3, 3, 3)), its bias, and the output position.
RGB_FILTER = np.array([
    [[1, 0, 0], [0, 1, 0], [0, 0, -1]],
    [[0, -1, 0], [1, 0, 1], [0, -1, 0]],
    [[-1, 1, 0], [0, 0, 0], [0, 1, -1]],
])
RGB_FILTER_BIAS = -2
RGB_POSITION = (2, 3)


def _torch_conv(image, weight, bias=None, padding=0):
    import torch
    import torch.nn.functional as F

    x = torch.as_tensor(np.asarray(image, dtype=np.float64))
    w = torch.as_tensor(np.asarray(weight, dtype=np.float64))
    b = None if bias is None else torch.as_tensor(np.asarray(bias, dtype=np.float64))
    return F.conv2d(x, w, b, padding=padding).numpy()


def check_sharpen_value(answer):
    """3.1: the lecture's 5x5 image, :data:`HAND_KERNEL`, padding 1: the output at :data:`HAND_POSITION`."""
    i, j = HAND_POSITION
    out = _torch_conv(GREY_IMAGE[None, None], HAND_KERNEL[None, None], padding=1)
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
    """3.4: the lecture's RGB patch with :data:`RGB_FILTER` and :data:`RGB_FILTER_BIAS`
    (padding 1): the output at :data:`RGB_POSITION`."""
    i, j = RGB_POSITION
    out = _torch_conv(RGB_PATCH[None], RGB_FILTER[None], [RGB_FILTER_BIAS], padding=1)
    return check_answer(
        "3.4 RGB output", answer, float(out[0, 0, i, j]),
        hint="Three windows (one per channel) at the same position, three kernels, three partial sums; "
             "add them and the bias once (not once per channel).",
    )


def _unfold_cases():
    rng = np.random.default_rng(3)
    cases = []
    for (N, C_in, H, W), C_out, k, stride, padding in [
        ((1, 1, 5, 5), 1, 3, 1, 1),      # the lecture's shapes
        ((2, 3, 9, 7), 4, 3, 2, 1),      # a batch, colour, non-square, stride 2
        ((1, 2, 8, 11), 3, 5, 3, 2),     # a 5x5 kernel, stride 3
        ((3, 4, 6, 6), 2, 1, 1, 0),      # a 1x1 kernel
    ]:
        cases.append((rng.normal(size=(N, C_in, H, W)), rng.normal(size=(C_out, C_in, k, k)),
                      rng.normal(size=C_out), stride, padding))
    return cases


#: Exercise 3.5: the (x, weight, bias, stride, padding) cases the checker runs.
UNFOLD_CASES = _unfold_cases()


def check_conv2d_unfold(fn):
    """3.5: ``fn(x, weight, bias, stride, padding)`` for x (N, C_in, H, W), weight
    (C_out, C_in, kH, kW), bias (C_out,) must equal ``F.conv2d`` with the same arguments."""
    import torch
    import torch.nn.functional as F

    def reference(x, weight, bias, stride, padding):
        return F.conv2d(torch.tensor(x), torch.tensor(weight), torch.tensor(bias), stride=stride, padding=padding).numpy()

    return check_function("3.5 convolution by unfold", fn, UNFOLD_CASES, reference, rtol=1e-9, atol=1e-9,
                          hint="ops.unfold(x, (kH, kW), stride=stride, padding=padding) gives (N, C_in*kH*kW, L); "
                               "H_out = (H + 2*padding - kH) // stride + 1; weight.reshape(C_out, -1) @ columns, "
                               "add bias[:, None], reshape to (N, C_out, H_out, W_out).")
