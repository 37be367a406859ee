"""Lesson 07's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way (the counting formulas, the
output-size formula, the receptive-field recurrence, softmax minus one-hot
in NumPy), never taken from the checkers."""
import numpy as np
import pytest

from helpers.exercises import lesson07 as ex
from exercise_support import assert_verdicts


def _vgg():
    b = ex.VGG_BLOCK
    first = 9 * b["in_channels"] * b["out_channels"] + b["out_channels"]
    rest = (b["num_convs"] - 1) * (9 * b["out_channels"] ** 2 + b["out_channels"])
    return first + rest


def _shortcut():
    N, C, H, W = ex.SHORTCUT_CASE["input_shape"]
    s = ex.SHORTCUT_CASE["stride"]
    return (N, ex.SHORTCUT_CASE["out_channels"], (H - 1) // s + 1, (W - 1) // s + 1)


def _rf():
    r, j = 1, 1
    for _, k, s, _ in ex.RF_STACK:
        r, j = r + (k - 1) * j, j * s
    return r


def _ce():
    z = ex.CE_CASE["logits"]
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return p - np.eye(len(z))[ex.CE_CASE["target"]]


CHECKS = [
    (ex.check_vgg_block_params, _vgg, lambda v: v - ex.VGG_BLOCK["out_channels"]),  # biases of one conv forgotten
    (ex.check_shortcut_shape, _shortcut, lambda v: (v[0], v[1], v[2] * 2, v[3] * 2)),  # stride ignored
    (ex.check_receptive_field, _rf, lambda v: 1 + sum(k - 1 for _, k, _, _ in ex.RF_STACK)),  # jumps ignored
    (ex.check_cross_entropy_gradient, _ce, lambda v: v + np.eye(4)[ex.CE_CASE["target"]]),  # softmax only
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker_verdicts(check, right, wrong, capsys):
    assert_verdicts(check, right, wrong, capsys)


def test_wrong_answers_really_differ():
    for _, right, wrong in CHECKS:
        assert not np.allclose(np.asarray(right(), float), np.asarray(wrong(right()), float))
