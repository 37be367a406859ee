"""conv2d, conv2d_naive and conv2d_backward against torch.nn.functional.conv2d
(the oracle), a central-difference gradient check, and the lecture's numbers."""
import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st

import helpers.ops.conv
import helpers.ops.conv_gemm
import helpers.ops.conv_transpose
import helpers.ops.im2col
from helpers.ops import conv2d, conv2d_backward, conv2d_naive

# torch notes that "same" with an even kernel copies the input; that is fine here.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


def make_case(N, groups, C_in_g, C_out_g, H, W, kernel, stride, padding, dilation, bias, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, groups * C_in_g, H, W))
    w = rng.standard_normal((groups * C_out_g, C_in_g) + tuple(kernel))
    b = rng.standard_normal(groups * C_out_g) if bias else None
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return x, w, b, kw


def _fits(k, p, d):
    """Smallest input size for which a kernel of size k, dilation d fits with padding p."""
    return max(1, d * (k - 1) + 1 - 2 * p)


@st.composite
def conv_cases(draw, max_channels=2, max_extra=6, max_n=3):
    """A random valid conv2d call: non-square and odd sizes, strides, paddings
    (ints, pairs, "same", "valid"), dilations and groups."""
    groups = draw(st.integers(1, 3))
    C_in_g, C_out_g = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    dilation = draw(st.one_of(st.integers(1, 2), st.tuples(st.integers(1, 3), st.integers(1, 2))))
    words = ["valid", "same"] if stride in (1, (1, 1)) else ["valid"]
    padding = draw(
        st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 2), st.integers(1, 3)), st.sampled_from(words))
    )
    pH, pW = (padding, padding) if isinstance(padding, int) else (0, 0) if isinstance(padding, str) else padding
    dH, dW = (dilation, dilation) if isinstance(dilation, int) else dilation
    lowH = 1 if padding == "same" else _fits(kernel[0], pH, dH)
    lowW = 1 if padding == "same" else _fits(kernel[1], pW, dW)
    H = draw(st.integers(lowH, lowH + max_extra))
    W = draw(st.integers(lowW, lowW + max_extra))
    N = draw(st.integers(1, max_n))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    return make_case(N, groups, C_in_g, C_out_g, H, W, kernel, stride, padding, dilation, bias, seed)


# Cases that must always run: padding > 0, odd non-square input, even kernels with "same".
ALWAYS = [
    make_case(2, 1, 3, 4, 7, 9, (3, 3), 1, 1, 1, True),
    make_case(1, 2, 2, 3, 9, 6, (3, 2), (2, 1), (2, 1), (1, 2), True),
    make_case(2, 1, 2, 2, 5, 8, (2, 4), 1, "same", (2, 1), False),
    make_case(1, 3, 1, 2, 11, 7, (4, 3), 3, 2, 2, True),
    make_case(3, 1, 1, 1, 5, 5, (5, 5), 1, "valid", 1, False),
]


def torch_forward_backward(x, w, b, kw, grad_output=None):
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    bt = None if b is None else torch.tensor(b, requires_grad=True)
    out = F.conv2d(xt, wt, bt, **kw)
    if grad_output is None:
        grad_output = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.dtype)
    out.backward(torch.tensor(grad_output))
    grads = (xt.grad.numpy(), wt.grad.numpy(), None if bt is None else bt.grad.numpy())
    return out.detach().numpy(), grad_output, grads


def assert_close(actual, expected, dtype):
    assert actual.dtype == dtype, (actual.dtype, dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    if dtype == np.float64:
        np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)
    else:
        scale = max(1.0, float(np.abs(expected).max(initial=0)))
        np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4 * scale)


def check_against_torch(case, dtype):
    x, w, b, kw = case
    x, w = x.astype(dtype), w.astype(dtype)
    b = None if b is None else b.astype(dtype)
    expected, grad_output, (gx, gw, gb) = torch_forward_backward(x, w, b, kw)
    assert_close(conv2d(x, w, b, **kw), expected, dtype)
    grad_input, grad_weight, grad_bias = conv2d_backward(grad_output, x, w, b, **kw)
    assert_close(grad_input, gx, dtype)
    assert_close(grad_weight, gw, dtype)
    if b is None:
        assert grad_bias is None
    else:
        assert_close(grad_bias, gb, dtype)


