"""Filtering images with a kernel, through the course's own ops (lesson 02).

``filter2d`` is what image libraries call "correlate": every output pixel is
the sum of the kernel times the patch of the image under it. It is built from
:func:`helpers.ops.pad` (the border) and :func:`helpers.ops.conv2d` (the
sliding weighted sum), exactly as a convolutional layer does it:

- a grey (H, W) image is a batch of one 1-channel image, (1, 1, H, W);
- a colour (H, W, 3) image is filtered channel by channel with the same
  kernel: a *depthwise* convolution, ``conv2d(..., groups=3)`` with a weight
  of shape (3, 1, kH, kW).

Like ``torch.nn.functional.conv2d``, it does not flip the kernel
(cross-correlation); lesson 03 shows the flip that turns it into a
convolution. For symmetric kernels (box, Gaussian, Laplacian) the two agree.

Border modes (how the image is extended beyond its edge):

==============  ==================================  ==================
``border``      the row ``a b c d`` extended by 2   ``helpers.ops.pad``
==============  ==================================  ==================
``"zero"``      ``0 0 | a b c d | 0 0``             ``"constant"``
``"reflect"``   ``c b | a b c d | c b``             ``"reflect"``
``"replicate"`` ``a a | a b c d | d d``             ``"replicate"``
``"circular"``  ``c d | a b c d | a b``             ``"circular"``
==============  ==================================  ==================
"""
from __future__ import annotations

import numpy as np

from .ops import conv2d
from .ops import pad as ops_pad

__all__ = [
    "BORDERS",
    "kernel_padding",
    "pad_image",
    "filter2d",
    "separable_filter2d",
    "separate_kernel",
    "for_display",
]

