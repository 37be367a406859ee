"""Exercise checkers for lesson 01 (introduction).

Each checker computes the expected answer on its own (PyTorch or SciPy, never
the lesson's helpers) and calls :func:`helpers.checks.check_answer`. The data
each exercise starts from is defined here so the notebook and the checker
agree on it.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer
from ._coding import check_function

__all__ = [
    "DIST_A", "DIST_B",
    "GROUP_D", "GROUP_E",
    "DENSE_INPUT_SHAPE", "DENSE_HIDDEN",
    "TANH_AT",
    "FORWARD_X", "FORWARD_W1", "FORWARD_B1", "FORWARD_W2", "FORWARD_B2",
    "check_distance",
    "check_groups",
    "check_dense_parameters",
    "check_derivative",
    "check_forward",
    "SOFTMAX_CASES",
    "check_softmax",
]

#: Exercise 1.1: two feature vectors the lesson has not compared (its d(v1, v3) is printed above it).
DIST_A = np.array([0.4, 1.1, 0.0, 2.5, 0.9, 3.0])
DIST_B = np.array([1.2, 0.3, 0.6, 2.0, 1.4, 2.1])

#: Exercise 1.2: distances between six images, and the threshold.
GROUP_D = np.array([
    [0.00, 0.20, 0.90, 0.85, 0.70, 0.95],
    [0.20, 0.00, 0.80, 0.75, 0.60, 0.90],
    [0.90, 0.80, 0.00, 0.25, 0.75, 0.40],
    [0.85, 0.75, 0.25, 0.00, 0.80, 0.30],
    [0.70, 0.60, 0.75, 0.80, 0.00, 0.65],
    [0.95, 0.90, 0.40, 0.30, 0.65, 0.00],
])
GROUP_E = 0.35

#: Exercise 1.3: a first dense layer on 64 x 64 RGB images with 256 hidden units.
DENSE_INPUT_SHAPE = (64, 64, 3)
DENSE_HIDDEN = 256

#: Exercise 1.4: where to take the derivative of tanh.
TANH_AT = 0.5

#: Exercise 1.5: a 3 -> 4 -> 2 MLP with tanh, on a batch of two inputs.
FORWARD_X = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0]])
FORWARD_W1 = np.array([[0.2, -0.1, 0.4], [-0.3, 0.5, 0.1], [0.6, 0.0, -0.2], [0.1, 0.3, 0.3]])
FORWARD_B1 = np.array([0.1, -0.1, 0.0, 0.2])
FORWARD_W2 = np.array([[0.5, -0.4, 0.3, 0.2], [-0.2, 0.1, 0.6, -0.5]])
FORWARD_B2 = np.array([0.05, -0.05])


def check_distance(answer):
    """Exercise 1.1: the Euclidean distance d(DIST_A, DIST_B)."""
    import torch

    expected = torch.dist(torch.tensor(DIST_A), torch.tensor(DIST_B)).item()
    return check_answer("1.1 distance", answer, expected, rtol=1e-3,
                        hint="Square the differences entry by entry, add them up, take the square root.")


def check_groups(answer):
    """Exercise 1.2: how many groups the MST of GROUP_D cut at GROUP_E leaves."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    close = (GROUP_D < GROUP_E) & ~np.eye(len(GROUP_D), dtype=bool)
    expected, _ = connected_components(csr_matrix(close), directed=False)
    return check_answer("1.2 groups", answer, int(expected),
                        hint="Keep only the pairs closer than e and follow the chains: each connected piece is "
                             "one group (an image with no close pair is a group of its own). Or count the labels "
                             "of grouping.group_by_similarity.")


def check_dense_parameters(answer):
    """Exercise 1.3: weights + biases of nn.Linear(64*64*3, 256)."""
    import torch

    layer = torch.nn.Linear(int(np.prod(DENSE_INPUT_SHAPE)), DENSE_HIDDEN, device="meta")
    expected = sum(p.numel() for p in layer.parameters())
    return check_answer("1.3 parameters", answer, int(expected),
                        hint="Every input number connects to every hidden unit, and each hidden unit has one bias.")


def check_derivative(answer):
    """Exercise 1.4: d tanh(x) / dx at x = TANH_AT, by autograd."""
    import torch

    x = torch.tensor(TANH_AT, dtype=torch.float64, requires_grad=True)
    torch.tanh(x).backward()
    return check_answer("1.4 derivative", answer, x.grad.item(), rtol=1e-4,
                        hint="tanh'(x) = 1 - tanh(x)^2.")


def check_forward(answer):
    """Exercise 1.5: the (2, 2) output of Linear -> tanh -> Linear on FORWARD_X."""
    import torch
    import torch.nn.functional as F

    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    hidden = torch.tanh(F.linear(t(FORWARD_X), t(FORWARD_W1), t(FORWARD_B1)))
    expected = F.linear(hidden, t(FORWARD_W2), t(FORWARD_B2)).numpy()
    return check_answer("1.5 forward pass", answer, expected, rtol=1e-5, atol=1e-8,
                        hint="x @ W1.T + b1, then np.tanh, then @ W2.T + b2; the result has shape (2, 2).")


def _softmax_cases():
    rng = np.random.default_rng(11)
    return [
        (rng.normal(size=(3, 4)),),                               # a batch of 3 score vectors
        (np.array([[1000.0, 1001.0, 999.0]]),),                   # huge scores: exp overflows if taken directly
        (np.array([[-1000.0, -1002.0, -1001.0, -1000.0]]),),      # very negative scores, a tie
        (rng.normal(scale=5.0, size=(5, 10)),),                   # ten classes, as for digits
    ]


#: Exercise 1.6: the score batches (N, K) the checker feeds to the student's softmax.
SOFTMAX_CASES = _softmax_cases()


def check_softmax(fn):
    """Exercise 1.6: ``fn(scores)`` for (N, K) scores must equal ``torch.softmax(scores, dim=1)``,
    also for scores in the thousands (a stable softmax subtracts each row's maximum first)."""
    import torch

    return check_function("1.6 softmax", fn, SOFTMAX_CASES,
                          lambda z: torch.softmax(torch.tensor(z), dim=1).numpy(), rtol=1e-9, atol=1e-12,
                          hint="exp(z - max of the row) / its row sum; np.exp(1000) is inf, so subtract the max first "
                               "(keepdims=True keeps the shapes lined up).")
