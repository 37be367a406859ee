"""max_pool2d / avg_pool2d, their naive loops and backward functions against
torch.nn.functional (forward and autograd), plus numerical gradients and the
bad-input table."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.backprop_demo import numerical_gradient  # central differences (lesson 10), tested there
from helpers.ops import (
    avg_pool2d,
    avg_pool2d_backward,
    avg_pool2d_naive,
    max_pool2d,
    max_pool2d_backward,
    max_pool2d_naive,
)

DTYPES = [np.float64, np.float32]
TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


@st.composite
def pool_cases(draw, kind="max", padded=False, max_extra=6, batch=(1, 2), channels=(1, 3)):
    """Arguments of one pooling call plus an input drawn to it. ``padded``
    forces padding > 0 in at least the height. Inputs are small integers
    (many ties) half the time."""
    kmin = 2 if padded else 1
    kH, kW = draw(st.integers(kmin, 4)), draw(st.integers(1, 4))
    pH = draw(st.integers(1 if padded else 0, kH // 2))
    pW = draw(st.integers(0, kW // 2))
    dH, dW = (1, 1) if kind == "avg" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    spanH, spanW = dH * (kH - 1) + 1, dW * (kW - 1) + 1
    H = draw(st.integers(max(1, spanH - 2 * pH), max(1, spanH - 2 * pH) + max_extra))
    W = draw(st.integers(max(1, spanW - 2 * pW), max(1, spanW - 2 * pW) + max_extra))
    N, C = draw(st.integers(*batch)), draw(st.integers(*channels))
    unbatched = draw(st.booleans())
    dtype = draw(st.sampled_from(DTYPES))
    ties = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (C, H, W) if unbatched else (N, C, H, W)
    x = rng.integers(0, 3, shape) if ties else rng.standard_normal(shape)
    kwargs = dict(
        kernel_size=draw(st.sampled_from([(kH, kW)] + ([kH] if kH == kW else []))),
        stride=stride,
        padding=(pH, pW) if pH != pW or draw(st.booleans()) else pH,
        ceil_mode=draw(st.booleans()),
    )
    if kind == "max":
        kwargs["dilation"] = (dH, dW) if dH != dW else dH
    else:
        kwargs["count_include_pad"] = draw(st.booleans())
        kwargs["divisor_override"] = draw(st.one_of(st.none(), st.integers(1, 5)))
    return x.astype(dtype), kwargs, rng


def torch_forward_backward(fn, x, kwargs, grad_output=None, rng=None):
    """torch's output (and indices) and, with a grad_output drawn from rng, the autograd gradient."""
    t = torch.tensor(x, requires_grad=True)
    out = fn(t, **kwargs)
    values = out[0] if isinstance(out, tuple) else out
    if grad_output is None:
        grad_output = rng.standard_normal(tuple(values.shape)).astype(x.dtype)
    values.backward(torch.tensor(grad_output))
    numpy_out = tuple(o.detach().numpy() for o in out) if isinstance(out, tuple) else out.detach().numpy()
    return numpy_out, grad_output, t.grad.numpy()


# ---------------------------------------------------------------- max_pool2d


def window_reads_only_padding(x, kwargs):
    """Padding with dilation can leave a window without any input element;
    torch then returns -inf and an index of no element of the window; we raise."""
    try:
        max_pool2d(x, **kwargs)
    except ValueError as error:
        assert "reads only padding" in str(error)
        t_out, t_idx = F.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
        assert (t_out == -np.inf).any()  # and an index that points at no element of the window
        return True
    return False


@given(pool_cases("max"))
def test_max_pool2d_matches_torch_forward_and_backward(case):
    x, kwargs, rng = case
    if window_reads_only_padding(x, kwargs):
        return
    (t_out, t_idx), g, t_grad = torch_forward_backward(F.max_pool2d, x, dict(kwargs, return_indices=True), rng=rng)
    out, idx = max_pool2d(x, return_indices=True, **kwargs)
    assert out.dtype == x.dtype and idx.dtype == np.int64
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_array_equal(idx, t_idx)
    np.testing.assert_array_equal(max_pool2d(x, **kwargs), t_out)
    grad = max_pool2d_backward(g, x, **kwargs)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    np.testing.assert_allclose(grad, t_grad, **TOL[x.dtype.type])


@given(pool_cases("max", padded=True))
def test_max_pool2d_with_padding_matches_torch(case):
    x, kwargs, rng = case
    if window_reads_only_padding(x, kwargs):
        return
    (t_out, t_idx), g, t_grad = torch_forward_backward(F.max_pool2d, x, dict(kwargs, return_indices=True), rng=rng)
    out, idx = max_pool2d(x, return_indices=True, **kwargs)
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_array_equal(idx, t_idx)
    np.testing.assert_allclose(max_pool2d_backward(g, x, **kwargs), t_grad, **TOL[x.dtype.type])


