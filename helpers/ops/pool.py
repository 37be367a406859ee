"""Max and average pooling, their naive loop versions and their backward
functions: NumPy mirrors of ``torch.nn.functional.max_pool2d`` and
``avg_pool2d`` (lesson 05; the backward functions in lesson 10).

Shapes (one set of symbols throughout): input (N, C, H, W) or unbatched
(C, H, W); kernel (kH, kW); output and indices (N, C, H_out, W_out) or
(C, H_out, W_out), with, per spatial axis (:func:`helpers.ops.conv_output_size`)::

    H_out = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1

(ceil instead of floor with ``ceil_mode=True``, dropping a last window that
would start in the right padding). ``stride=None`` means ``kernel_size``;
every size argument is an int or an (h, w) pair; padding may be at most half
the kernel, as in torch.

Dtypes: float input keeps its dtype (float32 stays float32); integer input
(pixel values) is computed and returned in float64 by every op here,
max pooling included. Indices are int64 flat positions ``h * W + w`` in each
(H, W) plane, exactly as torch returns them.

Where torch accepts arguments that can only be a mistake, these functions
raise a worded ``ValueError`` instead: a kernel larger than the padded input
(torch's ``ceil_mode`` would still make one window hanging past it), and a
padding plus dilation that leaves some window with only padding in it (torch
returns ``-inf`` and an index of no element of that window).

The implementations live in :mod:`.pool_max`, :mod:`.pool_avg`,
:mod:`.pool_naive` and :mod:`.pool_common`.
"""
from .pool_avg import avg_pool2d, avg_pool2d_backward
from .pool_max import max_pool2d, max_pool2d_backward
from .pool_naive import avg_pool2d_naive, max_pool2d_naive

__all__ = [
    "max_pool2d",
    "max_pool2d_naive",
    "max_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_naive",
    "avg_pool2d_backward",
]
