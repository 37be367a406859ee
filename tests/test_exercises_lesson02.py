"""Lesson 02's checkers: unanswered, right and wrong answers (right answers derived here on their own)."""
import numpy as np
import pytest

from helpers.data import shift
from helpers.exercises import lesson02 as ex
from helpers.filtering import filter2d

SHIFT_RIGHT = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]])


def test_the_shift_kernel_really_shifts():  # the right answer below, checked on an image
    img = np.random.default_rng(0).random((6, 7))
    np.testing.assert_allclose(filter2d(img, SHIFT_RIGHT), shift(img, 0, 1))


RIGHT = [
    (ex.check_divisor, 2 * (1 + 2 + 3 + 2 + 1) + 2 * (2 + 5 + 7 + 5 + 2) + (3 + 7 + 12 + 7 + 3)),
    (ex.check_shift_kernel, SHIFT_RIGHT),
    (ex.check_zero_border, np.array([[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]]) / 9),
    (ex.check_zero_sum_kernels, {"sobel x", "sobel y", "laplacian", "LoG 9x9", "lecture (c)"}),
    (ex.check_separable_saving, 128 * 128 * (81 - 18)),
]
WRONG = [
    (ex.check_divisor, 57),
    (ex.check_shift_kernel, SHIFT_RIGHT[:, ::-1]),
    (ex.check_zero_border, np.ones((4, 4))),
    (ex.check_zero_sum_kernels, {"sobel x", "sobel y"}),
    (ex.check_separable_saving, 81 - 18),
]


@pytest.mark.parametrize("check,answer", RIGHT, ids=[c.__name__ for c, _ in RIGHT])
def test_right_answers_pass(check, answer, capsys):
    assert check(answer).status == "correct"
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("check,answer", WRONG, ids=[c.__name__ for c, _ in WRONG])
def test_wrong_answers_get_a_hint(check, answer, capsys):
    verdict = check(answer)
    assert verdict.status == "wrong" and "Hint:" in verdict.message


@pytest.mark.parametrize("check", [c for c, _ in RIGHT], ids=[c.__name__ for c, _ in RIGHT])
def test_unanswered_is_a_friendly_note(check, capsys):
    assert check(...).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out


def test_names_as_a_list_are_accepted():
    assert ex.check_zero_sum_kernels(["sobel x", "sobel y", "laplacian", "LoG 9x9", "lecture (c)"])


def _descend(steps=600):
    """The lesson's recipe: gradient descent from zeros on the pair's squared error."""
    import torch
    import torch.nn.functional as F

    x, y = (torch.tensor(a) for a in ex.learning_pair())
    weight = torch.zeros(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=0.1)
    for _ in range(steps):
        loss = F.mse_loss(F.conv2d(x, weight), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return weight.detach()[0, 0].numpy()


@pytest.fixture
def one_thread():
    """600 tiny steps: one thread is far faster than several on a busy machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_learned_kernel_checker(capsys, one_thread):
    found = _descend()
    np.testing.assert_allclose(found, ex._UNKNOWN, atol=0.02)  # gradient descent does recover the filter
    assert ex.check_learned_kernel(found).status == "correct"
    assert ex.check_learned_kernel(_descend(steps=20)).status == "wrong"   # not converged yet
    assert ex.check_learned_kernel(ex._UNKNOWN[::-1, ::-1]).status == "wrong"  # flipped: a convolution, not torch's
    assert ex.check_learned_kernel(...).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out


def test_learning_pair_shapes():
    x, y = ex.learning_pair()
    assert x.shape == (3, 1, 40, 40) and y.shape == (3, 1, 38, 38) and x.dtype == y.dtype == np.float64
