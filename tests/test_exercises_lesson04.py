"""Lesson 04's exercise checkers accept the right answers (worked out here by
hand from the formula), refuse wrong ones with a hint, and wait for ``...``."""
import pytest

from helpers.exercises import lesson04 as ex

# Right answers, by hand: 4.1 floor((28+2-4-1)/2)+1 = 13, floor((40+2-4-1)/2)+1 = 19;
# 4.2 32 + 2p - 5 + 1 = 32 -> p = 2; 4.3 windows cover rows/cols 0..5, so row 6
# and column 6 are missed: 7 + 7 - 1 = 13; 4.4 the 4x4 kernel with dilation 3 spans
# 3*3 + 1 = 10, so 9 zeros per axis, torch puts the extra one after: (4, 5).
CASES = [
    (ex.check_output_size, (13, 19), [(12, 19), (13, 18), 13, (14, 20)]),
    (ex.check_same_padding, 2, [1, 3, 0]),
    (ex.check_never_visited, 13, [7, 14, 12, 0]),
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
    assert ex.STRIDE_CASE == {"input_size": 7, "kernel_size": 3, "stride": 3}   # the lecture's 7x7, 3x3
    assert ex.SAME_CASE == {"input_size": 32, "kernel_size": 5}
    assert ex.EVEN_CASE == {"kernel_size": 4, "dilation": 3}
