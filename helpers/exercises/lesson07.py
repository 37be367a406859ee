"""Exercise checkers of lesson 07 (CNN architectures).

Every expected answer is computed here with plain PyTorch (``nn.Conv2d``
layers built on the spot, autograd), independently of :mod:`helpers.models`
and :mod:`helpers.explain`, then compared by :func:`helpers.checks.check_answer`.
"""
from __future__ import annotations

import numpy as np

from ..checks import check_answer

__all__ = [
    "VGG_BLOCK",
    "SHORTCUT_CASE",
    "RF_STACK",
    "CE_CASE",
    "check_vgg_block_params",
    "check_shortcut_shape",
    "check_receptive_field",
    "check_cross_entropy_gradient",
]

#: Exercise 7.1: a VGG block of ``num_convs`` 3x3 convs (padding 1, with bias) from C_in to C_out channels.
VGG_BLOCK = {"num_convs": 3, "in_channels": 128, "out_channels": 256}
#: Exercise 7.2: the input of a residual block whose main path is conv 3x3 with this stride to out_channels.
SHORTCUT_CASE = {"input_shape": (8, 64, 56, 56), "out_channels": 128, "stride": 2}
#: Exercise 7.3: a stack of layers, (kind, kernel_size, stride, padding), in order.
RF_STACK = [("conv", 3, 1, 1), ("conv", 3, 1, 1), ("pool", 2, 2, 0), ("conv", 3, 1, 1), ("pool", 2, 2, 0), ("conv", 3, 1, 1)]
#: Exercise 7.4: logits of one image and its true class.
CE_CASE = {"logits": np.array([2.0, -1.0, 0.5, 0.0]), "target": 1}


def check_vgg_block_params(answer):
    """7.1: the number of parameters (weights and biases) of :data:`VGG_BLOCK`."""
    from torch import nn

    b = VGG_BLOCK
    convs = [nn.Conv2d(b["in_channels"] if i == 0 else b["out_channels"], b["out_channels"], 3, padding=1)
             for i in range(b["num_convs"])]
    expected = sum(p.numel() for c in convs for p in c.parameters())
    return check_answer(
        "7.1 parameters of a VGG block", answer, expected,
        hint="A conv layer has C_out * C_in * 3 * 3 weights and C_out biases. The first conv goes from C_in "
             "to C_out channels, the others from C_out to C_out. The max-pool has no parameters.",
    )


def check_shortcut_shape(answer):
    """7.2: the shape (N, C, H, W) the shortcut must output to be added to the main path of :data:`SHORTCUT_CASE`."""
    import torch
    from torch import nn

    c = SHORTCUT_CASE
    N, C_in, H, W = c["input_shape"]
    main = nn.Sequential(nn.Conv2d(C_in, c["out_channels"], 3, c["stride"], 1), nn.Conv2d(c["out_channels"], c["out_channels"], 3, 1, 1))
    with torch.no_grad():
        shape = tuple(main(torch.zeros(1, C_in, H, W)).shape)
    return check_answer(
        "7.2 the shape a shortcut must match", answer, (N,) + shape[1:],
        hint="The main path is a 3x3 conv with padding 1 and the given stride, then a 3x3 conv with stride 1: "
             "H_out = floor((H + 2 - 3) / stride) + 1. The shortcut (a 1x1 conv with the same stride) must give "
             "the same N, C_out, H_out, W_out.",
    )


def check_receptive_field(answer):
    """7.3: the side of the input window one unit of the last layer of :data:`RF_STACK` sees, found by autograd."""
    import torch
    from torch import nn

    layers = []
    for kind, k, s, p in RF_STACK:
        # average pooling: every pixel of the window gets gradient (max-pool sends it to one)
        layers.append(nn.Conv2d(1, 1, k, s, p, bias=False) if kind == "conv" else nn.AvgPool2d(k, s, p))
    net = nn.Sequential(*layers).double()
    with torch.no_grad():
        for layer in net:
            if isinstance(layer, nn.Conv2d):
                layer.weight.fill_(1.0)
    x = torch.ones(1, 1, 64, 64, dtype=torch.float64, requires_grad=True)
    out = net(x)
    (g,) = torch.autograd.grad(out[0, 0, out.shape[2] // 2, out.shape[3] // 2], x)
    rows = np.flatnonzero(g[0, 0].abs().sum(1).numpy())
    return check_answer(
        "7.3 receptive field", answer, int(rows.max() - rows.min() + 1),
        hint="Walk the layers in order, with r = 1 and j = 1 (the jump: input pixels between neighbouring units): "
             "each layer makes r = r + (kernel_size - 1) * j, then j = j * stride.",
    )


def check_cross_entropy_gradient(answer):
    """7.4: d(cross-entropy)/d(logits) for :data:`CE_CASE`: an array of 4 numbers."""
    import torch
    import torch.nn.functional as F

    z = torch.tensor(CE_CASE["logits"], requires_grad=True)
    (g,) = torch.autograd.grad(F.cross_entropy(z[None], torch.tensor([CE_CASE["target"]])), z)
    return check_answer(
        "7.4 the gradient of cross-entropy", answer, g.numpy(),
        hint="With p = softmax(z), the gradient of -log p_target with respect to z is p minus the one-hot "
             "vector of the target: p_k for every k, minus 1 at the true class.",
        rtol=1e-4, atol=1e-6,
    )