@given(pool_cases("max", max_extra=4, batch=(1, 2), channels=(1, 2)))
def test_max_pool2d_naive_equals_vectorised(case):
    x, kwargs, _ = case
    if window_reads_only_padding(x, kwargs):
        with pytest.raises(ValueError, match="dilation"):
            max_pool2d_naive(x, **kwargs)
        return
    out, idx = max_pool2d(x, return_indices=True, **kwargs)
    naive_out, naive_idx = max_pool2d_naive(x, return_indices=True, **kwargs)
    np.testing.assert_array_equal(naive_out, out)
    np.testing.assert_array_equal(naive_idx, idx)
    assert naive_out.dtype == out.dtype


def test_max_pool2d_lecture_example():
    x = np.array([[2, 2, 2, 0], [2, 5, 2, 1], [2, 2, 2, 0], [0, 1, 0, 0]])
    expected = np.array([[5, 2], [2, 2]])
    for fn in (max_pool2d, max_pool2d_naive):
        out = fn(x[None, None], 2, stride=2)
        assert out.shape == (1, 1, 2, 2)
        np.testing.assert_array_equal(out[0, 0], expected)
    # The ties: torch takes the first maximum in each window, row by row.
    _, idx = max_pool2d(x[None], 2, return_indices=True)
    np.testing.assert_array_equal(idx[0], [[5, 2], [8, 10]])


def test_max_pool2d_nan_and_minus_inf_follow_torch():
    nan, inf = np.nan, np.inf
    x = np.array([[[1, nan, 2, nan], [3, 4, nan, 6], [-inf, -inf, 0, 1], [-inf, -inf, 1, 1]]])
    for kwargs in [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=(2, 4))]:
        t_out, t_idx = F.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
        for fn in (max_pool2d, max_pool2d_naive):
            out, idx = fn(x, return_indices=True, **kwargs)
            np.testing.assert_array_equal(out, t_out.numpy())
            np.testing.assert_array_equal(idx, t_idx.numpy())
        g = np.arange(t_out.numel(), dtype=float).reshape(t_out.shape) + 1
        _, _, t_grad = torch_forward_backward(F.max_pool2d, x, kwargs, grad_output=g)
        np.testing.assert_array_equal(max_pool2d_backward(g, x, **kwargs), t_grad)


@pytest.mark.parametrize("values", ["distinct", "ties", "infinite"])
@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=2),  # windows tile the input
        dict(kernel_size=(2, 3), stride=(2, 3)),
        dict(kernel_size=2, stride=3),  # gaps between windows
        dict(kernel_size=3, stride=2, padding=1),  # overlapping windows
        dict(kernel_size=3, stride=2, ceil_mode=True),  # overlapping, the last window partly outside
        dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),  # overlapping, dilated
        dict(kernel_size=2, stride=(1, 3)),  # overlapping along the height only
        dict(kernel_size=2, stride=2, padding=1, ceil_mode=True),
    ],
)
def test_max_pool2d_backward_routes_match_torch(kwargs, values):
    """max_pool2d_backward picks a route by case (windows apart: masks on
    strided views; overlapping windows: stride phases; NaN or infinite
    maxima: torch's indices); each must give torch's gradient."""
    rng = np.random.default_rng(3)
    shape = (2, 3, 6, 12)
    if values == "distinct":
        x = rng.standard_normal(shape)
    else:
        x = rng.integers(0, 2, shape).astype(float)
    if values == "infinite":
        x[0, 0, :2, :3] = np.inf
        x[1, 2] = -np.inf
    (t_out, _), g, t_grad = torch_forward_backward(F.max_pool2d, x, dict(kwargs, return_indices=True), rng=rng)
    np.testing.assert_allclose(max_pool2d_backward(g, x, **kwargs), t_grad, rtol=1e-14, atol=1e-14)
    np.testing.assert_array_equal(max_pool2d(x, **kwargs), t_out)


def test_max_pool2d_overlapping_windows_accumulate():
    x = np.zeros((1, 3, 3))
    x[0, 1, 1] = 1.0  # the maximum of all four 2x2 windows
    grad = max_pool2d_backward(np.ones((1, 2, 2)), x, 2, stride=1)
    assert grad[0, 1, 1] == 4 and grad.sum() == 4


