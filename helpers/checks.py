"""Self-checking exercises (every lesson).

An exercise cell looks like::

    answer = ...          # replace ... with your answer
    check_answer("4.1 stride 3", answer, expected=(2, 2), hint="Use the formula.")

- ``...`` (or ``None``) means "not answered yet": a friendly note is printed
  and the notebook keeps running.
- A wrong answer prints what is off (type, shape, which entry) and the hint.
- A right answer prints a tick.

The function prints its verdict and returns a :class:`Verdict` (truthy when
correct) that Jupyter does not echo, so a cell shows the message once.

Lesson-specific checkers live in ``helpers/exercises/`` and compute the
expected answer independently (usually with PyTorch), never by copying it.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["Verdict", "check_answer", "is_unanswered"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` is "correct", "wrong" or "unanswered"."""

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def _ipython_display_(self):  # the message was printed already
        pass


def is_unanswered(answer) -> bool:
    """True for the placeholders ``...`` and ``None``."""
    return answer is Ellipsis or answer is None


def _compare(answer, expected, rtol, atol):
    """Return ``None`` when ``answer`` matches ``expected``, else what differs (no spoilers)."""
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return f"expected text, got {type(answer).__name__}"
        return None if answer.strip().lower() == expected.strip().lower() else f"{answer!r} is not it"
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(answer, (bool, np.bool_)):
            return f"expected True or False, got {type(answer).__name__}"
        return None if bool(answer) == bool(expected) else f"{answer} is not it"
    if isinstance(expected, (set, frozenset)):
        try:
            got = set(answer)
        except TypeError:
            return f"expected a collection, got {type(answer).__name__}"
        return None if got == set(expected) else f"{len(got & set(expected))} of your {len(got)} items are right, {len(set(expected))} expected"
    if isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        try:
            value = float(np.asarray(answer, dtype=float).item())
        except (TypeError, ValueError):
            return f"expected a single number, got {type(answer).__name__}"
        return None if np.isclose(value, float(expected), rtol=rtol, atol=atol) else f"{value:g} is not it"
    # arrays, tuples, lists of numbers
    exp = np.asarray(expected, dtype=float)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected an array of numbers of shape {exp.shape}, got {type(answer).__name__}"
    if got.shape != exp.shape:
        return f"expected shape {exp.shape}, got shape {got.shape}"
    close = np.isclose(got, exp, rtol=rtol, atol=atol)
    if close.all():
        return None
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    return f"{int((~close).sum())} of {close.size} entries differ; the first is at index {first}"


def check_answer(exercise: str, answer, expected, *, hint: str = "", rtol: float = 1e-6, atol: float = 1e-8) -> Verdict:
    """Print a verdict on ``answer`` and return it.

    Args:
        exercise: the exercise's label shown to the student, e.g. "3.2 partial sums".
        answer: what the student computed; ``...`` or ``None`` means not answered yet.
        expected: the right answer (a number, text, bool, set, tuple or array),
            computed by the lesson's checker, not typed in.
        hint: shown when the answer is wrong.
        rtol, atol: tolerance for numbers and arrays (``numpy.isclose``).
    """
    if is_unanswered(answer):
        msg = f"📝 Exercise {exercise}: not answered yet. Replace the ... with your answer and run the cell again."
        status = "unanswered"
    else:
        diff = _compare(answer, expected, rtol, atol)
        if diff is None:
            msg, status = f"✅ Exercise {exercise}: correct!", "correct"
        else:
            msg = f"❌ Exercise {exercise}: not quite: {diff}." + (f"\n   Hint: {hint}" if hint else "")
            status = "wrong"
    print(msg)
    return Verdict(exercise, status, msg)
