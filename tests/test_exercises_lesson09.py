"""Lesson 09's exercise checkers: unanswered, right and wrong answers.

The right answers are computed here another way than the checkers do (the
validation step written out with F.cross_entropy, ceil arithmetic, counting
pairs with collections.Counter, the shift matrix from the pixel size), never
taken from the checkers."""
import collections
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.exercises import lesson09 as ex
from exercise_support import assert_verdicts


def _validate(model, images, labels, batch_size=128):
    was_training = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            x, y = images[start:start + batch_size], labels[start:start + batch_size]
            logits = model(x)
            loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
            correct += int((logits.argmax(dim=1) == y).sum())
    model.train(was_training)
    return loss_sum / len(labels), correct / len(labels)


def _validate_mean_of_batch_means(model, images, labels):  # wrong when the last batch is smaller
    model.eval()
    with torch.no_grad():
        parts = [(F.cross_entropy(model(images[s:s + 128]), labels[s:s + 128]).item(),
                  (model(images[s:s + 128]).argmax(1) == labels[s:s + 128]).double().mean().item())
                 for s in range(0, len(labels), 128)]
    model.train()
    return tuple(np.mean(parts, axis=0))


def _validate_train_mode(model, images, labels):  # dropout on: wrong
    with torch.no_grad():
        logits = model(images)
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).double().mean().item()


def _validate_with_grad(model, images, labels):  # right numbers, but builds a graph
    model.eval()
    logits = model(images)
    model.train()
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).double().mean().item()


def _validate_left_in_eval(model, images, labels):
    model.eval()
    with torch.no_grad():
        logits = model(images)
    return F.cross_entropy(logits, labels).item(), (logits.argmax(1) == labels).double().mean().item()


def _steps():
    c = ex.STEPS_CASE
    return math.ceil(c["train_images"] / c["batch_size"]) * c["epochs"]


def _most_confused():
    pairs = collections.Counter((int(t), int(p)) for t, p in zip(ex.TRUE_LABELS, ex.PREDICTED_LABELS) if t != p)
    return pairs.most_common(1)[0][0]


def _shift_matrix():
    c = ex.SHIFT_CASE
    return np.array([[1.0, 0.0, -2.0 * c["dx"] / c["W"]], [0.0, 1.0, -2.0 * c["dy"] / c["H"]]])


CHECKS = [
    (ex.check_validation_step, lambda: _validate, lambda v: _validate_mean_of_batch_means),
    (ex.check_total_steps, _steps, lambda v: v - ex.STEPS_CASE["epochs"]),  # floor instead of ceil
    (ex.check_most_confused, _most_confused, lambda v: (v[1], v[0])),  # rows and columns swapped
    (ex.check_shift_matrix, _shift_matrix, lambda v: v * np.array([[1, 1, -1], [1, 1, -1]])),  # the opposite way
]


@pytest.mark.parametrize("check, right, wrong", CHECKS, ids=[c[0].__name__ for c in CHECKS])
def test_checker_verdicts(check, right, wrong, capsys):
    assert_verdicts(check, right, wrong, capsys, wrong_mark='❌')


def test_the_most_confused_pair_is_unique_and_not_symmetric():
    pairs = collections.Counter((int(t), int(p)) for t, p in zip(ex.TRUE_LABELS, ex.PREDICTED_LABELS) if t != p)
    (first, n1), (_, n2) = pairs.most_common(2)
    assert n1 > n2 and pairs[first[::-1]] < n1


def test_steps_case_has_a_smaller_last_batch():
    assert ex.STEPS_CASE["train_images"] % ex.STEPS_CASE["batch_size"] != 0


@pytest.mark.parametrize("student, says", [
    (_validate_train_mode, "model.eval()"),
    (_validate_with_grad, "torch.no_grad()"),
    (_validate_left_in_eval, "training mode"),
    (lambda m, x, y: 1 / 0, "ZeroDivisionError"),
    (42, "must be a function"),
])
def test_validation_step_says_what_is_missing(student, says, capsys):
    assert ex.check_validation_step(student).status == "wrong"
    assert says in capsys.readouterr().out


def test_shift_matrix_rejects_a_wrong_shape(capsys):
    assert ex.check_shift_matrix(np.eye(3)).status == "wrong"
    assert "2x3" in capsys.readouterr().out
