"""Exercise checkers of lesson 08 (applications).

Expected answers are computed here independently of :mod:`helpers.metrics`:
PSNR with ``skimage.metrics``, box IoU by counting the pixels of the two
boxes drawn on a grid, average precision by the definition written out, and
PixelShuffle's shape with ``torch.nn.PixelShuffle``.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer

__all__ = [
    "CLEAN",
    "NOISY",
    "BOX_A",
    "BOX_B",
    "RANKED",
    "N_OBJECTS",
    "SHUFFLE_CASE",
    "check_psnr",
    "check_box_iou",
    "check_average_precision",
    "check_pixel_shuffle_shape",
]

#: Exercise 8.1: a clean 2x3 image and a noisy copy (values in [0, 1]).
CLEAN = np.array([[0.2, 0.4, 0.6], [0.8, 0.5, 0.1]])
NOISY = np.array([[0.3, 0.4, 0.5], [0.8, 0.7, 0.1]])
#: Exercise 8.2: two boxes (x0, y0, x1, y1).
BOX_A = (2, 1, 8, 5)
BOX_B = (5, 3, 10, 9)
#: Exercise 8.3: detections sorted by score, True where the detection is a true positive.
RANKED = [True, False, True, True, False]
#: ... among this many objects (one object was never detected).
N_OBJECTS = 4
#: Exercise 8.4: the input shape given to ``nn.PixelShuffle(upscale_factor)``.
SHUFFLE_CASE = {"input_shape": (8, 12, 16, 20), "upscale_factor": 2}


def check_psnr(answer):
    """8.1: the PSNR in dB of NOISY against CLEAN, data range 1."""
    from skimage.metrics import peak_signal_noise_ratio

    expected = float(peak_signal_noise_ratio(CLEAN, NOISY, data_range=1.0))
    return check_answer(
        "8.1 PSNR", answer, expected, rtol=1e-3,
        hint="MSE = mean of (NOISY - CLEAN)**2 over all 6 pixels; PSNR = 10 * log10(1**2 / MSE).",
    )


def _pixels(box, size=16):
    x0, y0, x1, y1 = box
    grid = np.zeros((size, size), dtype=bool)
    grid[y0:y1, x0:x1] = True
    return grid


def check_box_iou(answer):
    """8.2: the IoU of BOX_A and BOX_B (boxes cover columns x0..x1-1 and rows y0..y1-1)."""
    a, b = _pixels(BOX_A), _pixels(BOX_B)
    expected = float((a & b).sum() / (a | b).sum())
    return check_answer(
        "8.2 IoU of two boxes", answer, expected, rtol=1e-6,
        hint="Overlap: width = min(x1) - max(x0), height = min(y1) - max(y0). "
             "Union = area A + area B - overlap. IoU = overlap / union.",
    )


def check_average_precision(answer):
    """8.3: the average precision (all-point interpolation) of RANKED with N_OBJECTS objects."""
    hits, points = 0, []
    for k, hit in enumerate(RANKED, start=1):
        hits += hit
        points.append((hits / N_OBJECTS, hits / k))  # (recall, precision) after k detections
    expected, last_recall = 0.0, 0.0
    for recall, _ in points:
        if recall > last_recall:
            best = max(p for r, p in points if r >= recall)  # interpolated precision
            expected += (recall - last_recall) * best
            last_recall = recall
    return check_answer(
        "8.3 average precision", answer, expected, rtol=1e-6,
        hint="After each detection write precision = hits so far / detections so far and recall = hits so far / "
             f"{N_OBJECTS}. Replace each precision by the largest precision at that recall or beyond. "
             "AP = sum over the detections that raise recall of (recall step) x (that precision).",
    )


def check_pixel_shuffle_shape(answer):
    """8.4: the output shape of ``nn.PixelShuffle(upscale_factor)`` on SHUFFLE_CASE's input."""
    import torch

    case = SHUFFLE_CASE
    shape = tuple(torch.nn.PixelShuffle(case["upscale_factor"])(torch.zeros(case["input_shape"])).shape)
    return check_answer(
        "8.4 PixelShuffle's shape", answer, shape,
        hint="PixelShuffle(r) turns (N, C * r**2, H, W) into (N, C, r * H, r * W): "
             "every r**2 channels become one r x r block of pixels.",
    )
