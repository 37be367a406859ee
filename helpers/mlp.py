"""The multilayer perceptron: its forward pass in NumPy, and a small PyTorch
trainer (lesson 01).

A dense (fully connected) layer computes ``x @ weight.T + bias`` with
``weight`` of shape (out_features, in_features), exactly as
``torch.nn.functional.linear`` / ``torch.nn.Linear``. An MLP stacks them with
an activation between layers; the last layer gives one score (logit) per class.

- :func:`linear`, :func:`mlp_forward`: the NumPy forward pass, layer by layer.
- :func:`make_mlp`, :func:`mlp_parameters`: the same network in torch, and its
  weights back as NumPy arrays.
- :func:`dense_parameter_count`: weights + biases of a first dense layer on a
  flattened image (the measured "problem of MLPs on images").
- :func:`train_classifier`, :func:`predict`, :func:`accuracy`: a seeded,
  deterministic minibatch training loop (cross-entropy, and :class:`Adam`
  written out, equal to ``torch.optim.Adam``).

>>> x = np.array([[1.0, 2.0]])                 # (N=1, in_features=2)
>>> w = np.array([[1.0, -1.0], [0.5, 0.5]])     # (out_features=2, in_features=2)
>>> linear(x, w, np.array([0.0, 1.0]))
array([[-1. ,  2.5]])
"""
from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS

__all__ = [
    "linear",
    "mlp_forward",
    "make_mlp",
    "mlp_parameters",
    "dense_parameter_count",
    "Adam",
    "train_classifier",
    "predict",
    "accuracy",
]

def linear(input, weight, bias=None) -> np.ndarray:
    """A dense layer, ``input @ weight.T + bias``; mirrors ``torch.nn.functional.linear``.

    Args:
        input: (N, in_features) (or (in_features,) for one sample).
        weight: (out_features, in_features).
        bias: (out_features,) or None.

    Returns:
        (N, out_features) (or (out_features,)).
    """
    x, w = np.asarray(input, dtype=np.float64), np.asarray(weight, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be (out_features, in_features); got shape {w.shape}")
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[1]:
        raise ValueError(f"linear: input must be (N, {w.shape[1]}) to match weight {w.shape}; got shape {x.shape}")
    out = x @ w.T
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64)
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: bias must have shape ({w.shape[0]},) to match weight {w.shape}; got {b.shape}")
        out = out + b
    return out


def mlp_forward(x, weights, biases, activation: str = "relu", return_layers: bool = False):
    """Forward pass of an MLP: ``linear -> activation -> ... -> linear`` (no activation at the end).

    Args:
        x: (N, in_features); images (N, H, W) are flattened to (N, H*W) first,
            as ``torch.nn.Flatten`` does.
        weights: list of (out_features, in_features) arrays, one per layer.
        biases: list of (out_features,) arrays.
        activation: a name from :data:`helpers.activations.ACTIVATIONS`.
        return_layers: also return every intermediate array.

    Returns:
        (N, out_features of the last layer): the logits; with
        ``return_layers``, ``(logits, layers)`` where ``layers`` is a list of
        ``(name, array)`` pairs: "input", "linear1", "relu1", ..., "linearL".
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"mlp_forward: activation must be one of {list(ACTIVATIONS)}; got {activation!r}")
    if len(weights) != len(biases) or len(weights) == 0:
        raise ValueError(f"mlp_forward: need as many biases as weights (at least one); got {len(weights)} and {len(biases)}")
    h = np.asarray(x, dtype=np.float64)
    if h.ndim > 2:
        h = h.reshape(h.shape[0], -1)
    f = ACTIVATIONS[activation][0]
    layers = [("input", h)]
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        h = linear(h, w, b)
        layers.append((f"linear{k}", h))
        if k < len(weights):
            h = f(h)
            layers.append((f"{activation}{k}", h))
    return (h, layers) if return_layers else h


def make_mlp(sizes, activation: str = "relu", seed=None):
    """The torch MLP of :func:`helpers.models.mlp.mlp` (kept under lesson 01's name)."""
    from .models.mlp import mlp

    return mlp(sizes, activation, seed)


def mlp_parameters(model):
    """The weights and biases of every ``nn.Linear`` in ``model``, as float64 NumPy arrays.

    Returns:
        ``(weights, biases)``: lists of (out_features, in_features) and (out_features,).
    """
    from torch import nn

    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("mlp_parameters: model has no nn.Linear layer")
    weights = [m.weight.detach().double().numpy().copy() for m in linears]
    biases = [m.bias.detach().double().numpy().copy() if m.bias is not None else np.zeros(m.out_features) for m in linears]
    return weights, biases


def dense_parameter_count(input_shape, out_features: int) -> int:
    """Weights + biases of a dense layer on a flattened input: ``prod(input_shape) * out + out``.

    >>> dense_parameter_count((28, 28), 100)
    78500
    """
    try:
        dims = [int(d) for d in input_shape]
    except TypeError:
        raise TypeError(f"dense_parameter_count: input_shape must be a tuple of ints; got {input_shape!r}") from None
    if not dims or min(dims) < 1 or int(out_features) < 1:
        raise ValueError(f"dense_parameter_count: sizes must be positive; got {input_shape!r} and {out_features!r}")
    return math.prod(dims) * int(out_features) + int(out_features)


def _dtype(model):
    """The dtype of ``model``'s parameters (float32 unless it was made ``.double()``)."""
    import torch

    first = next(iter(model.parameters()), None)
    return torch.float32 if first is None else first.dtype


def _tensors(images, labels, dtype):
    import torch

    X = torch.as_tensor(np.asarray(images), dtype=dtype)
    if labels is None:
        return X
    y = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"labels must be (N,) with N = {X.shape[0]} images; got shape {tuple(y.shape)}")
    return X, y


