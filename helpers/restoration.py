"""Data for lesson 08's image restoration (denoising, super-resolution,
inpainting): grey photo sets, random patches, noise, downscaling and holes,
all seeded, plus the bicubic enlargement every super-resolution result is
compared with.

Images are (H, W) float64 in [0, 1]; batches (N, H, W).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> patches = random_patches([np.zeros((20, 30))], 5, 8, rng)
>>> patches.shape
(5, 8, 8)
"""
from __future__ import annotations

import numpy as np

from .data import PHOTOS, photo

__all__ = [
    "TRAIN_PHOTOS",
    "TEST_PHOTOS",
    "grey_photos",
    "random_patches",
    "add_noise",
    "downscale",
    "bicubic_upscale",
    "random_holes",
    "apply",
]

#: Photos the networks learn from, and the held-out photos they are measured on.
TRAIN_PHOTOS = ("camera", "coffee", "coins", "rocket", "moon", "brick", "gravel", "page")
TEST_PHOTOS = ("astronaut", "chelsea")


def grey_photos(names, size: int = 128) -> list:
    """Grey versions of scikit-image photos, longer side ``size``: a list of (H, W) float64 arrays."""
    if isinstance(names, str):
        raise TypeError(f"grey_photos: names must be a list of photo names; got the string {names!r}")
    bad = [n for n in names if n not in PHOTOS]
    if bad:
        raise ValueError(f"grey_photos: unknown photos {bad}; expected names from {PHOTOS}")
    return [photo(n, gray=True, size=size) for n in names]


def random_patches(images, n: int, size: int, rng) -> np.ndarray:
    """``n`` random (size, size) crops, each from a random image of ``images``: (n, size, size).

    A crop is also flipped left-right with probability 1/2 (more variety).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"random_patches: n must be a positive int; got {n!r}")
    small = [img.shape for img in images if min(img.shape[:2]) < size]
    if not images or small:
        raise ValueError(f"random_patches: every image must be at least {size}x{size}; got shapes {small or 'none'}")
    out = np.empty((n, size, size), dtype=np.float64)
    for k in range(n):
        img = images[rng.integers(len(images))]
        i = rng.integers(img.shape[0] - size + 1)
        j = rng.integers(img.shape[1] - size + 1)
        crop = img[i:i + size, j:j + size]
        out[k] = crop[:, ::-1] if rng.random() < 0.5 else crop
    return out


def add_noise(images, sigma: float, rng) -> np.ndarray:
    """``images`` plus Gaussian noise of standard deviation ``sigma`` (not clipped), float64."""
    if not (isinstance(sigma, (int, float)) and sigma >= 0):
        raise ValueError(f"add_noise: sigma must be a number >= 0; got {sigma!r}")
    images = np.asarray(images, dtype=np.float64)
    return images + sigma * rng.standard_normal(images.shape)


def downscale(images, factor: int = 2) -> np.ndarray:
    """Shrink (..., H, W) by ``factor`` by averaging factor x factor blocks (the camera's
    pixel integration): (..., H // factor, W // factor). H and W must be multiples of factor."""
    images = np.asarray(images, dtype=np.float64)
    H, W = images.shape[-2:]
    if H % factor or W % factor:
        raise ValueError(f"downscale: H and W must be multiples of factor={factor}; got shape {images.shape}")
    return images.reshape(*images.shape[:-2], H // factor, factor, W // factor, factor).mean(axis=(-3, -1))


def bicubic_upscale(images, factor: int = 2) -> np.ndarray:
    """Enlarge (..., H, W) to (..., factor*H, factor*W) by bicubic interpolation
    (``torch.nn.functional.interpolate(mode="bicubic")``, the classical baseline of
    super-resolution and the starting point of :func:`helpers.models.applications.super_resolver`)."""
    import torch
    import torch.nn.functional as F

    images = np.asarray(images, dtype=np.float64)
    x = torch.as_tensor(images).reshape(-1, 1, *images.shape[-2:])
    up = F.interpolate(x, scale_factor=factor, mode="bicubic", align_corners=False)
    return up.reshape(*images.shape[:-2], *up.shape[-2:]).numpy()


def random_holes(shape, n_holes: int, size: int, rng) -> np.ndarray:
    """A bool mask of ``shape`` (H, W) or (N, H, W) with ``n_holes`` square holes of
    side ``size`` per image, at random places (they may overlap)."""
    shape = tuple(shape)
    if len(shape) not in (2, 3) or min(shape[-2:]) < size:
        raise ValueError(f"random_holes: shape must be (H, W) or (N, H, W) with H, W >= size={size}; got {shape}")
    mask = np.zeros((1,) + shape if len(shape) == 2 else shape, dtype=bool)
    H, W = shape[-2:]
    for m in mask:
        for _ in range(n_holes):
            i, j = rng.integers(H - size + 1), rng.integers(W - size + 1)
            m[i:i + size, j:j + size] = True
    return mask[0] if len(shape) == 2 else mask


def apply(model, image) -> np.ndarray:
    """Run a trained image-to-image ``model`` on one image without gradients.

    ``image``: (H, W), or (C_in, H, W) for a net with several input channels;
    it is given to the model as (1, C_in, H, W) in the model's dtype. Returns
    the first output channel, (H_out, W_out) float64.
    """
    import torch

    from .train import model_dtype

    x = np.asarray(image, dtype=np.float64)
    if x.ndim not in (2, 3):
        raise ValueError(f"apply: image must be (H, W) or (C_in, H, W); got shape {x.shape}")
    t = torch.as_tensor(x, dtype=model_dtype(model)).reshape(1, -1, *x.shape[-2:])
    with torch.no_grad():
        return model.eval()(t)[0, 0].double().numpy()
