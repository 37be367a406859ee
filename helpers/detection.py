"""Object detection in lesson 08: the training targets and loss of the centre
heat-map detector (:func:`helpers.models.applications.centre_detector`), its
decoding into boxes, and the classical baseline (template matching + NMS).

A detector output is (3, H/s, W/s) for stride s: a centre logit per cell
and the box height and width in pixels. Boxes are (x0, y0, x1, y1).

>>> import numpy as np
>>> t = centre_targets([np.array([[4., 4., 12., 10.]])], (16, 16))
>>> t.shape, float(t[0, 0, 3, 4])       # the centre (row 7, col 8) falls in cell (3, 4)
((1, 4, 8, 8), 1.0)
"""
from __future__ import annotations

import numpy as np

from .metrics import nms

__all__ = ["centre_targets", "centre_loss", "decode_centres", "shape_templates", "template_detect"]


def centre_targets(boxes, shape, stride: int = 2, sigma: float = 1.0) -> np.ndarray:
    """Training targets for a batch: (N, 4, H/stride, W/stride) float64.

    Channel 0: a Gaussian bump (``sigma`` cells, peak exactly 1) at every box
    centre's cell; channels 1, 2: box height and width at that cell; channel
    3: 1 at centre cells, else 0 (where the size is trained).
    ``boxes``: one (k, 4) array per image; ``shape``: (H, W) of the images.
    """
    H, W = shape
    if H % stride or W % stride:
        raise ValueError(f"centre_targets: H and W must be multiples of stride={stride}; got {shape}")
    h, w = H // stride, W // stride
    out = np.zeros((len(boxes), 4, h, w))
    y, x = np.mgrid[0:h, 0:w]
    for n, bs in enumerate(boxes):
        for x0, y0, x1, y1 in np.asarray(bs, dtype=np.float64).reshape(-1, 4):
            i, j = int((y0 + y1) / 2 // stride), int((x0 + x1) / 2 // stride)
            bump = np.exp(-((y - i) ** 2 + (x - j) ** 2) / (2 * sigma ** 2))
            out[n, 0] = np.maximum(out[n, 0], bump)
            out[n, 1:, i, j] = (y1 - y0, x1 - x0, 1.0)
    return out


def centre_loss(output, target, size_weight: float = 0.1):
    """CenterNet's loss for (N, 3, h, w) outputs and (N, 4, h, w) targets (torch).

    A focal loss on the heat map (penalty-reduced near centres, normalised by
    the number of objects) plus ``size_weight`` x the L1 error of the box size
    at the centre cells.
    """
    import torch

    heat, centres = target[:, 0], target[:, 3]
    p = torch.sigmoid(output[:, 0]).clamp(1e-6, 1 - 1e-6)
    pos = centres * (1 - p) ** 2 * torch.log(p)
    neg = (1 - centres) * (1 - heat) ** 4 * p ** 2 * torch.log(1 - p)
    n = centres.sum().clamp_min(1.0)
    focal = -(pos + neg).sum() / n
    size = (torch.abs(output[:, 1:3] - target[:, 1:3]) * centres[:, None]).sum() / n
    return focal + size_weight * size


def decode_centres(output, stride: int = 2, min_score: float = 0.05, max_objects: int = 20):
    """Boxes from one detector output (3, h, w) (NumPy or torch): ``(boxes (K, 4), scores (K,))``.

    Peaks of the heat map (cells equal to the maximum of their 3x3
    neighbourhood, the "NMS" of CenterNet) with sigmoid score >= ``min_score``;
    the box is centred on the cell's centre in the image, with the predicted size.
    """
    from scipy.ndimage import maximum_filter

    out = np.asarray(output.detach().cpu() if hasattr(output, "detach") else output, dtype=np.float64)
    if out.ndim != 3 or out.shape[0] != 3:
        raise ValueError(f"decode_centres: output must be one (3, h, w) detector output; got shape {out.shape}")
    score = 1 / (1 + np.exp(-out[0]))
    peaks = (score == maximum_filter(score, size=3, mode="constant")) & (score >= min_score)
    rows, cols = np.nonzero(peaks)
    order = np.argsort(-score[rows, cols], kind="stable")[:max_objects]
    rows, cols = rows[order], cols[order]
    cy, cx = (rows + 0.5) * stride, (cols + 0.5) * stride
    h, w = np.maximum(out[1, rows, cols], 1.0), np.maximum(out[2, rows, cols], 1.0)
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return boxes, score[rows, cols]


def shape_templates(sizes=(8, 10, 12), border: int = 2) -> list:
    """One template per class of :func:`helpers.scenes.make_scenes` and size: the
    shape with its class's look (:func:`helpers.scenes.class_look`) on a
    background (0) margin of ``border`` pixels; (size + 2*border, size + 2*border) float64 arrays."""
    from .scenes import CLASSES, class_look, shape_mask

    out = []
    for cls, kind in enumerate(CLASSES[1:], start=1):
        for s in sizes:
            side = s + 2 * border
            m = shape_mask(kind, s, side / 2, side / 2, (side, side))
            tpl = np.zeros((side, side))
            tpl[m] = class_look(cls, m)
            out.append(tpl)
    return out


def template_detect(image, templates, border: int = 2, min_score: float = 0.3, iou_threshold: float = 0.3):
    """Template matching with non-maximum suppression: ``(boxes (K, 4), scores (K,))``.

    Every template (hT, wT) is matched with ``skimage.feature.match_template``
    (normalised cross-correlation, -1..1); local maxima scoring at least
    ``min_score`` become boxes of the template's size less ``border`` pixels on
    each side (the background margin of :func:`shape_templates`); overlapping boxes from
    all templates are thinned by :func:`helpers.metrics.nms`.
    """
    from skimage.feature import match_template, peak_local_max

    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"template_detect: image must be one grey (H, W) image; got shape {image.shape}")
    if not templates or any(np.ndim(t) != 2 or min(np.shape(t)) > min(image.shape) for t in templates):
        raise ValueError("template_detect: templates must be a non-empty list of (hT, wT) arrays no larger than the image")
    boxes, scores = [], []
    for tpl in templates:
        hT, wT = tpl.shape
        resp = match_template(image, tpl, pad_input=True)
        for r, c in peak_local_max(resp, min_distance=2, threshold_abs=min_score, exclude_border=False):
            y0, x0 = r - hT // 2 + border, c - wT // 2 + border
            boxes.append([x0, y0, x0 + wT - 2 * border, y0 + hT - 2 * border])
            scores.append(resp[r, c])
    if not boxes:
        return np.zeros((0, 4)), np.zeros(0)
    boxes, scores = np.array(boxes, dtype=np.float64), np.array(scores)
    keep = nms(boxes, scores, iou_threshold)
    return boxes[keep], scores[keep]
