"""Figures of lesson 08 (applications): label maps, boxes on scenes, and
tracks over a strip of video frames. Each returns its matplotlib figure.

>>> import numpy as np
>>> fig = show_boxes([np.zeros((8, 8))], {"truth": [np.array([[1., 1., 4., 4.]])]})
>>> len(fig.axes)
1
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

__all__ = ["LABEL_COLOURS", "show_labels", "show_boxes", "show_track_strip", "plot_errors"]

#: Colours of the classes of :data:`helpers.scenes.CLASSES` (background, disc, square, triangle).
LABEL_COLOURS = ("#202020", "#f4a261", "#2a9d8f", "#e9c46a")
_METHOD_COLOURS = ("#00c853", "#ff1744", "#2979ff", "#ffd600")


def show_labels(images, label_rows: dict, size: float = 1.9):
    """Scenes in the first row, then one row of label maps per entry of
    ``label_rows`` ({row title: (N, H, W) int maps})."""
    images = list(images)
    rows = 1 + len(label_rows)
    fig, axes = plt.subplots(rows, len(images), figsize=(size * len(images), size * rows), squeeze=False)
    cmap = ListedColormap(LABEL_COLOURS)
    for j, img in enumerate(images):
        axes[0, j].imshow(img, cmap="gray")
        for i, (title, maps) in enumerate(label_rows.items(), start=1):
            axes[i, j].imshow(maps[j], cmap=cmap, vmin=0, vmax=len(LABEL_COLOURS) - 1, interpolation="nearest")
            if j == 0:
                axes[i, j].set_ylabel(title)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("scene")
    fig.tight_layout()
    return fig


def show_boxes(images, box_sets: dict, size: float = 2.4):
    """Images with boxes drawn: ``box_sets`` maps a legend name to one (k, 4)
    array of (x0, y0, x1, y1) per image; each name gets its own colour."""
    images = list(images)
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size + 0.3), squeeze=False)
    for j, (ax, img) in enumerate(zip(axes[0], images)):
        ax.imshow(img, cmap="gray")
        ax.set_xticks([])
        ax.set_yticks([])
        for colour, (name, sets) in zip(_METHOD_COLOURS, box_sets.items()):
            for k, (x0, y0, x1, y1) in enumerate(np.asarray(sets[j]).reshape(-1, 4)):
                ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, lw=1.5, ec=colour,
                                       label=name if (j == 0 and k == 0) else None))
    handles = [Rectangle((0, 0), 1, 1, fill=False, ec=c, lw=1.5) for c in _METHOD_COLOURS[:len(box_sets)]]
    fig.legend(handles, list(box_sets), loc="lower center", ncol=len(box_sets), frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def show_track_strip(frames, tracks: dict, times, size: float = 1.9):
    """Frames at ``times`` with each track's position marked; ``tracks`` maps a
    name to (T, 2) centres (row, col), e.g. {"truth": ..., "CNN": ..., "template": ...}."""
    times = list(times)
    fig, axes = plt.subplots(1, len(times), figsize=(size * len(times), size + 0.4), squeeze=False)
    markers = ("o", "x", "+", "s")
    for ax, t in zip(axes[0], times):
        ax.imshow(frames[t], cmap="gray")
        for colour, marker, (name, centres) in zip(_METHOD_COLOURS, markers, tracks.items()):
            r, c = centres[t]
            ax.plot(c - 0.5, r - 0.5, marker, ms=9, mew=2, color=colour, mfc="none", label=name)
        ax.set_title(f"frame {t}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(tracks), frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def plot_errors(errors: dict, threshold=None, hidden=None):
    """Centre error per frame, one line per method ({name: (T,) pixels}); a
    dashed line at the success ``threshold``; frames where ``hidden`` (T,) is
    True are shaded."""
    fig, ax = plt.subplots(figsize=(8, 2.8))
    for colour, (name, e) in zip(_METHOD_COLOURS[1:], errors.items()):
        ax.plot(np.asarray(e), color=colour, lw=2, label=name)
    if threshold is not None:
        ax.axhline(threshold, color="k", ls="--", lw=1, label=f"success threshold ({threshold:g} px)")
    if hidden is not None:
        for t in np.nonzero(np.asarray(hidden))[0]:
            ax.axvspan(t - 0.5, t + 0.5, color="0.85", lw=0)
    ax.set_xlabel("frame")
    ax.set_ylabel("centre error (pixels)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
