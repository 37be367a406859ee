"""helpers.sliding against torch: window positions (F.unfold of an index image),
output sizes (actual F.conv2d shapes), visit counts (autograd), 'same' padding,
dilated footprints (F.conv_transpose2d), and the formula text."""
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers import sliding

settings_strategy = st.fixed_dictionaries({
    "H": st.integers(1, 12), "W": st.integers(1, 12),
    "k": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "s": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "p": st.tuples(st.integers(0, 2), st.integers(0, 2)),
    "d": st.tuples(st.integers(1, 3), st.integers(1, 3)),
})


def _fits(c):
    return all(d * (k - 1) + 1 <= L + 2 * p for L, k, p, d in zip((c["H"], c["W"]), c["k"], c["p"], c["d"]))


def _torch_shape(H, W, k, s=1, p=0, d=1):
    x = torch.zeros(1, 1, H, W, dtype=torch.float64)
    w = torch.zeros(1, 1, *k, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return tuple(F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-2:])


@given(settings_strategy)
def test_window_positions_match_torch_unfold_of_an_index_image(c):
    if not _fits(c):
        return
    H, W, k, s, p, d = c["H"], c["W"], c["k"], c["s"], c["p"], c["d"]
    # Input pixel (r, c) holds 1 + r*W + c; the padding holds 0.
    index = torch.arange(1, H * W + 1, dtype=torch.float64).reshape(1, 1, H, W)
    cols = F.unfold(index, k, dilation=d, padding=p, stride=s)[0]          # (kH*kW, L)
    pos = sliding.window_positions((H, W), k, s, p, d)                    # (H_out, W_out, kH, kW, 2)
    H_out, W_out = pos.shape[:2]
    assert H_out * W_out == cols.shape[1]
    r, cc = pos[..., 0] - p[0], pos[..., 1] - p[1]
    inside = (r >= 0) & (r < H) & (cc >= 0) & (cc < W)
    ours = np.where(inside, 1 + r * W + cc, 0).reshape(H_out * W_out, -1).T
    np.testing.assert_array_equal(ours, cols.numpy().astype(int))


@given(settings_strategy)
def test_output_size_and_check_settings_agree_with_torch(c):
    H, W, k, s, p, d = c["H"], c["W"], c["k"], c["s"], c["p"], c["d"]
    try:
        expected = _torch_shape(H, W, k, s, p, d)
    except RuntimeError:
        expected = None
    message = sliding.check_settings((H, W), k, s, p, d)
    if expected is None:
        assert message and message.startswith("No window fits")
        with pytest.raises(ValueError, match="No window fits"):
            sliding.output_size((H, W), k, s, p, d)
    else:
        assert message is None
        assert sliding.output_size((H, W), k, s, p, d) == expected


def test_the_lecture_cases():
    # Slides: 7x7 input, 3x3 filter -> 5x5 (stride 1), 3x3 (stride 2); stride 3; padding 1.
    assert sliding.output_size((7, 7), 3, stride=1) == (5, 5)
    assert sliding.output_size((7, 7), 3, stride=2) == (3, 3)
    assert sliding.output_size((7, 7), 3, stride=3) == (2, 2)
    assert sliding.output_size((7, 7), 3, padding=1) == (7, 7)


@given(settings_strategy)
def test_visit_counts_are_the_gradient_of_a_ones_kernel(c):
    if not _fits(c):
        return
    H, W, k, s, p, d = c["H"], c["W"], c["k"], c["s"], c["p"], c["d"]
    x = torch.zeros(1, 1, H, W, dtype=torch.float64, requires_grad=True)
    F.conv2d(x, torch.ones(1, 1, *k, dtype=torch.float64), stride=s, padding=p, dilation=d).sum().backward()
    np.testing.assert_array_equal(sliding.visit_counts((H, W), k, s, p, d), x.grad[0, 0].numpy().astype(int))


