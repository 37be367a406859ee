"""Lesson 04's exercise checkers accept the right answers (worked out here by
hand from the formula), refuse wrong ones with a hint, and wait for ``...``."""
import pytest

from helpers.exercises import lesson04 as ex

# Right answers, by hand: 4.1 floor((28+2-4-1)/2)+1 = 13, floor((40+2-4-1)/2)+1 = 19;
# 4.2 32 + 2p - 5 + 1 = 32 -> p = 2; 4.3 on 10x10 the 2x2 windows start at 0, 3, 6 and
# read rows (and columns) 0, 1, 3, 4, 6, 7: 6 x 6 = 36 pixels read, 100 - 36 = 64 missed; 4.4 the 4x4 kernel with dilation 3 spans
# 3*3 + 1 = 10, so 9 zeros per axis, torch puts the extra one after: (4, 5).
CASES = [
    (ex.check_output_size, (13, 19), [(12, 19), (13, 18), 13, (14, 20)]),
    (ex.check_same_padding, 2, [1, 3, 0]),
    (ex.check_never_visited, 64, [36, 4, 19, 0]),
    (ex.check_even_same_padding, (4, 5), [(5, 4), (1, 2), (4, 4), (3, 3)]),
]


@pytest.mark.parametrize("check, right, wrongs", CASES, ids=[c[0].__name__ for c in CASES])
def test_checker(check, right, wrongs, capsys):
    assert check(right)
    assert "✅" in capsys.readouterr().out
    for wrong in wrongs:
        verdict = check(wrong)
        assert not verdict and verdict.status == "wrong"
        assert "Hint:" in capsys.readouterr().out
    verdict = check(...)
    assert verdict.status == "unanswered" and "not answered yet" in capsys.readouterr().out


def test_the_case_constants_are_the_lessons():
    assert ex.STRIDE_CASE == {"input_size": 10, "kernel_size": 2, "stride": 3}   # not the lecture's 7x7: unseen
    assert ex.SAME_CASE == {"input_size": 32, "kernel_size": 5}
    assert ex.EVEN_CASE == {"kernel_size": 4, "dilation": 3}


# 4.5 by hand (r = 1; each layer adds d*(k-1) times the product of the earlier strides):
FIELD_BY_HAND = {
    ((3, 1, 1),): 3,
    ((3, 1, 1),) * 4: 1 + 2 + 2 + 2 + 2,
    ((5, 2, 1), (3, 2, 1), (3, 1, 1)): 1 + 4 + 2 * 2 + 2 * 4,
    ((3, 1, 1), (3, 1, 2), (3, 1, 4)): 1 + 2 + 2 * 2 + 4 * 2,
    ((7, 2, 1), (3, 2, 1), (3, 1, 2), (2, 2, 1)): 1 + 6 + 2 * 2 + 2 * 2 * 4 + 1 * 4,
}


def _field_by_hand(layers):
    return FIELD_BY_HAND[tuple(layers)]


def test_receptive_field_checker(capsys):
    assert ex.check_receptive_field(_field_by_hand).status == "correct"
    no_jump = lambda layers: 1 + sum(d * (k - 1) for k, s, d in layers)  # noqa: E731  forgets the strides
    verdict = ex.check_receptive_field(no_jump)
    assert verdict.status == "wrong" and "case 3" in verdict.message
    assert ex.check_receptive_field(...).status == "unanswered"