def test_max_pool2d_dtypes_and_unbatched():
    pixels = np.arange(2 * 6 * 6, dtype=np.uint8).reshape(2, 6, 6)
    out, idx = max_pool2d(pixels, 3, stride=2, padding=1, return_indices=True)
    assert out.dtype == np.float64 and idx.dtype == np.int64 and out.shape == (2, 3, 3)
    assert max_pool2d(pixels.astype(np.float32), 2).dtype == np.float32
    assert max_pool2d_naive(pixels, 2).dtype == np.float64
    assert max_pool2d_backward(np.ones((2, 3, 3)), pixels, 2).dtype == np.float64


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=2),
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0), dilation=(1, 2), ceil_mode=True),
        dict(kernel_size=3, stride=1, padding=1),
    ],
)
def test_max_pool2d_backward_numerical_gradient(kwargs):
    rng = np.random.default_rng(0)
    shape = (1, 2, 5, 7)
    # Distinct values 0.1 apart: no ties, so a tiny step never moves a maximum.
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.1
    g = rng.standard_normal(max_pool2d(x, **kwargs).shape)
    expected = numerical_gradient(lambda v: np.sum(max_pool2d(v, **kwargs) * g), x)
    np.testing.assert_allclose(max_pool2d_backward(g, x, **kwargs), expected, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- avg_pool2d


@given(pool_cases("avg"))
def test_avg_pool2d_matches_torch_forward_and_backward(case):
    x, kwargs, rng = case
    t_out, g, t_grad = torch_forward_backward(F.avg_pool2d, x, kwargs, rng=rng)
    out = avg_pool2d(x, **kwargs)
    assert out.dtype == x.dtype and out.shape == t_out.shape
    np.testing.assert_allclose(out, t_out, **TOL[x.dtype.type])
    grad = avg_pool2d_backward(g, x, **kwargs)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    np.testing.assert_allclose(grad, t_grad, **TOL[x.dtype.type])


@given(pool_cases("avg", padded=True))
def test_avg_pool2d_with_padding_matches_torch(case):
    x, kwargs, rng = case
    t_out, g, t_grad = torch_forward_backward(F.avg_pool2d, x, kwargs, rng=rng)
    np.testing.assert_allclose(avg_pool2d(x, **kwargs), t_out, **TOL[x.dtype.type])
    np.testing.assert_allclose(avg_pool2d_backward(g, x, **kwargs), t_grad, **TOL[x.dtype.type])


@given(pool_cases("avg", max_extra=4, channels=(1, 2)))
def test_avg_pool2d_naive_equals_vectorised(case):
    x, kwargs, _ = case
    naive = avg_pool2d_naive(x, **kwargs)
    assert naive.dtype == x.dtype
    np.testing.assert_allclose(naive, avg_pool2d(x, **kwargs), **TOL[x.dtype.type])


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_size=2),
        dict(kernel_size=3, stride=2, padding=1),
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        dict(kernel_size=(3, 2), stride=1, padding=(1, 1), divisor_override=3),
    ],
)
def test_avg_pool2d_backward_numerical_gradient(kwargs):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 5, 6))
    g = rng.standard_normal(avg_pool2d(x, **kwargs).shape)
    expected = numerical_gradient(lambda v: np.sum(avg_pool2d(v, **kwargs) * g), x)
    np.testing.assert_allclose(avg_pool2d_backward(g, x, **kwargs), expected, rtol=1e-6, atol=1e-8)


def test_avg_pool2d_dtypes_and_unbatched():
    pixels = np.arange(36, dtype=np.uint8).reshape(1, 6, 6)
    out = avg_pool2d(pixels, 2)
    assert out.dtype == np.float64 and out.shape == (1, 3, 3)
    np.testing.assert_array_equal(out[0, 0], [3.5, 5.5, 7.5])
    assert avg_pool2d(pixels.astype(np.float32), 3, 2, 1).dtype == np.float32
    assert avg_pool2d_backward(np.ones((1, 3, 3), np.float32), pixels.astype(np.float32), 2).dtype == np.float32


# ---------------------------------------------------------------- bad input

X = np.zeros((1, 2, 6, 6))
G3 = np.zeros((1, 2, 3, 3))
MAX_FNS = [max_pool2d, max_pool2d_naive, lambda x, *a, **k: max_pool2d_backward(G3, x, *a, **k)]
AVG_FNS = [avg_pool2d, avg_pool2d_naive, lambda x, *a, **k: avg_pool2d_backward(G3, x, *a, **k)]
BAD_COMMON = [
    # (args, kwargs, exception, words the message must contain)
    ((X, 0), {}, ValueError, "kernel_size"),
    ((X, -2), {}, ValueError, "kernel_size"),
    ((X, 2.5), {}, TypeError, "kernel_size"),
    ((X, (2, 2, 2)), {}, TypeError, "kernel_size"),
    ((X, 2), dict(stride=0), ValueError, "stride"),
    ((X, 2), dict(stride=(1, -1)), ValueError, "stride"),
    ((X, 2), dict(stride=1.0), TypeError, "stride"),
    ((X, 3), dict(padding=-1), ValueError, "padding"),
    ((X, 3), dict(padding=2), ValueError, "padding"),
    ((X, (2, 4)), dict(padding=(1, 3)), ValueError, "padding"),
    ((X, 7), {}, ValueError, "kernel_size"),
    ((np.zeros((1, 1, 2, 9)), 3), dict(padding=0), ValueError, "kernel_size"),
    ((np.zeros((6, 6)), 2), {}, ValueError, "input"),
    ((np.zeros((1, 1, 1, 6, 6)), 2), {}, ValueError, "input"),
    ((np.array(["a", "b"]), 2), {}, TypeError, "input"),
    ((X, 2), dict(ceil_mode="yes"), TypeError, "ceil_mode"),
]


