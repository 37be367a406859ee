"""Where the kernel window goes: stride, padding and dilation as plain
functions (lesson 04, "Stride and padding").

For one spatial axis of size ``H``, kernel size ``k``, stride ``s``, padding
``p_before``/``p_after`` and dilation ``d``, output row ``i`` reads the padded
rows ``i*s + d*a`` for ``a = 0 .. k-1``, and there are::

    H_out = floor((H + p_before + p_after - d*(k - 1) - 1) / s) + 1

rows (``p_before = p_after = p`` gives torch's ``(H + 2p - d(k-1) - 1)``).
Coordinates of the *padded* input start at 0 in its top-left corner, so input
pixel ``(r, c)`` sits at padded ``(r + top, c + left)``.

``padding`` is whatever ``torch.nn.functional.conv2d`` takes: an int, a pair
``(pH, pW)``, ``"valid"`` (no padding) or ``"same"`` (stride 1 only; an even
total goes half before and half after, an odd one puts the extra zero after).

Everything here is NumPy; the explorer widget (``helpers.widgets.conv_explorer``)
draws what these functions compute, and the tests compare them with torch.
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

__all__ = [
    "Window",
    "resolve_padding",
    "check_settings",
    "output_size",
    "window_positions",
    "window_at",
    "visit_counts",
    "never_visited",
    "dilated_footprint",
    "formula_text",
    "draw_visits",
]


class Window(NamedTuple):
    """One step of the slide: output cell ``(out_row, out_col)`` reads padded
    rows ``rows`` (kH of them) times padded columns ``cols`` (kW)."""

    step: int
    out_row: int
    out_col: int
    rows: tuple
    cols: tuple


def _is_int(v) -> bool:
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_))


def _pair(value, name, fn, minimum):
    items = (value, value) if _is_int(value) else value
    if not (isinstance(items, (tuple, list)) and len(items) == 2 and all(_is_int(v) for v in items)):
        raise TypeError(f"{fn}: {name} must be an int or a pair of ints (h, w); got {value!r}")
    h, w = int(items[0]), int(items[1])
    if h < minimum or w < minimum:
        raise ValueError(f"{fn}: {name} must be at least {minimum}; got {value!r}")
    return h, w


def resolve_padding(padding, kernel_size, stride=1, dilation=1):
    """Padding as ``((top, bottom), (left, right))``, torch's rules.

    >>> resolve_padding(1, 3)
    ((1, 1), (1, 1))
    >>> resolve_padding("same", 4)            # even kernel: the extra zero goes after
    ((1, 2), (1, 2))
    """
    fn = "resolve_padding"
    (kH, kW), (dH, dW) = _pair(kernel_size, "kernel_size", fn, 1), _pair(dilation, "dilation", fn, 1)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if _pair(stride, "stride", fn, 1) != (1, 1):
                raise ValueError(f"{fn}: padding='same' needs stride 1 (as in torch); got stride={stride!r}")
            tH, tW = dH * (kH - 1), dW * (kW - 1)
            return ((tH // 2, tH - tH // 2), (tW // 2, tW - tW // 2))
        raise ValueError(f"{fn}: padding must be an int, a pair, 'same' or 'valid'; got {padding!r}")
    pH, pW = _pair(padding, "padding", fn, 0)
    return ((pH, pH), (pW, pW))


def _sentence(text):
    return text + "."


def check_settings(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """``None`` when a convolution with these settings has an output, else a
    plain sentence saying why not (what the explorer widget shows).

    >>> check_settings((7, 7), 3, stride=2) is None
    True
    >>> print(check_settings((2, 7), 3))
    No window fits: the kernel spans 3 rows (= 1·(3−1) + 1) but the padded input has only 2 (= 2 + 0 + 0). Use a smaller kernel or dilation, or more padding.
    """
    try:
        H, W = _pair(input_size, "input_size", "check_settings", 1)
        k = _pair(kernel_size, "kernel_size", "check_settings", 1)
        _pair(stride, "stride", "check_settings", 1)
        d = _pair(dilation, "dilation", "check_settings", 1)
    except (TypeError, ValueError) as exc:
        return _sentence(str(exc).removeprefix("check_settings: "))
    if padding == "same" and _pair(stride, "stride", "", 1) != (1, 1):
        return ("padding='same' needs stride 1: with stride s the output is about 1/s of the input, "
                "so it cannot keep the input's size (torch refuses it too). Set stride to 1 or pick another padding.")
    try:
        pads = resolve_padding(padding, k, 1, d)
    except (TypeError, ValueError) as exc:
        return _sentence(str(exc).removeprefix("resolve_padding: "))
    for L, kk, dd, (a, b), what in ((H, k[0], d[0], pads[0], "rows"), (W, k[1], d[1], pads[1], "columns")):
        span = dd * (kk - 1) + 1
        if span > L + a + b:
            return (f"No window fits: the kernel spans {span} {what} (= {dd}·({kk}−1) + 1) but the padded input "
                    f"has only {L + a + b} (= {L} + {a} + {b}). Use a smaller kernel or dilation, or more padding.")
    return None


def _settings(input_size, kernel_size, stride, padding, dilation, fn):
    H, W = _pair(input_size, "input_size", fn, 1)
    k, s, d = (_pair(v, n, fn, 1) for v, n in ((kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    try:
        pads = resolve_padding(padding, k, s, d)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("resolve_padding:", f"{fn}:")) from None
    message = check_settings(input_size, kernel_size, stride, padding, dilation)
    if message is not None:
        raise ValueError(f"{fn}: {message}")
    out = tuple((L + a + b - dd * (kk - 1) - 1) // ss + 1 for L, (a, b), kk, ss, dd in zip((H, W), pads, k, s, d))
    return (H, W), k, s, pads, d, out


def output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """``(H_out, W_out)`` for a convolution (any padding torch takes, 'same' included).

    Raises ValueError (with :func:`check_settings`' sentence) when no window fits.

    >>> output_size((7, 7), 3, stride=3)
    (2, 2)
    """
    return _settings(input_size, kernel_size, stride, padding, dilation, "output_size")[-1]


def window_positions(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Padded-input coordinates of every kernel tap of every window.

    Returns:
        int array of shape (H_out, W_out, kH, kW, 2): entry ``[i, j, a, b]`` is
        the padded ``(row, col) = (i*sH + dH*a, j*sW + dW*b)`` that kernel
        entry ``(a, b)`` multiplies when output ``(i, j)`` is computed.

    >>> window_positions((7, 7), 3, stride=2)[1, 2, 0, 0]    # output (1, 2) starts at padded (2, 4)
    array([2, 4])
    """
    _, (kH, kW), (sH, sW), _, (dH, dW), (H_out, W_out) = _settings(
        input_size, kernel_size, stride, padding, dilation, "window_positions")
    i, j, a, b = np.meshgrid(np.arange(H_out), np.arange(W_out), np.arange(kH), np.arange(kW), indexing="ij")
    return np.stack([i * sH + dH * a, j * sW + dW * b], axis=-1)


def window_at(step, input_size, kernel_size, stride=1, padding=0, dilation=1) -> Window:
    """The window of animation step ``step`` (output cells in reading order:
    ``step = out_row * W_out + out_col``).

    >>> window_at(4, (7, 7), 3, stride=2)
    Window(step=4, out_row=1, out_col=1, rows=(2, 3, 4), cols=(2, 3, 4))
    """
    _, (kH, kW), (sH, sW), _, (dH, dW), (H_out, W_out) = _settings(
        input_size, kernel_size, stride, padding, dilation, "window_at")
    if not _is_int(step) or not 0 <= step < H_out * W_out:
        raise ValueError(f"window_at: step must be an int in 0..{H_out * W_out - 1} (H_out·W_out = {H_out}·{W_out} steps); got {step!r}")
    i, j = divmod(int(step), W_out)
    return Window(int(step), i, j, tuple(i * sH + dH * a for a in range(kH)), tuple(j * sW + dW * b for b in range(kW)))


def visit_counts(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """How many kernel taps, over all windows, land on each input pixel.

    Returns an int array (H, W) (padding excluded). A 0 is a pixel that no
    window ever reads: the output does not depend on it at all.

    >>> visit_counts((7, 7), 3, stride=3)[6]                  # the last row is never read
    array([0, 0, 0, 0, 0, 0, 0])
    """
    (H, W), _, _, ((top, _), (left, _)), _, _ = _settings(
        input_size, kernel_size, stride, padding, dilation, "visit_counts")
    pos = window_positions(input_size, kernel_size, stride, padding, dilation).reshape(-1, 2)
    r, c = pos[:, 0] - top, pos[:, 1] - left
    inside = (r >= 0) & (r < H) & (c >= 0) & (c < W)
    counts = np.zeros((H, W), dtype=np.int64)
    np.add.at(counts, (r[inside], c[inside]), 1)
    return counts


def never_visited(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """The input pixels ``(row, col)`` that no window reads, in reading order.

    >>> len(never_visited((7, 7), 3, stride=3))
    13
    """
    counts = visit_counts(input_size, kernel_size, stride, padding, dilation)
    return [(int(r), int(c)) for r, c in np.argwhere(counts == 0)]


def dilated_footprint(kernel_size, dilation=1):
    """Where a dilated kernel's taps fall: a bool array of shape
    ``(dH*(kH-1) + 1, dW*(kW-1) + 1)``, True at the taps, False in the holes.

    >>> dilated_footprint(3, 2).astype(int)[0]
    array([1, 0, 1, 0, 1])
    """
    (kH, kW), (dH, dW) = _pair(kernel_size, "kernel_size", "dilated_footprint", 1), _pair(dilation, "dilation", "dilated_footprint", 1)
    out = np.zeros((dH * (kH - 1) + 1, dW * (kW - 1) + 1), dtype=bool)
    out[::dH, ::dW] = True
    return out


def _axis_text(name, L, k, s, a, b, d):
    pad = f"2·{a}" if a == b else f"{a} + {b}"
    span = L + a + b - d * (k - 1) - 1
    head = f"{name}_out = floor(({L} + {pad} − {d}·({k}−1) − 1)/{s}) + 1 = floor({span}/{s}) + 1 = {span // s + 1}"
    return head if span >= 0 else head + "  → no window fits"


def formula_text(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """The output-size formula with these numbers put in, one line per axis.

    Works for impossible settings too (the result is then below 1 and the line
    says so); raises ValueError only when an argument is not a valid value.

    >>> print(formula_text((7, 9), 3, stride=2))
    H_out = floor((7 + 2·0 − 1·(3−1) − 1)/2) + 1 = floor(4/2) + 1 = 3
    W_out = floor((9 + 2·0 − 1·(3−1) − 1)/2) + 1 = floor(6/2) + 1 = 4
    """
    fn = "formula_text"
    H, W = _pair(input_size, "input_size", fn, 1)
    k, s, d = (_pair(v, n, fn, 1) for v, n in ((kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    pads = resolve_padding(padding, k, 1 if padding == "same" else s, d)
    return "\n".join(_axis_text(n, L, kk, ss, a, b, dd) for n, L, kk, ss, (a, b), dd in zip("HW", (H, W), k, s, pads, d))


def draw_visits(input_size, kernel_size, stride=1, padding=0, dilation=1, ax=None, title=None, vmax=None):
    """Draw :func:`visit_counts` as a grid of numbers, never-visited pixels
    crossed out in red; returns the axes. ``vmax``: the count drawn darkest
    (default: this grid's largest), so panels that compare counts can share
    one colour scale from 0."""
    import matplotlib.pyplot as plt

    from .plot import show_matrix

    counts = visit_counts(input_size, kernel_size, stride, padding, dilation)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.4 * counts.shape[1] + 0.6, 0.4 * counts.shape[0] + 0.8))
    show_matrix(counts, ax=ax, cmap="Greens", fmt="{:d}")
    ax.images[0].set_clim(0, counts.max() if vmax is None else vmax)
    for text, value in zip(ax.texts, counts.ravel()):   # white numbers on the dark half of the shared scale
        text.set_color("white" if value > (counts.max() if vmax is None else vmax) / 2 else "black")
    for r, c in np.argwhere(counts == 0):
        ax.plot([c - 0.4, c + 0.4], [r - 0.4, r + 0.4], color="red", lw=1.5)
        ax.plot([c - 0.4, c + 0.4], [r + 0.4, r - 0.4], color="red", lw=1.5)
    H_out, W_out = output_size(input_size, kernel_size, stride, padding, dilation)
    ax.set_title(title or f"stride {stride}, padding {padding}: {H_out}×{W_out} out,\n"
                 f"{int((counts == 0).sum())} pixels never read", fontsize=9)
    return ax
