"""What a trained CNN looks at: feature maps, top-activating patches, saliency and Grad-CAM (lesson 07).

- :func:`feature_maps`: every layer's output for one image (N = 1).
- :func:`top_patches`: for one channel of a layer, the input patches (cut at
  the unit's receptive field, :mod:`helpers.receptive_field`) of the images that activate it most (after
  Zeiler & Fergus 2014, "Visualizing and understanding convolutional networks").
- :func:`saliency`: the absolute gradient of the class score with respect to
  the input pixels, the largest over the colour channels (Simonyan et al. 2014).
- :func:`grad_cam`: the layer's feature maps weighted by the spatial mean of
  the class score's gradient, summed over channels, ReLU applied
  (Selvaraju et al. 2017).

Everything is computed with forward hooks and tensor gradients
(``torch.autograd.grad``), never module backward hooks. A hook hands the next
layer a *copy* of the activation, so an in-place ReLU after the layer
cannot overwrite what Grad-CAM reads. The model is left as it was: the hooks
are removed, the modules' train/eval modes restored (the explanation runs in
eval mode), and no ``.grad`` is written into its parameters.

Shapes: images (N, C, H, W) (or (N, H, W) for one channel); a layer's output
(N, C_l, h, w).

>>> import torch
>>> from helpers.models import digit_cnn
>>> model = digit_cnn(seed=0).double()
>>> x = torch.rand(2, 1, 28, 28, dtype=torch.float64)
>>> saliency(model, x, target=3).shape, grad_cam(model, "conv2", x, target=[3, 5]).shape
((2, 28, 28), (2, 14, 14))
"""
from __future__ import annotations

import numpy as np

__all__ = ["saliency", "grad_cam", "feature_maps", "top_patches", "upsample"]


def _model(fn, model):
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"{fn}: model must be a torch.nn.Module; got {type(model).__name__}")


def _images(fn, model, images):
    import torch

    if isinstance(images, np.ndarray):
        images = torch.from_numpy(np.ascontiguousarray(images))
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{fn}: images must be a numpy array or a torch tensor (N, C, H, W); got {type(images).__name__}")
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4:
        raise ValueError(f"{fn}: images must be (N, C, H, W) or (N, H, W); got shape {tuple(images.shape)}")
    p = next(model.parameters(), None)
    if p is not None:
        images = images.to(dtype=p.dtype, device=p.device)
    return images.detach().clone()


def _targets(fn, target, N, num_classes):
    import torch

    t = np.asarray(target)
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer) or t.ndim > 1:
        raise TypeError(f"{fn}: target must be an int or N ints (class indices); got {target!r}")
    t = np.broadcast_to(t, (N,)) if t.ndim == 0 else t
    if t.shape != (N,):
        raise ValueError(f"{fn}: target must be an int or {N} ints, one per image; got {t.shape[0]} ints")
    if t.size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(f"{fn}: target must be class indices in 0..{num_classes - 1}; got {t.min()}..{t.max()}")
    return torch.as_tensor(np.array(t, dtype=np.int64))


def _layer(fn, model, layer):
    from torch import nn

    if isinstance(layer, str):
        try:
            return layer, model.get_submodule(layer)
        except AttributeError:
            names = [n for n, _ in model.named_modules() if n]
            raise ValueError(f"{fn}: layer {layer!r} is not a module of the model; its modules are {names[:20]}"
                             + (" ..." if len(names) > 20 else "")) from None
    if isinstance(layer, nn.Module):
        for name, module in model.named_modules():
            if module is layer:
                return name, module
        raise ValueError(f"{fn}: layer ({type(layer).__name__}) is not a module of the model")
    raise TypeError(f"{fn}: layer must be a module of the model or its name; got {type(layer).__name__}")


