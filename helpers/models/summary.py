"""Per-layer summary of a torch model: output shapes, parameters, multiply-adds (lesson 07).

:func:`layer_table` runs the model once on a zero input of the given shape
with a forward hook on every leaf module and records, per call:

- the output shape;
- the parameters the module owns (counted once, at its first call);
- its multiply-accumulate operations (MACs) for that input:

  * ``Conv2d``: N * C_out * H_out * W_out * (C_in / groups) * kH * kW;
  * ``Linear``: N * out_features * in_features (rows of the input times that);
  * everything else (bias additions, batch norm, activations, pooling,
    concatenation, the residual addition): 0, the usual convention, since
    these cost a few operations per output value against hundreds per conv
    output.

:func:`depth` counts the weight layers (convolutions and linear layers) on
the longest path from input to output, by walking the autograd graph of one
forward pass, so parallel branches (Inception) count once and shortcuts
(ResNet) not at all.

>>> import torch
>>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
...                           torch.nn.Linear(8 * 10 * 10, 5))
>>> rows = layer_table(net, (1, 3, 10, 10))
>>> [(r["name"], r["output_shape"], r["params"], r["macs"]) for r in rows]
[('0', (1, 8, 10, 10), 224, 21600), ('1', (1, 8, 10, 10), 0, 0), ('2', (1, 800), 0, 0), ('3', (1, 5), 4005, 4000)]
>>> depth(net, (1, 3, 10, 10))
2
"""
from __future__ import annotations

__all__ = ["layer_table", "count_params", "count_macs", "depth", "format_table"]


def _check(fn, model, input_shape):
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"{fn}: model must be a torch.nn.Module; got {type(model).__name__}")
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: input_shape must be a tuple of ints such as (1, 3, 224, 224); got {input_shape!r}") from None
    if len(shape) < 2 or min(shape) < 1:
        raise ValueError(f"{fn}: input_shape must be (N, C, ...) with positive sizes; got {shape}")
    return shape


def _input(model, shape):
    import torch

    p = next(model.parameters(), None)
    dtype = p.dtype if p is not None else torch.float32
    device = p.device if p is not None else "cpu"
    return torch.zeros(shape, dtype=dtype, device=device)


def _macs(module, inputs, output):
    from torch import nn

    if isinstance(module, nn.Conv2d):
        kH, kW = module.kernel_size
        return output.numel() * (module.in_channels // module.groups) * kH * kW
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


def count_params(model) -> int:
    """The number of parameters (trainable or not) of ``model``."""
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"count_params: model must be a torch.nn.Module; got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters())


def layer_table(model, input_shape) -> list:
    """One dict per leaf-module call, in call order: name, type, output_shape, params, macs.

    Args:
        model: a ``torch.nn.Module``; run once in eval mode (its mode is restored).
        input_shape: e.g. (1, 3, 224, 224).
    """
    import torch

    shape = _check("layer_table", model, input_shape)
    rows, seen, handles = [], set(), []

    def hook_for(name):
        def hook(module, inputs, output):
            own = 0 if id(module) in seen else sum(p.numel() for p in module.parameters(recurse=False))
            seen.add(id(module))
            rows.append({"name": name, "type": type(module).__name__, "output_shape": tuple(output.shape),
                         "params": own, "macs": int(_macs(module, inputs, output))})
        return hook

    for name, module in model.named_modules():
        if next(module.children(), None) is None:
            handles.append(module.register_forward_hook(hook_for(name)))
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        with torch.no_grad():
            model(_input(model, shape))
    finally:
        for h in handles:
            h.remove()
        for m, training in modes.items():
            m.training = training
    return rows


def count_macs(model, input_shape) -> int:
    """Total multiply-adds of one forward pass on an input of ``input_shape`` (see :func:`layer_table`)."""
    return sum(r["macs"] for r in layer_table(model, input_shape))


def depth(model, input_shape) -> int:
    """Weight layers (conv and linear) on the longest input-to-output path of the autograd graph."""
    import torch

    shape = _check("depth", model, input_shape)
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        with torch.enable_grad():
            x = _input(model, shape).requires_grad_(True)
            out = model(x)
    finally:
        for m, training in modes.items():
            m.training = training
    weighted = ("Convolution", "Addmm", "Mm", "Linear")
    memo = {}

    def longest(node):  # iterative, the graphs are deep
        stack = [(node, False)]
        while stack:
            n, done = stack.pop()
            if n is None or n in memo:
                continue
            nexts = [m for m, _ in n.next_functions if m is not None]
            if done:
                own = 1 if type(n).__name__.startswith(weighted) else 0
                memo[n] = own + max((memo[m] for m in nexts), default=0)
            else:
                stack.append((n, True))
                stack.extend((m, False) for m in nexts if m not in memo)
        return memo[node]

    return longest(out.grad_fn)


def format_table(rows, max_rows: int | None = None) -> str:
    """The rows of :func:`layer_table` as aligned text, with a total line."""
    lines = [f"{'layer':<28}{'type':<20}{'output shape':<22}{'params':>13}{'MACs':>16}"]
    shown = rows if max_rows is None else rows[:max_rows]
    for r in shown:
        lines.append(f"{r['name']:<28}{r['type']:<20}{str(r['output_shape']):<22}{r['params']:>13,}{r['macs']:>16,}")
    if max_rows is not None and len(rows) > max_rows:
        lines.append(f"... {len(rows) - max_rows} more layers")
    lines.append(f"{'total':<70}{sum(r['params'] for r in rows):>13,}{sum(r['macs'] for r in rows):>16,}")
    return "\n".join(lines)


