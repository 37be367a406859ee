"""Lesson 03's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way (scipy.signal, the plain
formula), never taken from the checkers."""
import numpy as np
import pytest
import scipy.signal

from helpers.exercises import lesson03 as ex
from helpers.lecture import GREY_IMAGE, RGB_BIAS, RGB_KERNELS, RGB_PATCH, SHARPEN


def _sharpen_value():
    i, j = ex.SHARPEN_POSITION
    return scipy.signal.correlate2d(GREY_IMAGE, SHARPEN, mode="same")[i, j]


def _output_shape():
    N, C_in, H, W = ex.SHAPE_CASE["input_shape"]
    k, p = ex.SHAPE_CASE["kernel_size"], ex.SHAPE_CASE["padding"]
    return (N, ex.SHAPE_CASE["out_channels"], H + 2 * p - k + 1, W + 2 * p - k + 1)


def _param_count():
    c = ex.LAYER_CASE
    return c["out_channels"] * c["in_channels"] * c["kernel_size"] ** 2 + c["out_channels"]


def _rgb_value():
    i, j = ex.RGB_POSITION
    return sum(scipy.signal.correlate2d(x, k, mode="same")[i, j] for x, k in zip(RGB_PATCH, RGB_KERNELS)) + RGB_BIAS


CHECKS = [
    (ex.check_sharpen_value, _sharpen_value, lambda v: v + 1),
    (ex.check_output_shape, _output_shape, lambda v: (v[0], v[1], v[2] - 4, v[3] - 4)),
    (ex.check_param_count, _param_count, lambda v: v - ex.LAYER_CASE["out_channels"]),
    (ex.check_rgb_value, _rgb_value, lambda v: v - RGB_BIAS + 3 * RGB_BIAS),
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker(check, right, wrong, capsys):
    assert check(...).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out
    verdict = check(right())
    assert verdict.status == "correct", verdict.message
    verdict = check(wrong(right()))
    assert verdict.status == "wrong"
    assert "Hint:" in verdict.message


def test_known_values():
    # sanity of the independent computations against the lecture: the slide's first output
    assert scipy.signal.correlate2d(GREY_IMAGE, SHARPEN, mode="same")[0, 0] == 114
    assert ex.check_output_shape(list(_output_shape()))  # a list is fine too
    assert ex.check_param_count(np.int64(_param_count()))
