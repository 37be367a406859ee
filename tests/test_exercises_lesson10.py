"""Lesson 10's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way (loops over the definition,
the formulas written out), never taken from the checkers."""
import math

import numpy as np
import pytest

from helpers.exercises import lesson10 as ex
from exercise_support import assert_verdicts


def _weight_gradient():
    grad = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            grad[i, j] = sum(ex.EX_GRAD_OUTPUT[r, c] * ex.EX_INPUT[r + i, c + j] for r in range(2) for c in range(2))
    return grad


def _tanh_backward():
    return lambda grad_output, input: grad_output * (1 - np.tanh(input) ** 2)


def _softmax_gradient():
    p = np.exp(ex.EX_LOGITS) / np.exp(ex.EX_LOGITS).sum()
    p[ex.EX_LABEL] -= 1
    return p


def _sigmoid_bound():
    return 0.25 ** ex.EX_DEPTH


CHECKS = [
    (ex.check_weight_gradient, _weight_gradient, lambda v: v.T),
    (ex.check_tanh_backward, _tanh_backward, lambda f: (lambda g, x: g * (1 - np.tanh(x)))),
    (ex.check_softmax_gradient, _softmax_gradient, lambda v: v + np.eye(4)[ex.EX_LABEL]),
    (ex.check_sigmoid_bound, _sigmoid_bound, lambda v: 0.5 ** ex.EX_DEPTH),
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker_verdicts(check, right, wrong, capsys):
    assert_verdicts(check, right, wrong, capsys)


def test_tanh_backward_that_raises_or_is_not_a_function_is_wrong_not_a_crash(capsys):
    def broken(grad_output, input):
        raise RuntimeError("oops")

    assert ex.check_tanh_backward(broken).status == "wrong"
    assert "raised RuntimeError: oops" in capsys.readouterr().out
    assert ex.check_tanh_backward(3.0).status == "wrong"


def test_tanh_backward_is_checked_numerically_not_only_by_shape():
    # the derivative at the wrong point (tanh of the gradient) has the right shape but is wrong
    assert not ex.check_tanh_backward(lambda g, x: 1 - np.tanh(g) ** 2)


def test_sigmoid_bound_is_a_quarter_per_layer():
    assert math.isclose(_sigmoid_bound(), 2.0 ** (-2 * ex.EX_DEPTH))


def test_tanh_backward_left_empty_is_not_answered_yet(capsys):
    def tanh_backward(grad_output, input):
        ...

    assert ex.check_tanh_backward(tanh_backward).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out
