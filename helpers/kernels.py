"""Classic image kernels, the lecture's three 5x5 kernels, and typed-in kernels
(lesson 02).

A kernel is a small (kH, kW) array of weights. Filtering an image with it
(:func:`helpers.filtering.filter2d`) replaces every pixel by the weighted sum
of its neighbours, the weights being the kernel's entries. Every function
here returns a fresh float64 array, so a lesson may change it freely.

- smoothing (entries sum to 1, brightness kept): :func:`box_kernel`,
  :func:`gaussian_kernel` (the outer product of two :func:`gaussian_1d`),
  :func:`motion_blur_kernel`;
- sharpening and embossing (sum 1): :func:`sharpen_kernel`, :func:`emboss_kernel`;
- edges (sum 0, flat regions go to 0): :func:`sobel_x`, :func:`sobel_y`,
  :func:`laplacian_kernel`, :func:`log_kernel`;
- :func:`gallery`: all of them, plus the lecture's (a), (b), (c), by name;
- :func:`parse_kernel` reads a kernel typed as text; :func:`normalise`
  divides a kernel by the sum of its entries.

>>> float(gaussian_kernel(3, 1.0).sum().round(12))
1.0
>>> parse_kernel("0 -1 0; -1 5 -1; 0 -1 0").tolist()
[[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]
"""
from __future__ import annotations

import math
import numbers
import re

import numpy as np

from . import lecture

__all__ = [
    "identity_kernel",
    "box_kernel",
    "gaussian_1d",
    "gaussian_kernel",
    "sharpen_kernel",
    "sobel_x",
    "sobel_y",
    "laplacian_kernel",
    "log_kernel",
    "emboss_kernel",
    "motion_blur_kernel",
    "gallery",
    "normalise",
    "parse_kernel",
    "format_kernel",
]


def _size(size, name: str, fn: str, minimum: int = 1) -> int:
    if not isinstance(size, (numbers.Integral, np.integer)) or isinstance(size, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be an int; got {size!r} of type {type(size).__name__}")
    if size < minimum:
        raise ValueError(f"{fn}: {name} must be at least {minimum}; got {size}")
    return int(size)


def _odd_size(size, fn: str) -> int:
    size = _size(size, "size", fn)
    if size % 2 == 0:
        raise ValueError(f"{fn}: size must be odd so that the kernel has a centre pixel; got {size}")
    return size


def _sigma(sigma, fn: str) -> float:
    if not isinstance(sigma, numbers.Real) or isinstance(sigma, bool):
        raise TypeError(f"{fn}: sigma must be a number; got {sigma!r}")
    if not (sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"{fn}: sigma must be a positive, finite number; got {sigma!r}")
    return float(sigma)


def identity_kernel(size: int = 3) -> np.ndarray:
    """(size, size) zeros with a 1 in the centre: filtering changes nothing."""
    size = _odd_size(size, "identity_kernel")
    k = np.zeros((size, size))
    k[size // 2, size // 2] = 1.0
    return k


def box_kernel(size: int = 3) -> np.ndarray:
    """(size, size) kernel of equal weights 1/size**2: the plain local average (a blur)."""
    size = _size(size, "size", "box_kernel")
    return np.full((size, size), 1.0 / size**2)


def gaussian_1d(size: int, sigma: float) -> np.ndarray:
    """(size,) samples of exp(-x**2 / (2 sigma**2)) at x = -(size//2) .. size//2, summing to 1."""
    size = _odd_size(size, "gaussian_1d")
    sigma = _sigma(sigma, "gaussian_1d")
    x = np.arange(size) - size // 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def gaussian_kernel(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """(size, size) Gaussian blur, entries summing to 1.

    Sampled from exp(-(x**2 + y**2) / (2 sigma**2)) and normalised; it equals
    ``np.outer(gaussian_1d(size, sigma), gaussian_1d(size, sigma))``: a
    Gaussian is *separable* (lesson 02).
    """
    g = gaussian_1d(size, sigma)
    return np.outer(g, g)


def sharpen_kernel() -> np.ndarray:
    """The 3x3 sharpen kernel of the lecture's convolution example: [[0,-1,0],[-1,5,-1],[0,-1,0]] (sum 1)."""
    return np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float)


def sobel_x() -> np.ndarray:
    """3x3 Sobel kernel for horizontal change: positive where brightness grows to the right.

    That reading holds for cross-correlation (:func:`helpers.ops.conv2d`,
    ``torch.nn.functional.conv2d``); a true, flipped convolution gives the
    opposite sign. Sum 0. It is ``np.outer([1, 2, 1], [-1, 0, 1])``.
    """
    return np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)


