"""helpers.conv_steps: one output position explained (lesson 03), checked
against torch (unfold, conv2d), scipy.signal and the lecture's numbers."""
import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F

from helpers import conv_steps as cs
from helpers.lecture import GREY_IMAGE, RGB_BIAS, RGB_KERNELS, RGB_PATCH, SHARPEN

CASES = [  # (C, H, W, kH, kW, padding, stride, dilation)
    (1, 5, 5, 3, 3, 1, 1, 1),
    (3, 6, 7, 3, 2, 0, 1, 1),
    (2, 7, 5, 3, 3, 2, 2, 1),
    (3, 8, 9, 2, 3, 1, 3, 2),
    (1, 4, 4, 1, 1, 0, 1, 1),
]


def _positions(C, H, W, kH, kW, padding, stride, dilation):
    H_out = (H + 2 * padding - dilation * (kH - 1) - 1) // stride + 1
    W_out = (W + 2 * padding - dilation * (kW - 1) - 1) // stride + 1
    return H_out, W_out


@pytest.mark.parametrize("case", CASES)
def test_window_matches_torch_unfold(case):
    C, H, W, kH, kW, padding, stride, dilation = case
    x = np.random.default_rng(0).integers(-9, 10, size=(C, H, W)).astype(float)
    cols = F.unfold(torch.tensor(x)[None], (kH, kW), dilation=dilation, padding=padding, stride=stride)[0].numpy()
    H_out, W_out = _positions(*case)
    for i in range(H_out):
        for j in range(W_out):
            expected = cols[:, i * W_out + j].reshape(C, kH, kW)
            np.testing.assert_array_equal(cs.window(x, i, j, (kH, kW), padding, stride, dilation), expected)
    if C == 1:  # (H, W) input gives a (kH, kW) window
        assert cs.window(x[0], 0, 0, (kH, kW), padding, stride, dilation).shape == (kH, kW)


@pytest.mark.parametrize("case", CASES)
def test_partial_sums_and_output_match_torch_conv2d(case):
    C, H, W, kH, kW, padding, stride, dilation = case
    rng = np.random.default_rng(1)
    x = rng.normal(size=(C, H, W))
    w = rng.normal(size=(C, kH, kW))
    bias = 0.75
    per_channel = F.conv2d(torch.tensor(x)[None], torch.tensor(w)[:, None], padding=padding, stride=stride,
                           dilation=dilation, groups=C).numpy()[0]  # (C, H_out, W_out): each channel alone
    full = F.conv2d(torch.tensor(x)[None], torch.tensor(w)[None], torch.tensor([bias], dtype=torch.float64), padding=padding,
                    stride=stride, dilation=dilation).numpy()[0, 0]
    H_out, W_out = _positions(*case)
    for i in range(H_out):
        for j in range(W_out):
            sums = cs.partial_sums(x, w, i, j, padding, stride, dilation)
            np.testing.assert_allclose(sums, per_channel[:, i, j], atol=1e-12)
            prods = cs.products(x, w, i, j, padding, stride, dilation)
            assert prods.shape == (C, kH, kW)
            np.testing.assert_allclose(prods.sum(axis=(1, 2)), sums, atol=1e-12)
            assert cs.output_value(x, w, i, j, bias, padding, stride, dilation) == pytest.approx(full[i, j])


def test_the_lectures_grey_example():
    # typed from the slide: the top-left window of the zero-padded image and the first output 114
    np.testing.assert_array_equal(cs.window(GREY_IMAGE, 0, 0, 3, padding=1), [[0, 0, 0], [0, 60, 113], [0, 73, 121]])
    assert cs.products(GREY_IMAGE, SHARPEN, 0, 0, padding=1).sum() == 114
    assert cs.output_value(GREY_IMAGE, SHARPEN, 0, 0, padding=1) == 114
    assert cs.partial_sums(GREY_IMAGE, SHARPEN, 0, 0, padding=1).shape == (1,)


def test_the_lectures_rgb_example():
    np.testing.assert_array_equal(cs.partial_sums(RGB_PATCH, RGB_KERNELS, 0, 0, padding=1), [308, -498, 164])
    assert cs.output_value(RGB_PATCH, RGB_KERNELS, 0, 0, bias=RGB_BIAS, padding=1) == -25


def test_bad_input_raises_naming_the_argument():
    with pytest.raises(ValueError, match="i must be below 5"):
        cs.window(GREY_IMAGE, 5, 0, 3, padding=1)
    with pytest.raises(ValueError, match="j must be below 3"):
        cs.products(GREY_IMAGE, SHARPEN, 0, 3)
    with pytest.raises(ValueError, match="one kernel per input channel"):
        cs.partial_sums(RGB_PATCH, SHARPEN, 0, 0)
    with pytest.raises(TypeError, match="padding must be an int"):
        cs.window(GREY_IMAGE, 0, 0, 3, padding=1.5)
    with pytest.raises(ValueError, match="does not fit"):
        cs.window(GREY_IMAGE, 0, 0, 7)
    with pytest.raises(ValueError, match="input must be"):
        cs.window(np.ones(4), 0, 0, 3)
    with pytest.raises(TypeError, match="input must be an array of numbers"):
        cs.window(np.array([["a"]]), 0, 0, 1)
    with pytest.raises(TypeError, match="bias must be a number"):
        cs.output_value(GREY_IMAGE, SHARPEN, 0, 0, bias="1")
    with pytest.raises(ValueError, match="i must be at least 0"):
        cs.window(GREY_IMAGE, -1, 0, 3)


