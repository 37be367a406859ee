"""NumPy reference operations that mirror ``torch.nn.functional``.

Same names, argument order, defaults and semantics as torch; NCHW layout;
unbatched (C, H, W) input accepted; float dtypes preserved and integer input
computed in float64. Each op has a naive loop version (the one the lessons
teach) and a vectorised one, and a pure backward function that takes
``grad_output`` and the forward's own arguments.

Shape symbols used in every docstring: N (batch), C_in, C_out (channels),
H, W (input height and width), kH, kW (kernel), H_out, W_out (output).
"""
from .shape import conv_output_size
from .pad import pad
from .im2col import unfold, fold
from .conv import conv2d, conv2d_naive, conv2d_backward, conv2d_weight
from .conv_transpose import conv_transpose2d, conv_transpose2d_backward
from .pool import (
    max_pool2d,
    max_pool2d_naive,
    max_pool2d_backward,
    avg_pool2d,
    avg_pool2d_naive,
    avg_pool2d_backward,
)
from .adaptive import (
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    adaptive_avg_pool2d_backward,
    adaptive_max_pool2d_backward,
)
from .activation import relu, relu_backward

__all__ = [
    "conv_output_size",
    "pad",
    "unfold",
    "fold",
    "conv2d",
    "conv2d_naive",
    "conv2d_backward",
    "conv2d_weight",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "max_pool2d",
    "max_pool2d_naive",
    "max_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_naive",
    "avg_pool2d_backward",
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "adaptive_avg_pool2d_backward",
    "adaptive_max_pool2d_backward",
    "relu",
    "relu_backward",
]
