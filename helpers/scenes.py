"""Procedural scenes and videos with ground truth, for lesson 08 (segmentation,
detection, tracking). Seeded: the same arguments give the same pixels.

- :func:`make_scenes`: grey images of bright discs, dark squares and striped
  triangles on a textured, noisy background, with the class of every pixel (masks) and a box
  and class per object.
- :func:`make_video`: frames in which one striped disc moves, turns its
  stripes and fades, among plain distractor discs, under noise, passing
  behind an occluder; with its true centre in every frame.

Boxes are ``(x0, y0, x1, y1)`` in pixel edges: the object covers columns
x0..x1-1 and rows y0..y1-1. Centres are ``(row, col)``.

>>> s = make_scenes(2, size=32, seed=0)
>>> s.images.shape, s.masks.shape, s.boxes[0].shape[1]
((2, 32, 32), (2, 32, 32), 4)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CLASSES", "Scenes", "Video", "shape_mask", "class_look", "make_scenes", "make_video"]

#: Pixel classes of :func:`make_scenes` (index = value in the masks).
CLASSES = ("background", "disc", "square", "triangle")


@dataclass
class Scenes:
    """images (N, H, W) float64; masks (N, H, W) int64 class per pixel;
    boxes: N arrays (k, 4) float64; labels: N arrays (k,) int64 (1..3)."""

    images: np.ndarray
    masks: np.ndarray
    boxes: list
    labels: list


@dataclass
class Video:
    """frames (T, H, W) float64; centres (T, 2) float64 (row, col) of the target;
    visible (T,) bool (False while more than half the target is hidden);
    radius of the target disc in pixels."""

    frames: np.ndarray
    centres: np.ndarray
    visible: np.ndarray
    radius: float


def shape_mask(kind: str, size: int, cy: float, cx: float, shape) -> np.ndarray:
    """A bool (H, W) mask of a ``kind`` ("disc", "square", "triangle") of side
    or diameter ``size`` pixels centred at (cy, cx); the triangle points up."""
    H, W = shape
    y, x = np.mgrid[0:H, 0:W] + 0.5
    r = size / 2
    if kind == "disc":
        return (y - cy) ** 2 + (x - cx) ** 2 <= r * r
    if kind == "square":
        return (np.abs(y - cy) <= r) & (np.abs(x - cx) <= r)
    if kind == "triangle":
        return (np.abs(y - cy) <= r) & (np.abs(x - cx) <= (y - cy + r) / 2)
    raise ValueError(f"shape_mask: kind must be one of {CLASSES[1:]}; got {kind!r}")


def _background(rng, size, texture, noise):
    from scipy.ndimage import gaussian_filter

    tex = gaussian_filter(rng.standard_normal((size, size)), 2.5, mode="wrap")
    tex *= texture / tex.std()
    gy, gx = rng.uniform(-1, 1, 2) * 0.15
    y, x = np.mgrid[0:size, 0:size] / size - 0.5
    return 0.35 + tex + gy * y + gx * x, noise * rng.standard_normal((size, size))


def _check(fn, **ints):
    for name, v in ints.items():
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{fn}: {name} must be a positive int; got {v!r}")


def class_look(cls: int, mask) -> np.ndarray:
    """The look of class ``cls`` on the pixels of a bool mask, at unit contrast:
    +1 for discs (bright), -1 for squares (dark), and +1 / -1 on alternate rows
    for triangles (stripes). Returns the values of ``mask``'s True pixels, in order."""
    rows = np.nonzero(mask)[0]
    if cls == 1:
        return np.ones(len(rows))
    if cls == 2:
        return -np.ones(len(rows))
    if cls == 3:
        return np.where(rows % 2 == 0, 1.0, -1.0)
    raise ValueError(f"class_look: cls must be 1, 2 or 3 (see CLASSES); got {cls!r}")