def sobel_y() -> np.ndarray:
    """3x3 Sobel kernel for vertical change: positive where brightness grows downwards (cross-correlation). Sum 0."""
    return sobel_x().T.copy()


def laplacian_kernel() -> np.ndarray:
    """The 3x3 discrete Laplacian [[0,1,0],[1,-4,1],[0,1,0]]: sum 0, negative centre."""
    return np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float)


def log_kernel(size: int = 9, sigma: float = 1.4) -> np.ndarray:
    """(size, size) Laplacian of Gaussian ("Mexican hat", negative centre), entries summing to 0.

    Samples ``-(1 - r**2 / (2 sigma**2)) exp(-r**2 / (2 sigma**2)) / (pi sigma**4)``
    with r**2 = x**2 + y**2, then subtracts the mean so that flat regions
    give exactly 0. It smooths (Gaussian) and finds edges (Laplacian) at once.
    """
    size = _odd_size(size, "log_kernel")
    sigma = _sigma(sigma, "log_kernel")
    x = np.arange(size) - size // 2
    r2 = x[:, None] ** 2 + x[None, :] ** 2
    k = -(1 - r2 / (2 * sigma**2)) * np.exp(-r2 / (2 * sigma**2)) / (math.pi * sigma**4)
    return k - k.mean()


def emboss_kernel() -> np.ndarray:
    """3x3 emboss [[-2,-1,0],[-1,1,1],[0,1,2]]: the picture plus a diagonal derivative (sum 1), like relief lit from one side."""
    return np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float)


def motion_blur_kernel(size: int = 9, angle: float = 0.0) -> np.ndarray:
    """(size, size) kernel averaging along a line through the centre: the blur of a camera moving during the shot.

    ``angle`` is in degrees, 0 horizontal, 90 vertical (counter-clockwise on
    screen). The ones on the line are normalised to sum 1.
    """
    size = _odd_size(size, "motion_blur_kernel")
    if not isinstance(angle, numbers.Real) or isinstance(angle, bool) or not math.isfinite(angle):
        raise TypeError(f"motion_blur_kernel: angle must be a finite number of degrees; got {angle!r}")
    c = size // 2
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    step = np.arange(c + 1)  # one pixel per step along the line's longer direction, centre outwards
    if abs(cos) >= abs(sin):
        right, up = step, np.rint(step * sin / cos).astype(int)
    else:
        up, right = step, np.rint(step * cos / sin).astype(int)
    k = np.zeros((size, size))
    k[c - up, c + right] = 1.0
    k[c + up, c - right] = 1.0  # the other half, mirrored through the centre
    return k / k.sum()


def gallery() -> dict:
    """The lesson's kernels by name, in display order: name -> (kH, kW) float array.

    The lecture's kernels are included verbatim (not normalised) as
    ``"lecture (a)"``, ``"lecture (b)"`` and ``"lecture (c)"``.
    """
    return {
        "identity": identity_kernel(3),
        "box 3x3": box_kernel(3),
        "gaussian 5x5": gaussian_kernel(5, 1.0),
        "sharpen": sharpen_kernel(),
        "sobel x": sobel_x(),
        "sobel y": sobel_y(),
        "laplacian": laplacian_kernel(),
        "LoG 9x9": log_kernel(9, 1.4),
        "emboss": emboss_kernel(),
        "motion blur": motion_blur_kernel(9, 0.0),
        "lecture (a)": lecture.KERNEL_A.astype(float),
        "lecture (b)": lecture.KERNEL_B.astype(float),
        "lecture (c)": lecture.KERNEL_C.astype(float),
    }


