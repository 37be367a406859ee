"""``CrossEntropyLoss``: softmax and negative log-likelihood in one (lesson 10).

For logits ``z`` (N, K) and labels ``y`` (N,), with ``p = softmax(z)`` row by
row, the loss is ``mean over n of -log p[n, y[n]]`` and its gradient with
respect to the logits is ``(p - onehot(y)) / N``: the famous "p - y".

>>> loss_fn = CrossEntropyLoss()
>>> loss = loss_fn(np.zeros((2, 4)), np.array([0, 3]))
>>> round(float(loss), 6) == round(float(np.log(4)), 6)
True
>>> loss_fn.backward()
array([[-0.375,  0.125,  0.125,  0.125],
       [ 0.125,  0.125,  0.125, -0.375]])
"""
from __future__ import annotations

import numpy as np

__all__ = ["CrossEntropyLoss", "log_softmax"]


def log_softmax(logits):
    """``log(softmax(logits))`` along the last axis, computed stably (the max subtracted first)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


class CrossEntropyLoss:
    """``torch.nn.CrossEntropyLoss(reduction="mean")`` for class labels.

    ``loss = loss_fn(input, target)`` with logits ``input`` (N, K) and integer
    labels ``target`` (N,) in [0, K); ``loss_fn.backward()`` returns the
    gradient of that loss with respect to ``input``, shape (N, K).
    ``reduction`` is ``"mean"`` (torch's default) or ``"sum"``.
    """

    def __init__(self, reduction: str = "mean"):
        if reduction not in ("mean", "sum"):
            raise ValueError(f"CrossEntropyLoss: reduction must be 'mean' or 'sum'; got {reduction!r}")
        self.reduction = reduction
        self._saved = None

    def __repr__(self):
        return "CrossEntropyLoss()"

    def __call__(self, input, target):
        return self.forward(input, target)

    def forward(self, input, target):
        z = np.asarray(input)
        y = np.asarray(target)
        if z.ndim != 2:
            raise ValueError(f"CrossEntropyLoss: expected input (logits) of shape (N, K); got shape {z.shape}")
        N, K = z.shape
        if y.shape != (N,):
            raise ValueError(f"CrossEntropyLoss: expected target of shape ({N},) for input of shape {z.shape}; got shape {y.shape}")
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"CrossEntropyLoss: target must hold integer class labels; got dtype {y.dtype}")
        bad = np.flatnonzero((y < 0) | (y >= K))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"CrossEntropyLoss: target labels must be in [0, {K}) for input of shape {z.shape}; "
                             f"got label {int(y[i])} at index {i}")
        logp = log_softmax(z.astype(np.result_type(z.dtype, np.float32), copy=False))
        picked = logp[np.arange(N), y]
        loss = -picked.sum() / (N if self.reduction == "mean" else 1)
        self._saved = (logp, y)
        return loss

    def backward(self):
        """The gradient of the last loss with respect to its ``input`` (logits): ``(p - onehot(y)) / N``."""
        if self._saved is None:
            raise ValueError("CrossEntropyLoss.backward: called before forward; compute a loss first")
        logp, y = self._saved
        grad = np.exp(logp)
        grad[np.arange(len(y)), y] -= 1
        if self.reduction == "mean":
            grad /= len(y)
        return grad
