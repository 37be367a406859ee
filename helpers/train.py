"""The course's one training loop (lesson 06; lessons 01 and 07-09 use it too).

:func:`fit` trains a torch classifier on arrays or on a ``DataLoader``, with a
``torch.optim`` optimiser, an optional learning-rate schedule stepped every
batch, optional augmentation, validation after every epoch, the best weights
kept (early stopping) and a ``tqdm.auto`` progress bar over the batches.
:func:`evaluate`, :func:`predict`, :func:`predict_proba` and :func:`accuracy`
measure a trained model.

Deterministic: the batch order comes from a ``torch.Generator`` seeded with
``seed``, and ``fit`` seeds torch's global generator too (dropout,
augmentation), so the same call gives the same weights. Portable: batches are
given to the model in its parameters' dtype, so a ``.double()`` model trains in
float64 and ends with the same weights, to many digits, on every CPU (float32
results differ between processors in their last bits, and training amplifies
that into different printed accuracies).

>>> import torch
>>> from helpers.models import mlp
>>> X, y = torch.rand(64, 4, dtype=torch.float64), torch.arange(64) % 2
>>> model = mlp([4, 8, 2], seed=0).double()
>>> history = fit(model, (X, y), epochs=2, progress=False)
>>> len(history.train_loss), history.epochs
(2, 2)
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "History",
    "fit",
    "evaluate",
    "predict",
    "predict_proba",
    "accuracy",
    "model_dtype",
    "pick_device",
    "make_optimizer",
]

_OPTIMIZERS = ("adam", "adamw", "sgd")


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch.

    ``seconds`` is wall time: it changes from run to run, so lessons print it
    rounded or through the timing sanitiser, never as a stored number.
    ``best_epoch`` (1-based) is the epoch whose weights the model holds after
    ``fit`` when ``restore_best`` was on and validation data was given.
    """

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def total_seconds(self) -> float:
        return float(sum(self.seconds))


def model_dtype(model):
    """The dtype of ``model``'s floating-point parameters (float32 when it has none)."""
    import torch

    for p in model.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


def _model_device(model):
    import torch

    first = next(iter(model.parameters()), None)
    return torch.device("cpu") if first is None else first.device


def pick_device(prefer: str | None = None):
    """The best device this machine has: ``cuda``, else ``mps`` (Apple), else ``cpu``.

    ``prefer`` forces one ("cpu", "cuda", "mps"); asking for one that is not
    available raises ``ValueError`` naming what is.
    """
    import torch

    available = ["cpu"]
    if torch.cuda.is_available():
        available.insert(0, "cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        available.insert(0 if "cuda" not in available else 1, "mps")
    if prefer is None:
        return torch.device(available[0])
    if prefer not in available:
        raise ValueError(f"pick_device: prefer must be one of the available devices {available}; got {prefer!r}")
    return torch.device(prefer)


def _as_tensors(data, name: str):
    """(images, labels) arrays or tensors -> (X, y) tensors, checked."""
    import torch

    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise TypeError(
            f"fit: {name} must be an (images, labels) pair of arrays or tensors, or a torch DataLoader; "
            f"got {type(data).__name__}"
        )
    X = torch.as_tensor(np.asarray(data[0]) if not torch.is_tensor(data[0]) else data[0])
    y = torch.as_tensor(np.asarray(data[1]) if not torch.is_tensor(data[1]) else data[1])
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"fit: {name} targets must have shape ({X.shape[0]}, ...) to match the images "
                         f"{tuple(X.shape)}; got {tuple(y.shape)}")
    if y.dtype == torch.bool:
        raise TypeError(f"fit: {name} targets must be class indices (ints) or float targets; got dtype {y.dtype}")
    if X.shape[0] == 0:
        raise ValueError(f"fit: {name} has no images")
    return X, y


def _prepare(x, y, dtype, device):
    """A batch moved to the model's device; float images and float targets in the model's dtype."""
    x = x.to(device=device, dtype=dtype) if x.is_floating_point() else x.to(device)
    y = y.to(device=device, dtype=dtype) if y.is_floating_point() else y.to(device)
    return x, y


def _correct(output, y):
    """How many samples' predictions are right, or None when accuracy does not apply (float targets).

    For class maps (targets (N, H, W) of class indices, outputs (N, classes, H, W):
    segmentation) each sample counts with the fraction of its pixels that are right,
    so the accuracy is the mean per-pixel accuracy.
    """
    if y.is_floating_point() or output.ndim != y.ndim + 1:
        return None
    right = output.argmax(dim=1) == y
    if y.ndim == 1:
        return int(right.sum())
    return float(right.double().mean(dim=tuple(range(1, y.ndim))).sum())


