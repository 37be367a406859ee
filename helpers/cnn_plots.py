"""Lesson 06's figures: a typical layer stage by stage, receptive fields on a
digit, and accuracy under shifts. Each is one call that returns the figure.

Signed maps (a convolution's output, a kernel) use a diverging colour map
centred at 0 (blue negative, red positive) with one symmetric scale per row;
non-negative maps (after ReLU or pooling) use grey from 0 to the row's maximum.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

__all__ = ["show_stages", "show_receptive_fields", "plot_shift_accuracy"]


def show_stages(stages, channel_names, size: float = 1.9):
    """One row per stage, one column per channel.

    Args:
        stages: list of ``(title, maps)`` with maps (C, H, W) (or (1, C, H, W)).
        channel_names: C names, shown above the first row.
    """
    stages = [(title, np.asarray(maps)[0] if np.asarray(maps).ndim == 4 else np.asarray(maps)) for title, maps in stages]
    if not stages:
        raise ValueError("show_stages: stages is empty")
    C = stages[0][1].shape[0]
    if len(channel_names) != C or any(m.ndim != 3 or m.shape[0] != C for _, m in stages):
        raise ValueError(f"show_stages: every stage must be (C, H, W) with C = {len(channel_names)} channel names; "
                         f"got {[m.shape for _, m in stages]}")
    fig, axes = plt.subplots(len(stages), C, figsize=(size * C, size * len(stages) + 0.3), squeeze=False)
    for r, (title, maps) in enumerate(stages):
        signed = maps.min() < 0
        hi = float(np.abs(maps).max()) or 1.0
        for c in range(C):
            ax = axes[r, c]
            if signed:
                ax.imshow(maps[c], cmap="RdBu_r", vmin=-hi, vmax=hi)
            else:
                ax.imshow(maps[c], cmap="gray", vmin=0, vmax=hi)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(channel_names[c], fontsize=9)
            if c == 0:
                H, W = maps.shape[1:]
                ax.set_ylabel(f"{title}\n{H}x{W}", fontsize=9)
    fig.tight_layout()
    return fig


def show_receptive_fields(image, windows, footprint=None, footprint_title="gradient of one unit"):
    """The image with one square per layer: the pixels one unit of that layer sees.

    Args:
        image: (H, W).
        windows: list of ``(label, (top, left, bottom, right))``, bottom/right exclusive.
        footprint: optional (H, W) bool array drawn in a second panel (where a
            gradient is non-zero), with the windows' outlines on top.
    """
    image = np.asarray(image)
    colours = plt.cm.viridis(np.linspace(0.1, 0.9, max(len(windows), 1)))
    panels = 1 if footprint is None else 2
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 4.2), squeeze=False)
    shown = [image] if footprint is None else [image, np.asarray(footprint, dtype=float)]
    for ax, picture, title in zip(axes[0], shown, ["receptive field of the centre unit", footprint_title]):
        ax.imshow(picture, cmap="gray")
        for (label, (top, left, bottom, right)), colour in zip(windows, colours):
            ax.add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False,
                                   edgecolor=colour, linewidth=2, label=f"{label}: {bottom - top}x{right - left}"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
    axes[0, 0].legend(loc="upper left", bbox_to_anchor=(0, -0.02), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_shift_accuracy(shifts, curves, title="accuracy on shifted test digits"):
    """Accuracy (y) against shift in pixels (x), one line per model.

    Args:
        shifts: the shifts, e.g. ``[0, 1, 2, 3, 4]``.
        curves: ``{model name: accuracies}``, one accuracy per shift.
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for name, acc in curves.items():
        if len(acc) != len(shifts):
            raise ValueError(f"plot_shift_accuracy: {name!r} has {len(acc)} accuracies for {len(shifts)} shifts")
        ax.plot(shifts, acc, marker="o", label=name)
    ax.set_xlabel("shift (pixels)")
    ax.set_ylabel("test accuracy")
    ax.set_xticks(list(shifts))
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
