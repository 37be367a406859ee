"""Metrics of lesson 08 that no installed library offers: IoU of boxes and of
masks, non-maximum suppression, average precision, and the tracking measures
(centre error, success rate). PSNR and SSIM come from ``skimage.metrics``.

Boxes are ``(x0, y0, x1, y1)`` with x1 > x0, y1 > y0 (pixel edges; a box
covering columns 2..4 is x0=2, x1=5). Arrays of boxes are (N, 4).

>>> float(box_iou([0, 0, 2, 2], [1, 0, 3, 2]))   # overlap 2, union 6
0.3333333333333333
>>> average_precision([0.9, 0.8, 0.7], [True, False, True], n_true=2)
0.8333333333333333
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "box_iou",
    "mask_iou",
    "nms",
    "match_detections",
    "average_precision",
    "detection_scores",
    "best_f1_threshold",
    "centre_error",
    "success_rate",
]


def _boxes(fn, name, boxes):
    b = np.asarray(boxes, dtype=np.float64)
    if b.ndim == 1:
        b = b[None]
    if b.ndim != 2 or b.shape[1] != 4:
        raise ValueError(f"{fn}: {name} must be a box (4,) or boxes (N, 4) as (x0, y0, x1, y1); got shape {np.shape(boxes)}")
    if (b[:, 2] < b[:, 0]).any() or (b[:, 3] < b[:, 1]).any():
        raise ValueError(f"{fn}: {name} must have x1 >= x0 and y1 >= y0 (x0, y0, x1, y1); got {b[(b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1])][0]}")
    return b


def box_iou(a, b):
    """Intersection over union of boxes: a (N, 4), b (M, 4) -> (N, M); two single boxes (4,) -> a float.

    IoU = area(a & b) / area(a | b); 0 for disjoint boxes (and for two empty ones).
    """
    single = np.ndim(a) == 1 and np.ndim(b) == 1
    A, B = _boxes("box_iou", "a", a), _boxes("box_iou", "b", b)
    w = np.clip(np.minimum(A[:, None, 2], B[None, :, 2]) - np.maximum(A[:, None, 0], B[None, :, 0]), 0, None)
    h = np.clip(np.minimum(A[:, None, 3], B[None, :, 3]) - np.maximum(A[:, None, 1], B[None, :, 1]), 0, None)
    inter = w * h
    area = lambda X: (X[:, 2] - X[:, 0]) * (X[:, 3] - X[:, 1])  # noqa: E731
    union = area(A)[:, None] + area(B)[None, :] - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return np.float64(iou[0, 0]) if single else iou


def mask_iou(pred, target, num_classes: int) -> np.ndarray:
    """Per-class IoU of two integer label maps of the same shape (any number of images).

    Returns (num_classes,) float64: |pred == c and target == c| / |pred == c or target == c|,
    NaN for a class absent from both (leave it out of a mean with ``np.nanmean``).
    """
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"mask_iou: pred and target must have the same shape; got {pred.shape} and {target.shape}")
    out = np.full(num_classes, np.nan)
    for c in range(num_classes):
        p, t = pred == c, target == c
        union = (p | t).sum()
        if union:
            out[c] = (p & t).sum() / union
    return out


def nms(boxes, scores, iou_threshold: float = 0.5) -> np.ndarray:
    """Non-maximum suppression: indices of the boxes kept, best score first.

    Greedy: take the highest-scoring box left, drop every box whose IoU with it
    exceeds ``iou_threshold``, repeat. (The same rule as ``torchvision.ops.nms``.)
    """
    B = _boxes("nms", "boxes", boxes) if len(boxes) else np.zeros((0, 4))
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != (len(B),):
        raise ValueError(f"nms: scores must have shape ({len(B)},) to match the boxes; got {s.shape}")
    order = np.argsort(-s, kind="stable")
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        iou = box_iou(B[i:i + 1], B[order[1:]])[0]
        order = order[1:][iou <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def match_detections(boxes, scores, true_boxes, iou_threshold: float = 0.5) -> np.ndarray:
    """Which detections of ONE image are true positives: (K,) bool.

    Detections are visited from the highest score down; each takes the
    unmatched true box it overlaps most, and is a true positive when that IoU
    is at least ``iou_threshold``. A true box is matched at most once, so a
    second detection of the same object is a false positive (PASCAL VOC's rule).
    """
    B = _boxes("match_detections", "boxes", boxes) if len(boxes) else np.zeros((0, 4))
    T = _boxes("match_detections", "true_boxes", true_boxes) if len(true_boxes) else np.zeros((0, 4))
    s = np.asarray(scores, dtype=np.float64)
    if s.shape != (len(B),):
        raise ValueError(f"match_detections: scores must have shape ({len(B)},) to match the boxes; got {s.shape}")
    tp = np.zeros(len(B), dtype=bool)
    if not len(B) or not len(T):
        return tp
    iou = box_iou(B, T)
    used = np.zeros(len(T), dtype=bool)
    for i in np.argsort(-s, kind="stable"):
        cand = np.where(used, -1.0, iou[i])
        j = int(np.argmax(cand))
        if cand[j] >= iou_threshold:
            tp[i], used[j] = True, True
    return tp


def average_precision(scores, is_tp, n_true: int) -> float:
    """Average precision of a ranked list of detections (all-point interpolation, PASCAL VOC 2010+).

    Sort by score (highest first); after each detection compute precision and
    recall (= true positives so far / ``n_true``); make precision
    non-increasing from the right; AP = sum over the recall steps of
    (recall step) x (precision there). 1.0 = every object found before any
    false positive.
    """
    s = np.asarray(scores, dtype=np.float64)
    tp = np.asarray(is_tp, dtype=bool)
    if s.shape != tp.shape or s.ndim != 1:
        raise ValueError(f"average_precision: scores and is_tp must be 1-D of the same length; got {s.shape} and {tp.shape}")
    if isinstance(n_true, bool) or not isinstance(n_true, (int, np.integer)) or n_true < 1:
        raise ValueError(f"average_precision: n_true must be a positive int (the number of true objects); got {n_true!r}")
    if tp.sum() > n_true:
        raise ValueError(f"average_precision: {int(tp.sum())} true positives but only n_true={n_true} objects")
    order = np.argsort(-s, kind="stable")
    hits = np.cumsum(tp[order])
    precision = hits / np.arange(1, len(s) + 1)
    recall = hits / n_true
    precision = np.maximum.accumulate(precision[::-1])[::-1] if len(s) else precision
    steps = np.diff(np.concatenate([[0.0], recall]))
    return float(np.sum(steps * precision))


def detection_scores(detections, true_boxes, iou_threshold: float = 0.5, score_threshold: float = 0.5) -> dict:
    """Precision, recall (detections scoring >= ``score_threshold``) and AP (all
    detections) over a set of images.

    Args:
        detections: one ``(boxes (K, 4), scores (K,))`` pair per image.
        true_boxes: one (M, 4) array per image.
    Returns:
        ``{"precision", "recall", "ap"}`` floats (precision is 1.0 when nothing is kept).
    """
    if len(detections) != len(true_boxes):
        raise ValueError(f"detection_scores: need one detection set per image; got {len(detections)} and {len(true_boxes)}")
    all_s, all_tp, n_true = [], [], 0
    for (boxes, scores), truth in zip(detections, true_boxes):
        all_s.append(np.asarray(scores, dtype=np.float64))
        all_tp.append(match_detections(boxes, scores, truth, iou_threshold))
        n_true += len(truth)
    s, tp = np.concatenate(all_s), np.concatenate(all_tp)
    kept = s >= score_threshold
    return {
        "precision": float(tp[kept].mean()) if kept.any() else 1.0,
        "recall": float(tp[kept].sum() / n_true),
        "ap": average_precision(s, tp, n_true),
    }


def best_f1_threshold(detections, true_boxes, iou_threshold: float = 0.5) -> float:
    """The score threshold that maximises F1 = 2PR / (P + R) over a set of
    images (choose it on training images, then use it on test images).
    ``detections`` and ``true_boxes`` as in :func:`detection_scores`."""
    s = np.concatenate([np.asarray(sc, dtype=np.float64) for _, sc in detections])
    if not len(s):
        raise ValueError("best_f1_threshold: there are no detections to choose a threshold from")
    tp = np.concatenate([match_detections(b, sc, t, iou_threshold) for (b, sc), t in zip(detections, true_boxes)])
    n_true = sum(len(t) for t in true_boxes)
    order = np.argsort(-s, kind="stable")
    hits = np.cumsum(tp[order])
    f1 = 2 * hits / (np.arange(1, len(s) + 1) + n_true)
    return float(s[order][int(np.argmax(f1))])


def centre_error(pred, true) -> np.ndarray:
    """Euclidean distance between predicted and true centres, (T, 2) each -> (T,) pixels."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    if p.shape != t.shape or p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"centre_error: pred and true must both be (T, 2) centres; got {p.shape} and {t.shape}")
    return np.sqrt(((p - t) ** 2).sum(axis=1))


def success_rate(errors, threshold: float) -> float:
    """Fraction of frames whose centre error is at most ``threshold`` pixels."""
    e = np.asarray(errors, dtype=np.float64)
    if e.ndim != 1 or not len(e):
        raise ValueError(f"success_rate: errors must be a non-empty 1-D array; got shape {e.shape}")
    return float(np.mean(e <= threshold))
