"""Grouping images by similarity with a minimum spanning tree (lesson 01).

The lecture cites C. López, L. Arnaldo, L. Fuentes, W. Ramos, "Agrupamiento por
similitud de imágenes mediante Árbol de Expansión Mínima y Soft Heap", XLI
Latin American Computing Conference (CLEI), pp. 1-7, 2013. The idea: put the
images on a complete graph whose edge weights are the feature distances
d(v_i, v_j), keep only the minimum spanning tree (MST: the N - 1 edges of least
total weight that still connect everything), then cut every tree edge with
d >= e. What stays connected is a group of similar images. (This is
single-linkage clustering: two images share a group exactly when a chain of
images joins them with every step below e.)

Both classic MST algorithms are here, on a dense (N, N) distance matrix:
:func:`prim` (grow one tree from a vertex, O(N^2)) and :func:`kruskal` (take
edges from the lightest, skipping those that close a cycle, O(N^2 log N)).
The paper speeds the construction up with a soft heap, an approximate
priority queue; on a dense matrix plain Prim is already optimal.

>>> D = np.array([[0, 1, 9], [1, 0, 8], [9, 8, 0]], dtype=float)
>>> prim(D)
[(0, 1, 1.0), (1, 2, 8.0)]
>>> group_by_similarity(D, e=5)
array([0, 0, 1])
"""
from __future__ import annotations

import numpy as np

__all__ = ["prim", "kruskal", "minimum_spanning_tree", "cut_tree", "components", "group_by_similarity",
           "plot_distance_matrix", "plot_groups"]


