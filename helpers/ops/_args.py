"""Argument checking shared by every reference op: one place that turns the
user's ``int``-or-pair arguments and arrays into validated values, and that
words the errors (``ValueError``/``TypeError`` naming the argument, what was
expected and what arrived).

Internal module: the public functions live in the op modules and in
:mod:`helpers.ops`.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "pair",
    "as_array",
    "as_batched",
    "compute_dtype",
    "check_flag",
]


def _is_int(value) -> bool:
    if type(value) is int:  # the common case, without the slower abstract-class check below
        return True
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def pair(value, name: str, fn: str, *, minimum: int = 1) -> tuple[int, int]:
    """Normalise an int-or-pair argument to ``(h, w)``, checking each entry.

    ``minimum`` is the smallest value accepted (1 for kernel sizes, strides and
    dilations; 0 for paddings).

    >>> pair(3, "kernel_size", "conv2d")
    (3, 3)
    >>> pair((1, 2), "padding", "conv2d", minimum=0)
    (1, 2)
    """
    if _is_int(value):
        items = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_int(v) for v in value):
        items = tuple(value)
    elif isinstance(value, (tuple, list)) and len(value) == 1 and _is_int(value[0]):
        items = (value[0], value[0])
    else:
        raise TypeError(
            f"{fn}: {name} must be an int or a pair of ints (h, w); got {value!r} "
            f"of type {type(value).__name__}"
        )
    h, w = (int(v) for v in items)
    if h < minimum or w < minimum:
        what = "positive" if minimum == 1 else f"at least {minimum}"
        if minimum == 0:
            what = "non-negative"
        raise ValueError(f"{fn}: {name} must be {what}; got {value!r}")
    return h, w


def as_array(value, name: str, fn: str) -> np.ndarray:
    """Return ``value`` as a NumPy array of numbers, or raise ``TypeError``.

    Accepts NumPy arrays, nested lists and anything with ``__array__`` (a CPU
    torch tensor, say). Booleans, strings and objects are refused.
    """
    if value is None:
        raise TypeError(f"{fn}: {name} must be an array; got None")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{fn}: {name} must be an array of numbers; got {type(value).__name__} ({exc})") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(
            f"{fn}: {name} must be an array of numbers; got dtype {arr.dtype} from {type(value).__name__}"
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{fn}: {name} must be real; got dtype {arr.dtype}")
    return arr


def compute_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype an op computes and returns in.

    Floating inputs keep their dtype (float32 stays float32; mixed float32 and
    float64 give float64, as NumPy promotes); integer inputs such as pixel
    values are computed in float64.
    """
    floats = [a.dtype for a in arrays if a is not None and np.issubdtype(a.dtype, np.floating)]
    if not floats:
        return np.dtype(np.float64)
    return np.result_type(*floats)


def as_batched(value, name: str, fn: str) -> tuple[np.ndarray, bool]:
    """Check an image batch and return ``(array of shape (N, C, H, W), was_unbatched)``.

    Accepts (N, C, H, W) or the unbatched (C, H, W), as torch does.
    """
    arr = as_array(value, name, fn)
    if arr.ndim == 3:
        return arr[None], True
    if arr.ndim == 4:
        return arr, False
    raise ValueError(
        f"{fn}: {name} must be 4-D (N, C, H, W) or 3-D (C, H, W); got {arr.ndim}-D array of shape {arr.shape}"
    )


def check_flag(value, name: str, fn: str) -> bool:
    """Check a boolean option such as ``ceil_mode``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be True or False; got {value!r}")
    return bool(value)
