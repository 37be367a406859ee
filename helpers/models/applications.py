"""The small networks of lesson 08 (applications): each trains in seconds on a CPU.

- :func:`denoiser`: a residual DnCNN-style stack; it predicts the noise and
  subtracts it, (N, 1, H, W) -> (N, 1, H, W).
- :func:`super_resolver`: an ESPCN-style net; convolutions at low resolution,
  then ``PixelShuffle(2)``, added to the bicubic enlargement,
  (N, 1, H, W) -> (N, 1, 2H, 2W).
- :func:`inpainter`: dilated convolutions over (image with holes, hole mask),
  (N, 2, H, W) -> (N, 1, H, W); pixels outside the holes are passed through.
- :func:`small_unet`: a two-level U-Net for semantic segmentation,
  (N, 1, H, W) -> (N, K, H, W) class logits (H, W divisible by 4).
- :func:`centre_detector`: a fully convolutional detector at stride 2,
  (N, 1, H, W) -> (N, 3, H/2, W/2): a centre heat-map logit and the box's
  height and width in pixels.
- :func:`siamese_tracker`: a shared embedding correlated between a template
  and a search window (SiamFC-style); see :class:`SiameseTracker`.

Every builder takes ``seed`` (reproducible initial weights) and returns a
float32 ``torch.nn.Module`` (call ``.double()`` for portable float64 training).

>>> import torch
>>> net = denoiser(seed=0)
>>> tuple(net(torch.zeros(2, 1, 16, 16)).shape)
(2, 1, 16, 16)
"""
from __future__ import annotations

__all__ = [
    "denoiser",
    "super_resolver",
    "inpainter",
    "small_unet",
    "centre_detector",
    "siamese_tracker",
    "SiameseTracker",
]

import torch
from torch import nn
import torch.nn.functional as F


def _seed(seed):
    if seed is not None:
        torch.manual_seed(seed)


def _check_int(fn, name, value, low=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{fn}: {name} must be an int >= {low}; got {value!r}")


def _conv_stack(c_in, channels, layers, c_out, dilations=None):
    """conv(c_in->channels)+ReLU, (layers-2) x conv(channels->channels)+ReLU, conv(channels->c_out); 3x3, same size."""
    dilations = dilations or [1] * layers
    mods, c = [], c_in
    for i in range(layers - 1):
        d = dilations[i]
        mods += [nn.Conv2d(c, channels, 3, padding=d, dilation=d), nn.ReLU()]
        c = channels
    mods.append(nn.Conv2d(c, c_out, 3, padding=dilations[-1], dilation=dilations[-1]))
    return nn.Sequential(*mods)


class _Residual(nn.Module):
    """y = x - body(x): the body estimates the noise (DnCNN's residual learning)."""

    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x - self.body(x)


def denoiser(channels: int = 8, layers: int = 4, seed=None) -> nn.Module:
    """A DnCNN-style residual denoiser: (N, 1, H, W) noisy -> (N, 1, H, W) clean estimate.

    ``layers`` 3x3 convolutions (ReLU between) predict the noise, which is
    subtracted from the input. Receptive field: 2 * layers + 1 pixels.
    """
    _check_int("denoiser", "channels", channels)
    _check_int("denoiser", "layers", layers, 2)
    _seed(seed)
    return _Residual(_conv_stack(1, channels, layers, 1))


class _SubPixel(nn.Module):
    def __init__(self, channels, scale):
        super().__init__()
        self.scale = scale
        self.body = nn.Sequential(
            nn.Conv2d(1, channels, 5, padding=2), nn.Tanh(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.Tanh(),
            nn.Conv2d(channels, scale * scale, 3, padding=1),
            nn.PixelShuffle(scale),
        )

    def forward(self, x):
        up = F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
        return up + self.body(x)


def super_resolver(channels: int = 16, scale: int = 2, seed=None) -> nn.Module:
    """ESPCN-style super-resolution: (N, 1, H, W) -> (N, 1, scale*H, scale*W).

    Three convolutions work at the LOW resolution and output scale**2
    channels; ``nn.PixelShuffle(scale)`` rearranges them into a
    (scale*H, scale*W) image of details added to the bicubic enlargement
    (``F.interpolate(mode="bicubic")``), so the untrained net starts near bicubic.
    """
    _check_int("super_resolver", "channels", channels)
    _check_int("super_resolver", "scale", scale, 2)
    _seed(seed)
    return _SubPixel(channels, scale)


class _Inpaint(nn.Module):
    def __init__(self, channels, dilations, sigma=2.0):
        super().__init__()
        r = int(2 * sigma)
        g = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * sigma ** 2))
        self.register_buffer("smooth", (g[:, None] * g[None, :])[None, None])
        self.body = _conv_stack(2, channels, len(dilations), 1, dilations)

    def fill(self, image, holes):
        """Normalised convolution: a Gaussian average of the known pixels around each hole pixel."""
        known = 1 - holes
        pad = self.smooth.shape[-1] // 2
        num = F.conv2d(image * known, self.smooth, padding=pad)
        den = F.conv2d(known, self.smooth, padding=pad)
        return image * known + holes * num / den.clamp_min(1e-6)

    def forward(self, x):
        image, holes = x[:, :1], x[:, 1:2]
        start = self.fill(image, holes)
        return start + self.body(torch.cat([start, holes], dim=1)) * holes


