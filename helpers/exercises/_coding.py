"""Checking a coding exercise: the student writes a function, the checker calls
it on cases the lesson has not shown and compares each result with PyTorch's
(lessons 01-05).

Internal module: the lessons call the checkers in ``helpers.exercises.lessonNN``.
"""
from __future__ import annotations

import numpy as np

from ..checks import Verdict, _compare, check_answer, is_unanswered

__all__ = ["check_function"]


def check_function(exercise: str, fn, cases, reference, *, hint: str = "", rtol: float = 1e-6,
                   atol: float = 1e-8) -> Verdict:
    """Call ``fn(*args)`` for every ``args`` in ``cases`` and compare with ``reference(*args)``.

    Args:
        exercise: the label shown to the student, e.g. "3.5 convolution by unfold".
        fn: the student's function; ``...`` or ``None`` means not answered yet.
        cases: a list of argument tuples (NumPy arrays and numbers).
        reference: computes the expected result of one case (with torch).
        hint: shown when a case is wrong.

    Prints one verdict (the first case that fails, with its shapes) and returns it.
    """
    if is_unanswered(fn):
        return check_answer(exercise, fn, None)
    problem = None
    if not callable(fn):
        problem = f"expected a function, got {type(fn).__name__}"
    else:
        for k, args in enumerate(cases, 1):
            shapes = ", ".join(str(np.shape(a)) if np.ndim(a) else repr(a) for a in args)
            try:
                got = fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
            except Exception as error:  # the student's code: report, never crash the notebook
                problem = f"case {k} of {len(cases)} (arguments {shapes}) raised {type(error).__name__}: {error}"
                break
            diff = _compare(got, reference(*args), rtol, atol)
            if diff is not None:
                problem = f"case {k} of {len(cases)} (arguments {shapes}): {diff}"
                break
    if problem is None:
        msg, status = f"✅ Exercise {exercise}: correct on all {len(cases)} cases!", "correct"
    else:
        msg, status = f"❌ Exercise {exercise}: not quite: {problem}." + (f"\n   Hint: {hint}" if hint else ""), "wrong"
    print(msg)
    return Verdict(exercise, status, msg)