class _Eval:
    """Run the model in eval mode, restore every module's mode afterwards."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.modes = [(m, m.training) for m in self.model.modules()]
        self.model.eval()

    def __exit__(self, *exc):
        for m, training in self.modes:
            m.training = training


def _capture(fn, layer_name, module):
    """A forward hook that keeps the layer's output and hands the next layers a copy."""
    store = []

    def hook(mod, inputs, output):
        import torch

        if not isinstance(output, torch.Tensor):
            raise ValueError(f"{fn}: layer {layer_name!r} must output one tensor; got {type(output).__name__}")
        store.append(output)
        return output.clone()  # an in-place op downstream changes the copy, not what we keep

    return store, module.register_forward_hook(hook)


def saliency(model, images, target) -> np.ndarray:
    """|d score_target / d input|, the largest over the input channels: (N, C, H, W) -> (N, H, W).

    Args:
        model: maps images to (N, K) class scores (logits).
        images: (N, C, H, W) or (N, H, W); array or tensor (cast to the model's dtype).
        target: an int (the same class for every image) or N ints.
    """
    import torch

    _model("saliency", model)
    x = _images("saliency", model, images).requires_grad_(True)
    with _Eval(model), torch.enable_grad():
        out = model(x)
        t = _targets("saliency", target, x.shape[0], out.shape[1])
        (grad,) = torch.autograd.grad(out.gather(1, t[:, None].to(out.device)).sum(), x)
    return grad.abs().amax(dim=1).detach().cpu().numpy()


def grad_cam(model, layer, images, target) -> np.ndarray:
    """Grad-CAM of ``target`` at ``layer``: (N, C, H, W) -> (N, h, w), the layer's resolution.

    With A the layer's output (N, C_l, h, w) and y the class score,
    ``relu(sum_c mean_ij(dy/dA[c, i, j]) * A[c])``.

    Args:
        model: maps images to (N, K) class scores.
        layer: a module of ``model`` (or its name, e.g. "conv2") that outputs
            (N, C_l, h, w) and runs once per forward pass.
        images, target: as for :func:`saliency`.
    """
    import torch

    _model("grad_cam", model)
    name, module = _layer("grad_cam", model, layer)
    x = _images("grad_cam", model, images).requires_grad_(True)
    store, handle = _capture("grad_cam", name, module)
    try:
        with _Eval(model), torch.enable_grad():
            out = model(x)
            if len(store) != 1:
                raise ValueError(f"grad_cam: layer {name!r} ran {len(store)} times in one forward pass; "
                                 "pick a layer that runs once")
            (acts,) = store
            if acts.ndim != 4:
                raise ValueError(f"grad_cam: layer {name!r} must output feature maps (N, C, h, w); "
                                 f"got shape {tuple(acts.shape)}")
            t = _targets("grad_cam", target, x.shape[0], out.shape[1])
            (grads,) = torch.autograd.grad(out.gather(1, t[:, None].to(out.device)).sum(), acts)
    finally:
        handle.remove()
    weights = grads.mean(dim=(2, 3), keepdim=True)
    return torch.relu((weights * acts).sum(dim=1)).detach().cpu().numpy()


def feature_maps(model, image) -> list:
    """Every leaf layer's output for one image, in call order: [(name, (C_l, h, w) array), ...].

    Layers whose output is not a feature map (flatten, linear) give their
    output reshaped to (C_l, 1, 1). ``image``: (C, H, W), (H, W) or (1, C, H, W).
    """
    import torch

    _model("feature_maps", model)
    img = image if isinstance(image, torch.Tensor) else torch.as_tensor(np.asarray(image))
    if img.ndim == 2:
        img = img[None, None]
    elif img.ndim == 3:
        img = img[None]
    if img.ndim != 4 or img.shape[0] != 1:
        raise ValueError(f"feature_maps: image must be one image, (C, H, W), (H, W) or (1, C, H, W); got {tuple(img.shape)}")
    x = _images("feature_maps", model, img)
    rows, handles, counts = [], [], {}

    def hook_for(name):
        def hook(mod, inputs, output):
            counts[name] = counts.get(name, 0) + 1
            label = name if counts[name] == 1 else f"{name}#{counts[name]}"
            a = output.detach()[0]
            rows.append((label, (a if a.ndim == 3 else a.reshape(-1, 1, 1)).cpu().numpy().copy()))
        return hook

    for name, module in model.named_modules():
        if name and next(module.children(), None) is None:
            handles.append(module.register_forward_hook(hook_for(name)))
    try:
        with _Eval(model), torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return rows


