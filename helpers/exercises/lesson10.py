"""Exercise checkers of lesson 10 (backpropagation).

Every expected answer is computed here with torch's autograd (and, for the
backward the student writes, with central differences too), independently of
:mod:`helpers.ops` and :mod:`helpers.nn`, then compared by
:func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import Verdict, check_answer, is_unanswered

__all__ = [
    "EX_INPUT",
    "EX_KERNEL",
    "EX_GRAD_OUTPUT",
    "EX_LOGITS",
    "EX_LABEL",
    "EX_DEPTH",
    "check_weight_gradient",
    "check_tanh_backward",
    "check_softmax_gradient",
    "check_sigmoid_bound",
]

#: Exercise 10.1: a 3x3 input and a 2x2 kernel; the loss is sum(EX_GRAD_OUTPUT * conv2d(input, kernel)).
EX_INPUT = np.array([
    [1.0, 2.0, 0.0],
    [3.0, -1.0, 2.0],
    [0.0, 1.0, 4.0],
])
EX_KERNEL = np.array([
    [2.0, -1.0],
    [0.0, 1.0],
])
EX_GRAD_OUTPUT = np.array([
    [1.0, 0.0],
    [-1.0, 2.0],
])
#: Exercise 10.3: the logits of one image and its label.
EX_LOGITS = np.array([2.0, 1.0, 0.0, -1.0])
EX_LABEL = 1
#: Exercise 10.4: how many sigmoid layers the gradient passes through.
EX_DEPTH = 10


def _t(a, grad=False):
    import torch

    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def check_weight_gradient(answer):
    """10.1: dL/dkernel (2x2) for L = sum(EX_GRAD_OUTPUT * conv2d(EX_INPUT, EX_KERNEL))."""
    import torch.nn.functional as F

    w = _t(EX_KERNEL, grad=True)
    (F.conv2d(_t(EX_INPUT)[None, None], w[None, None]) * _t(EX_GRAD_OUTPUT)).sum().backward()
    return check_answer(
        "10.1 the kernel's gradient", answer, w.grad.numpy(),
        hint="dL/dw[i, j] = sum over the output positions (r, c) of grad_output[r, c] * input[r + i, c + j]: "
             "slide grad_output over the input like a kernel (a correlation).",
    )


def check_tanh_backward(tanh_backward):
    """10.2: ``tanh_backward(grad_output, input) -> grad_input``, a function the student writes.

    Called on a random (2, 3, 4) float64 input; compared with torch's autograd
    and with central differences of ``sum(grad_output * tanh(input))``."""
    import torch

    exercise = "10.2 tanh's backward"
    if is_unanswered(tanh_backward):
        return check_answer(exercise, tanh_backward, 0.0)
    if not callable(tanh_backward):
        return check_answer(exercise, tanh_backward, "a function", hint="Define a function and pass it (without calling it).")
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 3, 4))
    g = rng.standard_normal(x.shape)
    xt = _t(x, grad=True)
    torch.tanh(xt).backward(_t(g))
    eps = 1e-6
    numerical = (np.tanh(x + eps) - np.tanh(x - eps)) / (2 * eps) * g  # elementwise: one difference per entry
    if not np.allclose(numerical, xt.grad.numpy(), rtol=1e-6, atol=1e-8):  # pragma: no cover - the two oracles agree
        raise AssertionError("check_tanh_backward: autograd and central differences disagree")
    try:
        got = tanh_backward(g.copy(), x.copy())
    except Exception as exc:  # the student's code: report, don't crash the lesson
        msg = f"❌ Exercise {exercise}: your function raised {type(exc).__name__}: {exc}"
        print(msg)
        return Verdict(exercise, "wrong", msg)
    return check_answer(
        exercise, got, xt.grad.numpy(),
        hint="tanh'(x) = 1 - tanh(x)**2, and the chain rule multiplies it, entry by entry, with grad_output.",
    )


def check_softmax_gradient(answer):
    """10.3: the gradient of the cross-entropy loss with respect to EX_LOGITS (4 numbers)."""
    import torch
    import torch.nn.functional as F

    z = _t(EX_LOGITS, grad=True)
    F.cross_entropy(z[None], torch.tensor([EX_LABEL])).backward()
    return check_answer(
        "10.3 softmax with cross-entropy", answer, z.grad.numpy(),
        hint="p - y: the softmax probabilities p = exp(z) / sum(exp(z)), minus 1 at the label's position.",
    )


def check_sigmoid_bound(answer):
    """10.4: the largest factor by which EX_DEPTH sigmoids' derivatives can scale a gradient (one number)."""
    import torch

    z = _t(np.linspace(-6, 6, 12001), grad=True)  # includes 0, where the derivative peaks
    torch.sigmoid(z).sum().backward()
    return check_answer(
        "10.4 the sigmoid's bound", answer, float(z.grad.max()) ** EX_DEPTH, rtol=1e-6, atol=0.0,
        hint="The sigmoid's derivative s(1 - s) is largest at 0. Each layer multiplies the gradient by it once.",
    )
