"""One digit through the lesson-06 CNN, stage by stage (lesson 06, "CNN at work").

The plain functions behind :func:`helpers.widgets.cnn_at_work.cnn_at_work`:
:func:`digit_input` moves a (28, 28) digit as the widget's sliders do (rotate,
then shift), :func:`run_cnn` sends it through a
:func:`helpers.models.digit_cnn`-style ``nn.Sequential`` one child at a time
and keeps every stage, and :func:`check_model` / :func:`check_digits` refuse
what the widget cannot show, with a sentence naming the argument.

Shapes for ``digit_cnn(channels=(8, 16))``: input (28, 28); conv1, relu1
(8, 28, 28); pool1 (8, 14, 14); conv2, relu2 (16, 14, 14); pool2 (16, 7, 7);
probabilities (10,).

>>> from helpers.models import digit_cnn
>>> run = run_cnn(digit_cnn(seed=0).double(), digit_input(np.eye(28), dx=2))
>>> {name: a.shape for name, a in run.stages.items()}["pool2"], run.probabilities.shape
((16, 7, 7), (10,))
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["STAGES", "CNNRun", "check_model", "check_digits", "digit_input", "run_cnn"]

#: The stages (feature maps) of ``helpers.models.digit_cnn``, in order. Any
#: model's stages are its children whose output is (N, C, H, W).
STAGES = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2")
SIDE = 28


@dataclass(frozen=True)
class CNNRun:
    """One forward pass. image: the (28, 28) float64 input. stages: name ->
    (C, H, W) float64 feature maps, one per child of the model whose output
    is (1, C, H, W), in order (:data:`STAGES` for digit_cnn). logits, probabilities:
    (K,) float64 (softmax of the logits, computed by torch in the model's
    dtype). prediction: the most probable class."""

    image: np.ndarray
    stages: dict
    logits: np.ndarray
    probabilities: np.ndarray
    prediction: int


def check_model(model, fn: str = "check_model"):
    """Refuse a model the widget cannot show; return ``(dtype, device, K, stages)``.

    The model must be a ``torch.nn.Module`` made of children (an
    ``nn.Sequential`` such as :func:`helpers.models.digit_cnn`), take a
    (1, 1, 28, 28) digit and return (1, K) class scores; ``stages`` are the
    names of its children whose output is (1, C, H, W) (at least one).
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{fn}: model must be a torch.nn.Module such as helpers.models.digit_cnn(); got {type(model).__name__}")
    children = list(model.named_children())
    params = list(model.parameters())
    if not children or not params or not params[0].dtype.is_floating_point:
        raise TypeError(
            f"{fn}: model must be an nn.Sequential of layers with floating-point parameters, "
            f"such as helpers.models.digit_cnn(); got {type(model).__name__} with {len(children)} children"
        )
    dtype, device = params[0].dtype, params[0].device
    x, stages = torch.zeros(1, 1, SIDE, SIDE, dtype=dtype, device=device), []
    try:
        with torch.no_grad():
            for name, layer in children:
                x = layer(x)
                if x.ndim == 4:
                    stages.append(name)
    except RuntimeError as exc:
        raise ValueError(f"{fn}: model must take a (1, 1, 28, 28) digit, one child after the other; "
                         f"child {name!r} raised: {str(exc).splitlines()[0]}") from None
    if x.ndim != 2 or x.shape[0] != 1 or x.shape[1] < 2:
        raise ValueError(f"{fn}: model's last child must return (1, K) class scores, K >= 2; got shape {tuple(x.shape)}")
    if not stages:
        raise ValueError(f"{fn}: model has no child with (N, C, H, W) feature maps to show (children: {[n for n, _ in children]})")
    return dtype, device, int(x.shape[1]), tuple(stages)


def check_digits(images, labels=None, fn: str = "check_digits"):
    """Return ``(images (N, 28, 28) float64, labels (N,) int64 or None)`` or raise.

    ``images``: (N, 28, 28) or (N, 1, 28, 28) in [0, 1] (NumPy or torch).
    ``labels``: (N,) integers, or None.
    """
    try:
        arr = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: images must be an array of numbers (N, 28, 28); got {type(images).__name__}") from None
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 3 or arr.shape[1:] != (SIDE, SIDE) or len(arr) == 0:
        raise ValueError(f"{fn}: images must have shape (N, 28, 28) or (N, 1, 28, 28) with N >= 1; got {np.shape(images)}")
    if not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{fn}: images must be finite and in [0, 1] (as helpers.data.mnist_digits gives them)")
    if labels is None:
        return arr, None
    lab = np.asarray(labels.detach().cpu() if hasattr(labels, "detach") else labels)
    if lab.shape != (len(arr),) or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(f"{fn}: labels must be {len(arr)} integers, one per image; got shape {lab.shape}, dtype {lab.dtype}")
    return arr, lab.astype(np.int64)


def digit_input(image, dx: int = 0, dy: int = 0, angle: float = 0.0) -> np.ndarray:
    """The (28, 28) float64 digit rotated by ``angle`` degrees (counter-clockwise,
    about the centre, bilinear) and then shifted ``dx`` px right and ``dy`` px
    down (zeros come in). Values stay in [0, 1].

    >>> digit_input(np.eye(28), dx=1)[0, :3]
    array([0., 1., 0.])
    """
    from scipy import ndimage

    from .data import shift

    img = np.asarray(image, dtype=np.float64)
    if img.shape != (SIDE, SIDE):
        raise ValueError(f"digit_input: image must have shape (28, 28); got {img.shape}")
    for name, v in (("dx", dx), ("dy", dy)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"digit_input: {name} must be an int (pixels); got {v!r}")
    if not np.isfinite(angle):
        raise ValueError(f"digit_input: angle must be a finite number of degrees; got {angle!r}")
    if angle % 360:
        img = np.clip(ndimage.rotate(img, float(angle), reshape=False, order=1, mode="constant"), 0.0, 1.0)
    return shift(img, int(dy), int(dx))


def run_cnn(model, image) -> CNNRun:
    """Send one (28, 28) digit through ``model``'s children, in order, keeping
    every (1, C, H, W) output (:data:`STAGES` for digit_cnn); the probabilities are
    ``torch.softmax`` of the last child's output. The model runs in its own
    dtype and device, without gradients, on one CPU thread; its train/eval
    mode and torch's thread count are put back."""
    import torch

    img = np.asarray(image, dtype=np.float64)
    if img.shape != (SIDE, SIDE):
        raise ValueError(f"run_cnn: image must have shape (28, 28); got {img.shape}")
    params = next(model.parameters())
    x = torch.as_tensor(img, dtype=params.dtype, device=params.device)[None, None]
    stages = {}
    was_training, threads = model.training, torch.get_num_threads()
    model.eval()
    torch.set_num_threads(1)  # one small image: threads only add overhead (10-50x on a busy 2-core machine)
    try:
        with torch.no_grad():
            for name, layer in model.named_children():
                x = layer(x)
                if x.ndim == 4:
                    stages[name] = x[0].detach().cpu().double().numpy()
            probabilities = torch.softmax(x, dim=1)[0].cpu().double().numpy()
    finally:
        model.train(was_training)
        torch.set_num_threads(threads)
    logits = x[0].cpu().double().numpy()
    return CNNRun(img, stages, logits, probabilities, int(np.argmax(probabilities)))
