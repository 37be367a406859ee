"""helpers.filtering against two oracles: scipy.ndimage.correlate (the same
border modes under scipy's names) and torch (F.pad + F.conv2d, depthwise for
colour)."""
import numpy as np
import pytest
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.filtering import BORDERS, filter2d, for_display, kernel_padding, pad_image, separable_filter2d, separate_kernel

# our border name -> scipy.ndimage mode, torch F.pad mode
SCIPY = {"zero": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
TORCH = {"zero": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def _scipy_filter(img, k, border):
    # scipy centres an even kernel one step later than torch's padding="same": origin -1 moves it back
    origin = tuple(-1 if s % 2 == 0 else 0 for s in k.shape)
    if img.ndim == 2:
        return ndi.correlate(img, k, mode=SCIPY[border], cval=0.0, origin=origin)
    return np.stack([ndi.correlate(img[..., c], k, mode=SCIPY[border], cval=0.0, origin=origin) for c in range(img.shape[2])], -1)


def _torch_filter(img, k, border):
    x = torch.from_numpy(img)
    x = x[None, None] if img.ndim == 2 else x.permute(2, 0, 1)[None]
    C = x.shape[1]
    kH, kW = k.shape
    top, left = (kH - 1) // 2, (kW - 1) // 2
    x = F.pad(x, (left, kW - 1 - left, top, kH - 1 - top), mode=TORCH[border])
    w = torch.from_numpy(k).to(x.dtype).expand(C, 1, kH, kW)
    y = F.conv2d(x, w, groups=C)
    return (y[0, 0] if img.ndim == 2 else y[0].permute(1, 2, 0)).numpy()


shapes = st.tuples(st.integers(4, 12), st.integers(4, 12))
kernel_shapes = st.tuples(st.integers(1, 4), st.integers(1, 4))


@given(
    shape=shapes,
    kshape=kernel_shapes,
    colour=st.booleans(),
    border=st.sampled_from(list(BORDERS)),
    seed=st.integers(0, 2**16),
)
def test_filter2d_matches_scipy_and_torch(shape, kshape, colour, border, seed):
    rng = np.random.default_rng(seed)
    img = rng.random(shape + ((3,) if colour else ()))
    k = rng.standard_normal(kshape)
    out = filter2d(img, k, border=border)
    assert out.shape == img.shape
    np.testing.assert_allclose(out, _scipy_filter(img, k, border), atol=1e-12)
    np.testing.assert_allclose(out, _torch_filter(img, k, border), atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding=.same.")
def test_even_kernels_follow_torch_padding_same():
    rng = np.random.default_rng(3)
    img, k = rng.random((7, 8)), rng.standard_normal((2, 4))
    ref = F.conv2d(torch.from_numpy(img)[None, None], torch.from_numpy(k)[None, None], padding="same")[0, 0]
    np.testing.assert_allclose(filter2d(img, k), ref.numpy(), atol=1e-12)
    assert kernel_padding(2, 4) == (1, 2, 0, 1)


def test_colour_is_each_channel_on_its_own():
    rng = np.random.default_rng(4)
    img, k = rng.random((9, 10, 3)), rng.standard_normal((3, 3))
    out = filter2d(img, k, border="reflect")
    for c in range(3):
        np.testing.assert_allclose(out[..., c], filter2d(img[..., c], k, border="reflect"), atol=1e-12)


def test_normalise_divides_by_the_sum():
    rng = np.random.default_rng(5)
    img, k = rng.random((6, 6)), rng.random((3, 3)) + 0.1
    np.testing.assert_allclose(filter2d(img, k, normalise=True), _scipy_filter(img, k / k.sum(), "zero"), atol=1e-12)
    lap = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_allclose(filter2d(img, lap, normalise=True), filter2d(img, lap))


@pytest.mark.parametrize("border", ["reflect", "replicate", "circular"])
def test_blur_keeps_a_flat_image_and_edges_send_it_to_zero(border):
    flat = np.full((8, 9), 0.3)
    blur = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
    edge = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_allclose(filter2d(flat, blur, border), 0.3)
    np.testing.assert_allclose(filter2d(flat, edge, border), 0.0, atol=1e-15)


def test_zero_border_darkens_the_edge():
    out = filter2d(np.ones((4, 4)), np.ones((3, 3)) / 9)
    expected = np.array([[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]]) / 9
    np.testing.assert_allclose(out, expected)


def test_dtypes():
    k = np.ones((3, 3)) / 9
    assert filter2d(np.ones((5, 5), np.float32), k).dtype == np.float32
    assert filter2d(np.ones((5, 5), np.uint8), k).dtype == np.float64


@pytest.mark.parametrize("border", list(BORDERS))
def test_pad_image_matches_torch(border):
    img = np.arange(12.0).reshape(3, 4)
    ref = F.pad(torch.from_numpy(img)[None, None], (2, 1, 2, 0), mode=TORCH[border])[0, 0].numpy()
    np.testing.assert_array_equal(pad_image(img, (2, 1, 2, 0), border), ref)
    colour = np.stack([img, -img, 2 * img], -1)
    assert pad_image(colour, 1, border).shape == (5, 6, 3)
    np.testing.assert_array_equal(pad_image(colour, (2, 1, 2, 0), border)[..., 1], -ref)


@given(shape=shapes, size=st.integers(1, 5), border=st.sampled_from(list(BORDERS)), seed=st.integers(0, 2**16))
def test_separable_filter_equals_the_2d_kernel(shape, size, border, seed):
    rng = np.random.default_rng(seed)
    img = rng.random(shape)
    column, row = rng.standard_normal(size), rng.standard_normal(size + 1 if size < 4 else size)
    two_passes = separable_filter2d(img, column, row, border)
    np.testing.assert_allclose(two_passes, _scipy_filter(img, np.outer(column, row), border), atol=1e-12)


def test_separate_kernel_recovers_the_factors():
    g = np.exp(-np.arange(-2, 3) ** 2 / 2.0)
    for k in (np.outer(g, g), np.outer([1, 2, 1], [-1, 0, 1])):
        c, r = separate_kernel(k)
        np.testing.assert_allclose(np.outer(c, r), k, atol=1e-12)
    with pytest.raises(ValueError, match="not separable"):
        separate_kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


@pytest.mark.parametrize(
    "call,exc,words",
    [
        (lambda: filter2d(np.ones((5, 5)), np.ones((3, 3)), border="wrap"), ValueError, "border must be one of"),
        (lambda: filter2d(np.ones(5), np.ones((3, 3))), ValueError, "image must be"),
        (lambda: filter2d(np.ones((5, 5, 7)), np.ones((3, 3))), ValueError, "1 to 4 channels"),
        (lambda: filter2d(np.ones((5, 5)), np.ones(3)), ValueError, "kernel must be a non-empty 2-D"),
        (lambda: filter2d(np.ones((5, 5)), [["a"]]), TypeError, "kernel must be an array of real numbers"),
        (lambda: filter2d(np.ones((5, 5)), [[np.nan]]), ValueError, "finite"),
        (lambda: filter2d(np.ones((3, 3)), np.ones((9, 9)), border="reflect"), ValueError, "reflect"),
        (lambda: filter2d(np.ones((5, 5)), np.ones((3, 3)), normalise="yes"), TypeError, "normalise"),
        (lambda: pad_image(np.ones((3, 3)), -1), ValueError, "padding"),
        (lambda: pad_image(np.ones((3, 3)), (1, 2)), TypeError, "padding"),
        (lambda: separable_filter2d(np.ones((5, 5)), np.ones((3, 1)), np.ones(3)), ValueError, "column"),
    ],
)
def test_bad_arguments_are_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_for_display():
    np.testing.assert_allclose(for_display(np.array([-1.0, 0.5, 3.0])), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(for_display(np.array([-4.0, 0.0, 2.0]), signed=True), [0.0, 0.5, 0.75])
    np.testing.assert_allclose(for_display(np.zeros(3), signed=True), 0.5)