def normalise(kernel, tol: float = 1e-12) -> np.ndarray:
    """Divide a kernel by the sum of its entries, so that it sums to 1 and keeps brightness.

    A kernel whose entries sum to 0 (within ``tol``), an edge detector, cannot
    be normalised this way; it is returned unchanged (as a float copy).

    >>> normalise([[1, 2], [3, 4]]).sum()
    np.float64(1.0)
    """
    k = np.asarray(kernel)
    if k.dtype == bool or not np.issubdtype(k.dtype, np.number) or np.iscomplexobj(k):
        raise TypeError(f"normalise: kernel must be an array of real numbers; got dtype {k.dtype}")
    k = k.astype(np.float64)
    total = k.sum()
    if abs(total) <= tol:
        return k
    return k / total


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _parse_number(token: str, row: int, col: int) -> float:
    parts = token.split("/")
    if len(parts) <= 2 and all(_NUMBER.match(p) for p in parts):
        value = float(parts[0])
        if len(parts) == 2:
            den = float(parts[1])
            if den == 0:
                raise ValueError(f"row {row}, entry {col}: {token!r} divides by zero")
            value /= den
        if math.isfinite(value):
            return value
        raise ValueError(f"row {row}, entry {col}: {token!r} is too large")
    raise ValueError(f"row {row}, entry {col}: {token!r} is not a number (write numbers like 2, -0.5, 1e-2 or 1/9)")


def parse_kernel(text: str, max_size: int = 15) -> np.ndarray:
    """Read a kernel typed as text: rows separated by ``;`` or new lines, numbers by spaces or commas.

    Fractions such as ``1/9`` and Python-style brackets (``[[0, 1], [1, 0]]``)
    are accepted. Even sizes and rectangular kernels are allowed (an even
    kernel has no centre pixel: its result is shifted by half a pixel).

    Returns:
        (kH, kW) float64 array.

    Raises:
        TypeError: ``text`` is not a string.
        ValueError: in plain words, for an empty kernel, an entry that is not
            a number, rows of different lengths, or a side longer than
            ``max_size``.

    >>> parse_kernel("1 2 1\\n2 4 2\\n1 2 1").shape
    (3, 3)
    >>> parse_kernel("[[1, 0], [0, -1]]").tolist()
    [[1.0, 0.0], [0.0, -1.0]]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_kernel: text must be a string; got {type(text).__name__}")
    cleaned = text.replace("[", " ").replace("]", ";")
    rows = []
    for line in re.split(r"[;\n]", cleaned):
        tokens = [t for t in re.split(r"[,\s]+", line) if t]
        if tokens:
            rows.append(tokens)
    if not rows:
        raise ValueError("the kernel is empty: type rows of numbers, e.g. 0 -1 0; -1 5 -1; 0 -1 0")
    widths = [len(r) for r in rows]
    for i, w in enumerate(widths[1:], start=2):
        if w != widths[0]:
            raise ValueError(
                f"row {i} has {w} number{'s' * (w != 1)} but row 1 has {widths[0]}: "
                "every row of a kernel needs the same number of entries"
            )
    kernel = np.array([[_parse_number(t, i + 1, j + 1) for j, t in enumerate(r)] for i, r in enumerate(rows)])
    kH, kW = kernel.shape
    if kH > max_size or kW > max_size:
        raise ValueError(f"the kernel is {kH}x{kW}; at most {max_size}x{max_size} is allowed here")
    return kernel


def format_kernel(kernel, digits: int = 4) -> str:
    """Write a (kH, kW) kernel as text that :func:`parse_kernel` reads back (rows on lines).

    >>> format_kernel([[0, -1], [0.5, 1]])
    '0 -1\\n0.5 1'
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2:
        raise ValueError(f"format_kernel: kernel must be 2-D (kH, kW); got shape {k.shape}")
    return "\n".join(" ".join(f"{v:.{digits}g}" if v != 0 else "0" for v in row) for row in k)
