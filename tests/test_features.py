"""helpers.features (lesson 01): histograms against numpy/skimage, distances against scipy."""
import doctest
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.distance import cdist, cityblock, cosine, euclidean
from skimage.color import rgb2gray
from skimage.feature import hog

import helpers.features as features


def test_doctests():
    assert doctest.testmod(features).failed == 0


@given(seed=st.integers(0, 2**32 - 1), H=st.integers(1, 12), W=st.integers(1, 12), bins=st.integers(1, 12))
def test_color_histogram_matches_numpy_histogram(seed, H, W, bins):
    rng = np.random.default_rng(seed)
    img = rng.random((H, W, 3))
    img[0, 0] = [0.0, 1.0, 0.5]  # both ends of the range, and an exact bin edge for even bins
    got = features.color_histogram(img, bins=bins)
    expected = np.concatenate([np.histogram(img[..., c], bins=bins, range=(0, 1))[0] / (H * W) for c in range(3)])
    np.testing.assert_allclose(got, expected, atol=1e-12)
    np.testing.assert_allclose(got.reshape(3, bins).sum(axis=1), 1.0)


def test_color_histogram_grey_counts_as_three_equal_channels():
    grey = np.random.default_rng(1).random((7, 9))
    np.testing.assert_array_equal(features.color_histogram(grey, 4), features.color_histogram(np.dstack([grey] * 3), 4))


def test_color_histogram_clips_out_of_range_values():
    img = np.array([[-0.5, 1.5]])
    np.testing.assert_array_equal(features.color_histogram(img, 2), [0.5, 0.5] * 3)


@pytest.mark.parametrize("shape", [(20, 20), (17, 23), (32, 16), (3, 40)])
@pytest.mark.parametrize("bins", [4, 9, 12])
def test_gradient_histogram_matches_skimage_hog_with_one_cell(shape, bins):
    img = np.random.default_rng(sum(shape) + bins).random(shape)
    expected = hog(img, orientations=bins, pixels_per_cell=shape, cells_per_block=(1, 1), block_norm="L1")
    # hog's L1 norm divides by (sum + 1e-5); ours by the sum
    np.testing.assert_allclose(features.gradient_histogram(img, bins), expected, rtol=1e-3, atol=1e-6)


def test_gradient_histogram_of_colour_uses_luminance():
    img = np.random.default_rng(3).random((15, 18, 3))
    np.testing.assert_allclose(features.gradient_histogram(img), features.gradient_histogram(rgb2gray(img)), atol=1e-12)


def test_gradient_histogram_directions():
    ramp = np.tile(np.arange(8.0), (8, 1))  # brighter to the right: a horizontal gradient, 0 degrees
    np.testing.assert_array_equal(features.gradient_histogram(ramp, bins=4), [1, 0, 0, 0])
    np.testing.assert_array_equal(features.gradient_histogram(ramp.T, bins=4), [0, 0, 1, 0])  # 90 degrees
    # 45 degrees (the edge of bins 0 and 1 -> bin 1) inside; on the border one of the two
    # differences is 0: 12 pixels vote 0 degrees and 12 vote 90 degrees, with strength 2
    diag = np.add.outer(np.arange(8.0), np.arange(8.0))
    votes = np.array([12 * 2, 36 * np.sqrt(8), 12 * 2, 0])
    np.testing.assert_allclose(features.gradient_histogram(diag, bins=4), votes / votes.sum())


def test_gradient_histogram_ignores_brightness_and_contrast_and_rotates_with_the_image():
    img = np.random.default_rng(4).random((24, 24))
    h = features.gradient_histogram(img, bins=4)
    np.testing.assert_allclose(features.gradient_histogram(img + 0.3, bins=4), h, atol=1e-12)
    np.testing.assert_allclose(features.gradient_histogram(img * 2.5, bins=4), h, atol=1e-12)
    np.testing.assert_allclose(features.gradient_histogram(np.rot90(img), bins=4), np.roll(h, 2), atol=1e-12)
    np.testing.assert_array_equal(features.gradient_histogram(np.ones((5, 5))), np.zeros(9))