def _check_chain(fn, model, name):
    """The layers up to ``name`` must run one after the other (Sequential containers only), or the
    receptive-field formula does not apply."""
    from torch import nn

    for n, module in model.named_modules():
        if n == name:
            return
        if next(module.children(), None) is not None and not isinstance(module, nn.Sequential):
            raise ValueError(f"{fn}: the receptive field is computed for a chain of layers (nn.Sequential); "
                             f"{n or 'the model'!s} ({type(module).__name__}) comes before {name!r}")


def top_patches(model, layer, images, channel: int, k: int = 9) -> dict:
    """The ``k`` images whose strongest unit in ``channel`` of ``layer`` is strongest, and the patch it sees.

    One unit per image (its maximum over positions), so the ``k`` patches come
    from ``k`` different images; ties go to the earlier image. The window is
    :func:`helpers.receptive_field.input_window` (lesson 06), so ``layer``
    must be a leaf layer of a chain of conv, pooling and pointwise layers
    (Sequential containers, possibly nested).

    Returns:
        dict with "patches" (k, C, r, r): the input cut at the unit's
        receptive field (zeros where it reaches into the padding); "values"
        (k,) the activations; "index" (k,) the images; "windows" (k, 4)
        (top, left, bottom, right), bottom and right exclusive, unclipped.
    """
    from .receptive_field import input_window

    import torch

    _model("top_patches", model)
    name, module = _layer("top_patches", model, layer)
    _check_chain("top_patches", model, name)
    x = _images("top_patches", model, images)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= x.shape[0]:
        raise ValueError(f"top_patches: k must be an int in 1..{x.shape[0]} (the number of images); got {k!r}")
    store, handle = _capture("top_patches", name, module)
    try:
        with _Eval(model), torch.no_grad():
            model(x)
    finally:
        handle.remove()
    acts = store[0]
    if acts.ndim != 4:
        raise ValueError(f"top_patches: layer {name!r} must output feature maps (N, C, h, w); got {tuple(acts.shape)}")
    C_l, h, w = acts.shape[1:]
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) or not 0 <= channel < C_l:
        raise ValueError(f"top_patches: channel must be an int in 0..{C_l - 1}; got {channel!r}")
    a = acts[:, channel].reshape(len(x), -1).cpu().numpy()
    where = a.argmax(axis=1)
    best = a[np.arange(len(a)), where]
    order = np.argsort(-best, kind="stable")[:k]
    img = x.cpu().numpy()
    N, C, H, W = img.shape
    patches, windows = [], []
    for n in order:
        row, col = divmod(int(where[n]), w)
        top, left, bottom, right = input_window(model, name, row, col, (H, W), clip=False)
        patch = np.zeros((C, bottom - top, right - left), img.dtype)
        r0, r1, c0, c1 = max(top, 0), min(bottom, H), max(left, 0), min(right, W)
        patch[:, r0 - top:r1 - top, c0 - left:c1 - left] = img[n, :, r0:r1, c0:c1]
        patches.append(patch)
        windows.append((top, left, bottom, right))
    return {"patches": np.stack(patches), "values": best[order], "index": order, "windows": np.array(windows)}


def upsample(maps, size) -> np.ndarray:
    """Bilinear resize of maps (N, h, w) to (N, size, size) (or size = (H, W)), for overlays."""
    import torch
    import torch.nn.functional as F

    m = torch.as_tensor(np.asarray(maps, dtype=np.float64))
    if m.ndim != 3:
        raise ValueError(f"upsample: maps must be (N, h, w); got shape {tuple(m.shape)}")
    size = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    return F.interpolate(m[:, None], size=size, mode="bilinear", align_corners=False)[:, 0].numpy()
