"""Exercise checkers, one module per lesson (``lesson01``, ``lesson02``, ...).

Each checker takes the student's answer, computes the right one independently
(PyTorch or a direct formula), and calls :func:`helpers.checks.check_answer`.
"""