#: The border modes, and the ``helpers.ops.pad`` mode each one uses.
BORDERS = {"zero": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def _image(image, fn: str) -> np.ndarray:
    x = np.asarray(image)
    if x.dtype == bool or not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise TypeError(f"{fn}: image must be an array of real numbers; got dtype {x.dtype}")
    if x.ndim not in (2, 3) or min(x.shape[:2], default=0) < 1:
        raise ValueError(f"{fn}: image must be (H, W) grey or (H, W, C) colour, H, W >= 1; got shape {x.shape}")
    if x.ndim == 3 and not 1 <= x.shape[2] <= 4:
        raise ValueError(f"{fn}: a colour image must be (H, W, C) with 1 to 4 channels last; got shape {x.shape}")
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _kernel(kernel, fn: str, name: str = "kernel", ndim: int = 2) -> np.ndarray:
    k = np.asarray(kernel)
    if k.dtype == bool or not np.issubdtype(k.dtype, np.number) or np.iscomplexobj(k):
        raise TypeError(f"{fn}: {name} must be an array of real numbers; got dtype {k.dtype}")
    if k.ndim != ndim or k.size == 0:
        want = "(kH, kW)" if ndim == 2 else "(k,)"
        raise ValueError(f"{fn}: {name} must be a non-empty {ndim}-D array {want}; got shape {k.shape}")
    if not np.isfinite(k).all():
        raise ValueError(f"{fn}: {name} must hold finite numbers; got {k!r}")
    return k


def _border(border, fn: str) -> str:
    if not isinstance(border, str) or border not in BORDERS:
        raise ValueError(f"{fn}: border must be one of {list(BORDERS)}; got {border!r}")
    return border


def kernel_padding(kH: int, kW: int) -> tuple:
    """How much to pad so that a (kH, kW) kernel gives an output as large as the input.

    Returns ``(left, right, top, bottom)`` in :func:`helpers.ops.pad`'s order:
    (k - 1) // 2 before and the rest after, as ``padding="same"`` in torch
    (an even kernel gets the extra pixel after).

    >>> kernel_padding(5, 2)
    (0, 1, 2, 2)
    """
    top, left = (kH - 1) // 2, (kW - 1) // 2
    return (left, kW - 1 - left, top, kH - 1 - top)


def _to_nchw(x: np.ndarray) -> np.ndarray:
    return x[None, None] if x.ndim == 2 else np.moveaxis(x, -1, 0)[None]


def _from_nchw(y: np.ndarray, like: np.ndarray) -> np.ndarray:
    return y[0, 0] if like.ndim == 2 else np.moveaxis(y[0], 0, -1)


def _pad_nchw(x: np.ndarray, amounts: tuple, border: str, fn: str) -> np.ndarray:
    H, W = x.shape[-2:]
    left, right, top, bottom = amounts
    if border == "reflect" and (max(left, right) >= W or max(top, bottom) >= H):
        raise ValueError(
            f"{fn}: border='reflect' needs the image to be larger than the padding: "
            f"padding (left, right, top, bottom) = {amounts} for an image of {H}x{W}; "
            "use a smaller kernel or another border"
        )
    if border == "circular" and (max(left, right) > W or max(top, bottom) > H):
        raise ValueError(
            f"{fn}: border='circular' needs padding at most the image size: "
            f"padding (left, right, top, bottom) = {amounts} for an image of {H}x{W}"
        )
    if not any(amounts):
        return x
    return ops_pad(x, amounts, mode=BORDERS[border])


def pad_image(image, padding, border: str = "zero") -> np.ndarray:
    """Extend an image beyond its edges, the way :func:`filter2d` does before filtering.

    Args:
        image: (H, W) or (H, W, C).
        padding: an int (all four sides) or ``(left, right, top, bottom)``.
        border: ``"zero"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.

    Returns:
        (H + top + bottom, W + left + right) or (..., C), same dtype.

    >>> pad_image(np.array([[1., 2., 3.]]), (2, 2, 0, 0), "circular")
    array([[2., 3., 1., 2., 3., 1., 2.]])
    """
    fn = "pad_image"
    x = _image(image, fn)
    border = _border(border, fn)
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        amounts = (int(padding),) * 4
    elif isinstance(padding, (tuple, list)) and len(padding) == 4 and all(
        isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in padding
    ):
        amounts = tuple(int(p) for p in padding)
    else:
        raise TypeError(f"{fn}: padding must be an int or (left, right, top, bottom); got {padding!r}")
    if min(amounts) < 0:
        raise ValueError(f"{fn}: padding must be non-negative; got {padding!r}")
    return _from_nchw(_pad_nchw(_to_nchw(x), amounts, border, fn), x)


def filter2d(image, kernel, border: str = "zero", normalise: bool = False) -> np.ndarray:
    """Filter an image with a kernel; the output has the image's size.

    ``out[i, j] = sum over (a, b) of kernel[a, b] * padded[i + a, j + b]``
    (cross-correlation, no flip), where ``padded`` is the image extended by
    :func:`kernel_padding` pixels in the chosen ``border`` mode. Built from
    :func:`helpers.ops.pad` and :func:`helpers.ops.conv2d`; a colour image
    goes through one depthwise conv2d (``groups=C``).

    Args:
        image: (H, W) grey or (H, W, C) colour (C <= 4), any real dtype.
        kernel: (kH, kW), any size (odd sizes have a centre pixel).
        border: ``"zero"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
        normalise: divide the kernel by the sum of its entries first (kernels
            that sum to 0 are left as they are); see
            :func:`helpers.kernels.normalise`.

    Returns:
        Same shape as ``image``; float (float32 stays float32, integers
        become float64).

    >>> img = np.arange(9.).reshape(3, 3)
    >>> filter2d(img, np.ones((3, 3)), border="zero", normalise=True).round(3)
    array([[0.889, 1.667, 1.333],
           [2.333, 4.   , 3.   ],
           [2.222, 3.667, 2.667]])
    """
    from .kernels import normalise as _normalise

    fn = "filter2d"
    x = _image(image, fn)
    k = _kernel(kernel, fn)
    border = _border(border, fn)
    if not isinstance(normalise, (bool, np.bool_)):
        raise TypeError(f"{fn}: normalise must be True or False; got {normalise!r}")
    if normalise:
        k = _normalise(k)
    k = k.astype(x.dtype)
    kH, kW = k.shape
    xp = _pad_nchw(_to_nchw(x), kernel_padding(kH, kW), border, fn)
    C = xp.shape[1]
    weight = np.ascontiguousarray(np.broadcast_to(k, (C, 1, kH, kW)))
    return _from_nchw(conv2d(xp, weight, groups=C), x)


def separable_filter2d(image, column, row, border: str = "zero") -> np.ndarray:
    """Filter with the kernel ``np.outer(column, row)`` as two 1-D passes.

    First every column of the image is filtered with ``column`` (a (k, 1)
    kernel), then every row of that with ``row`` (a (1, k) kernel). Each
    output pixel costs ``len(column) + len(row)`` multiplications instead of
    ``len(column) * len(row)``; the result equals
    ``filter2d(image, np.outer(column, row), border)`` for every border mode.

    Args:
        image: (H, W) or (H, W, C).
        column: (kH,) vertical 1-D kernel.
        row: (kW,) horizontal 1-D kernel.
        border: as in :func:`filter2d`.

    Returns:
        Same shape as ``image``.
    """
    fn = "separable_filter2d"
    _image(image, fn)
    col = _kernel(column, fn, "column", ndim=1)
    r = _kernel(row, fn, "row", ndim=1)
    border = _border(border, fn)
    out = filter2d(image, col[:, None], border=border)
    return filter2d(out, r[None, :], border=border)


def separate_kernel(kernel, rtol: float = 1e-9):
    """Split a separable kernel into ``(column, row)`` with ``np.outer(column, row) == kernel``.

    A kernel is separable when it has rank 1: its singular value
    decomposition has one non-zero singular value s, and then
    ``column = sqrt(s) u``, ``row = sqrt(s) v`` (signs chosen so that the
    column's largest entry is positive).

    Raises:
        ValueError: if the kernel is not separable (its second singular
            value is more than ``rtol`` times the first), naming the ratio.

    >>> c, r = separate_kernel(np.outer([1., 2., 1.], [-1., 0., 1.]))
    >>> np.allclose(np.outer(c, r), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    True
    """
    fn = "separate_kernel"
    k = _kernel(kernel, fn).astype(np.float64)
    u, s, vt = np.linalg.svd(k)
    if s[0] == 0:
        return np.zeros(k.shape[0]), np.zeros(k.shape[1])
    if len(s) > 1 and s[1] > rtol * s[0]:
        raise ValueError(
            f"{fn}: the kernel is not separable: its singular values are {np.round(s, 6).tolist()}; "
            "a separable kernel has only one that is not 0"
        )
    column, row = u[:, 0] * np.sqrt(s[0]), vt[0] * np.sqrt(s[0])
    if column[np.argmax(np.abs(column))] < 0:
        column, row = -column, -row
    return column, row


def for_display(result, signed: bool = False) -> np.ndarray:
    """Map a filter result to [0, 1] for showing it as a picture.

    ``signed=False`` clips to [0, 1] (what a photo can show; a kernel whose
    sum is above 1 saturates to white). ``signed=True``, for kernels that sum
    to 0 (edges, whose results are as often negative as positive), maps 0 to
    mid-grey 0.5 and the largest absolute value to 0 or 1.

    >>> for_display(np.array([-2.0, 0.0, 1.0]), signed=True)
    array([0.  , 0.5 , 0.75])
    """
    r = np.asarray(result, dtype=np.float64)
    if signed:
        m = np.abs(r).max()
        r = 0.5 + r / (2 * m) if m > 0 else np.full_like(r, 0.5)
    return np.clip(r, 0.0, 1.0)