def _loader(data, name, batch_size, generator):
    """An iterable over (x, y) batches and its length: arrays are cut into batches in
    an order drawn from ``generator``; a DataLoader is used as it is."""
    import torch

    if isinstance(data, torch.utils.data.DataLoader):
        return (lambda: iter(data)), len(data)
    X, y = _as_tensors(data, name)
    n_batches = math.ceil(len(y) / batch_size)

    def batches():
        order = torch.randperm(len(y), generator=generator) if generator is not None else torch.arange(len(y))
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]

    return batches, n_batches


def make_optimizer(model, optimizer="adam", lr: float = 1e-3, weight_decay: float = 0.0, momentum: float = 0.9):
    """A ``torch.optim`` optimiser over ``model``'s parameters, by name.

    ``"adam"`` (``torch.optim.Adam``), ``"adamw"`` (``AdamW``, decoupled weight
    decay) or ``"sgd"`` (``SGD`` with ``momentum``). An optimiser instance is
    returned as it is.
    """
    import torch

    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if optimizer not in _OPTIMIZERS:
        raise ValueError(f"fit: optimizer must be one of {_OPTIMIZERS} or a torch.optim.Optimizer; got {optimizer!r}")
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"fit: lr must be a positive number; got {lr!r}")
    params = model.parameters()
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if optimizer == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"fit: {name} must be a positive int; got {value!r}")


def _postfix(loss, correct, seen, v_loss=None, v_acc=None):
    out = {"loss": f"{loss:.4f}"}
    if correct is not None:
        out["acc"] = f"{correct / seen:.3f}"
    if v_loss is not None:
        out["val_loss" if math.isnan(v_acc) else "val_acc"] = f"{v_loss:.4f}" if math.isnan(v_acc) else f"{v_acc:.3f}"
    return out


