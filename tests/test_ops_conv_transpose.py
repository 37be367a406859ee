"""conv_transpose2d and conv_transpose2d_backward against
torch.nn.functional.conv_transpose2d and its autograd."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st

import helpers.ops.conv_gemm
from helpers.ops import conv2d_backward, conv_transpose2d, conv_transpose2d_backward


def make_case(N, groups, C_in_g, C_out_g, H, W, kernel, stride, padding, output_padding, dilation, bias, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, groups * C_in_g, H, W))
    w = rng.standard_normal((groups * C_in_g, C_out_g) + tuple(kernel))
    b = rng.standard_normal(groups * C_out_g) if bias else None
    kw = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    return x, w, b, kw


@st.composite
def transpose_cases(draw):
    groups = draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    # keep the output non-empty: 2p <= (H-1)s + d(k-1) + op
    padding = tuple(
        draw(st.integers(0, min(2, ((L - 1) * s + d * (k - 1) + op) // 2)))
        for L, s, d, k, op in zip((H, W), stride, dilation, kernel, output_padding)
    )
    return make_case(
        draw(st.integers(1, 2)), groups, draw(st.integers(1, 2)), draw(st.integers(1, 2)), H, W, kernel, stride,
        padding, output_padding, dilation, draw(st.booleans()), draw(st.integers(0, 2**16)),
    )


ALWAYS = [
    make_case(2, 1, 3, 2, 5, 4, (3, 3), 2, 1, 1, 1, True),
    make_case(1, 2, 2, 3, 4, 5, (4, 3), (3, 2), (1, 2), (2, 0), (1, 2), True),
    make_case(1, 1, 2, 2, 3, 6, (2, 2), 1, 0, (1, 2), 3, False),  # output_padding < dilation
]


def check_against_torch(case, dtype):
    x, w, b, kw = case
    x, w = x.astype(dtype), w.astype(dtype)
    b = None if b is None else b.astype(dtype)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt = None if b is None else torch.tensor(b, requires_grad=True)
    expected = F.conv_transpose2d(xt, wt, bt, **kw)
    grad_output = np.random.default_rng(1).standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(grad_output))
    out = conv_transpose2d(x, w, b, **kw)
    grads = conv_transpose2d_backward(grad_output, x, w, b, **kw)
    refs = (expected.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), None if bt is None else bt.grad.numpy())
    for name, ours, ref in zip(("output", "grad_input", "grad_weight", "grad_bias"), (out,) + grads, refs):
        if ref is None:
            assert ours is None, name
            continue
        assert ours.dtype == dtype and ours.shape == ref.shape, (name, ours.dtype, ours.shape, ref.shape)
        tol = 1e-10 if dtype == np.float64 else 1e-4 * max(1.0, float(np.abs(ref).max()))
        np.testing.assert_allclose(ours, ref, rtol=1e-10 if dtype == np.float64 else 1e-4, atol=tol, err_msg=name)


@given(case=transpose_cases(), dtype=st.sampled_from([np.float64, np.float32]))
@example(case=ALWAYS[0], dtype=np.float64)
@example(case=ALWAYS[1], dtype=np.float32)
@example(case=ALWAYS[2], dtype=np.float64)
def test_matches_torch(case, dtype):
    check_against_torch(case, dtype)


@pytest.mark.parametrize("block_bytes", [1, 700], ids=["row-by-row", "few-rows"])
@pytest.mark.parametrize("index", range(len(ALWAYS)))
def test_every_blocking_matches_torch(monkeypatch, block_bytes, index):
    """The kernels cut the work into blocks of output positions (conv_gemm.BLOCK_BYTES); every cut agrees."""
    monkeypatch.setattr(helpers.ops.conv_gemm, "BLOCK_BYTES", block_bytes)
    check_against_torch(ALWAYS[index], np.float64)


def test_is_the_input_gradient_of_conv2d():
    """conv_transpose2d(g, w) == grad_input of conv2d(x, w) for upstream gradient g."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, 3, 3))
    g = rng.standard_normal((2, 4, 5, 4))
    grad_input, _, _ = conv2d_backward(g, x, w, stride=2, padding=1)
    np.testing.assert_allclose(conv_transpose2d(g, w, stride=2, padding=1, output_padding=(0, 1)), grad_input, rtol=1e-12)


@pytest.mark.parametrize("index", range(len(ALWAYS)))
def test_backward_matches_central_differences(index):
    x, w, b, kw = ALWAYS[index]
    x = x[:1].copy()
    b = np.zeros(w.shape[1] * kw["groups"]) if b is None else b.copy()
    R = np.random.default_rng(2).standard_normal(conv_transpose2d(x, w, b, **kw).shape)

    def loss():
        return float(np.sum(conv_transpose2d(x, w, b, **kw) * R))

    analytic = conv_transpose2d_backward(R, x, w, b, **kw)
    for name, grad, array in zip(("input", "weight", "bias"), analytic, (x, w, b)):
        numeric = np.zeros_like(array)
        for idx in np.ndindex(array.shape):
            old = array[idx]
            array[idx] = old + 1e-6
            plus = loss()
            array[idx] = old - 1e-6
            numeric[idx] = (plus - loss()) / 2e-6
            array[idx] = old
        err = np.abs(grad - numeric)
        assert err.max() < 1e-6, f"grad_{name}: largest error {err.max():.3g} at {np.unravel_index(err.argmax(), err.shape)}"


def test_unbatched_and_dtypes():
    x = np.arange(2 * 3 * 4).reshape(2, 3, 4)  # unbatched, integers
    w = np.ones((2, 3, 2, 2), dtype=np.int64)
    out = conv_transpose2d(x, w, stride=2)
    assert out.dtype == np.float64 and out.shape == (3, 6, 8)
    np.testing.assert_allclose(out, F.conv_transpose2d(torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64), stride=2).numpy())
    out32 = conv_transpose2d(x.astype(np.float32), w.astype(np.float32), np.zeros(3, np.float32), stride=2)
    assert out32.dtype == np.float32
    gi, gw, gb = conv_transpose2d_backward(np.ones((3, 6, 8), np.float32), x.astype(np.float32), w.astype(np.float32), np.zeros(3, np.float32), stride=2)
    assert (gi.shape, gw.shape, gb.shape) == ((2, 3, 4), (2, 3, 2, 2), (3,))
    assert gi.dtype == gw.dtype == gb.dtype == np.float32


def test_lecture_upsampling_stamps():
    """Each input pixel stamps pixel * kernel, stride apart; overlaps add."""
    x = np.array([[[[1.0, 2.0]]]])
    w = np.array([[[[1.0, 1.0, 1.0]]]])
    assert conv_transpose2d(x, w, stride=2).tolist() == [[[[1.0, 1.0, 3.0, 2.0, 2.0]]]]
