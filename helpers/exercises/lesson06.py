"""Exercise checkers of lesson 06 (a CNN, layer by layer).

Every expected answer is computed here with PyTorch (a layer's tensors, torch's
own FLOP counter, autograd through the layers), independently of
:mod:`helpers.cnn_anatomy` and :mod:`helpers.receptive_field`, then compared
by :func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer

__all__ = ["LAYER", "STACK", "check_layer_counts", "check_receptive_field", "check_conv_counts_function"]

#: Exercise 6.1: ``nn.Conv2d(**LAYER["conv"])`` applied to one (C, H, W) = ``LAYER["input"]`` image.
LAYER = {"conv": {"in_channels": 16, "out_channels": 32, "kernel_size": 5, "padding": 2, "stride": 2},
         "input": (16, 20, 20)}
#: Exercise 6.2: a stack of (kind, kernel_size, stride) layers, in order.
STACK = [("conv", 3, 1), ("conv", 3, 1), ("maxpool", 2, 2), ("conv", 3, 1), ("maxpool", 2, 2), ("conv", 3, 1)]


def _counts_by_torch(C_in, C_out, k, stride, padding, H, W):
    """(parameters, multiply-adds) of one Conv2d on one image, measured by torch."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    conv = torch.nn.Conv2d(C_in, C_out, k, stride=stride, padding=padding)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        conv(torch.zeros(1, C_in, H, W))
    return sum(p.numel() for p in conv.parameters()), counter.get_total_flops() // 2


def check_layer_counts(answer):
    """6.1: ``(parameters, multiply_adds)`` of :data:`LAYER` on one image."""
    c = LAYER["conv"]
    expected = _counts_by_torch(c["in_channels"], c["out_channels"], c["kernel_size"], c["stride"], c["padding"],
                                *LAYER["input"][1:])
    return check_answer(
        "6.1 parameters and multiply-adds", answer, expected,
        hint="Parameters: one kernel of C_in x k x k weights per output channel, plus one bias each. "
             "Multiply-adds: every output value (C_out x H_out x W_out of them) costs C_in x k x k; "
             "H_out = (H + 2*padding - k) // stride + 1.",
    )


def _stack_model(stack):
    import torch
    from torch import nn

    layers = []
    for kind, k, s in stack:
        if kind == "conv":
            conv = nn.Conv2d(1, 1, k, stride=s, bias=False)
            with torch.no_grad():
                conv.weight.fill_(1.0)  # positive paths only: every connected pixel gets a gradient
            layers.append(conv)
        elif kind == "maxpool":
            layers.append(nn.AvgPool2d(k, s))  # same wiring as a max-pool, gradient to every pixel
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
    return nn.Sequential(*layers).double()


def check_receptive_field(answer):
    """6.2: the side of the square of input pixels one unit of the last layer of :data:`STACK` sees."""
    import torch

    x = torch.zeros(1, 1, 64, 64, dtype=torch.float64, requires_grad=True)
    out = _stack_model(STACK)(x)
    out[0, 0, out.shape[-2] // 2, out.shape[-1] // 2].backward()
    rows = np.nonzero(x.grad[0, 0].abs().sum(dim=1).numpy())[0]
    expected = int(rows.max() - rows.min() + 1)
    return check_answer(
        "6.2 receptive field", answer, expected,
        hint="Go layer by layer, starting with r = 1 and jump j = 1: a layer with kernel k and stride s gives "
             "r = r + (k - 1) * j, then j = j * s.",
    )


def check_conv_counts_function(conv_counts):
    """6.3: ``conv_counts(C_in, C_out, k, stride, padding, H, W) -> (params, macs)``, tried on cases against torch."""
    if conv_counts is None or conv_counts is Ellipsis:
        return check_answer("6.3 a function for any layer", None, None)
    rng = np.random.default_rng(6)
    for _ in range(12):
        C_in, C_out = (int(v) for v in rng.integers(1, 9, 2))
        k = int(rng.choice([1, 3, 5]))
        stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1))
        H, W = (int(v) for v in rng.integers(k, 17, 2))
        expected = _counts_by_torch(C_in, C_out, k, stride, padding, H, W)
        try:
            got = tuple(int(v) for v in conv_counts(C_in, C_out, k, stride, padding, H, W))
        except Exception as exc:  # noqa: BLE001 - the student's code: report, don't crash
            got = f"an error: {type(exc).__name__}: {exc}"
        case = f"conv_counts({C_in}, {C_out}, {k}, {stride}, {padding}, {H}, {W})"
        if got != expected:
            return check_answer(
                "6.3 a function for any layer", f"{case} gave {got}", f"{case} gave {expected}",
                hint=f"For {case} torch counts {expected[0]} parameters and {expected[1]} multiply-adds.",
            )
    return check_answer("6.3 a function for any layer", True, True)