class Adam:
    """Adam (Kingma & Ba, 2015), written out: the same update as ``torch.optim.Adam``
    with its defaults (no weight decay, no amsgrad), tested equal to it.

    For each parameter ``p`` with gradient ``g``, at step ``t``::

        m = beta1 * m + (1 - beta1) * g            # running mean of the gradient
        v = beta2 * v + (1 - beta2) * g**2         # running mean of its square
        p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    Written here rather than taken from ``torch.optim`` because the first
    ``torch.optim`` optimizer of a session imports torch's compiler stack, about
    2 s on a laptop, which a lesson that trains a tiny model for 1 s should not pay.
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        import torch

        self.params = [p for p in params if p.requires_grad]
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        import torch

        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        with torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                if p.grad is None:
                    continue
                m.lerp_(p.grad, 1 - self.beta1)
                v.mul_(self.beta2).addcmul_(p.grad, p.grad, value=1 - self.beta2)
                denom = (v.sqrt() / math.sqrt(c2)).add_(self.eps)
                p.addcdiv_(m, denom, value=-self.lr / c1)


def train_classifier(model, images, labels, epochs: int = 5, batch_size: int = 64, lr: float = 1e-3,
                     seed: int = 0, progress: bool = False):
    """Train ``model`` with Adam and cross-entropy on minibatches; deterministic for a given ``seed``.

    Args:
        model: a torch module mapping (B, ...) images to (B, classes) logits;
            the images are given to it in its parameters' dtype. A
            ``.double()`` model trains in float64 and ends with the same
            weights, to many digits, on every CPU (float32 results can differ
            between processors in their last bits, and training amplifies that).
        images: (N, ...) array; labels: (N,) ints.
        progress: show a tqdm progress bar over epochs.

    Returns:
        List of the mean training loss of each epoch.
    """
    import torch
    from torch import nn

    X, y = _tensors(images, labels, _dtype(model))
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"train_classifier: epochs and batch_size must be positive; got {epochs} and {batch_size}")
    generator = torch.Generator().manual_seed(seed)
    optimizer = Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    epochs_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs_iter = tqdm(epochs_iter, desc="training", unit="epoch")
    history = []
    model.train()
    for _ in epochs_iter:
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        history.append(total / len(y))
    model.eval()
    return history


def predict(model, images, batch_size: int = 1024) -> np.ndarray:
    """The class with the largest logit for each image: (N,) int64."""
    import torch

    X = _tensors(images, None, _dtype(model))
    with torch.no_grad():
        out = [model(X[i:i + batch_size]).argmax(dim=1) for i in range(0, len(X), batch_size)]
    return torch.cat(out).numpy()


def accuracy(model, images, labels) -> float:
    """Fraction of images whose predicted class equals the label."""
    labels = np.asarray(labels)
    return float(np.mean(predict(model, images) == labels))
