"""One output of a convolution, explained step by step (lesson 03).

The lesson follows the lecture's two worked examples: the window of the
zero-padded input under the kernel, the element-wise products, their sum (one
sum per input channel for a colour image, then the bias), and finally the
difference between cross-correlation (what ``torch.nn.functional.conv2d`` and
:func:`helpers.ops.conv2d` compute) and convolution (the kernel flipped).

Shapes (C input channels, H, W input size, kH, kW kernel size)::

    input   (H, W)  or (C, H, W)
    weight  (kH, kW) or (C, kH, kW)     one kernel per input channel
    output position (i, j): 0 <= i < H_out, 0 <= j < W_out, with
    H_out = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1

>>> import numpy as np
>>> from helpers.lecture import GREY_IMAGE, SHARPEN
>>> int(partial_sums(GREY_IMAGE, SHARPEN, 0, 0, padding=1).sum())
114
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "window",
    "products",
    "partial_sums",
    "output_value",
    "step_figure",
    "flip",
    "correlate2d",
    "convolve2d",
    "flip_figure",
    "speed_figure",
]


def _array(x, name, fn):
    try:
        a = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy accepts almost anything
        raise TypeError(f"{fn}: {name} must be an array of numbers; got {type(x).__name__}") from exc
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{fn}: {name} must be an array of numbers; got dtype {a.dtype}")
    return a


def _int(v, name, fn, minimum):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int; got {v!r}")
    if v < minimum:
        raise ValueError(f"{fn}: {name} must be at least {minimum}; got {v}")
    return int(v)


def _as_channels(input, weight, fn):
    """(H, W)/(C, H, W) input and (kH, kW)/(C, kH, kW) weight -> both 3-D, checked."""
    x = _array(input, "input", fn)
    w = _array(weight, "weight", fn)
    if x.ndim not in (2, 3):
        raise ValueError(f"{fn}: input must be (H, W) or (C, H, W); got shape {x.shape}")
    if w.ndim not in (2, 3):
        raise ValueError(f"{fn}: weight must be (kH, kW) or (C, kH, kW); got shape {w.shape}")
    x3 = x[None] if x.ndim == 2 else x
    w3 = w[None] if w.ndim == 2 else w
    if x3.shape[0] != w3.shape[0]:
        raise ValueError(
            f"{fn}: weight must have one kernel per input channel: input has {x3.shape[0]} channel(s) "
            f"(shape {x.shape}), weight has {w3.shape[0]} (shape {w.shape})"
        )
    return x3, w3


def _window3(x3, i, j, kernel_size, padding, stride, dilation, fn):
    """The (C, kH, kW) window of the zero-padded (C, H, W) input at output (i, j)."""
    padding = _int(padding, "padding", fn, 0)
    stride = _int(stride, "stride", fn, 1)
    dilation = _int(dilation, "dilation", fn, 1)
    kH, kW = kernel_size
    C, H, W = x3.shape
    H_out = (H + 2 * padding - dilation * (kH - 1) - 1) // stride + 1
    W_out = (W + 2 * padding - dilation * (kW - 1) - 1) // stride + 1
    if H_out < 1 or W_out < 1:
        raise ValueError(
            f"{fn}: the {kH}x{kW} kernel (dilation {dilation}) does not fit in the {H}x{W} input "
            f"padded by {padding}"
        )
    for name, v, n in (("i", i, H_out), ("j", j, W_out)):
        _int(v, name, fn, 0)
        if v >= n:
            raise ValueError(f"{fn}: {name} must be below {n} (the output is {H_out}x{W_out}); got {v}")
    xp = np.pad(x3, ((0, 0), (padding, padding), (padding, padding)))
    r, c = i * stride, j * stride
    return xp[:, r:r + dilation * (kH - 1) + 1:dilation, c:c + dilation * (kW - 1) + 1:dilation]


def window(input, i, j, kernel_size, padding=0, stride=1, dilation=1):
    """The part of the zero-padded input that the kernel covers for output (i, j).

    Args:
        input: (H, W) or (C, H, W).
        i, j: the output position (row, column).
        kernel_size: ``k`` or ``(kH, kW)``.
        padding, stride, dilation: ints, as in ``torch.nn.functional.conv2d``.

    Returns:
        (kH, kW) for (H, W) input, (C, kH, kW) for (C, H, W) input; a copy.

    >>> window(np.arange(9).reshape(3, 3), 0, 0, 3, padding=1)
    array([[0, 0, 0],
           [0, 0, 1],
           [0, 3, 4]])
    """
    fn = "window"
    x = _array(input, "input", fn)
    if x.ndim not in (2, 3):
        raise ValueError(f"{fn}: input must be (H, W) or (C, H, W); got shape {x.shape}")
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) == 2:
        kH, kW = (_int(k, "kernel_size", fn, 1) for k in kernel_size)
    else:
        kH = kW = _int(kernel_size, "kernel_size", fn, 1)
    win = _window3(x[None] if x.ndim == 2 else x, i, j, (kH, kW), padding, stride, dilation, fn)
    return (win[0] if x.ndim == 2 else win).copy()


def products(input, weight, i, j, padding=0, stride=1, dilation=1):
    """Element-wise products of the window at output (i, j) with the kernel.

    Args:
        input: (H, W) or (C, H, W).
        weight: (kH, kW) for (H, W) input, (C, kH, kW) for (C, H, W) input.
        i, j, padding, stride, dilation: as for :func:`window`.

    Returns:
        (kH, kW) or (C, kH, kW): ``window * weight`` (integers stay integers).

    >>> products(np.ones((3, 3)), np.arange(9).reshape(3, 3), 0, 0).sum()
    np.float64(36.0)
    """
    fn = "products"
    x3, w3 = _as_channels(input, weight, fn)
    p = _window3(x3, i, j, w3.shape[1:], padding, stride, dilation, fn) * w3
    return p[0] if np.ndim(weight) == 2 and np.ndim(input) == 2 else p


def partial_sums(input, weight, i, j, padding=0, stride=1, dilation=1):
    """One sum of products per input channel at output (i, j): shape (C,).

    The lecture's RGB example: the three partial sums 308, -498 and 164; the
    output is their total plus the bias (:func:`output_value`). A (H, W)
    input counts as one channel, so the result has shape (1,).
    """
    fn = "partial_sums"
    x3, w3 = _as_channels(input, weight, fn)
    p = _window3(x3, i, j, w3.shape[1:], padding, stride, dilation, fn) * w3
    return p.sum(axis=(1, 2))


def output_value(input, weight, i, j, bias=0, padding=0, stride=1, dilation=1):
    """The output at (i, j): the sum of :func:`partial_sums` plus ``bias`` (a number)."""
    if not isinstance(bias, numbers.Real):
        raise TypeError(f"output_value: bias must be a number; got {bias!r}")
    return partial_sums(input, weight, i, j, padding, stride, dilation).sum() + bias


def step_figure(input, weight, i, j, padding=0, stride=1, bias=None, channel_names=None):
    """A figure of one output position: for every channel, the padded input
    with the window outlined, the kernel, and the products with their sum.

    Args:
        input: (H, W) or (C, H, W); weight: (kH, kW) or (C, kH, kW).
        i, j, padding, stride: as for :func:`window`.
        bias: a number added to the total (shown in the title) or None.
        channel_names: optional list of C names ("red", ...).

    Returns:
        The matplotlib figure (C rows, 3 columns).
    """
    import matplotlib.pyplot as plt

    from .plot import show_matrix

    fn = "step_figure"
    x3, w3 = _as_channels(input, weight, fn)
    C, (kH, kW) = x3.shape[0], w3.shape[1:]
    prods = _window3(x3, i, j, (kH, kW), padding, stride, 1, fn) * w3
    padded = np.pad(x3, ((0, 0), (padding, padding), (padding, padding)))
    names = channel_names or ([""] if C == 1 else [f"channel {c}" for c in range(C)])
    width = 0.42 * (padded.shape[2] + 2 * kW) + 1.6
    fig, axes = plt.subplots(C, 3, figsize=(width, 0.42 * max(padded.shape[1], kH) * C + 0.5 * C + 0.4),
                             squeeze=False, gridspec_kw={"width_ratios": [padded.shape[2], kW, kW]})
    for c in range(C):
        name = (names[c] + ": ") if names[c] else ""
        show_matrix(padded[c], ax=axes[c, 0], highlight=(i * stride, j * stride, kH, kW),
                    title=f"{name}padded input", fontsize=8)
        _signed(show_matrix(w3[c], ax=axes[c, 1], title="kernel", fontsize=8), w3[c])
        _signed(show_matrix(prods[c], ax=axes[c, 2], title=f"products, sum = {prods[c].sum():g}", fontsize=8), prods[c])
    total = prods.sum()
    title = f"output ({i}, {j}) = {total:g}"
    if bias is not None:
        title = f"output ({i}, {j}) = {total:g} + bias {bias:g} = {total + bias:g}"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def _signed(ax, a):
    """Recolour a ``show_matrix`` panel of signed numbers: 0 white, negative
    blue, positive red, light enough for black numbers."""
    m = float(np.abs(a).max()) or 1.0
    ax.images[0].set_cmap("coolwarm")
    ax.images[0].set_clim(-m, m)
    ax.images[0].set_alpha(0.6)
    for t in ax.texts:
        t.set_color("black")
    return ax


def flip(kernel):
    """Rotate a kernel by 180 degrees (flip rows and columns): (..., kH, kW) -> same shape.

    True convolution is cross-correlation with the flipped kernel.
    """
    k = _array(kernel, "kernel", "flip")
    if k.ndim < 2:
        raise ValueError(f"flip: kernel must have at least 2 dimensions (kH, kW); got shape {k.shape}")
    return k[..., ::-1, ::-1].copy()


def _image_kernel(image, kernel, padding, fn):
    img = _array(image, "image", fn)
    k = _array(kernel, "kernel", fn)
    if img.ndim != 2:
        raise ValueError(f"{fn}: image must be (H, W); got shape {img.shape}")
    if k.ndim != 2:
        raise ValueError(f"{fn}: kernel must be (kH, kW); got shape {k.shape}")
    _int(padding, "padding", fn, 0)
    return img, k


def correlate2d(image, kernel, padding=0):
    """Cross-correlation of one (H, W) image with one (kH, kW) kernel (no flip):
    what ``torch.nn.functional.conv2d`` computes. Returns (H_out, W_out).

    Same as ``scipy.signal.correlate2d(image, kernel, mode="valid")`` for
    ``padding=0``.
    """
    from .ops import conv2d

    img, k = _image_kernel(image, kernel, padding, "correlate2d")
    return conv2d(img[None, None], k[None, None], padding=padding)[0, 0]


def convolve2d(image, kernel, padding=0):
    """True convolution of one (H, W) image with one (kH, kW) kernel: correlation
    with the kernel flipped. Returns (H_out, W_out).

    Same as ``scipy.signal.convolve2d(image, kernel, mode="valid")`` for
    ``padding=0``.
    """
    from .ops import conv2d

    img, k = _image_kernel(image, kernel, padding, "convolve2d")
    return conv2d(img[None, None], flip(k)[None, None], padding=padding)[0, 0]


def flip_figure(kernel, size=7):
    """Correlation vs convolution on an impulse (a single 1 in the middle of a
    ``size`` x ``size`` image of zeros): correlation draws the (k, k) kernel,
    k odd, upside down, convolution draws it as it is. Returns the figure
    (4 panels)."""
    import matplotlib.pyplot as plt

    from .plot import show_matrix

    k = _array(kernel, "kernel", "flip_figure")
    if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] % 2 == 0:
        raise ValueError(f"flip_figure: kernel must be square with an odd size (k, k); got shape {k.shape}")
    size = _int(size, "size", "flip_figure", max(k.shape))
    impulse = np.zeros((size, size), dtype=k.dtype)
    impulse[size // 2, size // 2] = 1
    pad = k.shape[0] // 2
    panels = [(impulse, "input: an impulse"), (k, "kernel"),
              (correlate2d(impulse, k, pad), "correlation (torch)"), (convolve2d(impulse, k, pad), "convolution (flip)")]
    fig, axes = plt.subplots(1, 4, figsize=(10, 2.8), gridspec_kw={"width_ratios": [size, k.shape[1], size, size]})
    for ax, (a, title) in zip(axes, panels):
        _signed(show_matrix(a, ax=ax, title=title, fontsize=8), a)
    fig.tight_layout()
    return fig


def speed_figure(sizes, times):
    """Bar chart of run times (log scale): one group of bars per input size.

    Args:
        sizes: list of S labels (e.g. input sizes).
        times: dict ``{method name: list of S times in seconds}``.

    Returns:
        The figure. Used at the end of lesson 03 (loops -> im2col -> torch).
    """
    import matplotlib.pyplot as plt

    if not isinstance(times, dict) or not times:
        raise TypeError(f"speed_figure: times must be a non-empty dict {{name: [seconds, ...]}}; got {type(times).__name__}")
    sizes = list(sizes)
    for name, t in times.items():
        if len(t) != len(sizes):
            raise ValueError(f"speed_figure: times[{name!r}] has {len(t)} values for {len(sizes)} sizes")
    fig, ax = plt.subplots(figsize=(6.5, 3))
    width = 0.8 / len(times)
    x = np.arange(len(sizes))
    for k, (name, t) in enumerate(times.items()):
        ax.bar(x + (k - (len(times) - 1) / 2) * width, np.asarray(t) * 1e3, width, label=name)
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([str(s) for s in sizes])
    ax.set_ylabel("time (ms, log scale)")
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
