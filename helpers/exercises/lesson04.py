"""Exercise checkers of lesson 04 (stride and padding).

Every expected answer is computed here independently of :mod:`helpers.sliding`
and :mod:`helpers.ops`: output sizes from the shape of an actual
``torch.nn.functional.conv2d`` output, the "same" padding by trying every split
against torch's ``padding="same"``, and never-visited pixels by brute-force
loops over the windows. Then :func:`helpers.checks.check_answer` gives the verdict.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..checks import check_answer
from ._coding import check_function

__all__ = [
    "SIZE_CASE",
    "SAME_CASE",
    "STRIDE_CASE",
    "EVEN_CASE",
    "check_output_size",
    "check_same_padding",
    "check_never_visited",
    "check_even_same_padding",
    "FIELD_CASES",
    "check_receptive_field",
]

#: Exercise 4.1: a non-square input through a 5x5 kernel, stride 2, padding 1.
SIZE_CASE = {"input_size": (28, 40), "kernel_size": 5, "stride": 2, "padding": 1, "dilation": 1}
#: Exercise 4.2: which padding keeps a 32x32 input 32x32 under a 5x5 kernel (stride 1)?
SAME_CASE = {"input_size": 32, "kernel_size": 5}
#: Exercise 4.3: a case the lesson has not counted: a 10x10 input, a 2x2 kernel, stride 3
#: (the stride is larger than the kernel, so the windows leave gaps between them).
STRIDE_CASE = {"input_size": 10, "kernel_size": 2, "stride": 3}
#: Exercise 4.4: torch's padding="same" for a 4x4 kernel with dilation 3 (an odd total of zeros).
EVEN_CASE = {"kernel_size": 4, "dilation": 3}


def _torch_out_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    import torch
    import torch.nn.functional as F

    H, W = (input_size, input_size) if np.isscalar(input_size) else input_size
    x = torch.zeros(1, 1, H, W, dtype=torch.float64)
    w = torch.zeros(1, 1, kernel_size, kernel_size, dtype=torch.float64)
    return tuple(F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation).shape[-2:])


def check_output_size(answer):
    """4.1: ``(H_out, W_out)`` for :data:`SIZE_CASE`, from torch's actual output shape."""
    expected = _torch_out_shape(**SIZE_CASE)
    return check_answer(
        "4.1 output size", answer, expected,
        hint="Give a pair (H_out, W_out). Per axis: floor((H + 2p - d(k-1) - 1)/s) + 1; "
             "the height and the width differ here, and floor rounds down (12.5 -> 12).",
    )


def check_same_padding(answer):
    """4.2: the padding p (an int) that keeps :data:`SAME_CASE`'s size, found by trying p = 0..10 in torch."""
    n, k = SAME_CASE["input_size"], SAME_CASE["kernel_size"]
    fits = [p for p in range(11) if _torch_out_shape(n, k, padding=p) == (n, n)]
    return check_answer(
        "4.2 padding that keeps the size", answer, fits[0],
        hint="With stride 1 the output is H + 2p - k + 1; set that equal to H and solve for p.",
    )


def _never_visited_brute_force(n, k, s):
    visited = np.zeros((n, n), dtype=bool)
    for top in range(0, n - k + 1, s):          # every window's top-left corner
        for left in range(0, n - k + 1, s):
            visited[top:top + k, left:left + k] = True
    return int((~visited).sum())


def check_never_visited(answer):
    """4.3: how many pixels of :data:`STRIDE_CASE` no window reads (brute-force loops)."""
    expected = _never_visited_brute_force(STRIDE_CASE["input_size"], STRIDE_CASE["kernel_size"], STRIDE_CASE["stride"])
    return check_answer(
        "4.3 never-visited pixels", answer, expected,
        hint="List the rows the windows start at (0, 3, ...) and which rows each one covers; "
             "the same holds for the columns. A pixel is missed if its row OR its column is missed.",
    )


def check_even_same_padding(answer):
    """4.4: ``(before, after)``: the zeros torch's padding="same" adds before and after
    each axis for :data:`EVEN_CASE`'s dilated kernel, found by trying every split against torch."""
    import torch
    import torch.nn.functional as F

    k, d = EVEN_CASE["kernel_size"], EVEN_CASE["dilation"]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 1, 15, 15, generator=g, dtype=torch.float64)
    w = torch.randn(1, 1, k, k, generator=g, dtype=torch.float64)
    with warnings.catch_warnings():  # torch notes that an odd total needs a padded copy
        warnings.simplefilter("ignore", UserWarning)
        same = F.conv2d(x, w, padding="same", dilation=d)
    total = d * (k - 1)                    # the dilated kernel spans total + 1 pixels
    splits = [(a, total - a) for a in range(total + 1)
              if torch.allclose(F.conv2d(F.pad(x, (a, total - a, a, total - a)), w, dilation=d), same)]
    return check_answer(
        "4.4 'same' with a dilated kernel", answer, splits[0],
        hint="The dilated kernel spans d(k-1) + 1 pixels, so 'same' needs d(k-1) zeros per axis in all; "
             "that total is odd here. Which side gets the extra zero in torch?",
    )


#: Exercise 4.5: stacks of layers, each a list of (kernel_size, stride, dilation), first layer first.
FIELD_CASES = [
    ([(3, 1, 1)],),
    ([(3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 1, 1)],),
    ([(5, 2, 1), (3, 2, 1), (3, 1, 1)],),
    ([(3, 1, 1), (3, 1, 2), (3, 1, 4)],),
    ([(7, 2, 1), (3, 2, 1), (3, 1, 2), (2, 2, 1)],),
]


def _field_by_autograd(layers):
    """The receptive field of one output of the stack, measured: the width of the input region whose
    gradient is non-zero (all-ones kernels, so no contribution cancels)."""
    import torch
    import torch.nn.functional as F

    size = 1
    for k, s, d in layers:
        size = size * s + d * (k - 1) + 8
    x = torch.zeros(1, 1, 1, size, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in layers:
        y = F.conv2d(y, torch.ones(1, 1, 1, k, dtype=torch.float64), stride=(1, s), dilation=(1, d))
    y[0, 0, 0, y.shape[-1] // 2].backward()
    read = torch.nonzero(x.grad[0, 0, 0]).flatten()
    return int(read.max() - read.min() + 1)


def check_receptive_field(fn):
    """4.5: ``fn(layers)`` must give each stack's receptive field (one axis, in input pixels),
    which the checker measures with autograd."""
    return check_function("4.5 receptive field", fn, FIELD_CASES, _field_by_autograd, rtol=0, atol=0,
                          hint="Start with r = 1 and jump = 1 (input pixels between neighbouring outputs). For each "
                               "layer in order: r += d * (k - 1) * jump, then jump *= s.")