def test_stride_3_never_visits_the_last_row_and_column():
    missed = sliding.never_visited((7, 7), 3, stride=3)
    expected = sorted({(6, c) for c in range(7)} | {(r, 6) for r in range(7)})
    assert missed == expected and len(missed) == 13
    assert sliding.never_visited((7, 7), 3, stride=2) == []
    assert sliding.never_visited((7, 7), 3, stride=3, padding=1) == []   # 9 = 3 + 3 + 3


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_same_padding_is_torchs(k, d):
    g = torch.Generator().manual_seed(k * 10 + d)
    x = torch.randn(1, 1, 13, 11, generator=g, dtype=torch.float64)
    w = torch.randn(1, 1, k, k + 1, generator=g, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        same = F.conv2d(x, w, padding="same", dilation=d)
    (top, bottom), (left, right) = sliding.resolve_padding("same", (k, k + 1), 1, d)
    manual = F.conv2d(F.pad(x, (left, right, top, bottom)), w, dilation=d)
    torch.testing.assert_close(manual, same)
    assert sliding.output_size((13, 11), (k, k + 1), 1, "same", d) == (13, 11)
    assert sliding.resolve_padding("valid", k) == ((0, 0), (0, 0))


def test_same_needs_stride_1():
    with pytest.raises((RuntimeError, ValueError)):
        F.conv2d(torch.zeros(1, 1, 7, 7), torch.zeros(1, 1, 3, 3), stride=2, padding="same")
    assert "stride 1" in sliding.check_settings((7, 7), 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="stride 1"):
        sliding.resolve_padding("same", 3, stride=2)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_dilated_footprint_is_conv_transpose_of_one_pixel(k, d):
    ones = torch.ones(1, 1, k, k, dtype=torch.float64)
    expected = F.conv_transpose2d(torch.ones(1, 1, 1, 1, dtype=torch.float64), ones, dilation=d)[0, 0].numpy() > 0
    np.testing.assert_array_equal(sliding.dilated_footprint(k, d), expected)


def test_window_at_walks_the_windows_in_reading_order():
    pos = sliding.window_positions((7, 9), 3, stride=2, padding=1, dilation=2)
    H_out, W_out = pos.shape[:2]
    for step in range(H_out * W_out):
        win = sliding.window_at(step, (7, 9), 3, stride=2, padding=1, dilation=2)
        assert (win.out_row, win.out_col) == divmod(step, W_out)
        assert list(win.rows) == list(pos[win.out_row, win.out_col, :, 0, 0])
        assert list(win.cols) == list(pos[win.out_row, win.out_col, 0, :, 1])
    with pytest.raises(ValueError, match="step"):
        sliding.window_at(H_out * W_out, (7, 9), 3, stride=2, padding=1, dilation=2)


def test_formula_text_reads_like_the_formula_and_agrees_with_torch():
    text = sliding.formula_text((7, 7), 3, stride=2)
    assert text.splitlines()[0] == "H_out = floor((7 + 2·0 − 1·(3−1) − 1)/2) + 1 = floor(4/2) + 1 = 3"
    for H, W, k, s, p, d in [(7, 7, 3, 1, 0, 1), (7, 7, 3, 3, 0, 1), (7, 7, 3, 1, 1, 1), (28, 40, 5, 2, 1, 1), (10, 6, 3, 2, 2, 3)]:
        lines = sliding.formula_text((H, W), k, s, p, d).splitlines()
        got = tuple(int(re.search(r"= (-?\d+)$", line).group(1)) for line in lines)
        assert got == _torch_shape(H, W, (k, k), s, p, d)
    same = sliding.formula_text((7, 7), 4, padding="same")
    assert "(7 + 1 + 2 − 1·(4−1) − 1)" in same and same.endswith("= 7")
    assert "no window fits" in sliding.formula_text((2, 7), 3).splitlines()[0]


@pytest.mark.parametrize("bad, kind, name", [
    (dict(kernel_size=0), ValueError, "kernel_size"),
    (dict(kernel_size=2.5), TypeError, "kernel_size"),
    (dict(stride=0), ValueError, "stride"),
    (dict(padding=-1), ValueError, "padding"),
    (dict(padding="full"), ValueError, "padding"),
    (dict(dilation=0), ValueError, "dilation"),
])
def test_bad_arguments_name_themselves(bad, kind, name):
    args = dict(input_size=(7, 7), kernel_size=3, stride=1, padding=0, dilation=1) | bad
    with pytest.raises(kind, match=name):
        sliding.output_size(**args)
    message = sliding.check_settings(**args)      # never raises: the widget shows it
    assert message and name in message.lower()


def test_draw_visits_marks_the_missed_pixels():
    ax = sliding.draw_visits((7, 7), 3, stride=3)
    assert "13 pixels never read" in ax.get_title()
    assert len(ax.lines) == 2 * 13
    matplotlib.pyplot.close("all")
