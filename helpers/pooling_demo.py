"""The measurements and bookkeeping behind lesson 05 (pooling).

Plain functions, no widgets:

- :func:`pool_windows` lists every pooling window (which input rows and
  columns it covers, torch's divisor for average pooling), and
  :func:`check_pool_settings` turns impossible settings into one plain
  sentence (the pooling explorer shows both);
- :func:`edge_map` makes a real feature map (Sobel edge filter + ReLU) and
  :func:`translation_table` measures how much feature maps and pooled maps
  change when the photo moves by a few pixels (the lecture's first claim);
- :func:`adaptive_windows` and :func:`variable_size_table` show adaptive and
  global pooling giving one output size for inputs of many sizes (the
  lecture's second claim);
- :func:`show_pool_windows` draws an input with its windows coloured next to
  the pooled output.

Shapes: feature maps are (H, W); pooled maps (H_out, W_out). Introduced in
lesson 05.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .ops import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, conv2d, max_pool2d, relu

__all__ = [
    "SOBEL_X",
    "PoolWindow",
    "check_pool_settings",
    "pool_windows",
    "edge_map",
    "shifted_crop",
    "relative_change",
    "POOLERS",
    "translation_table",
    "aligned_change",
    "adaptive_windows",
    "variable_size_table",
    "show_pool_windows",
]

#: The horizontal Sobel edge filter (lesson 02) used to make real feature maps.
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def _pair(value, name, fn, minimum):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value), int(value))
    if not (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        raise TypeError(f"{fn}: {name} must be an int or a pair of ints; got {value!r}")
    if min(value) < minimum:
        raise ValueError(f"{fn}: {name} must be at least {minimum}; got {tuple(value)}")
    return int(value[0]), int(value[1])


def _axis_size(L, k, s, p, ceil_mode):
    """torch's pooled size along one axis, or None when no window fits.

    floor((L + 2p - k) / s) + 1, or ceil(...) + 1 with ``ceil_mode``, where a
    last window starting in the right padding is dropped (as torch; with
    ceil_mode torch even accepts a kernel a little larger than the input).
    """
    n = (L + 2 * p - k + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= L + p:
        n -= 1
    return n if n >= 1 else None


def check_pool_settings(input_hw, kernel_size, stride=None, padding=0, ceil_mode=False) -> str:
    """Why these pooling settings cannot work, in one plain sentence, or ``""``.

    The same settings make ``torch.nn.functional.max_pool2d`` (and
    ``avg_pool2d``) raise exactly when this returns a sentence.

    >>> check_pool_settings((4, 4), 2)
    ''
    >>> check_pool_settings((4, 4), 2, padding=2)[:40]
    'padding 2 is more than half the kernel 2'
    """
    fn = "check_pool_settings"
    H, W = _pair(input_hw, "input_hw", fn, 1)
    kH, kW = _pair(kernel_size, "kernel_size", fn, 1)
    sH, sW = (kH, kW) if stride is None else _pair(stride, "stride", fn, 1)
    pH, pW = _pair(padding, "padding", fn, 0)
    for p, k in ((pH, kH), (pW, kW)):
        if p > k // 2:
            return (f"padding {p} is more than half the kernel {k} (padding must be at most {k // 2}): "
                    "some windows would hold only padding, so PyTorch refuses these settings.")
    for L, k, s, p, axis in ((H, kH, sH, pH, "height"), (W, kW, sW, pW, "width")):
        if _axis_size(L, k, s, p, ceil_mode) is None:
            return (f"the kernel {k} does not fit in the padded input ({axis} {L} + 2×{p} = {L + 2 * p}): "
                    "no window fits, so there is no output.")
    return ""


class PoolWindow(NamedTuple):
    """One pooling window: output position, the input rows and columns it
    covers (input coordinates: negative or >= H means padding or beyond),
    and torch's average-pooling divisor (count_include_pad=True)."""

    step: int
    out_row: int
    out_col: int
    rows: range
    cols: range
    divisor: int


