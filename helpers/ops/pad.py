"""``pad``: NumPy's mirror of ``torch.nn.functional.pad`` (lesson 04).

``pad`` lists amounts from the last dimension backwards, as torch does:
``(left, right)`` pads W; ``(left, right, top, bottom)`` pads W and H.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._args import _is_int, as_array

__all__ = ["pad"]

_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    """Pad an array, with torch's argument order and modes.

    Args:
        input: array of any shape for ``mode="constant"``. The other modes,
            as torch, pad the last k = 1, 2 or 3 dimensions of an input with
            k + 1 or k + 2 dimensions: ``(left, right)`` for (C, W) or
            (N, C, W); ``(left, right, top, bottom)`` for (C, H, W) or
            (N, C, H, W).
        pad: even-length tuple of ints ``(left, right[, top, bottom, ...])``,
            starting at the last dimension. Negative amounts crop (constant
            mode only; torch also crops in the other modes, here they raise).
            Reflect padding must be smaller than the dimension it pads,
            circular padding at most its size.
        mode: ``"constant"``, ``"reflect"`` (mirror without repeating the
            edge), ``"replicate"`` (repeat the edge) or ``"circular"`` (wrap).
        value: fill value for ``"constant"`` (default 0).

    Returns:
        The padded array, same dtype as ``input`` (as torch: an integer
        array stays integer and a fractional ``value`` is truncated).

    Introduced in lesson 04 (padding).

    >>> pad(np.ones((1, 1, 2, 2)), (1, 1, 1, 1)).shape
    (1, 1, 4, 4)
    >>> pad(np.array([[[1., 2., 3.]]]), (2, 2), mode="reflect")
    array([[[3., 2., 1., 2., 3., 2., 1.]]])
    """
    fn = "pad"
    x = as_array(input, "input", fn)
    if not isinstance(pad, (tuple, list)) or not all(_is_int(p) for p in pad):
        raise TypeError(f"{fn}: pad must be a tuple of ints (left, right, top, bottom, ...); got {pad!r}")
    if len(pad) % 2 or len(pad) == 0:
        raise ValueError(f"{fn}: pad must have an even, non-zero length (2 per padded dimension); got {len(pad)}: {pad!r}")
    n_dims = len(pad) // 2
    if n_dims > x.ndim:
        raise ValueError(f"{fn}: pad {pad!r} pads {n_dims} dimensions but input has only {x.ndim} (shape {x.shape})")
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"{fn}: mode must be one of {sorted(_MODES)}; got {mode!r}")
    if value is not None and mode != "constant":
        raise ValueError(f"{fn}: value is only used with mode='constant'; got mode={mode!r} and value={value!r}")
    if value is not None and not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: value must be a real number; got {value!r}")
    widths = [(0, 0)] * x.ndim
    for i in range(n_dims):
        widths[x.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))

    if mode == "constant":
        # Negative amounts crop first; then pad the rest.
        crop = tuple(slice(max(-a, 0), x.shape[d] - max(-b, 0)) for d, (a, b) in enumerate(widths))
        for d, (a, b) in enumerate(widths):
            if max(-a, 0) + max(-b, 0) > x.shape[d]:
                raise ValueError(f"{fn}: negative pad {pad!r} crops more than dimension {d} (size {x.shape[d]}) holds")
        x = x[crop]
        pos = [(max(a, 0), max(b, 0)) for a, b in widths]
        return np.pad(x, pos, mode="constant", constant_values=0 if value is None else value)

    if n_dims > 3 or x.ndim not in (n_dims + 1, n_dims + 2):
        raise ValueError(
            f"{fn}: mode={mode!r} pads the last k = 1, 2 or 3 dimensions of a (k+1)-D or (k+2)-D input "
            f"(as torch: (left, right) for (C, W) or (N, C, W), 4 amounts for (C, H, W) or (N, C, H, W)); "
            f"got pad {pad!r} for input of shape {x.shape}"
        )
    for d, (a, b) in enumerate(widths):
        if a < 0 or b < 0:
            raise ValueError(f"{fn}: mode={mode!r} needs non-negative pad amounts; got {pad!r}")
        if mode == "reflect" and (a >= x.shape[d] or b >= x.shape[d]):
            raise ValueError(
                f"{fn}: reflect padding must be smaller than the dimension it pads; "
                f"got pad ({a}, {b}) for a dimension of size {x.shape[d]} (input shape {x.shape})"
            )
        if mode == "circular" and (a > x.shape[d] or b > x.shape[d]):
            raise ValueError(
                f"{fn}: circular padding can be at most the size of the dimension it pads; "
                f"got pad ({a}, {b}) for a dimension of size {x.shape[d]} (input shape {x.shape})"
            )
        if mode == "replicate" and (a or b) and x.shape[d] == 0:
            raise ValueError(f"{fn}: cannot replicate-pad an empty dimension (input shape {x.shape})")
    return np.pad(x, widths, mode=_MODES[mode])
