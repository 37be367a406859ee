"""A CNN, layer by layer: output shape, parameters and multiply-adds of every
layer, by the course's formulas and as measured on the model (lesson 06).

The formulas, for one image (N = 1):

- ``Conv2d``: output (C_out, H_out, W_out) with H_out, W_out from
  :func:`helpers.ops.conv_output_size`; parameters ``C_out * (C_in/groups * kH * kW) + C_out``
  (the last term when it has a bias); multiply-adds ``C_out * H_out * W_out * C_in/groups * kH * kW``.
- ``Linear``: parameters ``in * out + out``; multiply-adds ``in * out``.
- pooling, activations, ``Flatten``: no parameters and no multiply-adds (a
  max-pool compares, an average pool adds: neither multiplies by a weight).

:func:`measured_table` gets the same columns from the model itself: shapes
from forward hooks, parameters from ``numel``, multiply-adds from torch's own
FLOP counter (``torch.utils.flop_counter``; one multiply-add is 2 FLOPs).

>>> from helpers.models import digit_cnn
>>> rows = layer_table(digit_cnn(), (1, 28, 28))
>>> [(r["name"], r["shape"], r["params"], r["macs"]) for r in rows][:3]
[('conv1', (8, 28, 28), 80, 56448), ('relu1', (8, 28, 28), 0, 0), ('pool1', (8, 14, 14), 0, 0)]
"""
from __future__ import annotations

import math

from .ops.shape import conv_output_size
from .receptive_field import leaf_layers

__all__ = ["layer_table", "measured_table", "format_table"]

_NO_WEIGHTS = ("ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softplus", "Identity",
               "Dropout", "Dropout2d")


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _check_shape(input_shape, fn):
    try:
        shape = tuple(int(d) for d in input_shape)
    except TypeError:
        raise TypeError(f"{fn}: input_shape must be a tuple (C, H, W) of ints; got {input_shape!r}") from None
    if not shape or min(shape) < 1:
        raise ValueError(f"{fn}: input_shape must be positive sizes such as (1, 28, 28); got {input_shape!r}")
    return shape


def layer_table(model, input_shape):
    """Every layer's output shape, parameters and multiply-adds for one input, by formula.

    Args:
        model: a (possibly nested) ``nn.Sequential`` of Conv2d, Linear,
            MaxPool2d, AvgPool2d, Flatten and activation layers.
        input_shape: (C, H, W) of one image (or (F,) for an MLP).

    Returns:
        One dict per layer: ``name``, ``type``, ``shape`` (the output for one
        image, (C, H, W) or (F,)), ``params``, ``macs``.
    """
    shape = _check_shape(input_shape, "layer_table")
    rows = []
    for name, m in leaf_layers(model, "layer_table"):
        kind = type(m).__name__
        params = macs = 0
        if kind == "Conv2d":
            if len(shape) != 3 or shape[0] != m.in_channels:
                raise ValueError(f"layer_table: {name} ({kind}) needs ({m.in_channels}, H, W); it would get {shape}")
            k, s, d = _pair(m.kernel_size), _pair(m.stride), _pair(m.dilation)
            p = m.padding if isinstance(m.padding, str) else _pair(m.padding)
            if p == "same":
                H_out, W_out = shape[1:]
            else:
                H_out, W_out = conv_output_size(shape[1:], k, s, (0, 0) if p == "valid" else p, d)
            per_output = m.in_channels // m.groups * k[0] * k[1]
            params = m.out_channels * per_output + (m.out_channels if m.bias is not None else 0)
            macs = m.out_channels * H_out * W_out * per_output
            shape = (m.out_channels, H_out, W_out)
        elif kind in ("MaxPool2d", "AvgPool2d"):
            stride = m.stride if m.stride not in (None, ()) else m.kernel_size
            H_out, W_out = conv_output_size(shape[1:], m.kernel_size, stride, m.padding,
                                            getattr(m, "dilation", 1), ceil_mode=m.ceil_mode)
            shape = (shape[0], H_out, W_out)
        elif kind == "Flatten":
            shape = (math.prod(shape),)
        elif kind == "Linear":
            if shape[-1] != m.in_features or len(shape) != 1:
                raise ValueError(f"layer_table: {name} (Linear) needs {m.in_features} features; it would get {shape}")
            params = m.in_features * m.out_features + (m.out_features if m.bias is not None else 0)
            macs = m.in_features * m.out_features
            shape = (m.out_features,)
        elif kind not in _NO_WEIGHTS:
            raise ValueError(f"layer_table: no formula for a {kind} layer ({name})")
        rows.append({"name": name, "type": kind, "shape": shape, "params": params, "macs": macs})
    return rows


def measured_table(model, input_shape):
    """The same columns as :func:`layer_table`, measured on ``model`` by running it once.

    Shapes come from forward hooks, parameters from the layer's tensors
    (``numel``), multiply-adds from ``torch.utils.flop_counter.FlopCounterMode``
    (FLOPs / 2). The model is left as it was (no hooks stay behind).
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    shape = _check_shape(input_shape, "measured_table")
    leaves = leaf_layers(model, "measured_table")
    shapes, handles = {}, []
    for name, m in leaves:
        handles.append(m.register_forward_hook(lambda mod, i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))))
    first = next(model.parameters(), None)
    x = torch.zeros((1, *shape), dtype=torch.float32 if first is None else first.dtype)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(x)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    flops = counter.get_flop_counts()
    rows = []
    for name, m in leaves:
        counted = sum(flops.get(_flop_key(model, name), {}).values())
        rows.append({"name": name, "type": type(m).__name__, "shape": shapes[name],
                     "params": sum(p.numel() for p in m.parameters()), "macs": int(counted) // 2})
    return rows


def _flop_key(model, name):
    """FlopCounterMode names modules by their path under the root module's class name."""
    return f"{type(model).__name__}.{name}"


def format_table(rows, columns=("name", "shape", "params", "macs"), headers=None, total=True) -> str:
    """A plain-text table of ``rows`` (dicts), numbers with thousands separators;
    a total line sums the ``params`` and ``macs`` columns."""
    headers = list(headers or columns)
    if len(headers) != len(columns):
        raise ValueError(f"format_table: need one header per column; got {len(headers)} for {len(columns)}")

    def cell(v):
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, int):
            return f"{v:,}"
        if isinstance(v, tuple):
            return "(" + ", ".join(str(d) for d in v) + ")"
        return str(v)

    body = [[cell(r[c]) for c in columns] for r in rows]
    if total and rows:
        body.append([("total" if i == 0 else cell(sum(r[c] for r in rows)) if c in ("params", "macs") else "")
                     for i, c in enumerate(columns)])
    widths = [max(len(h), *(len(line[i]) for line in body)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for k, line in enumerate(body):
        if total and k == len(body) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(line, widths))))
    return "\n".join(lines)
