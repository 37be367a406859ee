"""relu and relu_backward against torch."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers.ops import relu, relu_backward

arrays = st.sampled_from([np.float64, np.float32]).flatmap(
    lambda dtype: hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
        elements=st.one_of(st.integers(-2, 2).map(float), st.floats(-10, 10, width=32)),
    )
)


@given(arrays)
def test_relu_and_backward_match_torch(x):
    t = torch.tensor(x, requires_grad=True)
    out = F.relu(t)
    g = np.random.default_rng(0).standard_normal(x.shape).astype(x.dtype)
    out.backward(torch.tensor(g))
    got = relu(x)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, out.detach().numpy())
    grad = relu_backward(g, x)
    assert grad.dtype == x.dtype
    np.testing.assert_array_equal(grad, t.grad.numpy())


def test_relu_gradient_at_zero_is_zero_and_nan_passes():
    x = np.array([-1.0, 0.0, -0.0, 2.0, np.nan])
    t = torch.tensor(x, requires_grad=True)
    F.relu(t).backward(torch.ones(5))
    np.testing.assert_array_equal(relu_backward(np.ones(5), x), t.grad.numpy())
    np.testing.assert_array_equal(relu_backward(np.ones(5), x), [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(relu(x), F.relu(torch.tensor(x)).numpy())


def test_relu_backward_numerical_gradient():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    g = rng.standard_normal(x.shape)
    eps = 1e-6
    numerical = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numerical[i] = (np.sum(relu(up) * g) - np.sum(relu(down) * g)) / (2 * eps)
    np.testing.assert_allclose(relu_backward(g, x), numerical, rtol=1e-6, atol=1e-8)


def test_relu_dtypes_inplace_and_lists():
    pixels = np.array([[0, 128, 255]], dtype=np.uint8)
    assert relu(pixels).dtype == np.float64
    assert relu([[-1, 2]]).tolist() == [[0.0, 2.0]]
    x = np.array([-1.0, 2.0], dtype=np.float32)
    out = relu(x, inplace=True)
    assert out is x and x.tolist() == [0.0, 2.0]
    y = np.array([-1.0, 2.0])
    relu(y)
    assert y[0] == -1.0  # not in place by default
    assert relu_backward(np.ones(2, np.float32), np.array([1, -1])).dtype == np.float32


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: relu(None), TypeError, "input"),
        (lambda: relu(np.array(["a"])), TypeError, "input"),
        (lambda: relu(np.ones(2), inplace=1), TypeError, "inplace"),
        (lambda: relu([1.0, -1.0], inplace=True), TypeError, "inplace"),
        (lambda: relu(np.array([1, -1]), inplace=True), TypeError, "inplace"),
        (lambda: relu_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError, "grad_output"),
        (lambda: relu_backward(None, np.ones(2)), TypeError, "grad_output"),
        (lambda: relu_backward(np.ones(2), None), TypeError, "input"),
    ],
)
def test_bad_relu_arguments_raise_worded_errors(call, exc, words):
    with pytest.raises(exc, match=words) as info:
        call()
    assert str(info.value).startswith("relu")
