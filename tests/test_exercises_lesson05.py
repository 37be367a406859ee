"""Lesson 05's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way (NumPy block reshapes, the
plain formula, the tie rule written out), never taken from the checkers."""
import numpy as np
import pytest

from helpers.exercises import lesson05 as ex
from exercise_support import assert_verdicts


def _max_pool():
    return ex.GRID.reshape(2, 2, 2, 2).max(axis=(1, 3))


def _output_size():
    N, C, H, W = ex.LAYER_CASE["input_shape"]
    k, s, p = ex.LAYER_CASE["kernel_size"], ex.LAYER_CASE["stride"], ex.LAYER_CASE["padding"]
    return (N, C, (H + 2 * p - k) // s + 1, (W + 2 * p - k) // s + 1)


def _gradient():
    grad = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            block = ex.TIE_GRID[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            a, b = [(a, b) for a in range(2) for b in range(2) if block[a, b] == block.max()][0]  # first in reading order
            grad[2 * i + a, 2 * j + b] = 1
    return grad


def _global_average():
    return np.array([channel.sum() / channel.size for channel in ex.FEATURE_MAPS])


CHECKS = [
    (ex.check_max_pool, _max_pool, lambda v: v + np.eye(2)),
    (ex.check_output_size, _output_size, lambda v: (v[0], v[1], v[2] + 1, v[3])),
    (ex.check_gradient, _gradient, lambda v: np.roll(v, 1, axis=1)),
    (ex.check_global_average, _global_average, lambda v: ex.FEATURE_MAPS.mean()),  # one number, not one per channel
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker_verdicts(check, right, wrong, capsys):
    assert_verdicts(check, right, wrong, capsys)


def test_exercise_inputs_have_the_promised_ties():
    # every window of the gradient exercise holds a tie, so the tie rule matters
    blocks = ex.TIE_GRID.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
    assert all((b == b.max()).sum() >= 2 for b in blocks)
    # and "any maximum" is not enough: the gradient differs from the last-maximum choice
    last = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            block = ex.TIE_GRID[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            a, b = [(a, b) for a in range(2) for b in range(2) if block[a, b] == block.max()][-1]
            last[2 * i + a, 2 * j + b] = 1
    assert not ex.check_gradient(last)


def test_gradient_answer_is_exactly_one_per_window():
    assert _gradient().sum() == 4


def _pool_by_loops(x):
    N, C, H, W = x.shape
    out = np.empty((N, C, H // 2, W // 2))
    for n, c, i, j in np.ndindex(*out.shape):
        out[n, c, i, j] = max(x[n, c, 2 * i, 2 * j], x[n, c, 2 * i, 2 * j + 1], x[n, c, 2 * i + 1, 2 * j], x[n, c, 2 * i + 1, 2 * j + 1])
    return out


def test_max_pool_reshape_checker(capsys):
    assert ex.check_max_pool_reshape(_pool_by_loops).status == "correct"
    mixes_channels = lambda x: _pool_by_loops(x).max(axis=1, keepdims=True).repeat(x.shape[1], axis=1)  # noqa: E731
    assert ex.check_max_pool_reshape(mixes_channels).status == "wrong"
    no_crop = lambda x: x.reshape(*x.shape[:2], x.shape[2] // 2, 2, x.shape[3] // 2, 2).max(axis=(3, 5))  # noqa: E731
    verdict = ex.check_max_pool_reshape(no_crop)
    assert verdict.status == "wrong" and "case 3" in verdict.message and "raised" in verdict.message
    assert ex.check_max_pool_reshape(...).status == "unanswered"
    assert any(x.shape[2] % 2 for (x,) in ex.POOL_CASES)