def inpainter(channels: int = 12, dilations=(1, 2, 4, 8, 1), seed=None) -> nn.Module:
    """Inpainting: (N, 2, H, W) = (image with holes set to 0, hole mask 1/0) -> (N, 1, H, W).

    A first guess fills each hole pixel with a Gaussian average (sigma 2 px)
    of the known pixels around it (normalised convolution, :meth:`fill`);
    dilated 3x3 convolutions (receptive field 1 + 2 * sum(dilations) pixels)
    then correct the guess inside the holes. Known pixels are copied from the input.
    """
    _check_int("inpainter", "channels", channels)
    if not (isinstance(dilations, (tuple, list)) and len(dilations) >= 2
            and all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in dilations)):
        raise ValueError(f"inpainter: dilations must be a tuple of >= 2 positive ints; got {dilations!r}")
    _seed(seed)
    return _Inpaint(channels, list(dilations))


def _block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU())


class _UNet(nn.Module):
    def __init__(self, c, num_classes):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.ReLU())
        self.enc2, self.mid = _block(c, 2 * c), _block(2 * c, 4 * c)
        self.up2, self.dec2 = nn.ConvTranspose2d(4 * c, 2 * c, 2, stride=2), _block(4 * c, 2 * c)
        self.up1 = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec1 = nn.Sequential(nn.Conv2d(2 * c, c, 3, padding=1), nn.ReLU())
        self.head = nn.Conv2d(c, num_classes, 1)

    def forward(self, x):
        if x.shape[-1] % 4 or x.shape[-2] % 4:
            raise ValueError(f"small_unet: H and W must be divisible by 4; got input of shape {tuple(x.shape)}")
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        m = self.mid(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
        return self.head(d1)


def small_unet(num_classes: int = 4, channels: int = 8, seed=None) -> nn.Module:
    """A two-level U-Net: (N, 1, H, W) -> (N, num_classes, H, W) logits.

    Encoder: one 3x3 conv + ReLU at H (``channels`` maps), then blocks of two
    3x3 conv + ReLU at H/2 and H/4 (2*channels, 4*channels) after 2x2 max
    pooling; the decoder upsamples with 2x2 transposed convolutions and
    concatenates the encoder's maps of the same size (the skip connections
    that give U-Net its sharp boundaries). Full resolution gets one
    convolution on each side only: that is where float64 training spends its time.
    """
    _check_int("small_unet", "num_classes", num_classes, 2)
    _check_int("small_unet", "channels", channels)
    _seed(seed)
    return _UNet(channels, num_classes)


def centre_detector(channels: int = 12, box_size: float = 10.0, seed=None) -> nn.Module:
    """A CenterNet-style detector: (N, 1, H, W) -> (N, 3, H/2, W/2).

    Channel 0 is the logit that an object's centre lies in the cell, channels
    1 and 2 its box height and width in pixels (read where the heat map
    peaks). One stride-2 convolution, then dilated 3x3 convolutions
    (receptive field 37 input pixels). The last layer's bias starts at a
    centre probability of 0.1 and boxes of ``box_size`` pixels.
    """
    _check_int("centre_detector", "channels", channels)
    _seed(seed)
    c = channels
    net = nn.Sequential(
        nn.Conv2d(1, c, 3, padding=1), nn.ReLU(),
        nn.Conv2d(c, c, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(c, c, 3, padding=2, dilation=2), nn.ReLU(),
        nn.Conv2d(c, c, 3, padding=4, dilation=4), nn.ReLU(),
        nn.Conv2d(c, c, 3, padding=1), nn.ReLU(),
        nn.Conv2d(c, 3, 1),
    )
    with torch.no_grad():  # CenterNet's start: every cell says "centre" with probability 0.1
        net[-1].bias.copy_(torch.tensor([-2.19, box_size, box_size]))
    return net


class SiameseTracker(nn.Module):
    """Correlates an embedding of a template with the embedding of a search window.

    ``forward`` takes one tensor (N, 2, S, S): channel 0 is the search window,
    channel 1 holds the (T, T) template in its top-left corner (T =
    ``template_size``), the rest zeros (one tensor, so that
    :func:`helpers.train.fit` can train it). It returns (N, R*R) logits, R =
    S - T + 1: one per position of the template in the window, in row-major
    order, so a cross-entropy loss with the index of the true position trains it.
    :meth:`response` gives the (N, R, R) map for a search window and a template.
    """

    def __init__(self, channels, template_size):
        super().__init__()
        self.template_size = template_size
        self.embed = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        self.scale = nn.Parameter(torch.tensor(0.1))
        self.bias = nn.Parameter(torch.tensor(0.0))

    def response(self, search, template):
        """search (N, 1, S, S), template (N, 1, T, T) -> (N, R, R) logits."""
        N = search.shape[0]
        fs, ft = self.embed(search), self.embed(template)
        C = fs.shape[1]
        out = F.conv2d(fs.reshape(1, N * C, *fs.shape[-2:]), ft, groups=N)
        return self.scale * out[0] / ft[0].numel() + self.bias

    def forward(self, x):
        T = self.template_size
        if x.ndim != 4 or x.shape[1] != 2 or x.shape[-1] < T or x.shape[-2] != x.shape[-1]:
            raise ValueError(f"SiameseTracker: input must be (N, 2, S, S) with S >= {T}; got {tuple(x.shape)}")
        r = self.response(x[:, :1], x[:, 1:2, :T, :T])
        return r.reshape(r.shape[0], -1)


def siamese_tracker(template_size: int = 15, channels: int = 8, seed=None) -> SiameseTracker:
    """A :class:`SiameseTracker` with a three-layer 3x3 embedding of ``channels`` maps."""
    _check_int("siamese_tracker", "template_size", template_size)
    _check_int("siamese_tracker", "channels", channels)
    _seed(seed)
    return SiameseTracker(channels, template_size)
