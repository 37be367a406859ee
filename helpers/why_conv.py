"""Why convolution: its two savings (locality, weight sharing) counted, and its
translation equivariance measured (lesson 06).

Three layers map a (C_in, H, W) image to (C_out, H_out, W_out) feature maps:

- dense: every output unit has a weight for every input pixel;
- locally connected: every output unit sees only a kH x kW window (locality),
  but each position has its own weights (:class:`LocallyConnected2d`);
- convolution: the same kH x kW x C_in weights at every position (sharing).

>>> counts = parameter_counts((1, 28, 28), 8, 3, padding=1)
>>> counts["dense"], counts["locally connected"], counts["convolution"]
(4923520, 62720, 80)
"""
from __future__ import annotations

import numpy as np

from .ops.shape import conv_output_size

__all__ = ["parameter_counts", "LocallyConnected2d", "shift_mismatch"]


def parameter_counts(input_shape, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0) -> dict:
    """Weights + biases of a dense, a locally connected and a convolutional layer
    with the same input and output shapes (biases: one per output unit for the
    first two, one per channel for the convolution, as ``nn.Conv2d``).

    Args:
        input_shape: (C_in, H, W).
        out_channels, kernel_size, stride, padding: of the convolution; the
            other two layers produce its (C_out, H_out, W_out).

    Returns:
        ``{"dense": ..., "locally connected": ..., "convolution": ...,
        "output shape": (C_out, H_out, W_out)}``.
    """
    try:
        C_in, H, W = (int(d) for d in input_shape)
    except (TypeError, ValueError):
        raise TypeError(f"parameter_counts: input_shape must be (C_in, H, W); got {input_shape!r}") from None
    for name, v in (("out_channels", out_channels), ("kernel_size", kernel_size), ("stride", stride)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"parameter_counts: {name} must be a positive int; got {v!r}")
    H_out, W_out = conv_output_size((H, W), kernel_size, stride, padding)
    units = out_channels * H_out * W_out
    window = C_in * kernel_size * kernel_size
    return {
        "dense": units * C_in * H * W + units,
        "locally connected": units * window + units,
        "convolution": out_channels * window + out_channels,
        "output shape": (out_channels, H_out, W_out),
    }


def _torch_module():
    from torch import nn

    return nn.Module


class LocallyConnected2d(_torch_module()):
    """A convolution without weight sharing: each output position has its own
    (C_out, C_in * kH * kW) weights and its own bias (lesson 06).

    Input (N, C_in, H, W) -> output (N, C_out, H_out, W_out). Parameters:
    ``weight`` (H_out * W_out, C_out, C_in * k * k), ``bias`` (C_out, H_out, W_out).
    :meth:`from_conv` copies one ``nn.Conv2d`` to every position: the result
    then equals the convolution, which shows that sharing is the only difference.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, input_size, stride: int = 1,
                 padding: int = 0, seed=None):
        import torch
        from torch import nn

        super().__init__()
        H, W = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
        self.H_out, self.W_out = conv_output_size((H, W), kernel_size, stride, padding)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        g = torch.Generator().manual_seed(0 if seed is None else seed)
        fan_in = in_channels * kernel_size * kernel_size
        bound = 1.0 / fan_in ** 0.5
        positions = self.H_out * self.W_out
        self.weight = nn.Parameter((torch.rand(positions, out_channels, fan_in, generator=g) * 2 - 1) * bound)
        self.bias = nn.Parameter((torch.rand(out_channels, self.H_out, self.W_out, generator=g) * 2 - 1) * bound)

    @classmethod
    def from_conv(cls, conv, input_size):
        """The locally connected layer whose every position holds ``conv``'s weights and bias."""
        import torch

        k = conv.kernel_size[0]
        layer = cls(conv.in_channels, conv.out_channels, k, input_size, conv.stride[0], conv.padding[0])
        layer = layer.to(conv.weight.dtype)
        with torch.no_grad():
            layer.weight.copy_(conv.weight.reshape(conv.out_channels, -1).expand_as(layer.weight))
            bias = conv.bias if conv.bias is not None else torch.zeros(conv.out_channels, dtype=conv.weight.dtype)
            layer.bias.copy_(bias[:, None, None].expand_as(layer.bias))
        return layer

    def forward(self, x):
        import torch.nn.functional as F

        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"LocallyConnected2d: input must be (N, {self.in_channels}, H, W); got {tuple(x.shape)}")
        cols = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)  # (N, C_in*k*k, L)
        if cols.shape[-1] != self.H_out * self.W_out:
            raise ValueError(f"LocallyConnected2d: input size gives {cols.shape[-1]} positions; this layer was "
                             f"built for {self.H_out}x{self.W_out}")
        out = (cols.permute(2, 0, 1)[:, :, None, :] * self.weight[:, None]).sum(-1)  # (L, N, C_out)
        return out.permute(1, 2, 0).reshape(x.shape[0], self.out_channels, self.H_out, self.W_out) + self.bias


def shift_mismatch(f, image, k: int, border: int) -> float:
    """How far ``f`` is from commuting with a shift of ``k`` pixels (down and right).

    Computes ``f(shift(image))`` and ``shift(f(image))`` and returns the largest
    absolute difference between them, away from ``border`` pixels at each edge
    (where the shifted-in zeros and the padding differ). For a convolution it
    is 0 (equivariance).

    Args:
        f: maps a (N, C, H, W) array to a (N, C', H, W) array (same H, W).
        image: (N, C, H, W).
        k: the shift in pixels.
        border: pixels to ignore at each edge (at least ``k`` plus the kernel's reach).
    """
    from .data import shift

    image = np.asarray(image)
    if image.ndim != 4:
        raise ValueError(f"shift_mismatch: image must be (N, C, H, W); got shape {image.shape}")
    a = np.asarray(f(shift(image, k, k)))
    b = shift(np.asarray(f(image)), k, k)
    if a.shape != b.shape or a.shape[-2:] != image.shape[-2:]:
        raise ValueError(f"shift_mismatch: f must keep H and W {image.shape[-2:]}; got {a.shape}")
    inner = (..., slice(border, a.shape[-2] - border), slice(border, a.shape[-1] - border))
    return float(np.abs(a[inner] - b[inner]).max())