def fit(model, train, val=None, *, epochs: int = 5, batch_size: int = 64, optimizer="adam", lr: float = 1e-3,
        weight_decay: float = 0.0, momentum: float = 0.9, scheduler=None, loss_fn=None, augment=None,
        seed: int = 0, restore_best: bool = True, patience: int | None = None, progress: bool = True,
        desc: str = "training") -> History:
    """Train ``model`` on (images, targets); return its :class:`History`.

    Integer targets are class indices (a classifier: images -> one logit per
    class; accuracy is measured). Float targets (denoising, segmentation
    masks, box sizes) are compared with the output by ``loss_fn`` (pass e.g.
    ``torch.nn.MSELoss()``); accuracy is then NaN and "best" means the lowest
    validation loss.

    Args:
        model: a ``torch.nn.Module`` mapping (B, ...) to (B, classes). Batches
            are moved to its device and given in its parameters' dtype.
        train: ``(images, labels)`` (arrays or tensors; images (N, ...),
            labels (N,) ints) or a ``torch.utils.data.DataLoader`` of (x, y).
        val: the same, or None. When given, it is evaluated after every epoch.
        epochs, batch_size: ``batch_size`` is used for arrays only.
        optimizer: "adam", "adamw", "sgd" (see :func:`make_optimizer`) or a
            ``torch.optim.Optimizer`` built on ``model.parameters()``.
        lr, weight_decay, momentum: for an optimiser given by name.
        scheduler: None, or ``make(optimizer, total_steps)`` returning a
            ``torch.optim.lr_scheduler`` stepped after every batch (e.g.
            ``lambda opt, n: OneCycleLR(opt, max_lr=0.01, total_steps=n)``).
        loss_fn: default ``torch.nn.CrossEntropyLoss()``.
        augment: None, or ``augment(x, generator)`` returning a changed batch
            (training batches only; ``generator`` is a seeded ``torch.Generator``).
        seed: seeds the batch order, the augmentation and torch's global
            generator (dropout): the same call gives the same weights.
        restore_best: with ``val``, end with the weights of the epoch of best
            validation accuracy (lowest validation loss for float targets;
            the earliest, on a tie).
        patience: with ``val``, stop after this many epochs without a better
            validation accuracy (early stopping).
        progress: a ``tqdm.auto`` bar over all batches ("epoch k/E", with the
            running loss and accuracy, and the last validation accuracy).

    Returns:
        :class:`History`; the model is left in ``eval()`` mode.
    """
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"fit: model must be a torch.nn.Module; got {type(model).__name__}")
    _check_positive_int(epochs, "epochs")
    _check_positive_int(batch_size, "batch_size")
    if patience is not None:
        _check_positive_int(patience, "patience")
        if val is None:
            raise ValueError("fit: patience (early stopping) needs validation data; got val=None")
    torch.manual_seed(seed)
    order = torch.Generator().manual_seed(seed)
    aug_gen = torch.Generator().manual_seed(seed + 1)
    batches, n_batches = _loader(train, "train", batch_size, order)
    if val is not None:
        _loader(val, "val", batch_size, None)  # checks it now, not after the first epoch
    dtype, device = model_dtype(model), _model_device(model)
    opt = make_optimizer(model, optimizer, lr, weight_decay, momentum)
    sched = scheduler(opt, epochs * n_batches) if scheduler is not None else None
    loss_fn = loss_fn or nn.CrossEntropyLoss()

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs * n_batches, desc=desc, unit="batch", leave=True)
    history = History()
    best_acc, best_state, since_best = -math.inf, None, 0
    try:
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            model.train()
            total, correct, seen = 0.0, 0, 0
            if bar is not None:
                bar.set_description(f"{desc}: epoch {epoch}/{epochs}")
            for x, y in batches():
                x, y = _prepare(x, y, dtype, device)
                if augment is not None:
                    x = augment(x, aug_gen)
                opt.zero_grad()
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                opt.step()
                if sched is not None:
                    sched.step()
                total += loss.item() * len(y)
                right = _correct(logits.detach(), y)
                correct = None if right is None or correct is None else correct + right
                seen += len(y)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(_postfix(total / seen, correct, seen), refresh=False)
            history.train_loss.append(total / seen)
            history.train_accuracy.append(math.nan if correct is None else correct / seen)
            history.lr.append(float(opt.param_groups[0]["lr"]))
            if val is not None:
                v_loss, v_acc = evaluate(model, val, loss_fn=loss_fn)
                history.val_loss.append(v_loss)
                history.val_accuracy.append(v_acc)
                if bar is not None:
                    bar.set_postfix(_postfix(total / seen, correct, seen, v_loss, v_acc))
                score = -v_loss if math.isnan(v_acc) else v_acc
                if score > best_acc:
                    best_acc, since_best, history.best_epoch = score, 0, epoch
                    if restore_best:
                        best_state = copy.deepcopy(model.state_dict())
                else:
                    since_best += 1
            history.seconds.append(time.perf_counter() - start)
            if patience is not None and since_best >= patience:
                history.stopped_early = epoch < epochs
                break
    finally:
        if bar is not None:
            bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def _eval_batches(model, data, batch_size):
    import torch

    if isinstance(data, torch.utils.data.DataLoader):
        yield from data
        return
    X, y = _as_tensors(data, "data")
    for start in range(0, len(y), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def evaluate(model, data, batch_size: int = 1000, loss_fn=None):
    """Mean loss and accuracy of ``model`` on ``data`` ((images, labels) or a DataLoader).

    Runs in ``eval()`` mode without gradients and restores the model's mode.
    Returns ``(loss, accuracy)`` as floats.
    """
    import torch
    from torch import nn

    loss_fn = loss_fn or nn.CrossEntropyLoss()
    dtype, device = model_dtype(model), _model_device(model)
    was_training = model.training
    model.eval()
    total, correct, seen = 0.0, 0, 0
    try:
        with torch.no_grad():
            for x, y in _eval_batches(model, data, batch_size):
                x, y = _prepare(x, y, dtype, device)
                logits = model(x)
                total += loss_fn(logits, y).item() * len(y)
                right = _correct(logits, y)
                correct = None if right is None or correct is None else correct + right
                seen += len(y)
    finally:
        model.train(was_training)
    if seen == 0:
        raise ValueError("evaluate: data has no images")
    return total / seen, (math.nan if correct is None else correct / seen)


def predict_proba(model, images, batch_size: int = 1000) -> np.ndarray:
    """Softmax class probabilities for each image: (N, classes) float64 NumPy array."""
    import torch

    dtype, device = model_dtype(model), _model_device(model)
    X = images if torch.is_tensor(images) else torch.as_tensor(np.asarray(images))
    if X.ndim == 0 or X.shape[0] == 0:
        raise ValueError(f"predict: images must be a non-empty batch (N, ...); got shape {tuple(X.shape)}")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = [torch.softmax(model(X[i:i + batch_size].to(device=device, dtype=dtype)), dim=1).double().cpu()
                   for i in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(out).numpy()


def predict(model, images, batch_size: int = 1000) -> np.ndarray:
    """The class with the largest logit for each image: (N,) int64."""
    return predict_proba(model, images, batch_size).argmax(axis=1).astype(np.int64)


def accuracy(model, images, labels) -> float:
    """Fraction of ``images`` whose predicted class equals ``labels``."""
    labels = np.asarray(labels)
    pred = predict(model, images)
    if labels.shape != pred.shape:
        raise ValueError(f"accuracy: labels must have shape {pred.shape} to match the images; got {labels.shape}")
    return float(np.mean(pred == labels))
