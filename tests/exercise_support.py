"""What every lesson's exercise checker must do, asserted once (tests/test_exercises_lessonNN.py)."""


def assert_verdicts(check, right, wrong, capsys, wrong_mark="Hint:"):
    """``check(...)`` is "not answered yet", ``check(right())`` is correct with a tick, and
    ``check(wrong(right()))`` is wrong and prints ``wrong_mark`` (the hint, by default)."""
    assert check(...).status == "unanswered"
    assert "not answered yet" in capsys.readouterr().out
    assert check(right())
    assert "✅" in capsys.readouterr().out
    verdict = check(wrong(right()))
    assert verdict.status == "wrong"
    assert wrong_mark in capsys.readouterr().out
