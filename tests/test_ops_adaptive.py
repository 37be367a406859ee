"""adaptive_avg_pool2d / adaptive_max_pool2d and their backward functions
against torch (forward and autograd), numerically, and on bad input."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.ops import (
    adaptive_avg_pool2d,
    adaptive_avg_pool2d_backward,
    adaptive_max_pool2d,
    adaptive_max_pool2d_backward,
)

TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


@st.composite
def adaptive_cases(draw):
    H, W = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    # Output sizes below, equal to and above the input size (windows then overlap or repeat).
    H_out, W_out = draw(st.integers(1, H + 3)), draw(st.integers(1, W + 3))
    output_size = draw(
        st.sampled_from(
            [(H_out, W_out), [H_out, W_out], (None, W_out), (H_out, None)] + ([H_out] if H_out == W_out else [])
        )
    )
    unbatched = draw(st.booleans())
    shape = (draw(st.integers(1, 3)), H, W) if unbatched else (draw(st.integers(1, 2)), draw(st.integers(1, 3)), H, W)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(0, 3, shape) if draw(st.booleans()) else rng.standard_normal(shape)
    return x.astype(draw(st.sampled_from([np.float64, np.float32]))), output_size, rng


def torch_run(fn, x, output_size, rng, **kwargs):
    t = torch.tensor(x, requires_grad=True)
    out = fn(t, tuple(output_size) if isinstance(output_size, list) else output_size, **kwargs)
    values = out[0] if isinstance(out, tuple) else out
    g = rng.standard_normal(tuple(values.shape)).astype(x.dtype)
    values.backward(torch.tensor(g))
    out = tuple(o.detach().numpy() for o in out) if isinstance(out, tuple) else out.detach().numpy()
    return out, g, t.grad.numpy()


@given(adaptive_cases())
def test_adaptive_avg_pool2d_matches_torch(case):
    x, output_size, rng = case
    t_out, g, t_grad = torch_run(F.adaptive_avg_pool2d, x, output_size, rng)
    out = adaptive_avg_pool2d(x, output_size)
    assert out.dtype == x.dtype and out.shape == t_out.shape
    np.testing.assert_allclose(out, t_out, **TOL[x.dtype.type])
    grad = adaptive_avg_pool2d_backward(g, x, output_size)
    assert grad.dtype == x.dtype and grad.shape == x.shape
    np.testing.assert_allclose(grad, t_grad, **TOL[x.dtype.type])


@given(adaptive_cases())
def test_adaptive_max_pool2d_matches_torch(case):
    x, output_size, rng = case
    (t_out, t_idx), g, t_grad = torch_run(F.adaptive_max_pool2d, x, output_size, rng, return_indices=True)
    out, idx = adaptive_max_pool2d(x, output_size, return_indices=True)
    assert out.dtype == x.dtype and idx.dtype == np.int64
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_array_equal(idx, t_idx)
    np.testing.assert_array_equal(adaptive_max_pool2d(x, output_size), t_out)
    np.testing.assert_allclose(adaptive_max_pool2d_backward(g, x, output_size), t_grad, **TOL[x.dtype.type])


def test_adaptive_windows_follow_torchs_rule():
    # H = 5 -> 3 outputs: rows [0, 2), [1, 4), [3, 5): sizes differ and overlap.
    x = np.arange(5.0).reshape(1, 5, 1)
    np.testing.assert_allclose(adaptive_avg_pool2d(x, (3, 1))[0, :, 0], [0.5, 2.0, 3.5])
    np.testing.assert_array_equal(adaptive_max_pool2d(x, (3, 1))[0, :, 0], [1, 3, 4])


def test_adaptive_max_pool2d_nan_and_ties_follow_torch():
    x = np.array([[[1, np.nan, 2], [np.nan, 4, 4], [4, 4, -np.inf]]])
    for size in [1, 2, (2, 3)]:
        t_out, t_idx = F.adaptive_max_pool2d(torch.tensor(x), size, return_indices=True)
        out, idx = adaptive_max_pool2d(x, size, return_indices=True)
        np.testing.assert_array_equal(out, t_out.numpy())
        np.testing.assert_array_equal(idx, t_idx.numpy())


@pytest.mark.parametrize("output_size", [2, (3, 2), (4, 5)])
def test_adaptive_backward_numerical_gradient(output_size):
    rng = np.random.default_rng(2)
    shape = (1, 2, 5, 4)
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.1  # no ties
    eps = 1e-6
    for forward, backward in [
        (adaptive_avg_pool2d, adaptive_avg_pool2d_backward),
        (adaptive_max_pool2d, adaptive_max_pool2d_backward),
    ]:
        g = rng.standard_normal(forward(x, output_size).shape)
        numerical = np.zeros_like(x)
        for i in np.ndindex(shape):
            up, down = x.copy(), x.copy()
            up[i] += eps
            down[i] -= eps
            numerical[i] = (np.sum(forward(up, output_size) * g) - np.sum(forward(down, output_size) * g)) / (2 * eps)
        np.testing.assert_allclose(backward(g, x, output_size), numerical, rtol=1e-6, atol=1e-8)


def test_adaptive_dtypes():
    pixels = np.arange(2 * 5 * 7, dtype=np.uint8).reshape(2, 5, 7)
    assert adaptive_avg_pool2d(pixels, 3).dtype == np.float64
    out, idx = adaptive_max_pool2d(pixels, (2, None), return_indices=True)
    assert out.shape == (2, 2, 7) and out.dtype == np.float64 and idx.dtype == np.int64


X = np.zeros((1, 2, 6, 6))
FNS = [
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    lambda x, size: adaptive_avg_pool2d_backward(np.zeros((1, 2, 3, 3)), x, size),
    lambda x, size: adaptive_max_pool2d_backward(np.zeros((1, 2, 3, 3)), x, size),
]


@pytest.mark.parametrize(
    "args, exc, words",
    [
        ((X, 0), ValueError, "output_size"),
        ((X, -1), ValueError, "output_size"),
        ((X, (2, 0)), ValueError, "output_size"),
        ((X, (2,)), TypeError, "output_size"),
        ((X, (2, 2, 2)), TypeError, "output_size"),
        ((X, 2.0), TypeError, "output_size"),
        ((X, None), TypeError, "output_size"),
        ((X, "7"), TypeError, "output_size"),
        ((np.zeros((6, 6)), 2), ValueError, "input"),
        ((np.zeros((1, 1, 0, 4)), 2), ValueError, "input"),
    ],
)
@pytest.mark.parametrize("fn", FNS)
def test_bad_adaptive_arguments_raise_worded_errors(fn, args, exc, words):
    with pytest.raises(exc, match=words) as info:
        fn(*args)
    assert str(info.value).startswith("adaptive_")


@pytest.mark.parametrize(
    "call",
    [
        lambda: adaptive_avg_pool2d_backward(np.zeros((1, 2, 3, 4)), X, 3),
        lambda: adaptive_max_pool2d_backward(np.zeros((2, 3, 3)), X, 3),
    ],
)
def test_adaptive_backward_checks_grad_output(call):
    with pytest.raises(ValueError, match="grad_output"):
        call()


def test_adaptive_max_return_indices_flag():
    with pytest.raises(TypeError, match="return_indices"):
        adaptive_max_pool2d(X, 2, return_indices="no")
