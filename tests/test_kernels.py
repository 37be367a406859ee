"""helpers.kernels: the gallery against scipy.ndimage and the textbook formulas,
and parse_kernel's words for malformed input."""
import math

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st

from helpers import kernels as K


def _impulse(shape):
    x = np.zeros(shape)
    x[tuple(s // 2 for s in shape)] = 1.0
    return x


# --- smoothing kernels ------------------------------------------------------

@pytest.mark.parametrize("size,sigma", [(3, 1.0), (5, 1.0), (7, 0.8), (9, 2.5)])
def test_gaussian_1d_matches_scipy(size, sigma):
    radius = size // 2
    # scipy's weights: exp(-x^2 / 2 sigma^2) / sum, radius = int(truncate * sigma + 0.5)
    ref = ndi.gaussian_filter1d(_impulse((size,)), sigma, truncate=(radius + 0.1) / sigma, mode="constant")
    np.testing.assert_allclose(K.gaussian_1d(size, sigma), ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("size,sigma", [(3, 0.7), (5, 1.0), (9, 1.6)])
def test_gaussian_kernel_is_the_2d_formula_and_scipys_filter(size, sigma):
    x = np.arange(size) - size // 2
    g = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma**2))
    np.testing.assert_allclose(K.gaussian_kernel(size, sigma), g / g.sum(), rtol=1e-12)
    radius = size // 2
    ref = ndi.gaussian_filter(_impulse((size, size)), sigma, truncate=(radius + 0.1) / sigma, mode="constant")
    np.testing.assert_allclose(K.gaussian_kernel(size, sigma), ref, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_box_is_a_plain_average(size):
    k = K.box_kernel(size)
    assert k.shape == (size, size)
    assert np.allclose(k, k[0, 0]) and math.isclose(k.sum(), 1.0)


def test_identity_changes_nothing():
    img = np.random.default_rng(0).random((6, 7))
    np.testing.assert_array_equal(ndi.correlate(img, K.identity_kernel(5)), img)


@given(size=st.sampled_from([3, 5, 7, 9, 11]), angle=st.floats(-180, 180))
def test_motion_blur_sums_to_one_and_is_point_symmetric(size, angle):
    k = K.motion_blur_kernel(size, angle)
    assert math.isclose(k.sum(), 1.0)
    assert (k >= 0).all() and k[size // 2, size // 2] > 0
    np.testing.assert_allclose(k, k[::-1, ::-1])  # a line through the centre
    assert (k > 0).sum() >= size  # it spans the kernel from edge to edge


def test_motion_blur_directions():
    h, v, d = (K.motion_blur_kernel(5, a) > 0 for a in (0, 90, 45))
    rows, cols = np.indices((5, 5))
    np.testing.assert_array_equal(h, rows == 2)
    np.testing.assert_array_equal(v, cols == 2)
    np.testing.assert_array_equal(d, np.fliplr(np.eye(5, dtype=bool)))  # 45 degrees: up and to the right


# --- edge kernels -----------------------------------------------------------

@pytest.mark.parametrize("mode", ["reflect", "nearest", "wrap", "constant"])
def test_sobel_matches_scipy(mode):
    img = np.random.default_rng(1).random((9, 11))
    np.testing.assert_allclose(ndi.correlate(img, K.sobel_x(), mode=mode), ndi.sobel(img, axis=1, mode=mode), atol=1e-12)
    np.testing.assert_allclose(ndi.correlate(img, K.sobel_y(), mode=mode), ndi.sobel(img, axis=0, mode=mode), atol=1e-12)


def test_sobel_x_is_positive_where_brightness_grows_to_the_right():
    ramp = np.tile(np.arange(8.0), (6, 1))  # +1 per pixel to the right
    out = ndi.correlate(ramp, K.sobel_x())[1:-1, 1:-1]
    np.testing.assert_allclose(out, 8.0)  # (1 + 2 + 1) * (x+1 - (x-1))
    np.testing.assert_allclose(ndi.correlate(ramp.T, K.sobel_y())[1:-1, 1:-1], 8.0)


def test_laplacian_matches_scipy():
    img = np.random.default_rng(2).random((8, 9))
    np.testing.assert_allclose(ndi.correlate(img, K.laplacian_kernel()), ndi.laplace(img), atol=1e-12)


@pytest.mark.parametrize("size,sigma", [(5, 0.8), (9, 1.4), (13, 2.0)])
def test_log_kernel_formula_zero_sum_and_shape(size, sigma):
    k = K.log_kernel(size, sigma)
    x = np.arange(size) - size // 2
    r2 = x[:, None] ** 2 + x[None, :] ** 2
    ref = (r2 / sigma**2 - 2) / sigma**2 * np.exp(-r2 / (2 * sigma**2)) / (2 * math.pi * sigma**2)  # nabla^2 of the 2-D Gaussian
    np.testing.assert_allclose(k, ref - ref.mean(), atol=1e-12)
    assert abs(k.sum()) < 1e-12
    assert k.argmin() == k.size // 2  # negative centre, like the Laplacian
    np.testing.assert_allclose(k, k.T)


def test_emboss_is_identity_plus_an_antisymmetric_part():
    e = K.emboss_kernel()
    np.testing.assert_allclose(e + e[::-1, ::-1], 2 * K.identity_kernel(3))
    assert math.isclose(e.sum(), 1.0)


def test_sharpen_is_the_lectures_kernel():
    np.testing.assert_array_equal(K.sharpen_kernel(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])


def test_gallery_has_the_lecture_kernels_verbatim_and_the_right_sums():
    g = K.gallery()
    np.testing.assert_array_equal(g["lecture (a)"], np.pad(np.ones((3, 3)), 1))
    np.testing.assert_array_equal(
        g["lecture (b)"],
        [[0, 1, 2, 1, 0], [1, 3, 5, 3, 1], [2, 5, 9, 5, 2], [1, 3, 5, 3, 1], [0, 1, 2, 1, 0]],
    )
    np.testing.assert_array_equal(
        g["lecture (c)"],
        [[0, 0, -1, 0, 0], [0, -1, -2, -1, 0], [-1, -2, 16, -2, -1], [0, -1, -2, -1, 0], [0, 0, -1, 0, 0]],
    )
    for name in ["identity", "box 3x3", "gaussian 5x5", "sharpen", "emboss", "motion blur"]:
        assert math.isclose(g[name].sum(), 1.0), name
    for name in ["sobel x", "sobel y", "laplacian", "LoG 9x9", "lecture (c)"]:
        assert abs(g[name].sum()) < 1e-12, name
    g["identity"][0, 0] = 5  # fresh arrays: changing one changes nothing else
    assert K.gallery()["identity"][0, 0] == 0


@pytest.mark.parametrize(
    "call,exc,words",
    [
        (lambda: K.gaussian_kernel(4, 1.0), ValueError, "size must be odd"),
        (lambda: K.gaussian_kernel(5, 0.0), ValueError, "sigma"),
        (lambda: K.gaussian_kernel("5", 1.0), TypeError, "size"),
        (lambda: K.box_kernel(0), ValueError, "size"),
        (lambda: K.log_kernel(9, -1.0), ValueError, "sigma"),
        (lambda: K.motion_blur_kernel(9, float("nan")), TypeError, "angle"),
        (lambda: K.normalise(["a", "b"]), TypeError, "kernel"),
    ],
)
def test_bad_arguments_are_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


# --- normalise, parse_kernel, format_kernel ----------------------------------

def test_normalise_divides_by_the_sum_and_leaves_zero_sum_kernels():
    np.testing.assert_allclose(K.normalise([[0, 1, 2, 1, 0]]), np.array([[0, 1, 2, 1, 0]]) / 4)
    lap = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    np.testing.assert_array_equal(K.normalise(lap), lap)
    assert K.normalise(np.ones((2, 2), dtype=np.int64)).dtype == np.float64


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0 -1 0; -1 5 -1; 0 -1 0", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        ("1, 2\n3, 4\n", [[1, 2], [3, 4]]),
        ("[[1, 0], [0, -1]]", [[1, 0], [0, -1]]),
        ("1/9 1/9 1/9", [[1 / 9, 1 / 9, 1 / 9]]),
        ("  .5 -2e-1 +3  ;", [[0.5, -0.2, 3.0]]),
        ("7", [[7]]),
    ],
)
def test_parse_kernel_reads_rows_of_numbers(text, expected):
    np.testing.assert_allclose(K.parse_kernel(text), expected)


@pytest.mark.parametrize(
    "text,words",
    [
        ("", "empty"),
        ("  ;\n ", "empty"),
        ("1 2 3; 4 5", "row 2 has 2 numbers but row 1 has 3"),
        ("1 2; 3 x", r"row 2, entry 2: 'x' is not a number"),
        ("1 nan", "'nan' is not a number"),
        ("1 inf", "'inf' is not a number"),
        ("1/0", "divides by zero"),
        ("1e400", "too large"),
        ("1 2 3 4 5 6", "at most 5x5"),
    ],
)
def test_parse_kernel_explains_malformed_text(text, words):
    with pytest.raises(ValueError, match=words):
        K.parse_kernel(text, max_size=5)


def test_parse_kernel_wants_text():
    with pytest.raises(TypeError, match="text must be a string"):
        K.parse_kernel([[1, 2]])


@given(st.lists(st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=3), min_size=1, max_size=4))
def test_format_then_parse_round_trips(rows):
    k = np.array(rows)
    back = K.parse_kernel(K.format_kernel(k, digits=12))
    np.testing.assert_allclose(back, k, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("angle", [-60.0, 120.0, -30.0, 150.0])
def test_motion_blur_follows_the_angle(angle):
    # the line's far end lies in the direction of the angle (or the opposite), up to rounding to whole pixels
    k = K.motion_blur_kernel(9, angle)
    rows, cols = np.nonzero(k)
    up, right = 4 - rows, cols - 4
    far = np.argmax(up**2 + right**2)
    slope = math.degrees(math.atan2(up[far], right[far])) % 180
    assert min(abs(slope - angle % 180), 180 - abs(slope - angle % 180)) < 8
    assert (k > 0).sum() == 9