def make_scenes(n: int, size: int = 32, seed: int = 0, max_objects: int = 3, min_size: int = 8,
                max_size: int = 12, texture: float = 0.08, noise: float = 0.05) -> Scenes:
    """``n`` scenes of 1..max_objects non-touching shapes of random class and
    size (min_size..max_size pixels) on a smooth random texture (std
    ``texture``) with a random brightness gradient and Gaussian pixel noise
    (std ``noise``). Each class has its own look as well as its shape (as
    grass, road and sky do, see :func:`class_look`): discs are 0.25..0.45
    brighter than the background, squares as much darker, triangles striped
    (rows alternately that much brighter and darker)."""
    _check("make_scenes", n=n, size=size, max_objects=max_objects, min_size=min_size, max_size=max_size)
    if not min_size <= max_size < size:
        raise ValueError(f"make_scenes: need min_size <= max_size < size; got {min_size}, {max_size}, {size}")
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size))
    masks = np.zeros((n, size, size), dtype=np.int64)
    boxes, labels = [], []
    for k in range(n):
        base, pixel_noise = _background(rng, size, texture, noise)
        taken = np.zeros((size, size), dtype=bool)
        b, l = [], []
        for _ in range(int(rng.integers(1, max_objects + 1))):
            for _attempt in range(30):
                cls = int(rng.integers(1, len(CLASSES)))
                s = int(rng.integers(min_size, max_size + 1))
                cy, cx = rng.uniform(s / 2 + 1, size - s / 2 - 1, 2)
                m = shape_mask(CLASSES[cls], s, cy, cx, (size, size))
                grown = shape_mask("square", s + 4, cy, cx, (size, size))
                if not (grown & taken).any():
                    break
            else:
                continue
            taken |= grown
            base[m] += rng.uniform(0.25, 0.45) * class_look(cls, m)
            masks[k][m] = cls
            rows, cols = np.nonzero(m)
            b.append([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1])
            l.append(cls)
        images[k] = base + pixel_noise
        boxes.append(np.array(b, dtype=np.float64).reshape(-1, 4))
        labels.append(np.array(l, dtype=np.int64))
    return Scenes(images, masks, boxes, labels)


def _path(rng, T, size, margin, speed):
    """A bouncing path: (T, 2) positions inside [margin, size - margin]."""
    pos = rng.uniform(margin, size - margin, 2)
    angle = rng.uniform(0, 2 * np.pi)
    vel = speed * np.array([np.sin(angle), np.cos(angle)])
    out = np.empty((T, 2))
    for t in range(T):
        out[t] = pos
        vel = vel + rng.normal(0, 0.15 * speed, 2)
        vel *= speed / np.linalg.norm(vel)
        pos = pos + vel
        for d in range(2):
            if not margin <= pos[d] <= size - margin:
                vel[d] = -vel[d]
                pos[d] = np.clip(pos[d], margin, size - margin)
    return out


def make_video(frames: int = 48, size: int = 64, seed: int = 0, radius: float = 5.5, distractors: int = 3,
               noise: float = 0.08, occlusion: bool = True) -> Video:
    """A tracking video: the target, a disc with dark stripes that turn by
    6 degrees per frame while the disc fades from +0.5 to +0.3 above the
    background, moves on a bouncing path at 1.5 px per frame; ``distractors``
    plain discs of the same size and brightness move on their own paths; a
    flat grey square occluder sits where the target is at 60% of the video
    (it passes behind it); Gaussian noise (std ``noise``) on every frame."""
    _check("make_video", frames=frames, size=size)
    if size < 8 * radius:
        raise ValueError(f"make_video: size must be at least 8 * radius = {8 * radius:g}; got {size}")
    rng = np.random.default_rng(seed)
    from scipy.ndimage import gaussian_filter

    tex = gaussian_filter(rng.standard_normal((size, size)), 3, mode="wrap")
    background = 0.3 + 0.06 * tex / tex.std()
    margin = radius + 2
    target = _path(rng, frames, size, margin, 1.5)
    others = [_path(rng, frames, size, margin, 1.5) for _ in range(distractors)]
    t_occ = int(0.6 * frames)
    oc = np.clip(target[t_occ], 8, size - 8)
    y, x = np.mgrid[0:size, 0:size] + 0.5
    occluder = (np.abs(y - oc[0]) <= 6) & (np.abs(x - oc[1]) <= 6)
    phase0 = rng.uniform(0, np.pi)
    out = np.empty((frames, size, size))
    visible = np.ones(frames, dtype=bool)
    for t in range(frames):
        img = background.copy()
        for path in others:
            img[(y - path[t, 0]) ** 2 + (x - path[t, 1]) ** 2 <= radius ** 2] += 0.4
        cy, cx = target[t]
        disc = (y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2
        theta = phase0 + np.deg2rad(6.0) * t
        stripes = np.cos(2 * np.pi * ((y - cy) * np.cos(theta) + (x - cx) * np.sin(theta)) / 4.0) > 0
        level = 0.5 - 0.2 * t / max(frames - 1, 1)
        img[disc] += np.where(stripes[disc], level, 0.1)
        if occlusion:
            img[occluder] = 0.45
            visible[t] = (disc & occluder).sum() <= disc.sum() / 2
        out[t] = img + noise * rng.standard_normal((size, size))
    return Video(out, target, visible, radius)
