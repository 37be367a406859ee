"""Procedural cartoon faces with emotions: the lecture's "X -> model -> Happy" (lesson 01).

Each face is drawn from a few strokes (outline, eyes, eyebrows, mouth) at a
random position and size, with random contrast, background and pixel noise,
so a model has to find *the shape of the mouth and brows* and not a fixed
pixel. Everything is seeded: the same ``seed`` gives the same faces.

The emotions, by what distinguishes them:

- ``happy``: mouth curved up (a smile);
- ``sad``: mouth curved down, brows raised at the inner ends;
- ``surprised``: round open mouth, big eyes, high brows;
- ``angry``: flat mouth, brows slanted down towards the nose.

:func:`face_regions` returns where the parts of the same faces lie (masks
per part), so a lesson can check where a model looks (lesson 07).

>>> images, labels = make_faces(8, size=32, seed=0)
>>> images.shape, images.dtype, labels[:4]
((8, 32, 32), dtype('float32'), array([2, 0, 3, 2]))
"""
from __future__ import annotations

import numpy as np

__all__ = ["EMOTIONS", "PARTS", "draw_faces", "make_faces", "face_regions"]

#: The emotions, in label order: label k means ``EMOTIONS[k]``.
EMOTIONS = ("happy", "sad", "surprised", "angry")

_POINTS = 9  # points along a curved stroke (8 segments)