def test_flip_is_a_half_turn():
    k = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(cs.flip(k), np.rot90(k, 2))
    np.testing.assert_array_equal(cs.flip(np.stack([k, -k])), np.stack([np.rot90(k, 2), np.rot90(-k, 2)]))
    with pytest.raises(ValueError, match="kernel"):
        cs.flip(np.arange(3))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3), (5, 5)])
def test_correlate_and_convolve_match_scipy(shape):
    rng = np.random.default_rng(2)
    img = rng.normal(size=(9, 8))
    k = rng.normal(size=shape)
    np.testing.assert_allclose(cs.correlate2d(img, k), scipy.signal.correlate2d(img, k, mode="valid"), atol=1e-12)
    np.testing.assert_allclose(cs.convolve2d(img, k), scipy.signal.convolve2d(img, k, mode="valid"), atol=1e-12)
    if shape[0] == shape[1] and shape[0] % 2:  # odd square kernel: padding k//2 is scipy's "same"
        p = shape[0] // 2
        np.testing.assert_allclose(cs.correlate2d(img, k, p), scipy.signal.correlate2d(img, k, mode="same"), atol=1e-12)
        np.testing.assert_allclose(cs.convolve2d(img, k, p), scipy.signal.convolve2d(img, k, mode="same"), atol=1e-12)
    # an asymmetric kernel: the two differ; torch computes the correlation
    assert not np.allclose(cs.correlate2d(img, k), cs.convolve2d(img, k))
    torch_out = F.conv2d(torch.tensor(img)[None, None], torch.tensor(k)[None, None]).numpy()[0, 0]
    np.testing.assert_allclose(cs.correlate2d(img, k), torch_out, atol=1e-12)


def test_symmetric_kernel_correlation_equals_convolution():
    img = GREY_IMAGE.astype(float)
    np.testing.assert_array_equal(cs.correlate2d(img, SHARPEN, 1), cs.convolve2d(img, SHARPEN, 1))


def test_correlate_rejects_bad_shapes():
    with pytest.raises(ValueError, match="image must be"):
        cs.correlate2d(RGB_PATCH, SHARPEN)
    with pytest.raises(ValueError, match="kernel must be"):
        cs.convolve2d(GREY_IMAGE, RGB_KERNELS)


def test_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = cs.step_figure(RGB_PATCH, RGB_KERNELS, 0, 0, padding=1, bias=RGB_BIAS, channel_names=["red", "green", "blue"])
    assert len(fig.axes) == 9
    assert "-25" in fig._suptitle.get_text()
    assert [ax.get_title() for ax in fig.axes[2::3]] == [f"products, sum = {s}" for s in (308, -498, 164)]
    plt.close(fig)
    fig = cs.step_figure(GREY_IMAGE, SHARPEN, 0, 0, padding=1)
    assert len(fig.axes) == 3 and fig._suptitle.get_text().endswith("= 114")
    plt.close(fig)
    fig = cs.flip_figure(np.array([[1, 2, 0], [0, 0, 0], [0, 0, -1]]))
    assert len(fig.axes) == 4
    conv_panel = fig.axes[3].images[0].get_array()
    assert conv_panel[2, 2] == 1 and conv_panel[4, 4] == -1  # convolution draws the kernel as it is
    plt.close(fig)
    with pytest.raises(ValueError, match="odd size"):
        cs.flip_figure(np.ones((2, 2)))


def test_speed_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = cs.speed_figure(["8x8", "16x16"], {"loops": [0.01, 0.04], "torch": [1e-5, 2e-5]})
    ax = fig.axes[0]
    assert len(ax.patches) == 4 and ax.get_yscale() == "log"
    assert ax.patches[1].get_height() == pytest.approx(40.0)  # 0.04 s drawn in ms
    plt.close(fig)
    with pytest.raises(ValueError, match="2 sizes"):
        cs.speed_figure([1, 2], {"loops": [1.0]})
    with pytest.raises(TypeError, match="times must be"):
        cs.speed_figure([1], [1.0])


from hypothesis import given, strategies as st  # noqa: E402


@given(
    C=st.integers(1, 3), H=st.integers(1, 7), W=st.integers(1, 7), kH=st.integers(1, 4), kW=st.integers(1, 4),
    padding=st.integers(0, 2), stride=st.integers(1, 3), dilation=st.integers(1, 2), seed=st.integers(0, 2**16),
)
def test_output_value_equals_torch_everywhere(C, H, W, kH, kW, padding, stride, dilation, seed):
    H_out, W_out = _positions(C, H, W, kH, kW, padding, stride, dilation)
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(C, H, W)), rng.normal(size=(C, kH, kW))
    if H_out < 1 or W_out < 1:
        with pytest.raises(ValueError, match="does not fit"):
            cs.window(x, 0, 0, (kH, kW), padding, stride, dilation)
        return
    full = F.conv2d(torch.tensor(x)[None], torch.tensor(w)[None], padding=padding, stride=stride,
                    dilation=dilation).numpy()[0, 0]
    i, j = rng.integers(H_out), rng.integers(W_out)
    assert cs.output_value(x, w, int(i), int(j), 0, padding, stride, dilation) == pytest.approx(full[i, j], abs=1e-12)
