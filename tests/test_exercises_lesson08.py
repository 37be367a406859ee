"""Lesson 08's exercise checkers: unanswered, right and wrong answers.

The right answers are worked out here by hand or another way (the formula
with math.log10, pixel-free box arithmetic, the AP sum written out for this
list, the PixelShuffle rule), never taken from the checkers."""
import math

import pytest

from helpers.exercises import lesson08 as ex
from exercise_support import assert_verdicts


def _psnr():
    mse = sum((a - b) ** 2 for a, b in zip(ex.CLEAN.ravel(), ex.NOISY.ravel())) / ex.CLEAN.size
    return 10 * math.log10(1 / mse)


def _iou():
    # BOX_A (2,1,8,5) area 6*4 = 24; BOX_B (5,3,10,9) area 5*6 = 30; overlap x 5..8 (3), y 3..5 (2) = 6
    return 6 / (24 + 30 - 6)


def _ap():
    # RANKED T F T T F with 4 objects: after each TP precision 1, 2/3, 3/4; interpolated 1, 3/4, 3/4
    return 0.25 * 1 + 0.25 * 0.75 + 0.25 * 0.75


def _shuffle():
    N, C, H, W = ex.SHUFFLE_CASE["input_shape"]
    return (N, C // 4, 2 * H, 2 * W)


CHECKS = [
    (ex.check_psnr, _psnr, lambda v: v + 1.0),
    (ex.check_box_iou, _iou, lambda v: 6 / 24),
    (ex.check_average_precision, _ap, lambda v: 0.25 + 0.25 * 2 / 3 + 0.25 * 0.75),   # without interpolation
    (ex.check_pixel_shuffle_shape, _shuffle, lambda v: (v[0], v[1] * 4, v[2] // 2, v[3] // 2)),
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker_verdicts(check, right, wrong, capsys):
    assert_verdicts(check, right, wrong, capsys)


def test_the_exercise_values_are_the_ones_worked_out_above():
    assert ex.BOX_A == (2, 1, 8, 5) and ex.BOX_B == (5, 3, 10, 9)
    assert ex.RANKED == [True, False, True, True, False] and ex.N_OBJECTS == 4
    # squared errors 0.1**2 + 0.1**2 + 0.2**2 = 0.06 over 6 pixels: MSE 0.01, PSNR 20 dB
    assert _psnr() == pytest.approx(20.0)