@pytest.mark.parametrize("args, kwargs, exc, words", BAD_COMMON)
@pytest.mark.parametrize("fn", MAX_FNS + AVG_FNS)
def test_bad_pool_arguments_raise_worded_errors(fn, args, kwargs, exc, words):
    with pytest.raises(exc, match=words):
        fn(*args, **kwargs)


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: max_pool2d(X, 2, dilation=0), ValueError, "dilation"),
        (lambda: max_pool2d(X, 3, dilation=3), ValueError, "kernel_size"),
        (lambda: max_pool2d_naive(X, 2, dilation=(1, -2)), ValueError, "dilation"),
        (lambda: max_pool2d(X, 2, return_indices=1), TypeError, "return_indices"),
        (lambda: max_pool2d(np.zeros((1, 1, 1)), (1, 2), padding=(0, 1), dilation=2), ValueError, "dilation"),
        (lambda: avg_pool2d(X, 2, divisor_override=0), ValueError, "divisor_override"),
        (lambda: avg_pool2d_naive(X, 2, divisor_override=0), ValueError, "divisor_override"),
        (lambda: avg_pool2d(X, 2, divisor_override=1.5), TypeError, "divisor_override"),
        (lambda: avg_pool2d(X, 2, count_include_pad=None), TypeError, "count_include_pad"),
        (lambda: max_pool2d_backward(np.zeros((1, 2, 3, 4)), X, 2), ValueError, "grad_output"),
        (lambda: max_pool2d_backward(np.zeros((2, 3, 3)), X, 2), ValueError, "grad_output"),
        (lambda: max_pool2d_backward(np.zeros((1, 2, 3, 3)), X[0], 2), ValueError, "grad_output"),
        (lambda: avg_pool2d_backward(np.zeros((1, 2, 2, 2)), X, 2), ValueError, "grad_output"),
        (lambda: avg_pool2d_backward(None, X, 2), TypeError, "grad_output"),
    ],
)
def test_bad_pool_specific_arguments_raise_worded_errors(call, exc, words):
    with pytest.raises(exc, match=words) as info:
        call()
    assert "pool2d" in str(info.value)  # names the function


def test_error_message_names_function_expected_and_got():
    with pytest.raises(ValueError) as info:
        max_pool2d(X, 3, padding=2)
    message = str(info.value)
    assert message.startswith("max_pool2d:") and "kernel_size // 2" in message and "(2, 2)" in message
    with pytest.raises(ValueError) as info:
        avg_pool2d_backward(np.zeros((1, 2, 3, 4)), X, 2)
    message = str(info.value)
    assert message.startswith("avg_pool2d_backward:") and "(1, 2, 3, 3)" in message and "(1, 2, 3, 4)" in message


# ---------------------------------------------------------------- empty stride

@pytest.mark.parametrize("empty", [(), []])
@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (avg_pool2d, F.avg_pool2d, {}),
        (avg_pool2d_naive, F.avg_pool2d, dict(padding=1, count_include_pad=False)),
        (max_pool2d, F.max_pool2d, {}),
        (max_pool2d_naive, F.max_pool2d, dict(padding=1, dilation=2)),
    ],
)
def test_empty_stride_means_kernel_size_as_torch(ours, theirs, kwargs, empty):
    """torch reads stride=() as "not given" (one of its own OpInfo samples): we do too."""
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    expected = theirs(torch.tensor(x), (3, 2), stride=empty, **kwargs).numpy()
    np.testing.assert_allclose(ours(x, (3, 2), stride=empty, **kwargs), expected, rtol=1e-12, atol=1e-12)
    assert expected.shape[-2:] == ours(x, (3, 2), stride=None, **kwargs).shape[-2:]


def test_empty_stride_backward_matches_torch():
    x = np.random.default_rng(1).standard_normal((1, 2, 6, 6))
    g = np.random.default_rng(2).standard_normal((1, 2, 3, 3))
    for ours, theirs in ((avg_pool2d_backward, F.avg_pool2d), (max_pool2d_backward, F.max_pool2d)):
        t = torch.tensor(x, requires_grad=True)
        theirs(t, 2, stride=()).backward(torch.tensor(g))
        np.testing.assert_allclose(ours(g, x, 2, stride=()), t.grad.numpy(), rtol=1e-12, atol=1e-12)
