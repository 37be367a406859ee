"""helpers.grouping (lesson 01): Prim and Kruskal against scipy's MST and connected components."""
import doctest

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree  # noqa: E402
from scipy.spatial.distance import cdist  # noqa: E402

import helpers.grouping as grouping  # noqa: E402


def test_doctests():
    assert doctest.testmod(grouping).failed == 0


def _random_distances(seed, N, D=3):
    pts = np.random.default_rng(seed).random((N, D))
    return cdist(pts, pts)


def _same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def _is_spanning_tree(N, edges):
    if len(edges) != N - 1:
        return False
    A = np.zeros((N, N))
    for i, j, _ in edges:
        A[i, j] = A[j, i] = 1
    n, _ = connected_components(csr_matrix(A), directed=False)
    return n == 1


@pytest.mark.parametrize("method", ["prim", "kruskal"])
@given(seed=st.integers(0, 2**32 - 1), N=st.integers(1, 25))
def test_tree_weight_matches_scipy(method, seed, N):
    D = _random_distances(seed, N)
    edges = grouping.minimum_spanning_tree(D, method)
    assert _is_spanning_tree(N, edges)
    assert np.isclose(sum(d for _, _, d in edges), minimum_spanning_tree(D).sum())
    for i, j, d in edges:
        assert i < j and d == D[i, j]


@given(seed=st.integers(0, 2**32 - 1), N=st.integers(1, 25), e=st.floats(0.0, 1.5))
def test_groups_match_scipy_components_of_the_cut_tree_and_of_the_threshold_graph(seed, N, e):
    D = _random_distances(seed, N)
    labels = grouping.group_by_similarity(D, e)
    T = minimum_spanning_tree(D).toarray()
    _, from_tree = connected_components(csr_matrix((T > 0) & (T < e)), directed=False)
    # single linkage: the same as linking every pair closer than e
    _, from_graph = connected_components(csr_matrix((D < e) & ~np.eye(N, dtype=bool)), directed=False)
    assert _same_partition(labels, from_tree) and _same_partition(labels, from_graph)
    assert _same_partition(labels, grouping.group_by_similarity(D, e, method="kruskal"))


def test_labels_are_numbered_by_first_image():
    D = np.array([[0, 5, 1, 5], [5, 0, 5, 1], [1, 5, 0, 5], [5, 1, 5, 0]], dtype=float)
    np.testing.assert_array_equal(grouping.group_by_similarity(D, 2), [0, 1, 0, 1])
    np.testing.assert_array_equal(grouping.components(5, [(3, 4, 0.1)]), [0, 1, 2, 3, 3])


def test_a_chain_stays_together_although_its_ends_are_far():
    # 0 - 1 - 2 each 1 apart, ends 2 apart: cut at 1.5 -> one group, pairwise 0-2 is "different"
    D = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=float)
    np.testing.assert_array_equal(grouping.group_by_similarity(D, 1.5), [0, 0, 0])
    np.testing.assert_array_equal(grouping.group_by_similarity(D, 1.0), [0, 1, 2])  # d == e is cut


def test_ties_and_a_single_image():
    D = np.ones((5, 5)) - np.eye(5)
    for method in ("prim", "kruskal"):
        edges = grouping.minimum_spanning_tree(D, method)
        assert _is_spanning_tree(5, edges) and sum(d for *_, d in edges) == 4
    assert grouping.prim([[0.0]]) == [] and grouping.kruskal([[0.0]]) == []
    np.testing.assert_array_equal(grouping.group_by_similarity([[0.0]], 1), [0])


def test_kruskal_adds_edges_lightest_first():
    D = _random_distances(3, 12)
    weights = [d for *_, d in grouping.kruskal(D)]
    assert weights == sorted(weights)


def test_cut_tree():
    kept, cut = grouping.cut_tree([(0, 1, 0.2), (1, 2, 0.5), (2, 3, 0.9)], e=0.5)
    assert kept == [(0, 1, 0.2)] and cut == [(1, 2, 0.5), (2, 3, 0.9)]


@pytest.mark.parametrize("D,exc,words", [
    (np.zeros((2, 3)), ValueError, "square"),
    (np.array([[0, 1], [2, 0]]), ValueError, "symmetric"),
    (np.array([[0, -1], [-1, 0]]), ValueError, "non-negative"),
    (np.array([[0, np.nan], [np.nan, 0]]), ValueError, "finite"),
    ("D", TypeError, "distance matrix"),
])
def test_bad_matrices_are_named(D, exc, words):
    with pytest.raises(exc, match=words):
        grouping.prim(D)
    with pytest.raises(exc, match=words):
        grouping.kruskal(D)


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        grouping.minimum_spanning_tree(np.zeros((2, 2)), method="boruvka")
    with pytest.raises(TypeError, match="e must be a number"):
        grouping.cut_tree([], e="0.5")
    with pytest.raises(ValueError, match="outside"):
        grouping.components(2, [(0, 2, 0.1)])


def test_plots_draw_the_tree_and_the_decision():
    D = _random_distances(9, 6)
    images = [np.full((8, 8), k / 6) for k in range(6)]
    ax = grouping.plot_groups(D, 0.3, images=images, names=list("abcdef"))
    n_groups = grouping.group_by_similarity(D, 0.3).max() + 1
    assert f"{n_groups} groups" in ax.get_title()
    assert len(ax.lines) == 5  # the N - 1 tree edges
    fig = grouping.plot_distance_matrix(D, list("abcdef"), 0.3)
    assert len(fig.axes) == 3  # two heatmaps and a colour bar
    plt.close("all")
