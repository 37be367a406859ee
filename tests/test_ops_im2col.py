"""unfold (im2col) and fold (col2im) against torch.nn.functional.unfold/fold."""
import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.ops import conv2d, fold, unfold

@st.composite
def unfold_cases(draw):
    # torch takes ints or pairs; sometimes pass ints to exercise both forms.
    as_int = draw(st.booleans())

    def two(low, high):
        first = draw(st.integers(low, high))
        return (first, first) if as_int else (first, draw(st.integers(low, high)))

    kernel, dilation, stride = two(1, 4), two(1, 3), two(1, 3)
    padding = (draw(st.integers(0, 2)), draw(st.integers(1, 3)))  # always some padding
    if as_int:
        padding = (padding[1], padding[1])
    low = [max(1, d * (k - 1) + 1 - 2 * p) for k, p, d in zip(kernel, padding, dilation)]
    H, W = draw(st.integers(low[0], low[0] + 6)), draw(st.integers(low[1], low[1] + 6))
    N, C = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = np.random.default_rng(draw(st.integers(0, 2**16))).standard_normal((N, C, H, W))
    kw = dict(kernel_size=kernel, dilation=dilation, padding=padding, stride=stride)
    if as_int:
        kw = {k: v[0] for k, v in kw.items()}
    return x, kw


@given(case=unfold_cases(), dtype=st.sampled_from([np.float64, np.float32]))
def test_unfold_and_fold_match_torch(case, dtype):
    x, kw = case
    x = x.astype(dtype)
    cols = unfold(x, **kw)
    expected = F.unfold(torch.tensor(x), **kw).numpy()
    assert cols.dtype == dtype and cols.shape == expected.shape
    np.testing.assert_array_equal(cols, expected)  # a pure copy: exact
    back = fold(cols, x.shape[2:], **kw)
    expected_back = F.fold(torch.tensor(cols), x.shape[2:], **kw).numpy()
    assert back.dtype == dtype and back.shape == x.shape
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(back, expected_back, rtol=tol, atol=tol)


@given(case=unfold_cases())
def test_fold_of_unfold_counts_windows(case):
    """fold(unfold(x)) == x * (how many windows cover each pixel) = x * fold(unfold(ones))."""
    x, kw = case
    counts = fold(unfold(np.ones_like(x), **kw), x.shape[2:], **kw)
    np.testing.assert_allclose(fold(unfold(x, **kw), x.shape[2:], **kw), x * counts, rtol=1e-12, atol=1e-12)


@given(case=unfold_cases())
def test_fold_is_the_adjoint_of_unfold(case):
    """<unfold(x), c> == <x, fold(c)> for every x and c."""
    x, kw = case
    cols = unfold(x, **kw)
    c = np.random.default_rng(3).standard_normal(cols.shape)
    np.testing.assert_allclose(np.sum(cols * c), np.sum(x * fold(c, x.shape[2:], **kw)), rtol=1e-10)


def test_conv2d_is_unfold_then_matmul():
    """The lesson-03 identity: conv2d = weight (C_out, C_in*kH*kW) @ unfold(input)."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    out = conv2d(x, w, padding=1, stride=2)
    via_unfold = (w.reshape(4, -1) @ unfold(x, (3, 2), padding=1, stride=2)).reshape(out.shape)
    np.testing.assert_allclose(out, via_unfold, rtol=1e-12)


def test_unbatched_and_dtypes():
    x = np.arange(3 * 5 * 4).reshape(3, 5, 4)  # integers -> float64
    cols = unfold(x, (2, 3), padding=1)
    assert cols.dtype == np.float64 and cols.shape == (3 * 2 * 3, 6 * 4)
    np.testing.assert_array_equal(cols, F.unfold(torch.tensor(x, dtype=torch.float64), (2, 3), padding=1).numpy())
    back = fold(cols.astype(np.float32), (5, 4), (2, 3), padding=1)
    assert back.dtype == np.float32 and back.shape == (3, 5, 4)
    np.testing.assert_allclose(back, F.fold(torch.tensor(cols, dtype=torch.float32), (5, 4), (2, 3), padding=1).numpy())
    assert fold(cols.astype(int), (5, 4), (2, 3), padding=1).dtype == np.float64


def test_lecture_windows():
    """A 4x4 image with a 2x2 kernel, stride 2: four windows, each a column."""
    x = np.arange(16).reshape(1, 1, 4, 4)
    cols = unfold(x, 2, stride=2)
    assert cols[0].T.tolist() == [[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]
    np.testing.assert_array_equal(fold(cols, 4, 2, stride=2), x)  # no overlap: fold undoes unfold
