"""Exercise checkers of lesson 09 (the PyTorch workflow).

Every expected answer is computed here another way than the student is asked
to: the validation step against :func:`helpers.train.evaluate` (the course's
loop), the number of optimiser steps by counting the batches of a real
``DataLoader``, the most confused pair with ``sklearn.metrics.confusion_matrix``,
and the shift matrix by its effect on an image, compared with
:func:`helpers.data.shift`.
"""
from __future__ import annotations

import numpy as np

from ..checks import Verdict, check_answer, is_unanswered

__all__ = [
    "STEPS_CASE",
    "TRUE_LABELS",
    "PREDICTED_LABELS",
    "SHIFT_CASE",
    "check_validation_step",
    "check_total_steps",
    "check_most_confused",
    "check_shift_matrix",
]

#: Exercise 9.2: a training set, a batch size and a number of epochs.
STEPS_CASE = {"train_images": 3500, "batch_size": 64, "epochs": 20}

#: Exercise 9.3: the true and predicted classes of 40 test digits.
TRUE_LABELS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4, 9, 4, 9, 7, 2, 7, 1, 3, 5,
                        5, 3, 8, 3, 4, 9, 4, 7, 9, 9, 2, 7, 6, 0, 8, 5, 3, 5, 1, 4])
PREDICTED_LABELS = np.array([0, 1, 2, 3, 9, 5, 6, 7, 8, 4, 9, 9, 9, 4, 7, 7, 2, 1, 5, 3,
                             5, 5, 8, 3, 9, 9, 4, 7, 7, 4, 2, 7, 6, 0, 3, 5, 5, 5, 7, 9])

#: Exercise 9.4: shift a (1, 1, H, W) image by (dy, dx) pixels with affine_grid.
SHIFT_CASE = {"H": 28, "W": 20, "dy": 3, "dx": -2}


def _wrong(name, what, hint):
    msg = f"❌ Exercise {name}: not quite: {what}." + (f"\n   Hint: {hint}" if hint else "")
    print(msg)
    return Verdict(name, "wrong", msg)


def _validation_case():
    """A small fixed model with dropout (so eval() matters) and 300 fixed digits."""
    import torch
    from torch import nn

    from ..data import mnist_digits

    torch.manual_seed(9)
    model = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).double()
    images, labels = mnist_digits(n=300, dtype=np.float64)
    return model, torch.as_tensor(images[:, None]), torch.as_tensor(labels)


def check_validation_step(answer):
    """9.1: ``answer(model, images, labels)`` -> ``(mean loss, accuracy)``, checked
    against :func:`helpers.train.evaluate`, on a model with dropout; the model
    must be in ``eval()`` mode without gradients during the forward passes, and
    be given back in the mode it came in."""
    import torch

    from ..train import evaluate

    name = "9.1 the validation step"
    if is_unanswered(answer):
        return check_answer(name, answer, None)
    if not callable(answer):
        return _wrong(name, f"answer must be a function, got {type(answer).__name__}",
                      "write the function, then set answer = my_validate (no parentheses).")
    model, images, labels = _validation_case()
    seen = []
    model[1].register_forward_hook(lambda m, i, o: seen.append((m.training, torch.is_grad_enabled())))
    model.train()
    expected = evaluate(model, (images, labels))
    seen.clear()
    try:
        got = answer(model, images, labels)
    except Exception as exc:  # the student's code: report, don't crash the notebook
        return _wrong(name, f"your function raised {type(exc).__name__}: {exc}",
                      "call it yourself on (model, images, labels) to see where.")
    problems = []
    if any(training for training, _ in seen):
        problems.append("call model.eval() before the forward passes (dropout must be off)")
    if any(grad for _, grad in seen):
        problems.append("run the forward passes inside `with torch.no_grad():` (no graph is needed)")
    if not model.training:
        problems.append("give the model back in training mode: model.train() at the end (or remember its mode)")
    if problems:
        return _wrong(name, "; ".join(problems), "")
    return check_answer(
        name, got, expected, rtol=1e-9, atol=1e-12,
        hint="Return (mean loss over ALL images, accuracy). Add loss.item() * len(batch) over the batches and divide "
             "by the number of images; count (logits.argmax(dim=1) == y) for the accuracy.",
    )


def check_total_steps(answer):
    """9.2: the ``total_steps`` a per-batch schedule needs for :data:`STEPS_CASE`,
    counted by iterating a ``DataLoader`` over that many images."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    case = STEPS_CASE
    loader = DataLoader(TensorDataset(torch.zeros(case["train_images"], 1)), batch_size=case["batch_size"], shuffle=True)
    expected = sum(1 for _ in loader) * case["epochs"]
    return check_answer(
        "9.2 steps of a schedule", answer, expected,
        hint="One optimiser step (and one scheduler step) per batch. The last batch of an epoch may be smaller "
             "but is still a step: batches per epoch = ceil(images / batch_size).",
    )


def check_most_confused(answer):
    """9.3: the (true, predicted) pair of different classes that occurs most often
    in :data:`TRUE_LABELS` / :data:`PREDICTED_LABELS`, from sklearn's confusion matrix."""
    from sklearn.metrics import confusion_matrix

    cm = confusion_matrix(TRUE_LABELS, PREDICTED_LABELS, labels=range(10))
    np.fill_diagonal(cm, 0)
    true, pred = np.unravel_index(np.argmax(cm), cm.shape)
    return check_answer(
        "9.3 the most confused pair", answer, (int(true), int(pred)),
        hint="confusion_matrix(TRUE_LABELS, PREDICTED_LABELS) has the true class as its row and the predicted "
             "class as its column. Ignore the diagonal (right answers) and find the largest entry: (row, column).",
    )


def check_shift_matrix(answer):
    """9.4: a 2x3 ``theta`` for ``F.affine_grid`` that shifts an H x W image by
    (dy, dx) pixels (down, right); judged by what it does to an image, compared
    with :func:`helpers.data.shift`."""
    import torch
    import torch.nn.functional as F

    from ..data import shift

    name = "9.4 the matrix of a shift"
    case = SHIFT_CASE
    H, W = case["H"], case["W"]
    image = np.random.default_rng(94).random((1, 1, H, W))
    expected = shift(image, case["dy"], case["dx"])
    if is_unanswered(answer):
        return check_answer(name, answer, expected)
    try:
        theta = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        theta = None
    if theta is None or theta.shape != (2, 3):
        got = "something else" if theta is None else f"shape {theta.shape}"
        return _wrong(name, f"expected a 2x3 matrix of numbers, got {got}", "theta is [[a, b, tx], [c, d, ty]].")
    x = torch.as_tensor(image)
    grid = F.affine_grid(torch.as_tensor(theta)[None], [1, 1, H, W], align_corners=False)
    got = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False).numpy()
    return check_answer(
        name, got, expected, atol=1e-9,
        hint="theta maps each OUTPUT position to the INPUT position it reads, in coordinates that run from -1 to 1 "
             "across the image (one pixel is 2/W wide and 2/H high). To move the picture right by dx, each output "
             "pixel reads dx pixels to its left.",
    )
