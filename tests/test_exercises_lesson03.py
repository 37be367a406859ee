"""Lesson 03's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way (scipy.signal, the plain
formula), never taken from the checkers."""
import numpy as np
import pytest
import scipy.signal

from helpers.exercises import lesson03 as ex
from helpers.lecture import GREY_IMAGE, RGB_PATCH, SHARPEN


def _sharpen_value():
    i, j = ex.HAND_POSITION
    return scipy.signal.correlate2d(GREY_IMAGE, ex.HAND_KERNEL, mode="same")[i, j]


def _output_shape():
    N, C_in, H, W = ex.SHAPE_CASE["input_shape"]
    k, p = ex.SHAPE_CASE["kernel_size"], ex.SHAPE_CASE["padding"]
    return (N, ex.SHAPE_CASE["out_channels"], H + 2 * p - k + 1, W + 2 * p - k + 1)


def _param_count():
    c = ex.LAYER_CASE
    return c["out_channels"] * c["in_channels"] * c["kernel_size"] ** 2 + c["out_channels"]


def _rgb_value():
    i, j = ex.RGB_POSITION
    return sum(scipy.signal.correlate2d(x, k, mode="same")[i, j] for x, k in zip(RGB_PATCH, ex.RGB_FILTER)) + ex.RGB_FILTER_BIAS


CHECKS = [
    (ex.check_sharpen_value, _sharpen_value, lambda v: v + 1),
    (ex.check_output_shape, _output_shape, lambda v: (v[0], v[1], v[2] - 4, v[3] - 4)),
    (ex.check_param_count, _param_count, lambda v: v - ex.LAYER_CASE["out_channels"]),
    (ex.check_rgb_value, _rgb_value, lambda v: v + 2 * ex.RGB_FILTER_BIAS),  # the bias added once per channel
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


def _conv_by_loops(x, weight, bias, stride, padding):
    """The definition, with loops over every output (scipy-free, independent of the checker)."""
    N, C_in, H, W = x.shape
    C_out, _, kH, kW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out, W_out = (H + 2 * padding - kH) // stride + 1, (W + 2 * padding - kW) // stride + 1
    out = np.empty((N, C_out, H_out, W_out))
    for n, o, i, j in np.ndindex(N, C_out, H_out, W_out):
        window = xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
        out[n, o, i, j] = (window * weight[o]).sum() + bias[o]
    return out


def test_conv2d_unfold_checker(capsys):
    assert ex.check_conv2d_unfold(_conv_by_loops).status == "correct"
    no_stride = lambda x, w, b, s, p: _conv_by_loops(x, w, b, 1, p)  # noqa: E731  ignores the stride
    verdict = ex.check_conv2d_unfold(no_stride)
    assert verdict.status == "wrong" and "case 2" in verdict.message and "shape" in verdict.message
    no_bias = lambda x, w, b, s, p: _conv_by_loops(x, w, 0 * b, s, p)  # noqa: E731
    assert ex.check_conv2d_unfold(no_bias).status == "wrong"
    assert ex.check_conv2d_unfold(...).status == "unanswered"
    assert any(case[3] > 1 for case in ex.UNFOLD_CASES) and any(case[0].shape[2] != case[0].shape[3] for case in ex.UNFOLD_CASES)
