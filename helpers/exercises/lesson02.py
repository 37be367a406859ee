"""Checkers for lesson 02's exercises (kernels).

Each one computes the right answer on its own (with PyTorch or a direct
formula), never from the lesson's code, and hands it to
:func:`helpers.checks.check_answer`, which prints the verdict.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import check_answer
from ..kernels import gallery

__all__ = [
    "SMOOTH_KERNEL",
    "check_divisor",
    "learning_pair",
    "check_learned_kernel",
    "check_shift_kernel",
    "check_zero_border",
    "check_zero_sum_kernels",
    "check_separable_saving",
]


#: Exercise 2.1: a smoothing kernel the lesson has not shown (a 5x5 binomial-like bell).
SMOOTH_KERNEL = np.array([
    [1, 2, 3, 2, 1],
    [2, 5, 7, 5, 2],
    [3, 7, 12, 7, 3],
    [2, 5, 7, 5, 2],
    [1, 2, 3, 2, 1],
])


def check_divisor(answer):
    """2.1: the number to divide SMOOTH_KERNEL by so that it keeps brightness."""
    expected = int(torch.as_tensor(SMOOTH_KERNEL).sum().item())
    return check_answer(
        "2.1 normalise a kernel",
        answer,
        expected,
        hint="Brightness is kept when the weights add up to 1: add up all 25 entries, e.g. ex.SMOOTH_KERNEL.sum().",
    )


def check_shift_kernel(answer):
    """2.2: the 3x3 kernel with which filter2d moves an image one pixel to the right.

    The expected kernel is found with torch from an impulse: cross-correlating
    a single bright pixel gives the kernel back rotated by 180 degrees, so the
    kernel is the flipped 3x3 neighbourhood of the shifted impulse.
    """
    impulse = torch.zeros(5, 5, dtype=torch.float64)
    impulse[2, 2] = 1.0
    shifted = torch.roll(impulse, shifts=1, dims=1)  # the bright pixel one step to the right
    expected = torch.flip(shifted[1:4, 1:4], dims=(0, 1)).numpy()
    return check_answer(
        "2.2 shift right",
        answer,
        expected,
        hint=(
            "Output pixel (i, j) must take the value of the input pixel to its LEFT, (i, j-1). "
            "filter2d does not flip: kernel[1, 1] weighs the pixel itself, kernel[1, 0] the one on its left."
        ),
    )


def check_zero_border(answer):
    """2.3: the 4x4 result of the normalised 3x3 box blur of an all-ones 4x4 image, zero border."""
    ones = torch.ones(1, 1, 4, 4, dtype=torch.float64)
    box = torch.full((1, 1, 3, 3), 1.0 / 9.0, dtype=torch.float64)
    expected = F.conv2d(ones, box, padding=1)[0, 0].numpy()
    return check_answer(
        "2.3 zero border",
        answer,
        expected,
        hint="Count how many of the 9 pixels under the kernel are inside the image (not zero padding): 4 at a corner, 6 on an edge.",
    )


def check_zero_sum_kernels(answer):
    """2.4: the names in ``helpers.kernels.gallery()`` whose entries sum to 0 (edge kernels)."""
    expected = {name for name, k in gallery().items() if abs(torch.as_tensor(k).sum().item()) < 1e-9}
    return check_answer(
        "2.4 kernels summing to 0",
        set(answer) if isinstance(answer, (list, tuple)) else answer,
        expected,
        hint="Loop over gallery().items() and keep the names whose kernel.sum() is 0 (allow a tiny rounding error).",
    )


def check_separable_saving(answer, height: int = 128, width: int = 128, size: int = 9):
    """2.5: multiplications saved in total by filtering a height x width image with a separable size x size kernel as two 1-D passes."""
    pixels = height * width  # the output is as large as the input
    expected = pixels * (size * size) - pixels * (size + size)
    return check_answer(
        "2.5 separable saving",
        answer,
        expected,
        hint=f"Per output pixel: {size}x{size} multiplications in 2-D, {size} + {size} in two 1-D passes. Multiply the difference by the number of output pixels.",
        rtol=0,
        atol=0.5,
    )


#: Exercise 2.6: the unknown 3x3 filter that made the output photos (not shown in the lesson).
_UNKNOWN = np.array([[0.5, 1.0, 0.0], [-1.0, 0.25, 1.0], [0.0, -1.0, -0.5]])


def learning_pair(size: int = 40):
    """Exercise 2.6: ``(inputs, outputs)``, float64 arrays of shapes (3, 1, size, size) and
    (3, 1, size - 2, size - 2): three grey photos, and what an unknown 3x3 filter made of them
    (``F.conv2d`` without padding)."""
    from ..data import photo, to_nchw

    x = np.concatenate([to_nchw(photo(name, gray=True, size=(size, size))) for name in ("astronaut", "coffee", "brick")])
    y = F.conv2d(torch.tensor(x), torch.tensor(_UNKNOWN)[None, None]).numpy()
    return x, y


def check_learned_kernel(answer):
    """2.6: the 3x3 kernel that maps ``learning_pair()``'s inputs to its outputs.

    The expected kernel is not read from the filter that made the pair: it is
    the least-squares solution, with torch, of "every 3x3 window (F.unfold)
    times the kernel = the output pixel", which is exact because the outputs
    were made by a 3x3 filter."""
    x, y = learning_pair()
    windows = F.unfold(torch.tensor(x), 3).transpose(1, 2).reshape(-1, 9)   # (N * L, 9)
    expected = torch.linalg.lstsq(windows, torch.tensor(y).reshape(-1, 1)).solution.reshape(3, 3).numpy()
    return check_answer(
        "2.6 learn a kernel",
        answer,
        expected,
        rtol=0,
        atol=0.02,
        hint="Start from zeros, minimise F.mse_loss(F.conv2d(x, weight), y) with torch.optim.Adam (lr 0.1) for a few "
             "hundred steps, and answer weight[0, 0] as a (3, 3) array (weight.detach().numpy()).",
    )
