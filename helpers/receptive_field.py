"""Receptive fields: which input pixels one unit of a layer can see (lesson 06;
lesson 07 cuts top-activating patches with it).

For a stack of convolutions and poolings, each with kernel ``k``, stride ``s``,
padding ``p`` and dilation ``d``, three numbers per layer follow from the
previous layer's (the input has ``r = 1``, ``j = 1``, ``start = 0``)::

    j_out     = j_in * s                          # jump: input pixels between neighbouring units
    r_out     = r_in + (k - 1) * d * j_in          # receptive field size (per side)
    start_out = start_in + ((k - 1) * d / 2 - p) * j_in   # input coordinate of unit 0's centre

Unit ``(row, col)`` of a layer then sees the ``r x r`` square centred on
``(start + row * j, start + col * j)``, clipped to the image.
Activations, batch norm and dropout do not change it; a layer that mixes every
position (Flatten, Linear, global pooling) ends the table.

:func:`gradient_footprint` verifies the formula with autograd: the input
pixels whose gradient is non-zero for one unit.

>>> from helpers.models import digit_cnn
>>> [(row["name"], row["size"], row["jump"]) for row in receptive_fields(digit_cnn(), 28)]
[('conv1', 3, 1), ('relu1', 3, 1), ('pool1', 4, 2), ('conv2', 8, 2), ('relu2', 8, 2), ('pool2', 10, 4)]
>>> input_window(digit_cnn(), "conv2", 5, 5, 28)
(7, 7, 15, 15)
"""
from __future__ import annotations

import copy

import numpy as np

from .ops.shape import conv_output_size

__all__ = ["receptive_fields", "input_window", "gradient_footprint", "wiring_twin"]

_PASS_THROUGH = ("ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softplus", "Identity",
                 "BatchNorm2d", "Dropout", "Dropout2d", "LocalResponseNorm")