def _haar_matrix(n):
    """Orthonormal one-level Haar analysis matrix: n/2 averaging rows then n/2 differencing rows."""
    low, high = np.zeros((n // 2, n)), np.zeros((n // 2, n))
    for k in range(n // 2):
        low[k, 2 * k:2 * k + 2] = [1, 1]
        high[k, 2 * k:2 * k + 2] = [1, -1]
    return np.vstack([low, high]) / np.sqrt(2)


def test_haar_energies_match_a_matrix_haar_transform():
    img = np.random.default_rng(5).random((16, 8))
    expected = []
    a = img
    for _ in range(2):
        H, W = a.shape
        T = _haar_matrix(H) @ a @ _haar_matrix(W).T
        LL, HL = T[:H // 2, :W // 2], T[:H // 2, W // 2:]
        LH, HH = T[H // 2:, :W // 2], T[H // 2:, W // 2:]
        expected += [np.mean(LH ** 2), np.mean(HL ** 2), np.mean(HH ** 2)]  # rows differ, columns differ, both
        a = LL
    np.testing.assert_allclose(features.haar_energies(img, levels=2), expected, atol=1e-12)


def test_haar_energies_keep_the_energy():  # orthonormal: detail + final average energy = image energy
    img = np.random.default_rng(6).random((8, 8))
    e = features.haar_energies(img, levels=3)
    counts = np.repeat([16, 4, 1], 3)
    final_average = img.sum() / 8  # the 1x1 average after three levels: sum / 2**3
    assert np.isclose((e * counts).sum() + final_average ** 2, (img ** 2).sum())


V1 = [0.1, 0.8, 1.3, 0.3, 3.1, 4.2]
V2 = [0.2, 0.9, 1.1, 0.2, 3.5, 4.0]
V3 = [2.2, 3.9, 1.6, 2.2, 6.5, 1.0]


def test_the_slides_vectors():
    assert np.isclose(features.distance(V1, V2), math.dist(V1, V2))
    assert features.is_similar(V1, V2, e=1.0) and not features.is_similar(V1, V3, e=1.0)


@given(seed=st.integers(0, 2**32 - 1), D=st.integers(1, 10))
def test_distances_match_scipy(seed, D):
    rng = np.random.default_rng(seed)
    a, b = rng.random(D) + 0.01, rng.random(D)
    assert np.isclose(features.distance(a, b), euclidean(a, b))
    assert np.isclose(features.distance(a, b, "manhattan"), cityblock(a, b))
    assert np.isclose(features.distance(a, b, "cosine"), cosine(a, b), atol=1e-12)
    chi2 = 0.5 * sum((x - y) ** 2 / (x + y) for x, y in zip(a, b) if x + y != 0)
    assert np.isclose(features.distance(a, b, "chi2"), chi2)


@pytest.mark.parametrize("metric,scipy_metric", [("euclidean", "euclidean"), ("manhattan", "cityblock"), ("cosine", "cosine")])
def test_distance_matrix_matches_cdist(metric, scipy_metric):
    F = np.random.default_rng(7).random((6, 5))
    D = features.distance_matrix(F, metric)
    np.testing.assert_allclose(D, cdist(F, F, scipy_metric), atol=1e-12)
    assert np.array_equal(D, D.T) and np.all(np.diag(D) == 0)


def test_chi2_ignores_empty_bins():
    assert features.distance([0, 1, 0], [0, 0, 1], "chi2") == 1.0


def test_is_similar_is_strict():
    assert not features.is_similar([0, 0], [3, 4], e=5)
    assert features.is_similar([0, 0], [3, 4], e=5.000001)


def test_image_features_concatenates():
    img = np.random.default_rng(8).random((10, 12, 3))
    v = features.image_features(img, bins=4, orientations=6)
    assert v.shape == (18,)
    np.testing.assert_array_equal(v[:12], features.color_histogram(img, 4))
    np.testing.assert_allclose(v[12:], 3 * features.gradient_histogram(img, 6))
    assert np.isclose(v[12:].sum(), v[:12].sum())


def test_similarity_table():
    D = np.array([[0, 0.2, 2], [0.2, 0, 1.5], [2, 1.5, 0]])
    text = features.similarity_table(["a", "b", "c"], D, e=1)
    lines = text.splitlines()
    assert len(lines) == 4 and "similar" in lines[1] and "different" in lines[2] and "different" in lines[3]
    with pytest.raises(ValueError, match="similarity_table"):
        features.similarity_table(["a", "b"], D, e=1)


@pytest.mark.parametrize("call,exc,words", [
    (lambda: features.color_histogram(np.zeros((4, 4, 2))), ValueError, "image must have shape"),
    (lambda: features.color_histogram("photo.png"), TypeError, "image must be an array"),
    (lambda: features.color_histogram(np.zeros((4, 4)), bins=0), ValueError, "bins must be at least 1"),
    (lambda: features.color_histogram(np.zeros((4, 4)), bins=2.5), TypeError, "bins must be an int"),
    (lambda: features.gradient_histogram(np.full((3, 3), np.nan)), ValueError, "NaN"),
    (lambda: features.haar_energies(np.zeros((4, 4)), levels=3), ValueError, "too small"),
    (lambda: features.distance([1, 2], [1, 2, 3]), ValueError, "same length"),
    (lambda: features.distance([1, 2], [1, 2], metric="l7"), ValueError, "metric must be one of"),
    (lambda: features.distance([[1, 2]], [[1, 2]]), ValueError, "v1 must be a non-empty 1-D"),
    (lambda: features.distance("ab", [1, 2]), TypeError, "v1"),
    (lambda: features.distance_matrix(np.zeros(3)), ValueError, r"\(N, D\)"),
    (lambda: features.is_similar([1], [2], e=0), ValueError, "e must be positive"),
    (lambda: features.is_similar([1], [2], e="1"), TypeError, "e must be a number"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