def _distances(D, fn: str) -> np.ndarray:
    if isinstance(D, (str, bytes)) or D is None:
        raise TypeError(f"{fn}: D must be an (N, N) distance matrix; got {type(D).__name__}")
    try:
        A = np.asarray(D, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: D must be an (N, N) array of numbers") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"{fn}: D must be a non-empty square (N, N) matrix; got shape {A.shape}")
    if not np.isfinite(A).all():
        raise ValueError(f"{fn}: D must hold finite distances")
    if (A < 0).any():
        raise ValueError(f"{fn}: D must hold non-negative distances; the smallest is {A.min():g}")
    if not np.allclose(A, A.T, rtol=1e-9, atol=1e-12):
        i, j = np.argwhere(~np.isclose(A, A.T, rtol=1e-9, atol=1e-12))[0]
        raise ValueError(f"{fn}: D must be symmetric; D[{i}, {j}] = {A[i, j]:g} but D[{j}, {i}] = {A[j, i]:g}")
    return A


def prim(D) -> list:
    """Prim's algorithm: grow a tree from vertex 0, always adding the closest outside vertex.

    Args:
        D: (N, N) symmetric matrix of non-negative distances (a complete graph).

    Returns:
        The N - 1 tree edges ``(i, j, d)`` with ``i < j``, in the order added.
        Ties are broken by the lowest vertex index.
    """
    A = _distances(D, "prim")
    N = A.shape[0]
    in_tree = np.zeros(N, dtype=bool)
    in_tree[0] = True
    best = A[0].copy()  # distance from the tree to each vertex
    parent = np.zeros(N, dtype=np.int64)
    edges = []
    for _ in range(N - 1):
        candidates = np.where(in_tree, np.inf, best)
        v = int(np.argmin(candidates))
        u = int(parent[v])
        edges.append((min(u, v), max(u, v), float(A[u, v])))
        in_tree[v] = True
        closer = (~in_tree) & (A[v] < best)
        best[closer] = A[v, closer]
        parent[closer] = v
    return edges


class _UnionFind:
    """Disjoint sets with path halving and union by size."""

    def __init__(self, n: int):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True


def kruskal(D) -> list:
    """Kruskal's algorithm: take edges from the lightest, skip any that would close a cycle.

    Args:
        D: (N, N) symmetric matrix of non-negative distances.

    Returns:
        The N - 1 tree edges ``(i, j, d)`` with ``i < j``, lightest first
        (ties in the order of (i, j)).
    """
    A = _distances(D, "kruskal")
    N = A.shape[0]
    i, j = np.triu_indices(N, k=1)
    order = np.argsort(A[i, j], kind="stable")
    sets = _UnionFind(N)
    edges = []
    for k in order:
        a, b = int(i[k]), int(j[k])
        if sets.union(a, b):
            edges.append((a, b, float(A[a, b])))
            if len(edges) == N - 1:
                break
    return edges


def minimum_spanning_tree(D, method: str = "prim") -> list:
    """The minimum spanning tree of the complete graph with weights ``D``: ``prim(D)`` or ``kruskal(D)``."""
    if method == "prim":
        return prim(D)
    if method == "kruskal":
        return kruskal(D)
    raise ValueError(f"minimum_spanning_tree: method must be 'prim' or 'kruskal'; got {method!r}")


def cut_tree(edges, e: float):
    """Split tree edges into those kept (``d < e``: similar) and those cut (``d >= e``).

    Returns:
        ``(kept, cut)``: two lists of ``(i, j, d)``.
    """
    if isinstance(e, bool) or not isinstance(e, (int, float, np.integer, np.floating)):
        raise TypeError(f"cut_tree: e must be a number; got {type(e).__name__}")
    kept = [edge for edge in edges if edge[2] < e]
    cut = [edge for edge in edges if not edge[2] < e]
    return kept, cut


def components(n: int, edges) -> np.ndarray:
    """Connected components of ``n`` vertices joined by ``edges``.

    Returns:
        (n,) int64 labels 0, 1, 2, ... numbered in order of each group's
        lowest vertex (so vertex 0 is always in group 0).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"components: n must be a positive int; got {n!r}")
    sets = _UnionFind(int(n))
    for edge in edges:
        a, b = int(edge[0]), int(edge[1])
        if not (0 <= a < n and 0 <= b < n):
            raise ValueError(f"components: edge {edge!r} names a vertex outside 0..{n - 1}")
        sets.union(a, b)
    roots = [sets.find(v) for v in range(n)]
    relabel: dict = {}
    return np.array([relabel.setdefault(r, len(relabel)) for r in roots], dtype=np.int64)


def group_by_similarity(D, e: float, method: str = "prim") -> np.ndarray:
    """Groups of similar images: the MST of ``D`` cut at ``e``, then its connected components.

    Args:
        D: (N, N) distance matrix, e.g. :func:`helpers.features.distance_matrix`.
        e: the similarity threshold; tree edges with ``d >= e`` are cut.

    Returns:
        (N,) int64 group labels, numbered by each group's first image.
    """
    edges = minimum_spanning_tree(D, method)
    kept, _ = cut_tree(edges, e)
    return components(np.asarray(D).shape[0], kept)


def plot_distance_matrix(D, names, e: float):
    """Two heatmaps side by side: the distances d(v_i, v_j), and the decision d < e ("similar").

    Args:
        D: (N, N) distance matrix; names: N labels. Returns the figure.
    """
    import matplotlib.pyplot as plt

    A = _distances(D, "plot_distance_matrix")
    if len(names) != A.shape[0]:
        raise ValueError(f"plot_distance_matrix: need {A.shape[0]} names for D of shape {A.shape}; got {len(names)}")
    N = A.shape[0]
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
    im = axes[0].imshow(A, cmap="viridis")
    fig.colorbar(im, ax=axes[0], fraction=0.046, pad=0.03)
    axes[0].set_title("distance d(v_i, v_j)", fontsize=10)
    axes[1].imshow(A < e, cmap="Greens", vmin=0, vmax=1.4)
    axes[1].set_title(f"similar: d < e = {e:g} (green)", fontsize=10)
    for ax in axes:
        ax.set_xticks(range(N))
        ax.set_yticks(range(N))
        ax.set_xticklabels(names, rotation=90, fontsize=7)
        ax.set_yticklabels(names, fontsize=7)
    fig.tight_layout()
    return fig


def _free_spot(a, b, placed, clearance: float = 0.17):
    """A point for the label of edge a-b: on the edge, as near its middle as
    possible, or just inside the circle from its middle (short edges between
    neighbouring dots), at least ``clearance`` away from every point in
    ``placed`` (the labels would overlap otherwise); the middle when none is."""
    mid = (a + b) / 2
    inward = [mid * (1 - step / max(np.hypot(*mid), 1e-9)) for step in (0.12, 0.22, 0.32)]  # towards the centre
    for p in [a + t * (b - a) for t in (0.5, 0.4, 0.6, 0.3, 0.7)] + inward:
        if all(np.hypot(*(p - q)) >= clearance for q in placed):
            return p
    return mid


def plot_groups(D, e: float, images=None, names=None, ax=None, zoom: float = 0.3):
    """Draw the MST on a circle: kept edges (d < e) solid green, cut edges dashed red, weights written.

    Vertices (dots) sit on a circle ordered by group, with a gap between
    groups; each shows a thumbnail of its image just outside the circle when
    ``images`` (a list of (H, W) or (H, W, 3) arrays) is given, framed in its
    group's colour. Returns the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    A = _distances(D, "plot_groups")
    N = A.shape[0]
    edges = prim(A)
    kept, cut = cut_tree(edges, e)
    labels = components(N, kept)
    order = np.lexsort((np.arange(N), labels))
    slot = np.arange(N) + labels[order]  # one empty slot between consecutive groups
    n_slots = N + labels.max() + 1
    angle = np.empty(N)
    angle[order] = np.pi / 2 - 2 * np.pi * slot / n_slots
    unit = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    xy = unit
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    colors = plt.get_cmap("tab10")
    placed = [p for p in xy]  # label positions taken so far (the dots count as taken)
    for group, style in ((kept, dict(color="tab:green", lw=2.5, ls="-")), (cut, dict(color="tab:red", lw=1.2, ls="--"))):
        for i, j, d in group:
            ax.plot(*xy[[i, j]].T, zorder=1, **style)
            where = _free_spot(xy[i], xy[j], placed)
            placed.append(where)
            ax.text(*where, f"{d:.2f}", fontsize=7, ha="center", va="center", color=style["color"],
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85), zorder=2)
    for v in range(N):
        ax.scatter(*xy[v], s=40, color=colors(labels[v] % 10), zorder=3)
        if images is not None:
            img = np.asarray(images[v])
            box = OffsetImage(np.clip(img, 0, 1), zoom=zoom, cmap="gray" if img.ndim == 2 else None)
            ax.add_artist(AnnotationBbox(box, unit[v] * 1.2, frameon=True, pad=0.1, zorder=3,
                                         bboxprops=dict(edgecolor=colors(labels[v] % 10), lw=2.5)))
        if names is not None:
            ax.text(*(unit[v] * (1.42 if images is not None else 1.15)), str(names[v]), fontsize=7, ha="center", va="center")
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.5, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"MST cut at e = {e:g}: {labels.max() + 1} groups "
                 f"({len(kept)} edges kept, {len(cut)} cut)", fontsize=10)
    return ax