def pool_windows(input_hw, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Every window of a 2-D pooling, in reading order (the explorer's steps).

    Args:
        input_hw: (H, W).
        kernel_size, stride, padding, ceil_mode: as in ``F.max_pool2d``.

    Returns:
        list of :class:`PoolWindow`, H_out * W_out of them. A ceil_mode window
        may reach past the padding; those cells are simply ignored. The
        divisor is what ``F.avg_pool2d`` divides the window sum by with its
        default ``count_include_pad=True``: the window clipped to the padded
        input.

    Raises:
        ValueError: with :func:`check_pool_settings`'s sentence.

    >>> [tuple(w.rows) for w in pool_windows((4, 4), 2)][:2]
    [(0, 1), (0, 1)]
    """
    message = check_pool_settings(input_hw, kernel_size, stride, padding, ceil_mode)
    if message:
        raise ValueError(f"pool_windows: {message}")
    H, W = _pair(input_hw, "input_hw", "pool_windows", 1)
    kH, kW = _pair(kernel_size, "kernel_size", "pool_windows", 1)
    sH, sW = (kH, kW) if stride is None else _pair(stride, "stride", "pool_windows", 1)
    pH, pW = _pair(padding, "padding", "pool_windows", 0)
    H_out, W_out = _axis_size(H, kH, sH, pH, ceil_mode), _axis_size(W, kW, sW, pW, ceil_mode)
    out = []
    for i in range(H_out):
        r0 = i * sH - pH
        for j in range(W_out):
            c0 = j * sW - pW
            divisor = (min(r0 + kH, H + pH) - r0) * (min(c0 + kW, W + pW) - c0)
            out.append(PoolWindow(i * W_out + j, i, j, range(r0, r0 + kH), range(c0, c0 + kW), divisor))
    return out


# --- the lecture's first claim: small translations -------------------------------------------

def edge_map(image):
    """A real feature map: ``relu(conv2d(image, SOBEL_X))``, (H, W) -> (H-2, W-2)."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"edge_map: image must be a grey (H, W) array; got shape {image.shape}")
    return relu(conv2d(image[None, None], SOBEL_X[None, None]))[0, 0]


def shifted_crop(image, size, shift, origin=(16, 16)):
    """The ``size`` x ``size`` crop at ``origin`` of a scene that moved ``shift``
    = (dy, dx) pixels down and right: the camera moves, no zeros fill in."""
    dy, dx = shift
    r, c = origin[0] - dy, origin[1] - dx
    H, W = np.shape(image)[:2]
    if r < 0 or c < 0 or r + size > H or c + size > W:
        raise ValueError(f"shifted_crop: a {size}x{size} crop at {origin} shifted by {shift} leaves the {H}x{W} image")
    return np.asarray(image)[r:r + size, c:c + size]


def relative_change(new, old):
    """``||new - old|| / ||old||`` (0: unchanged; about 1.4: unrelated maps of equal energy)."""
    new, old = np.asarray(new, dtype=np.float64), np.asarray(old, dtype=np.float64)
    if new.shape != old.shape:
        raise ValueError(f"relative_change: shapes differ: {new.shape} and {old.shape}")
    return float(np.linalg.norm(new - old) / np.linalg.norm(old))


def _blur_pool(f):
    """Anti-aliased max pooling (Zhang 2019): dense 2x2 max, blur, then keep every 2nd pixel."""
    blur = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16.0
    return conv2d(max_pool2d(f[None, None], 2, stride=1), blur[None, None], stride=2, padding=1)[0, 0]


#: What the translation table compares: name -> function of an (H, W) feature map.
POOLERS = {
    "feature map": lambda f: f,
    "every 2nd pixel": lambda f: f[::2, ::2],
    "avg pool 2x2": lambda f: avg_pool2d(f[None], 2)[0],
    "max pool 2x2": lambda f: max_pool2d(f[None], 2)[0],
    "max 2x2 + blur": _blur_pool,
    "max pool 4x4": lambda f: max_pool2d(f[None], 4)[0],
    "global max": lambda f: f.max(keepdims=True),
}


def translation_table(images, shifts=range(5), size=128, direction=(0, 1), poolers=None):
    """Mean relative change of each pooled map when the scene moves.

    For each image and shift ``s``, the crop moved by ``s * direction`` is
    filtered (:func:`edge_map`) and pooled; its :func:`relative_change` to
    the unmoved crop's map, at the same positions, is averaged over images.

    Returns:
        dict: ``"shift"`` -> list of shifts, then one list per pooler name
        (see :data:`POOLERS`), same order.
    """
    poolers = POOLERS if poolers is None else poolers
    shifts = list(shifts)
    table = {"shift": shifts, **{name: [] for name in poolers}}
    base = [{name: p(edge_map(shifted_crop(im, size, (0, 0)))) for name, p in poolers.items()} for im in images]
    for s in shifts:
        moved = [edge_map(shifted_crop(im, size, (s * direction[0], s * direction[1]))) for im in images]
        for name, p in poolers.items():
            table[name].append(float(np.mean([relative_change(p(f), b[name]) for f, b in zip(moved, base)])))
    return table


def aligned_change(new, old, shift, stride=2):
    """Relative change of pooled maps after moving ``new`` back by whole
    output cells: the best of ``floor`` and ``ceil`` of ``shift / stride``
    cells, along the width. 0 means the pooled map just moved along."""
    best = np.inf
    for m in sorted({shift // stride, -(-shift // stride)}):
        a, b = (new[:, m:], old[:, :old.shape[1] - m]) if m else (new, old)
        best = min(best, relative_change(a, b))
    return best


# --- the lecture's second claim: inputs of any size -------------------------------------------

def adaptive_windows(L, n_out):
    """torch's adaptive pooling windows along one axis: a list of ranges,
    window ``i`` = ``floor(i*L/n_out) .. ceil((i+1)*L/n_out) - 1``."""
    if L < 1 or n_out < 1:
        raise ValueError(f"adaptive_windows: L and n_out must be positive; got {L}, {n_out}")
    return [range(i * L // n_out, -(-(i + 1) * L // n_out)) for i in range(n_out)]


def variable_size_table(images, output_size=(2, 2)):
    """Rows ``(input shape, adaptive avg shape, adaptive max shape, global shape)``
    for (C, H, W) arrays of any size: every output has the same H_out, W_out."""
    rows = []
    for x in images:
        x = np.asarray(x)
        rows.append((x.shape, adaptive_avg_pool2d(x, output_size).shape,
                     adaptive_max_pool2d(x, output_size).shape, adaptive_avg_pool2d(x, 1).shape))
    return rows


# --- a picture ----------------------------------------------------------------------------------

_COLOURS = ["#e74c3c", "#3498db", "#2ecc71", "#f39c12", "#9b59b6", "#1abc9c", "#e67e22", "#34495e", "#ff69b4"]


def show_pool_windows(x, kernel_size=2, stride=None, mode="max", fmt="{:g}"):
    """Draw a small (H, W) input with each pooling window coloured, and the
    pooled output with each number in its window's colour (max: the picked
    element is circled). Non-overlapping windows only. Returns the figure."""
    import matplotlib.pyplot as plt

    x = np.asarray(x, dtype=np.float64)
    windows = pool_windows(x.shape, kernel_size, stride)
    k = _pair(kernel_size, "kernel_size", "show_pool_windows", 1)
    s = k if stride is None else _pair(stride, "stride", "show_pool_windows", 1)
    if s[0] < k[0] or s[1] < k[1]:
        raise ValueError("show_pool_windows: windows overlap (stride < kernel_size); use the pooling explorer")
    if mode == "max":
        out, idx = max_pool2d(x[None], kernel_size, stride, return_indices=True)
        out, idx = out[0], idx[0]
    elif mode == "avg":
        out, idx = avg_pool2d(x[None], kernel_size, stride)[0], None
    else:
        raise ValueError(f"show_pool_windows: mode must be 'max' or 'avg'; got {mode!r}")
    H, W = x.shape
    fig, axes = plt.subplots(1, 2, figsize=(0.5 * (W + out.shape[1]) + 2.2, 0.5 * H + 0.8),
                             gridspec_kw={"width_ratios": [W, out.shape[1]]})
    for ax, a in ((axes[0], x), (axes[1], out)):
        ax.set_xlim(-0.5, a.shape[1] - 0.5)
        ax.set_ylim(a.shape[0] - 0.5, -0.5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    for w in windows:
        colour = _COLOURS[w.step % len(_COLOURS)]
        axes[0].add_patch(plt.Rectangle((w.cols[0] - 0.5, w.rows[0] - 0.5), len(w.cols), len(w.rows),
                                        facecolor=colour, alpha=0.25, edgecolor=colour, linewidth=2))
        axes[1].add_patch(plt.Rectangle((w.out_col - 0.5, w.out_row - 0.5), 1, 1, facecolor=colour, alpha=0.25,
                                        edgecolor=colour, linewidth=2))
        axes[1].text(w.out_col, w.out_row, fmt.format(out[w.out_row, w.out_col]), ha="center", va="center",
                     fontsize=13, color=colour, fontweight="bold")
        if idx is not None:
            r, c = divmod(int(idx[w.out_row, w.out_col]), W)
            axes[0].add_patch(plt.Circle((c, r), 0.38, fill=False, edgecolor=colour, linewidth=2))
    for (r, c), v in np.ndenumerate(x):
        axes[0].text(c, r, fmt.format(v), ha="center", va="center", fontsize=12)
    axes[0].set_title(f"input {H}×{W}", fontsize=10)
    axes[1].set_title(f"{mode} pool {k[0]}×{k[1]}, stride {s[0]}", fontsize=10)
    fig.tight_layout()
    return fig
