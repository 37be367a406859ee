"""Exercise checkers of lesson 05 (pooling).

Every expected answer is computed here with PyTorch (``F.max_pool2d``,
``torch.nn.MaxPool2d``, autograd, ``F.adaptive_avg_pool2d``), independently
of :mod:`helpers.ops` and :mod:`helpers.pooling_demo`, then compared by
:func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer
from ._coding import check_function

__all__ = [
    "GRID",
    "LAYER_CASE",
    "TIE_GRID",
    "FEATURE_MAPS",
    "check_max_pool",
    "check_output_size",
    "check_gradient",
    "check_global_average",
    "POOL_CASES",
    "check_max_pool_reshape",
]

#: Exercise 5.1: a new 4x4 input, to max-pool 2x2 with stride 2 by hand.
GRID = np.array([
    [1, 3, 0, 4],
    [2, 0, 6, 1],
    [7, 1, 2, 2],
    [0, 5, 3, 8],
])
#: Exercise 5.2: a batch through ``nn.MaxPool2d(kernel_size, stride, padding, ceil_mode)``.
LAYER_CASE = {"input_shape": (8, 16, 15, 20), "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": False}
#: Exercise 5.3: a 4x4 input with ties, max-pooled 2x2 with stride 2.
TIE_GRID = np.array([
    [4, 4, 1, 0],
    [2, 3, 1, 1],
    [0, 9, 6, 2],
    [9, 1, 2, 6],
])
#: Exercise 5.4: three 3x5 feature maps (C, H, W) for global average pooling, one number per channel.
FEATURE_MAPS = np.array([
    [[0.0, 1.0, 3.0, 0.0, 2.0],
     [4.0, 0.0, 0.0, 1.0, 0.0],
     [2.0, 5.0, 0.0, 0.0, 3.0]],
    [[1.0, 1.0, 0.0, 0.0, 0.0],
     [0.0, 2.0, 6.0, 0.0, 0.0],
     [0.0, 0.0, 0.0, 4.0, 1.0]],
    [[0.0, 0.0, 0.0, 0.0, 0.0],
     [0.0, 0.0, 9.0, 0.0, 0.0],
     [0.0, 0.0, 0.0, 0.0, 6.0]],
])


def _t(a):
    import torch

    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def check_max_pool(answer):
    """5.1: the 2x2 array ``max_pool2d(GRID, 2)``, by hand."""
    import torch.nn.functional as F

    expected = F.max_pool2d(_t(GRID)[None, None], 2)[0, 0].numpy()
    return check_answer(
        "5.1 max pooling by hand", answer, expected,
        hint="Cut the 4x4 grid into four 2x2 blocks (top-left, top-right, bottom-left, bottom-right) "
             "and write the largest number of each block in the same place of a 2x2 array.",
    )


def check_output_size(answer):
    """5.2: the output shape (N, C, H_out, W_out) of :data:`LAYER_CASE`."""
    import torch

    case = LAYER_CASE
    layer = torch.nn.MaxPool2d(case["kernel_size"], case["stride"], case["padding"], ceil_mode=case["ceil_mode"])
    shape = tuple(layer(torch.zeros(case["input_shape"])).shape)
    return check_answer(
        "5.2 output shape", answer, shape,
        hint="Pooling keeps N and C. Per side: H_out = floor((H + 2*padding - kernel_size) / stride) + 1, "
             "the same formula as for convolution (lesson 04).",
    )


def check_gradient(answer):
    """5.3: the gradient of ``max_pool2d(TIE_GRID, 2).sum()`` with respect to
    TIE_GRID: a 4x4 array of 0s and 1s, computed with torch's autograd."""
    import torch.nn.functional as F

    x = _t(TIE_GRID)[None, None].requires_grad_(True)
    F.max_pool2d(x, 2).sum().backward()
    return check_answer(
        "5.3 where the gradient goes", answer, x.grad[0, 0].numpy(),
        hint="Each 2x2 window sends its gradient (1 here) to ONE element: its maximum. When two elements tie, "
             "PyTorch picks the first one in reading order (row by row, left to right). All other entries get 0.",
    )


def check_global_average(answer):
    """5.4: the global average pooling of :data:`FEATURE_MAPS`: a (C,) array, one mean per channel."""
    import torch.nn.functional as F

    expected = F.adaptive_avg_pool2d(_t(FEATURE_MAPS)[None], 1).reshape(-1).numpy()
    return check_answer(
        "5.4 global average pooling", answer, expected,
        hint="Global average pooling is adaptive average pooling to a 1x1 output, channel by channel: one mean per "
             "channel, so 3 numbers (average over the last two axes).",
    )


def _pool_cases():
    rng = np.random.default_rng(5)
    return [(rng.normal(size=shape),) for shape in [(1, 1, 4, 4), (2, 3, 6, 8), (1, 4, 7, 9), (3, 2, 5, 2)]]


#: Exercise 5.5: the (N, C, H, W) inputs the checker pools (odd sizes included: the last row/column is dropped).
POOL_CASES = _pool_cases()


def check_max_pool_reshape(fn):
    """5.5: ``fn(x)`` must equal ``F.max_pool2d(x, 2)`` for every (N, C, H, W) input in :data:`POOL_CASES`."""
    import torch.nn.functional as F

    return check_function("5.5 multi-channel max pooling", fn, POOL_CASES,
                          lambda x: F.max_pool2d(_t(x), 2).numpy(), rtol=0, atol=0,
                          hint="Crop to even sizes first (x[:, :, :H - H % 2, :W - W % 2]: floor drops the last "
                               "row/column), then reshape to (N, C, H//2, 2, W//2, 2) and take the max over axes (3, 5).")