def _stroke_ink(X, Y, px, py, half_width):
    """Anti-aliased ink of polylines through points (n, P), on grids X, Y (1, S, S) -> (n, S, S).

    The distance of each pixel to the nearest of the P - 1 segments, turned
    into ink: 1 within ``half_width``, fading to 0 over one pixel.
    """
    px, py = px[:, :, None, None].astype(X.dtype), py[:, :, None, None].astype(X.dtype)
    d2 = None
    for p in range(px.shape[1] - 1):
        ax, ay = px[:, p], py[:, p]
        dx, dy = px[:, p + 1] - ax, py[:, p + 1] - ay
        rx, ry = X - ax, Y - ay
        t = np.clip((rx * dx + ry * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
        seg = (rx - t * dx) ** 2 + (ry - t * dy) ** 2
        d2 = seg if d2 is None else np.minimum(d2, seg)
    return np.clip(half_width.astype(X.dtype)[:, None, None] + 0.5 - np.sqrt(d2), 0.0, 1.0)


def _disc_ink(X, Y, cx, cy, radius):
    cx, cy, radius = (a.astype(X.dtype)[:, None, None] for a in (cx, cy, radius))
    return np.clip(radius + 0.5 - np.hypot(X - cx, Y - cy), 0.0, 1.0)


def _check_draw_args(fn, labels, size, noise):
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{fn}: labels must be a 1-D array of ints; got dtype {labels.dtype}, shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= len(EMOTIONS)):
        raise ValueError(f"{fn}: labels must be in 0..{len(EMOTIONS) - 1}; got {labels.min()}..{labels.max()}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"{fn}: size must be an int; got {type(size).__name__}")
    if size < 16:
        raise ValueError(f"{fn}: size must be at least 16; got {size}")
    if not (isinstance(noise, (int, float)) and noise >= 0):
        raise ValueError(f"{fn}: noise must be a number >= 0; got {noise!r}")
    return labels


def _strokes(labels, S, rng):
    """Draw every random number of the faces (in a fixed order) and return the
    strokes: a list of ``(part, kind, args)`` with ``kind`` "disc", "ring" or
    "line" and ``args`` the arrays :func:`_disc_ink` / :func:`_stroke_ink`
    take (over the faces ``k`` the stroke belongs to), plus the per-face
    ``(contrast, background)``. Drawing and :func:`face_regions` both use it,
    so the regions are those of the faces drawn.
    """
    n = labels.size
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731 - one random value per face
    every = np.arange(n)

    half = np.maximum(0.6, u(0.025, 0.035) * S)  # stroke half-width (px)
    r = np.minimum(u(0.28, 0.40) * S, (S - 1) / 2 - half - 1)  # face radius (px)
    margin = r + half + 1                        # the whole outline stays inside the image
    cx = rng.uniform(margin, S - 1 - margin)
    cy = rng.uniform(margin, S - 1 - margin)
    contrast, background = u(0.6, 1.0), u(0.0, 0.2)
    strokes = [("outline", "ring", every, (cx, cy, r, half))]
    happy, sad, surprised, angry = (labels == k for k in range(4))

    # eyes (big when surprised)
    eye_r = np.where(surprised, 0.16, 0.11) * r
    for side in (-1, 1):
        strokes.append(("eyes", "disc", every, (cx + side * 0.36 * r, cy - 0.22 * r, np.maximum(eye_r, 0.8))))

    # eyebrows: (inner end height, outer end height) in face units, y down
    inner = np.select([sad, surprised, angry], [-0.55, -0.62, -0.38], -0.50) + u(-0.03, 0.03)
    outer = np.select([sad, surprised, angry], [-0.42, -0.62, -0.58], -0.50) + u(-0.03, 0.03)
    t = np.array([[0.0, 1.0]])  # a brow is one straight segment
    for side in (-1, 1):
        bx = cx[:, None] + side * r[:, None] * (0.15 + 0.37 * t)
        by = cy[:, None] + r[:, None] * (inner[:, None] + (outer - inner)[:, None] * t)
        strokes.append(("brows", "line", every, (bx, by, half * 0.8)))

    # mouth: a parabola y = y0 + bend * x^2 across half-width w (bend < 0: smile)
    w = u(0.35, 0.5)
    bend = np.select([happy, sad, angry], [-u(1.2, 2.0), u(1.2, 2.0), u(-0.15, 0.15)], 0.0)
    y0 = np.select([happy, sad], [0.52, 0.38], 0.45) + u(-0.03, 0.03)
    s = np.linspace(-1.0, 1.0, _POINTS)[None]
    mx = s * w[:, None]
    my = y0[:, None] + bend[:, None] * mx ** 2
    # surprised: a small ellipse instead ("O")
    ang = np.linspace(0.0, 2 * np.pi, 13)[None]
    ox, oy = 0.16 * np.cos(ang), 0.5 + 0.2 * np.sin(ang)
    for sel, (mx, my) in ((~surprised, (mx, my)), (surprised, (ox, oy))):
        if sel.any():
            k = np.flatnonzero(sel)
            mx, my = np.broadcast_to(mx, (n, mx.shape[1]))[k], np.broadcast_to(my, (n, my.shape[1]))[k]
            strokes.append(("mouth", "line", k, (cx[k, None] + r[k, None] * mx, cy[k, None] + r[k, None] * my, half[k])))
    return strokes, contrast, background


def _stroke_of(X, Y, kind, args, grow=0.0):
    """The ink of one stroke on the grids; ``grow`` widens it by that many pixels."""
    if kind == "ring":
        cx, cy, r, half = args
        return _disc_ink(X, Y, cx, cy, r + half + grow) - _disc_ink(X, Y, cx, cy, r - half - grow)
    if kind == "disc":
        cx, cy, radius = args
        return _disc_ink(X, Y, cx, cy, radius + grow)
    px, py, half_width = args
    return _stroke_ink(X, Y, px, py, half_width + grow)


def draw_faces(labels, size: int = 32, rng=None, noise: float = 0.08) -> np.ndarray:
    """Draw one face per label, each at a random position and size.

    Args:
        labels: (n,) ints in ``range(len(EMOTIONS))``.
        size: the images are (size, size); at least 16.
        rng: a ``numpy.random.Generator`` (default: ``default_rng(0)``).
        noise: standard deviation of the Gaussian pixel noise.

    Returns:
        (n, size, size) float32 in [0, 1]: light strokes on a dark background.
    """
    labels = _check_draw_args("draw_faces", labels, size, noise)
    rng = np.random.default_rng(0) if rng is None else rng
    n, S = labels.size, int(size)
    Y, X = (g[None] for g in np.mgrid[0:S, 0:S].astype(np.float32))  # (1, S, S) pixel centres
    strokes, contrast, background = _strokes(labels, S, rng)
    ink = np.zeros((n, S, S), np.float32)
    for _, kind, k, args in strokes:
        ink[k] = np.maximum(ink[k], _stroke_of(X, Y, kind, args))

    img = background.astype(np.float32)[:, None, None] + contrast.astype(np.float32)[:, None, None] * ink
    if noise > 0:
        img += np.float32(noise) * rng.standard_normal(img.shape, dtype=np.float32)
    return np.clip(img, 0.0, 1.0)


#: The parts :func:`face_regions` returns.
PARTS = ("outline", "eyes", "brows", "mouth")


def face_regions(n: int, size: int = 32, seed: int = 0, margin: float = 1.0) -> dict:
    """Where each part of :func:`make_faces`' faces lies (lesson 07's Grad-CAM check).

    The faces are the ones ``make_faces(n, size, seed)`` returns (any
    ``noise``: the noise is drawn after the strokes): the same random numbers
    are drawn in the same order, and each part's strokes are widened by
    ``margin`` pixels on every side.

    Returns:
        dict part -> (n, size, size) bool masks, for the parts :data:`PARTS`
        ("outline", "eyes", "brows", "mouth"); a pixel is in a part when the
        widened stroke covers it.

    >>> regions = face_regions(4, size=32, seed=0)
    >>> sorted(regions), regions["mouth"].shape
    (['brows', 'eyes', 'mouth', 'outline'], (4, 32, 32))
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"face_regions: n must be a positive int; got {n!r}")
    if not (isinstance(margin, (int, float)) and not isinstance(margin, bool) and margin >= 0):
        raise ValueError(f"face_regions: margin must be a number >= 0 (pixels); got {margin!r}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(EMOTIONS)).astype(np.int64)
    labels = _check_draw_args("face_regions", labels, size, 0.0)
    S = int(size)
    Y, X = (g[None] for g in np.mgrid[0:S, 0:S].astype(np.float32))
    strokes, _, _ = _strokes(labels, S, rng)
    out = {part: np.zeros((n, S, S), bool) for part in PARTS}
    for part, kind, k, args in strokes:
        out[part][k] |= _stroke_of(X, Y, kind, args, grow=float(margin)) > 0
    return out


def make_faces(n: int, size: int = 32, seed: int = 0, noise: float = 0.08):
    """``n`` random faces, the emotions balanced and shuffled.

    Returns:
        ``(images, labels)``: images (n, size, size) float32 in [0, 1],
        labels (n,) int64 indexing :data:`EMOTIONS`.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"make_faces: n must be a positive int; got {n!r}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(EMOTIONS)).astype(np.int64)
    return draw_faces(labels, size=size, rng=rng, noise=noise), labels