_ENDS = ("Flatten", "Linear", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d")


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def leaf_layers(model, fn: str = "receptive_fields"):
    """(name, module) of every leaf module, in order (nested Sequentials flattened);
    ``fn`` names the caller in the error for a model without layers."""
    leaves = [(name, m) for name, m in model.named_modules() if name and not list(m.children())]
    if not leaves:
        raise ValueError(f"{fn}: model has no layers; got {type(model).__name__}")
    return leaves


def _geometry(module):
    """(kernel, stride, padding, dilation) pairs of a conv or pooling layer, or None (pass-through)."""
    kind = type(module).__name__
    if kind == "Conv2d":
        if isinstance(module.padding, str):
            k, d = _pair(module.kernel_size), _pair(module.dilation)
            pad = (0, 0) if module.padding == "valid" else tuple((d_ * (k_ - 1)) // 2 for k_, d_ in zip(k, d))
        else:
            pad = _pair(module.padding)
        return _pair(module.kernel_size), _pair(module.stride), pad, _pair(module.dilation)
    if kind in ("MaxPool2d", "AvgPool2d"):
        stride = module.stride if module.stride not in (None, ()) else module.kernel_size
        dilation = getattr(module, "dilation", 1)
        return _pair(module.kernel_size), _pair(stride), _pair(module.padding), _pair(dilation)
    if kind in _PASS_THROUGH:
        return None
    raise ValueError(f"receptive_fields: cannot follow a {kind} layer (conv, pooling, activations, batch norm "
                     "and dropout are understood)")


def receptive_fields(model, input_size):
    """The receptive field of every layer, by the formulas above.

    Args:
        model: a ``torch.nn`` module whose leaf layers run in order (a
            Sequential, possibly nested) of Conv2d, MaxPool2d, AvgPool2d and
            pass-through layers; the table stops at the first Flatten, Linear
            or adaptive pooling.
        input_size: ``H`` or ``(H, W)`` of the input.

    Returns:
        One dict per layer: ``name``, ``type``, ``kernel``, ``stride``,
        ``padding``, ``dilation`` (ints, the height's), ``out_size`` ((H_out,
        W_out)), ``size`` (receptive field side r), ``jump`` (j) and ``start``
        (input coordinate of unit 0's centre). Square kernels are assumed
        for ``size``/``jump``/``start``; a non-square one raises ValueError.
    """
    H, W = _pair(int(input_size) if isinstance(input_size, (int, np.integer)) else input_size)
    r, j, start = 1, 1, 0.0
    rows = []
    for name, module in leaf_layers(model):
        kind = type(module).__name__
        if kind in _ENDS:
            break
        geo = _geometry(module)
        if geo is None:
            k, s, p, d = (1, 1), (1, 1), (0, 0), (1, 1)
        else:
            k, s, p, d = geo
            if len({k[0], k[1]}) > 1 or s[0] != s[1] or p[0] != p[1] or d[0] != d[1]:
                raise ValueError(f"receptive_fields: layer {name!r} is not square (kernel {k}, stride {s}, "
                                 f"padding {p}, dilation {d}); only square layers are supported")
            H, W = conv_output_size((H, W), k, s, p, d, ceil_mode=bool(getattr(module, "ceil_mode", False)))
            r, start, j = r + (k[0] - 1) * d[0] * j, start + ((k[0] - 1) * d[0] / 2 - p[0]) * j, j * s[0]
        rows.append({"name": name, "type": kind, "kernel": k[0], "stride": s[0], "padding": p[0],
                     "dilation": d[0], "out_size": (H, W), "size": r, "jump": j, "start": start})
    return rows


def _row(model, layer, input_size):
    rows = receptive_fields(model, input_size)
    names = [row["name"] for row in rows]
    if layer not in names:
        raise ValueError(f"input_window: layer must be one of {names}; got {layer!r}")
    return rows[names.index(layer)]


def input_window(model, layer: str, row: int, col: int, input_size, clip: bool = True):
    """The input pixels unit ``(row, col)`` of ``layer`` sees: ``(top, left, bottom, right)``.

    ``bottom`` and ``right`` are exclusive, so ``image[top:bottom, left:right]``
    is the patch. With ``clip`` (default) the window holds exactly the input
    pixels some path reaches: it is cut at the image and, layer by layer, at
    each feature map's edge (a path through padding reads nothing, and a
    stride can leave the last pixels of a row unread). With ``clip=False`` it
    is the formula's ``r x r`` square, which may reach into the padding.
    """
    info = _row(model, layer, input_size)
    H_out, W_out = info["out_size"]
    if not (0 <= row < H_out and 0 <= col < W_out):
        raise ValueError(f"input_window: (row, col) must lie in the {H_out}x{W_out} output of {layer!r}; got ({row}, {col})")
    if not clip:
        r, j, start = info["size"], info["jump"], info["start"]
        top = int(round(start + row * j - (r - 1) / 2))
        left = int(round(start + col * j - (r - 1) / 2))
        return top, left, top + r, left + r
    # Exact: walk back from the unit, layer by layer, keeping only positions that
    # exist in each layer's input (padding and the pixels a stride skips at the
    # end of a row are read by no one).
    rows = receptive_fields(model, input_size)
    H, W = _pair(int(input_size) if isinstance(input_size, (int, np.integer)) else input_size)
    sizes = [(H, W)] + [r_["out_size"] for r_ in rows]
    (r0, r1), (c0, c1) = (row, row), (col, col)
    for k in range(rows.index(info), -1, -1):
        g = rows[k]
        if g["type"] in _PASS_THROUGH:
            continue
        kk, s, p, d = g["kernel"], g["stride"], g["padding"], g["dilation"]
        Hin, Win = sizes[k]
        r0, r1 = max(r0 * s - p, 0), min(r1 * s - p + (kk - 1) * d, Hin - 1)
        c0, c1 = max(c0 * s - p, 0), min(c1 * s - p + (kk - 1) * d, Win - 1)
    return r0, c0, r1 + 1, c1 + 1


def wiring_twin(model):
    """A copy of ``model`` with the same wiring and only positive paths: every
    weight 1, every bias 0, ReLUs removed and max-pools replaced by average
    pools of the same size. Its input gradient is non-zero exactly where an
    input pixel is connected to the unit (a max-pool, by contrast, passes the
    gradient of one image to one pixel per window)."""
    import torch
    from torch import nn

    twin = copy.deepcopy(model)
    for parent in [twin, *twin.modules()]:
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.MaxPool2d):
                stride = child.stride if child.stride not in (None, ()) else child.kernel_size
                setattr(parent, name, nn.AvgPool2d(child.kernel_size, stride, child.padding, ceil_mode=child.ceil_mode))
            elif type(child).__name__ in _PASS_THROUGH:
                setattr(parent, name, nn.Identity())
    with torch.no_grad():
        for pname, p in twin.named_parameters():
            p.fill_(0.0 if pname.endswith("bias") else 1.0)
    return twin


def gradient_footprint(model, layer: str, row: int, col: int, input_shape, inputs=None, channel=None):
    """Input pixels with a non-zero gradient of unit ``(row, col)`` of ``layer``.

    Args:
        model, layer, row, col: as in :func:`input_window`.
        input_shape: (C, H, W) of one input.
        inputs: None to use :func:`wiring_twin` on a zero input (the exact
            receptive field); or (B, C, H, W) images, to see where the
            gradient of ``model`` itself goes for each (the union is returned).
        channel: one output channel of ``layer``, or None for their sum.

    Returns:
        (H, W) bool array.
    """
    import torch

    named = dict(model.named_modules())
    if layer not in named or not layer:
        raise ValueError(f"gradient_footprint: layer must name a module of the model; got {layer!r}")
    net = wiring_twin(model) if inputs is None else model
    target = dict(net.named_modules())[layer]
    first = next(net.parameters(), None)
    dtype = torch.float64 if first is None else first.dtype
    x = torch.zeros((1, *input_shape), dtype=dtype) if inputs is None else torch.as_tensor(inputs, dtype=dtype).clone()
    x.requires_grad_(True)
    grabbed = {}
    handle = target.register_forward_hook(lambda m, i, out: grabbed.__setitem__("out", out))
    try:
        net(x)
    finally:
        handle.remove()
    out = grabbed["out"]
    if not (0 <= row < out.shape[-2] and 0 <= col < out.shape[-1]):
        raise ValueError(f"gradient_footprint: (row, col) must lie in the {out.shape[-2]}x{out.shape[-1]} output "
                         f"of {layer!r}; got ({row}, {col})")
    if channel is not None and not (isinstance(channel, int) and 0 <= channel < out.shape[1]):
        raise ValueError(f"gradient_footprint: channel must be an int in 0..{out.shape[1] - 1}; got {channel!r}")
    unit = out[:, :, row, col] if channel is None else out[:, channel, row, col]
    (grad,) = torch.autograd.grad(unit.sum(), x)
    return (grad.abs().sum(dim=(0, 1)) > 0).numpy()
