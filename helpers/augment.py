"""Data augmentation written with torch ops: shifts and small rotations (lesson 09).

torchvision is not available to the course (DESIGN.md), so the random
"move the digit a little" augmentation is built from the two functions
torchvision itself uses underneath: ``F.affine_grid`` turns a 2x3 matrix
into a sampling grid, and ``F.grid_sample`` reads the input at those
positions (bilinear, zeros outside the image).

- :func:`affine`: rotate each image by ``angle`` degrees (counter-clockwise on
  screen, about the image centre) and then shift it by ``(dy, dx)`` pixels
  (down, right). Angle 0 and shift 0 give the input back; an integer shift
  equals :func:`helpers.data.shift`.
- :func:`random_affine`: the same with a random angle in ``[-degrees,
  degrees]`` and a random shift in ``[-max_shift, max_shift]`` per image,
  drawn from a ``torch.Generator`` (the same seed gives the same batch).
- :class:`RandomAffine`: that, as the ``augment(x, generator)`` callable that
  :func:`helpers.train.fit` applies to every training batch.

Shapes: images (N, C, H, W) tensors; ``angle``, ``dy``, ``dx`` are numbers
or (N,) tensors (one per image).

>>> import torch
>>> x = torch.zeros(1, 1, 5, 5); x[0, 0, 2, 2] = 1.0
>>> int(affine(x, shift=(1, -2))[0, 0].argmax())   # row 3, column 0 -> 3 * 5 + 0
15
>>> aug = RandomAffine(max_shift=2, degrees=10)
>>> aug(x, torch.Generator().manual_seed(0)).shape
torch.Size([1, 1, 5, 5])
"""
from __future__ import annotations

import math
import numbers

__all__ = ["affine", "random_affine", "RandomAffine"]


def _check_images(images, fn):
    import torch

    if not torch.is_tensor(images):
        raise TypeError(f"{fn}: images must be a torch tensor of shape (N, C, H, W); got {type(images).__name__} "
                        "(use torch.as_tensor(array))")
    if images.ndim != 4:
        raise ValueError(f"{fn}: images must have shape (N, C, H, W); got shape {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"{fn}: images must be floating point (float32 or float64); got {images.dtype}")


def _per_image(value, name, N, fn, like):
    """A number or an (N,) tensor/sequence -> an (N,) tensor of ``like``'s dtype and device."""
    import torch

    if isinstance(value, bool):
        raise TypeError(f"{fn}: {name} must be a number or one number per image; got {value!r}")
    if isinstance(value, numbers.Real):
        out = torch.full((N,), float(value), dtype=like.dtype, device=like.device)
    else:
        try:
            out = torch.as_tensor(value, dtype=like.dtype).to(like.device).reshape(-1)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{fn}: {name} must be a number or one number per image; got {value!r}") from None
        if out.shape != (N,):
            raise ValueError(f"{fn}: {name} must be a number or have shape ({N},) (one per image); "
                             f"got {tuple(torch.as_tensor(value).shape)}")
    if not torch.isfinite(out).all():
        raise ValueError(f"{fn}: {name} must be finite; got {value!r}")
    return out


def affine(images, angle=0.0, shift=(0.0, 0.0)):
    """Rotate by ``angle`` degrees (counter-clockwise, about the centre), then shift by ``(dy, dx)`` pixels.

    Args:
        images: (N, C, H, W) float tensor.
        angle: degrees; a number or an (N,) tensor (one per image).
        shift: ``(dy, dx)`` pixels, down and right; each a number or an (N,) tensor.

    Returns:
        (N, C, H, W) tensor of the same dtype and device: bilinear samples, 0 where
        a pixel comes from outside the image.

    The 2x3 matrix given to ``F.affine_grid`` maps each output position to the
    input position it reads (normalised coordinates, -1..1 across the image,
    ``align_corners=False``): the inverse of "rotate, then shift".
    """
    import torch
    import torch.nn.functional as F

    fn = "affine"
    _check_images(images, fn)
    if not (isinstance(shift, (tuple, list)) and len(shift) == 2):
        raise TypeError(f"{fn}: shift must be a pair (dy, dx) of pixels; got {shift!r}")
    N, C, H, W = images.shape
    a = _per_image(angle, "angle", N, fn, images) * (math.pi / 180.0)
    dy = _per_image(shift[0], "shift dy", N, fn, images)
    dx = _per_image(shift[1], "shift dx", N, fn, images)
    c, s = torch.cos(a), torch.sin(a)
    # pixel coordinates (x right, y down) about the centre: out = R @ in + t with
    # R = [[c, s], [-s, c]] (counter-clockwise on screen), so in = R^T @ (out - t);
    # normalised coordinates scale x by 2/W and y by 2/H.
    theta = torch.stack([
        torch.stack([c, -s * H / W, -(2.0 / W) * (c * dx - s * dy)], dim=1),
        torch.stack([s * W / H, c, -(2.0 / H) * (s * dx + c * dy)], dim=1),
    ], dim=1)
    grid = F.affine_grid(theta, [N, C, H, W], align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _check_range(value, name, fn):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{fn}: {name} must be a finite number >= 0; got {value!r}")
    return float(value)


def random_affine(images, generator=None, max_shift: float = 2.0, degrees: float = 10.0):
    """Shift each image by up to ``max_shift`` pixels (each axis) and rotate it by up to ``degrees``.

    The angle and the two shifts are drawn uniformly per image from
    ``generator`` (a CPU ``torch.Generator``; None uses torch's global one), so
    a seeded generator gives the same batch every time, on any device.

    Args:
        images: (N, C, H, W) float tensor.
        generator: ``torch.Generator`` or None.
        max_shift: pixels, >= 0. degrees: >= 0.

    Returns:
        (N, C, H, W) tensor (see :func:`affine`).
    """
    import torch

    fn = "random_affine"
    _check_images(images, fn)
    max_shift = _check_range(max_shift, "max_shift", fn)
    degrees = _check_range(degrees, "degrees", fn)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"{fn}: generator must be a torch.Generator or None; got {type(generator).__name__}")
    N = images.shape[0]
    u = torch.rand(3, N, generator=generator, dtype=torch.float64) * 2 - 1  # on the CPU: same numbers on any device
    u = u.to(device=images.device, dtype=images.dtype)
    return affine(images, angle=u[0] * degrees, shift=(u[1] * max_shift, u[2] * max_shift))


class RandomAffine:
    """``augment(x, generator)`` for :func:`helpers.train.fit`: :func:`random_affine` with fixed ranges.

    >>> RandomAffine(max_shift=2, degrees=10)
    RandomAffine(max_shift=2.0, degrees=10.0)
    """

    def __init__(self, max_shift: float = 2.0, degrees: float = 10.0):
        self.max_shift = _check_range(max_shift, "max_shift", "RandomAffine")
        self.degrees = _check_range(degrees, "degrees", "RandomAffine")

    def __call__(self, images, generator=None):
        return random_affine(images, generator, max_shift=self.max_shift, degrees=self.degrees)

    def __repr__(self):
        return f"RandomAffine(max_shift={self.max_shift}, degrees={self.degrees})"
