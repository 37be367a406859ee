"""helpers.exercises.lesson01: each checker accepts the right answer (worked out here on
its own), rejects a wrong one with a hint, and lets an unanswered exercise pass."""
import math

import numpy as np
import pytest

from helpers.exercises import lesson01 as ex


def _forward_by_hand():
    out = []
    for x in ex.FORWARD_X:
        hidden = [math.tanh(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(ex.FORWARD_W1, ex.FORWARD_B1)]
        out.append([sum(w * h for w, h in zip(row, hidden)) + b for row, b in zip(ex.FORWARD_W2, ex.FORWARD_B2)])
    return np.array(out)


RIGHT = {
    "check_distance": math.dist(ex.DIST_A, ex.DIST_B),
    "check_groups": 3,  # pairs below 0.35: (0,1), (2,3), (3,5) -> {0,1}, {2,3,5}, {4}
    "check_dense_parameters": 64 * 64 * 3 * 256 + 256,
    "check_derivative": 1 - math.tanh(0.5) ** 2,
    "check_forward": _forward_by_hand(),
}
WRONG = {
    "check_distance": 6.0,
    "check_groups": 2,
    "check_dense_parameters": 64 * 64 * 3 * 256,
    "check_derivative": math.tanh(0.5),
    "check_forward": np.zeros((2, 2)),
}


@pytest.mark.parametrize("name", list(RIGHT))
def test_checker(name, capsys):
    check = getattr(ex, name)
    assert check(RIGHT[name]).status == "correct"
    verdict = check(WRONG[name])
    assert verdict.status == "wrong" and "Hint:" in verdict.message
    assert check(...).status == "unanswered"
    out = capsys.readouterr().out
    assert "✅" in out and "❌" in out and "not answered yet" in out


def test_exercise_data_is_consistent():
    assert np.array_equal(ex.GROUP_D, ex.GROUP_D.T) and np.all(np.diag(ex.GROUP_D) == 0)
    assert ex.FORWARD_W1.shape == (4, 3) and ex.FORWARD_W2.shape == (2, 4)


def _softmax_by_hand(z):
    out = []
    for row in np.asarray(z).tolist():
        top = max(row)
        e = [math.exp(v - top) for v in row]
        out.append([v / sum(e) for v in e])
    return np.array(out)


def test_softmax_checker(capsys):
    assert ex.check_softmax(_softmax_by_hand).status == "correct"
    naive = lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # noqa: E731  overflows on the big case
    with np.errstate(over="ignore", invalid="ignore"):
        verdict = ex.check_softmax(naive)
    assert verdict.status == "wrong" and "case 2" in verdict.message and "Hint:" in verdict.message
    assert ex.check_softmax(lambda z: z).status == "wrong"
    crashing = ex.check_softmax(lambda z: z.nope)
    assert crashing.status == "wrong" and "AttributeError" in crashing.message
    assert ex.check_softmax(3).status == "wrong"
    assert ex.check_softmax(...).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out


def test_softmax_cases_include_overflowing_scores():
    assert any(np.abs(z).max() >= 1000 for (z,) in ex.SOFTMAX_CASES)