@pytest.mark.parametrize("case", ALWAYS, ids=range(len(ALWAYS)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fixed_cases_match_torch(case, dtype):
    check_against_torch(case, dtype)


@given(case=conv_cases())
def test_forward_and_backward_match_torch_float64(case):
    check_against_torch(case, np.float64)


@given(case=conv_cases())
def test_forward_and_backward_match_torch_float32(case):
    check_against_torch(case, np.float32)


@given(case=conv_cases(max_channels=2, max_extra=3, max_n=2))
@example(case=ALWAYS[1])
@example(case=ALWAYS[2])
def test_naive_equals_vectorised(case):
    x, w, b, kw = case
    np.testing.assert_allclose(conv2d_naive(x, w, b, **kw), conv2d(x, w, b, **kw), rtol=1e-12, atol=1e-12)


@given(case=conv_cases(max_n=1))
def test_unbatched_matches_batched(case):
    x, w, b, kw = case
    out = conv2d(x[0], w, b, **kw)
    assert_close(out, conv2d(x, w, b, **kw)[0], np.float64)
    assert_close(out, F.conv2d(torch.tensor(x[0]), torch.tensor(w), None if b is None else torch.tensor(b), **kw).numpy(), np.float64)
    grad_output = np.ones(out.shape)
    grad_input, grad_weight, _ = conv2d_backward(grad_output, x[0], w, b, **kw)
    batched = conv2d_backward(grad_output[None], x, w, b, **kw)
    assert grad_input.shape == x[0].shape
    np.testing.assert_allclose(grad_input, batched[0][0], rtol=1e-12)
    np.testing.assert_allclose(grad_weight, batched[1], rtol=1e-12)


# ---------------------------------------------------------------- numerical gradient


def numerical_grad(f, array, eps=1e-6):
    """Central differences of the scalar f() with respect to each entry of array (in place)."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        plus = f()
        array[idx] = old - eps
        minus = f()
        array[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("index", range(4))
def test_backward_matches_central_differences(index):
    x, w, b, kw = ALWAYS[index]
    x = x[:1].copy()
    if b is None:
        b = np.zeros(w.shape[0])
    R = np.random.default_rng(2).standard_normal(conv2d(x, w, b, **kw).shape)

    def loss():
        return float(np.sum(conv2d(x, w, b, **kw) * R))

    grad_input, grad_weight, grad_bias = conv2d_backward(R, x, w, b, **kw)
    for name, analytic, array in (("input", grad_input, x), ("weight", grad_weight, w), ("bias", grad_bias, b)):
        numeric = numerical_grad(loss, array)
        err = np.abs(analytic - numeric)
        assert err.max() < 1e-6, f"grad_{name}: largest error {err.max():.3g} at {np.unravel_index(err.argmax(), err.shape)}"


# ---------------------------------------------------------------- dtypes and shapes


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
def test_dtypes(fn):
    x = np.arange(2 * 3 * 5 * 4).reshape(2, 3, 5, 4)
    w = np.ones((2, 3, 3, 3), dtype=np.float32)
    assert fn(x.astype(np.float32), w).dtype == np.float32
    assert fn(x.astype(np.float64), w.astype(np.float64)).dtype == np.float64
    assert fn(x, w.astype(np.int64)).dtype == np.float64  # pixel values: computed in float64
    assert fn(x.astype(np.uint8), w.astype(np.float64)).dtype == np.float64
    assert fn(x.astype(np.float32), w.astype(np.float64)).dtype == np.float64  # NumPy's promotion


def test_backward_dtypes():
    x = np.ones((1, 2, 4, 4), dtype=np.float32)
    w = np.ones((3, 2, 2, 2), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    grads = conv2d_backward(np.ones((1, 3, 3, 3), dtype=np.float32), x, w, b)
    assert [g.dtype for g in grads] == [np.float32] * 3
    grads = conv2d_backward(np.ones((1, 3, 3, 3), dtype=np.int64), x.astype(np.uint8), w.astype(np.int64), b.astype(int))
    assert [g.dtype for g in grads] == [np.float64] * 3  # integers are computed in float64


def test_same_padding_even_kernel_is_asymmetric_like_torch():
    x = np.arange(30.0).reshape(1, 1, 5, 6)
    w = np.arange(8.0).reshape(1, 1, 2, 4)
    out = conv2d(x, w, padding="same")
    assert out.shape == (1, 1, 5, 6)
    np.testing.assert_allclose(out, F.conv2d(torch.tensor(x), torch.tensor(w), padding="same").numpy(), rtol=1e-12)
    # total padding d*(k-1) = 1 rows: 0 before, 1 after; 3 columns: 1 before, 2 after.
    np.testing.assert_allclose(out, conv2d(np.pad(x, ((0, 0), (0, 0), (0, 1), (1, 2))), w), rtol=1e-12)


def test_accepts_lists_and_tensors():
    x = [[[1.0, 2.0], [3.0, 4.0]]]
    assert conv2d(x, [[[[1.0]]]]).tolist() == [[[1.0, 2.0], [3.0, 4.0]]]
    out = conv2d(torch.ones(1, 1, 3, 3, dtype=torch.float64), np.ones((1, 1, 3, 3)))
    assert isinstance(out, np.ndarray) and out.item() == 9.0


# ---------------------------------------------------------------- the lecture's numbers


LECTURE_IMAGE = [
    [60, 113, 56, 139, 85],
    [73, 121, 54, 84, 128],
    [131, 99, 70, 129, 127],
    [80, 57, 115, 69, 134],
    [104, 126, 123, 95, 130],
]
SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]

RGB_TOP_LEFT = [
    [[156, 155, 156, 158, 158], [153, 154, 157, 159, 159], [149, 151, 155, 158, 159], [146, 146, 149, 153, 158], [145, 143, 143, 148, 158]],
    [[167, 166, 167, 169, 169], [164, 165, 168, 170, 170], [160, 162, 166, 169, 170], [156, 156, 159, 163, 168], [155, 153, 153, 158, 168]],
    [[163, 162, 163, 165, 165], [160, 161, 164, 166, 166], [156, 158, 162, 165, 166], [155, 155, 158, 162, 167], [154, 152, 152, 157, 167]],
]
RGB_KERNELS = [
    [[-1, -1, 1], [0, 1, -1], [0, 1, 1]],
    [[1, 0, 0], [1, -1, -1], [1, 0, -1]],
    [[0, 1, 1], [0, 1, 0], [1, -1, 1]],
]


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
def test_lecture_sharpen_top_left_is_114(fn):
    image = np.array([LECTURE_IMAGE])  # (C_in, H, W), integer pixels
    out = fn(image, np.array([[SHARPEN]]), padding=1)
    assert out.shape == (1, 5, 5) and out.dtype == np.float64
    assert out[0, 0, 0] == 114


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
def test_lecture_rgb_example(fn):
    image = np.array([RGB_TOP_LEFT])  # (1, 3, 5, 5): the top-left corner of the image
    kernels = np.array([RGB_KERNELS])  # (C_out=1, C_in=3, 3, 3)
    for channel, partial in zip(range(3), (308, -498, 164)):
        alone = fn(image[:, channel:channel + 1], kernels[:, channel:channel + 1], padding=1)
        assert alone[0, 0, 0, 0] == partial
    assert fn(image, kernels, np.array([1]), padding=1)[0, 0, 0, 0] == -25


@pytest.mark.parametrize("stride, padding, size", [(1, 0, 5), (2, 0, 3), (1, 1, 7)])
def test_lecture_output_sizes_7x7_with_3x3(stride, padding, size):
    out = conv2d(np.zeros((1, 1, 7, 7)), np.zeros((1, 1, 3, 3)), stride=stride, padding=padding)
    assert out.shape == (1, 1, size, size)


# ---------------------------------------------------------------- docstring examples


@pytest.mark.parametrize("module", [helpers.ops.conv, helpers.ops.conv_transpose, helpers.ops.im2col])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------- blocks and scratch memory


@pytest.mark.parametrize("block_bytes", [1, 700, 1 << 40], ids=["row-by-row", "few-rows", "one-block"])
@pytest.mark.parametrize("index", range(len(ALWAYS)))
def test_every_blocking_matches_torch(monkeypatch, block_bytes, index):
    """The kernels cut the work into blocks of output positions (conv_gemm.BLOCK_BYTES); every cut agrees."""
    monkeypatch.setattr(helpers.ops.conv_gemm, "BLOCK_BYTES", block_bytes)
    check_against_torch(ALWAYS[index], np.float64)


@pytest.mark.parametrize("rows", [1, 2, 4, 8, 9, 10, 19, 100])
def test_forward_blocks_of_grid_rows_match_torch(monkeypatch, rows):
    """The forward works in blocks of grid rows, copying each block's outputs out at once: blocks
    within an image (some cut at an image's end), one image, several images, all of them."""
    case = make_case(3, 1, 2, 3, 7, 9, (3, 3), 1, 1, 1, True)
    # the padded grid: 9 rows of 11 positions per image; one row's im2col: 2*3*3 rows x 11 x 8 bytes
    monkeypatch.setattr(helpers.ops.conv_gemm, "BLOCK_BYTES", rows * 18 * 11 * 8)
    check_against_torch(case, np.float64)


@pytest.mark.parametrize("C_in_g, C_out_g", [(1, 3), (3, 1), (2, 2)], ids=["adds", "gather", "equal"])
@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), ((3, 2), (1, 2)), (1, (2, 3)), (2, 3)])
def test_both_input_gradient_forms_match_torch(C_in_g, C_out_g, stride, dilation):
    """grad_input is computed by adds into the input (C_in < C_out) or by a gather over grad_output."""
    for groups in (1, 2):
        case = make_case(2, groups, C_in_g, C_out_g, 11, 10, (3, 2), stride, 1, dilation, True, seed=groups)
        check_against_torch(case, np.float64)


def test_results_are_fresh_arrays():
    """Scratch memory is reused between calls; no result may be a view of it."""
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    g = rng.standard_normal((2, 4, 6, 5))
    first = [conv2d(x, w, b, padding=1), *conv2d_backward(g, x, w, b, padding=1)]
    kept = [a.copy() for a in first]
    conv2d(-x, w, b, padding=1), conv2d_backward(-g, -x, w, b, padding=1), conv2d(x[:, :, :1, :1], w, padding=1)
    for before, after in zip(kept, first):
        np.testing.assert_array_equal(before, after)
    for i, a in enumerate(first):
        assert a.flags.c_contiguous
        for other in first[i + 1:]:
            assert not np.shares_memory(a, other)
