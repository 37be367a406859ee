"""A hand-drawn digit made to look like an MNIST digit (lesson 06).

LeCun, Cortes and Burges describe how MNIST was made
(http://yann.lecun.com/exdb/mnist/): "The original black and white (bilevel)
images from NIST were size normalized to fit in a 20x20 pixel box while
preserving their aspect ratio. The resulting images contain grey levels as a
result of the anti-aliasing technique used by the normalization algorithm.
the images were centered in a 28x28 image by computing the center of mass of
the pixels, and translating the image so as to position this point at the
center of the 28x28 field."

This module does the same to a drawing, in three steps a lesson can show:

1. **crop** the bounding box of the ink;
2. **scale** it so that its longer side is 20 px, keeping the aspect ratio,
   by area averaging (each new pixel is the mean of the old pixels it covers:
   the anti-aliasing that turns a bilevel drawing into grey levels);
3. **centre** it in a 28x28 frame by a whole-pixel translation that puts its
   centre of mass at (14, 14) (row, column; pixel centres at integers, as
   ``scipy.ndimage.center_of_mass`` counts; the 5,000 MNIST digits of
   :func:`helpers.data.mnist_digits` average (13.99, 14.01) this way).

A drawing arrives from :class:`helpers.widgets.draw_canvas.DrawCanvas` as
strokes (polylines in canvas coordinates 0..1); :func:`rasterize_strokes`
turns them into a bilevel (size, size) image with round pen ends.

>>> img = rasterize_strokes([[[0.5, 0.15], [0.5, 0.85]]])   # a "1"
>>> steps = mnist_steps(img)
>>> steps.mnist.shape, steps.scaled.shape[0]
((28, 28), 20)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["LINE_WIDTH", "SAMPLE_STROKES", "DigitSteps", "rasterize_strokes", "mnist_steps", "to_mnist", "show_steps"]

#: Pen width as a fraction of the canvas side (31 px on a 280 px canvas). Chosen
#: so that drawn digits carry about as much ink as MNIST's: an oval "0" drawn
#: over two thirds of the canvas sums to 137 after the steps below, MNIST's
#: 0s to 138.5 on average (a "1": 50 against 60); strokes end up 2-3 px wide.
LINE_WIDTH = 0.11
FRAME = 28  #: MNIST's frame, H = W
BOX = 20  #: the longer side of the ink's box after scaling
CENTRE = 14.0  #: where the centre of mass goes (row, col), pixel centres at integers

EMPTY_MESSAGE = "The drawing is empty: draw a digit (nothing to crop, scale or centre)."


def _ellipse(cx, cy, rx, ry, n=24, start=-90.0, turn=-360.0):
    """A stroke around an ellipse from angle ``start`` (degrees, 0 = right, 90 = down) through ``turn``."""
    return [[round(cx + rx * math.cos(math.radians(start + turn * i / n)), 3),
             round(cy + ry * math.sin(math.radians(start + turn * i / n)), 3)] for i in range(n + 1)]


#: Ten digits drawn as a student would with a mouse (strokes in canvas
#: coordinates, for :func:`rasterize_strokes`): deterministic drawings a lesson
#: can run through the preprocessing and a CNN without a browser.
SAMPLE_STROKES = {
    "0": [_ellipse(0.5, 0.5, 0.2, 0.32)],
    "1": [[[0.53, 0.15], [0.47, 0.85]]],
    "2": [[[0.3, 0.3], [0.4, 0.18], [0.55, 0.15], [0.68, 0.22], [0.7, 0.35], [0.6, 0.5], [0.3, 0.82], [0.75, 0.82]]],
    "3": [[[0.3, 0.2], [0.5, 0.15], [0.68, 0.25], [0.62, 0.42], [0.45, 0.48], [0.65, 0.55], [0.7, 0.7], [0.55, 0.83], [0.3, 0.8]]],
    "4": [[[0.5, 0.15], [0.25, 0.6], [0.75, 0.6]], [[0.6, 0.35], [0.6, 0.88]]],
    "5": [[[0.7, 0.15], [0.35, 0.15], [0.32, 0.45], [0.5, 0.42], [0.68, 0.52], [0.7, 0.7], [0.55, 0.83], [0.3, 0.8]]],
    "6": [[[0.65, 0.15], [0.45, 0.3], [0.33, 0.55], [0.35, 0.75], [0.5, 0.85], [0.65, 0.75], [0.65, 0.6], [0.5, 0.52], [0.35, 0.6]]],
    "7": [[[0.25, 0.18], [0.75, 0.18], [0.45, 0.85]]],
    "8": [_ellipse(0.5, 0.31, 0.15, 0.16, start=90, turn=360) + _ellipse(0.5, 0.66, 0.18, 0.19)[1:]],
    "9": [_ellipse(0.5, 0.33, 0.16, 0.17, start=0), [[0.66, 0.33], [0.6, 0.86]]],
}


@dataclass(frozen=True)
class DigitSteps:
    """Every stage of :func:`mnist_steps` (arrays float64, ink = 1, background = 0).

    image: the (H, W) input. box: ``(top, bottom, left, right)``, the ink's
    bounding box as slice bounds (bottom/right exclusive), or None when empty.
    cropped: ``image[top:bottom, left:right]``. scaled: the crop resized so its
    longer side is 20 px. offset: ``(row, col)`` of the scaled box's top-left
    corner in the 28x28 frame. mnist: the (28, 28) result. centre_of_mass:
    ``(row, col)`` of ``mnist`` (pixel centres at integers). message: "" or why
    the drawing could not be used (then ``mnist`` is all zeros).
    """

    image: np.ndarray
    box: tuple | None
    cropped: np.ndarray
    scaled: np.ndarray
    offset: tuple
    mnist: np.ndarray
    centre_of_mass: tuple
    message: str = ""


def rasterize_strokes(strokes, size: int = 280, line_width: float = LINE_WIDTH) -> np.ndarray:
    """Draw ``strokes`` with a round pen; returns a (size, size) float64 image, ink 1.0.

    Args:
        strokes: a list of strokes, each a list of ``[x, y]`` points in canvas
            coordinates (0, 0) top-left .. (1, 1) bottom-right; points outside
            are clipped to the canvas. A one-point stroke is a dot.
        size: H = W of the image in pixels.
        line_width: pen diameter as a fraction of ``size``.

    >>> img = rasterize_strokes([[[0.2, 0.5], [0.8, 0.5]]])   # a "-"
    >>> img.shape, float(img.max()), np.flatnonzero(img.any(axis=1))[[0, -1]]
    ((280, 280), 1.0, array([124, 155]))
    """
    from PIL import Image, ImageDraw  # matplotlib's own dependency

    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"rasterize_strokes: size must be an int >= 8; got {size!r}")
    if not (isinstance(line_width, (int, float)) and 0 < line_width <= 0.5):
        raise ValueError(f"rasterize_strokes: line_width must be a fraction of the canvas in (0, 0.5]; got {line_width!r}")
    if not isinstance(strokes, (list, tuple)):
        raise TypeError(f"rasterize_strokes: strokes must be a list of strokes (lists of [x, y] points); got {type(strokes).__name__}")
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    pen = line_width * size
    r = pen / 2
    for k, stroke in enumerate(strokes):
        try:
            pts = np.asarray(stroke, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"rasterize_strokes: stroke {k} must be a list of [x, y] number pairs; got {stroke!r:.80}") from None
        if pts.size == 0:
            continue
        if pts.ndim != 2 or pts.shape[1] != 2 or not np.isfinite(pts).all():
            raise ValueError(f"rasterize_strokes: stroke {k} must be a list of finite [x, y] pairs; got an array of shape {pts.shape}")
        xy = np.clip(pts, 0.0, 1.0) * size
        flat = [tuple(p) for p in xy]
        if len(flat) > 1:
            draw.line(flat, fill=255, width=max(1, int(round(pen))), joint="curve")
        for x, y in (flat[0], flat[-1]) if len(flat) > 1 else flat:  # round pen ends
            draw.ellipse([x - r, y - r, x + r, y + r], fill=255)
    return np.asarray(canvas, dtype=np.float64) / 255.0


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights: output pixel j averages the input it covers,
    [j, j + 1) * n_in / n_out, each input pixel weighted by its overlap."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo, hi = edges[:-1, None], edges[1:, None]
    i = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, i + 1) - np.maximum(lo, i), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def _centre_of_mass(a: np.ndarray) -> tuple:
    total = a.sum()
    rows, cols = np.indices(a.shape)
    return float((rows * a).sum() / total), float((cols * a).sum() / total)


def mnist_steps(image, threshold: float = 0.0) -> DigitSteps:
    """Crop, scale and centre a drawing as MNIST's digits were; every stage returned.

    Args:
        image: (H, W) greyscale drawing, ink bright (> ``threshold``) on a dark
            (0) background, values in [0, 1] (a (28, 28) MNIST digit works too).
        threshold: pixels above it count as ink for the bounding box.

    Returns:
        :class:`DigitSteps`. An empty drawing (no pixel above ``threshold``)
        gives ``mnist`` all zeros and ``message`` saying so; no exception.

    >>> from helpers.data import mnist_digits
    >>> digit = mnist_digits(n=1, dtype=np.float64)[0][0]
    >>> float(np.abs(mnist_steps(digit).mnist - digit).max()) < 0.5
    True
    """
    img = np.asarray(image)
    if img.ndim != 2 or min(img.shape) < 1:
        raise ValueError(f"mnist_steps: image must be a 2-D (H, W) array; got shape {img.shape}")
    if not np.issubdtype(img.dtype, np.number) or np.issubdtype(img.dtype, np.complexfloating):
        raise TypeError(f"mnist_steps: image must hold real numbers; got dtype {img.dtype}")
    img = img.astype(np.float64)
    if not np.isfinite(img).all() or img.min() < 0 or img.max() > 1:
        got = "values that are not finite" if not np.isfinite(img).all() else f"min {img.min():.3g}, max {img.max():.3g}"
        raise ValueError(f"mnist_steps: image values must be finite and in [0, 1] (ink bright on a dark background); got {got}")
    zeros = np.zeros((FRAME, FRAME))
    ink = img > threshold
    if not ink.any():
        empty = np.zeros((0, 0))
        return DigitSteps(img, None, empty, empty, (0, 0), zeros, (float("nan"), float("nan")), EMPTY_MESSAGE)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    cropped = img[top:bottom, left:right]
    h, w = cropped.shape
    scale = BOX / max(h, w)
    h2, w2 = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    scaled = _area_matrix(h, h2) @ cropped @ _area_matrix(w, w2).T
    com_r, com_c = _centre_of_mass(scaled)
    # a whole-pixel shift puts the centre of mass within 0.5 px of (14, 14);
    # the box stays inside the frame even when its mass sits far off its centre
    r0 = int(np.clip(np.floor(CENTRE - com_r + 0.5), 0, FRAME - h2))
    c0 = int(np.clip(np.floor(CENTRE - com_c + 0.5), 0, FRAME - w2))
    out = zeros.copy()
    out[r0:r0 + h2, c0:c0 + w2] = scaled
    return DigitSteps(img, (top, bottom, left, right), cropped, scaled, (r0, c0), out, _centre_of_mass(out))


def to_mnist(image, threshold: float = 0.0) -> np.ndarray:
    """The (28, 28) float64 MNIST-style digit of :func:`mnist_steps` (zeros for an empty drawing).

    >>> to_mnist(rasterize_strokes([[[0.3, 0.3], [0.7, 0.7]]])).shape
    (28, 28)
    """
    return mnist_steps(image, threshold).mnist


def show_steps(steps: DigitSteps):
    """The four stages side by side (drawing with its box, crop, 20 px scale, 28x28 frame); returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if not isinstance(steps, DigitSteps):
        raise TypeError(f"show_steps: steps must be what mnist_steps returns (DigitSteps); got {type(steps).__name__}")
    fig, axes = plt.subplots(1, 4, figsize=(10.4, 2.9))
    H, W = steps.image.shape
    h2, w2 = steps.scaled.shape
    panels = [
        (steps.image, f"drawing {H}×{W}"),
        (steps.cropped, "ink's bounding box" + (f" {steps.cropped.shape[0]}×{steps.cropped.shape[1]}" if steps.box else "")),
        (steps.scaled, f"scaled to {h2}×{w2}" if steps.box else "scaled"),
        (steps.mnist, "centred by mass, 28×28"),
    ]
    for ax, (img, title) in zip(axes, panels):
        ax.imshow(img if img.size else np.zeros((1, 1)), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    if steps.box:
        top, bottom, left, right = steps.box
        axes[0].add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False, ec="#e67e22", lw=1.5))
        r, c = steps.centre_of_mass
        axes[3].plot([c], [r], "+", color="#e67e22", ms=12, mew=2)
        axes[3].plot([CENTRE], [CENTRE], "x", color="#3498db", ms=8, mew=1.5)
        axes[3].set_xlabel("+ centre of mass   × (14, 14)", fontsize=9)
    else:
        axes[0].set_xlabel(steps.message, fontsize=8)
    fig.tight_layout()
    return fig
