"""Small plotting helpers every lesson shares (matplotlib only, no ipympl).

Lesson-specific figures live in the lesson's own module; these are the two
shapes that recur: a row of images, and a small matrix with its numbers.
"""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["show_images", "show_matrix", "figure_png"]


def show_images(images, titles=None, cmap="gray", ncols=None, size=2.6, vmin=None, vmax=None):
    """Show images side by side; returns the figure.

    ``images`` is a list of (H, W) or (H, W, 3) arrays. Grey images use
    ``cmap``; pass ``vmin``/``vmax`` to share one scale (default: each image
    its own range).
    """
    images = list(images)
    n = len(images)
    if n == 0:
        raise ValueError("show_images: images is empty")
    ncols = min(n, ncols or n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, img in enumerate(images):
        ax = axes.flat[i]
        img = np.asarray(img)
        if img.ndim == 3:
            ax.imshow(np.clip(img, 0, 1))
        else:
            ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(titles[i], fontsize=10)
    fig.tight_layout()
    return fig


def show_matrix(a, ax=None, title=None, fmt="{:g}", cmap="Blues", highlight=None, fontsize=None):
    """Draw a small 2-D array as a grid with its numbers written in the cells.

    ``highlight`` is an optional ``(row0, col0, rows, cols)`` rectangle to
    outline (a kernel window, say). Returns the axes.
    """
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"show_matrix: a must be 2-D; got shape {a.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * a.shape[1] + 0.6, 0.5 * a.shape[0] + 0.6))
    ax.imshow(a, cmap=cmap)
    lo, hi = float(a.min()), float(a.max())
    mid = (lo + hi) / 2
    fs = fontsize or (10 if max(a.shape) <= 8 else 7)
    for (r, c), v in np.ndenumerate(a):
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=fs, color="white" if v > mid and hi > lo else "black")
    if highlight is not None:
        r0, c0, h, w = highlight
        ax.add_patch(plt.Rectangle((c0 - 0.5, r0 - 0.5), w, h, fill=False, edgecolor="red", linewidth=2.5))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def figure_png(fig, dpi=80) -> bytes:
    """Render a figure to PNG bytes (what widgets put into an ``ipywidgets.Image``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
