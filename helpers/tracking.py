"""Single-object tracking in lesson 08: one tracking loop, two ways of scoring
where the template is in a search window (normalised cross-correlation, the
classical way, and a trained Siamese embedding), and the training pairs of
the Siamese net.

The tracker is given the target's centre in the first frame. It cuts a
(T, T) template there; in every later frame it cuts an (S, S) search window
around its previous estimate, scores every placement of the template in it
((R, R) scores, R = S - T + 1) and moves to the best one. The template is
never updated, so both scorers face the same appearance change.

>>> import numpy as np
>>> frames = np.zeros((3, 40, 40)); frames[:, 18:23, 18:23] = 1.0
>>> track(frames, (20.0, 20.0), ncc_response)[-1].tolist()
[20.5, 20.5]
"""
from __future__ import annotations

import numpy as np

__all__ = ["crop", "standardise", "ncc_response", "siamese_response", "track", "tracking_pairs"]


def crop(frame, centre, size: int) -> np.ndarray:
    """The (size, size) square of a (H, W) frame centred on the pixel nearest
    ``centre`` (row, col); outside the frame the border pixels are repeated."""
    frame = np.asarray(frame, dtype=np.float64)
    if frame.ndim != 2:
        raise ValueError(f"crop: frame must be one (H, W) image; got shape {frame.shape}")
    r, c = (int(np.floor(v)) for v in centre)
    h = size // 2
    padded = np.pad(frame, size, mode="edge")
    r0, c0 = r - h + size, c - h + size
    return padded[r0:r0 + size, c0:c0 + size]


def standardise(patch) -> np.ndarray:
    """Zero mean, unit standard deviation (what the Siamese net sees)."""
    patch = np.asarray(patch, dtype=np.float64)
    return (patch - patch.mean()) / max(patch.std(), 1e-8)


def ncc_response(search, template) -> np.ndarray:
    """Normalised cross-correlation of a (T, T) template at every place in an
    (S, S) search window (``skimage.feature.match_template``): (R, R), -1..1."""
    from skimage.feature import match_template

    return match_template(np.asarray(search, dtype=np.float64), np.asarray(template, dtype=np.float64))


def siamese_response(model):
    """A scorer like :func:`ncc_response` from a trained
    :class:`helpers.models.applications.SiameseTracker`: (S, S), (T, T) -> (R, R) logits."""
    import torch

    from .train import model_dtype

    def response(search, template):
        dtype = model_dtype(model)
        s = torch.as_tensor(standardise(search), dtype=dtype)[None, None]
        t = torch.as_tensor(standardise(template), dtype=dtype)[None, None]
        with torch.no_grad():
            return model.eval().response(s, t)[0].double().numpy()

    return response


def track(frames, start, response, template_size: int = 15, search_size: int = 31) -> np.ndarray:
    """Follow the target from ``start`` (row, col) in frames[0]: (T, 2) centres, frame 0 = start.

    ``response(search, template)`` scores the placements, e.g. :func:`ncc_response`.
    """
    frames = np.asarray(frames, dtype=np.float64)
    if frames.ndim != 3:
        raise ValueError(f"track: frames must be (T, H, W); got shape {frames.shape}")
    if not (isinstance(template_size, int) and isinstance(search_size, int) and 0 < template_size < search_size):
        raise ValueError(f"track: need 0 < template_size < search_size (ints); got {template_size!r}, {search_size!r}")
    template = crop(frames[0], start, template_size)
    R = search_size - template_size + 1
    centre = np.floor(np.asarray(start, dtype=np.float64)) + 0.5
    out = [np.asarray(start, dtype=np.float64)]
    for frame in frames[1:]:
        scores = response(crop(frame, centre, search_size), template)
        if scores.shape != (R, R):
            raise ValueError(f"track: response must return ({R}, {R}) scores; got {scores.shape}")
        i, j = np.unravel_index(np.argmax(scores), scores.shape)
        centre = centre + np.array([i, j]) - (R - 1) // 2
        out.append(centre.copy())
    return np.array(out)


def tracking_pairs(videos, n: int, rng, template_size: int = 15, search_size: int = 31, max_gap: int = 10,
                   max_shift: int = 6):
    """Training pairs for :class:`helpers.models.applications.SiameseTracker`.

    Each pair: a template around the target in frame t of a video and a
    search window in frame t + gap (1..max_gap, both frames with the target
    visible) centred up to ``max_shift`` pixels off the target.

    Returns:
        x (n, 2, S, S): standardised search windows in channel 0, templates in
        the top-left (T, T) of channel 1; y (n,) int64: the index, in the
        row-major (R, R) response, of the placement centred on the target.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"tracking_pairs: n must be a positive int; got {n!r}")
    if not videos:
        raise ValueError("tracking_pairs: videos must be a non-empty list of helpers.scenes.Video")
    T, S = template_size, search_size
    R = S - T + 1
    if max_shift > (R - 1) // 2:
        raise ValueError(f"tracking_pairs: max_shift must be <= (R - 1) // 2 = {(R - 1) // 2}; got {max_shift}")
    x = np.zeros((n, 2, S, S))
    y = np.empty(n, dtype=np.int64)
    for k in range(n):
        v = videos[rng.integers(len(videos))]
        ok = np.nonzero(v.visible)[0]
        t = int(rng.choice(ok[ok < len(v.visible) - 1]))
        later = ok[(ok > t) & (ok <= t + max_gap)]
        t2 = int(rng.choice(later)) if len(later) else t
        target = np.floor(v.centres[t2]) + 0.5
        d = rng.integers(-max_shift, max_shift + 1, 2)
        x[k, 0] = standardise(crop(v.frames[t2], target + d, S))
        x[k, 1, :T, :T] = standardise(crop(v.frames[t], v.centres[t], T))
        i, j = (R - 1) // 2 - d
        y[k] = i * R + j
    return x, y
