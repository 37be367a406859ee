"""Bad input to the convolution family raises ValueError/TypeError naming the
function and the argument, never an IndexError from deep inside."""
import numpy as np
import pytest

from helpers.ops import (
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv_transpose2d,
    conv_transpose2d_backward,
    fold,
    unfold,
)

X = np.zeros((2, 3, 7, 7))  # (N, C_in, H, W)
W = np.zeros((8, 3, 3, 3))  # (C_out, C_in, kH, kW)
G = np.zeros((2, 8, 5, 5))  # conv2d(X, W)'s output
WT = np.zeros((3, 4, 3, 3))  # conv_transpose2d weight (C_in, C_out, kH, kW)
COLS = np.zeros((2, 27, 25))  # unfold(X, 3)

# (function, args, kwargs, exception, the argument the message must name)
CONV_CASES = [
    ((X, W), dict(stride=0), ValueError, "stride"),
    ((X, W), dict(stride=(1, -2)), ValueError, "stride"),
    ((X, W), dict(stride=1.5), TypeError, "stride"),
    ((X, W), dict(stride=(1, 2, 3)), TypeError, "stride"),
    ((X, W), dict(dilation=0), ValueError, "dilation"),
    ((X, W), dict(dilation=-1), ValueError, "dilation"),
    ((X, W), dict(padding=-1), ValueError, "padding"),
    ((X, W), dict(padding=(0, -1)), ValueError, "padding"),
    ((X, W), dict(padding=1.0), TypeError, "padding"),
    ((X, W), dict(padding="full"), ValueError, "padding"),
    ((X, W), dict(padding="same", stride=2), ValueError, "padding"),
    ((X, W), dict(padding="same", stride=(1, 2)), ValueError, "stride"),
    ((X, np.zeros((8, 3, 9, 3))), {}, ValueError, "weight"),  # kernel larger than padded input
    ((X, np.zeros((8, 3, 5, 5))), dict(dilation=2), ValueError, "weight"),
    ((X, np.zeros((8, 4, 3, 3))), {}, ValueError, "weight"),  # channel mismatch
    ((X, np.zeros((8, 1, 3, 3))), dict(groups=2), ValueError, "groups"),  # 2 does not divide C_in = 3
    ((X, np.zeros((8, 1, 3, 3))), dict(groups=3), ValueError, "groups"),  # 3 divides C_in but not C_out = 8
    ((X, np.zeros((6, 2, 3, 3))), dict(groups=3), ValueError, "weight"),  # C_in/groups = 1, weight says 2
    ((X, W), dict(groups=0), ValueError, "groups"),
    ((X, W), dict(groups=-1), ValueError, "groups"),
    ((X, W), dict(groups=1.0), TypeError, "groups"),
    ((np.zeros((7, 7)), W), {}, ValueError, "input"),
    ((np.zeros((1, 2, 3, 7, 7)), W), {}, ValueError, "input"),
    ((X, np.zeros((8, 3, 3))), {}, ValueError, "weight"),
    ((X, np.zeros((8, 3, 0, 3))), {}, ValueError, "weight"),
    ((X, W, np.zeros(7)), {}, ValueError, "bias"),
    ((X, W, np.zeros((8, 1))), {}, ValueError, "bias"),
    ((X, W, "zeros"), {}, TypeError, "bias"),
    (("image", W), {}, TypeError, "input"),
    ((X.astype(bool), W), {}, TypeError, "input"),
    ((X, None), {}, TypeError, "weight"),
]

BACKWARD_CASES = [
    ((np.zeros((2, 8, 4, 4)), X, W), {}, ValueError, "grad_output"),
    ((np.zeros((8, 5, 5)), X, W), {}, ValueError, "grad_output"),
    ((np.zeros((2, 8, 5, 5)), X, W), dict(padding=1), ValueError, "grad_output"),
    ((None, X, W), {}, TypeError, "grad_output"),
    ((G, X, W), dict(stride=0), ValueError, "stride"),
    ((G, X, np.zeros((8, 4, 3, 3))), {}, ValueError, "weight"),
    ((G, X, W, np.zeros(3)), {}, ValueError, "bias"),
]

IM2COL_CASES = [
    (unfold, (X, 0), {}, ValueError, "kernel_size"),
    (unfold, (X, 2.5), {}, TypeError, "kernel_size"),
    (unfold, (X, 9), {}, ValueError, "kernel_size"),
    (unfold, (X, 3), dict(padding=-1), ValueError, "padding"),
    (unfold, (X, 3), dict(padding="same"), TypeError, "padding"),
    (unfold, (X, 3), dict(stride=0), ValueError, "stride"),
    (unfold, (X, 3), dict(dilation=(1, 0)), ValueError, "dilation"),
    (unfold, (np.zeros((7, 7)), 3), {}, ValueError, "input"),
    (fold, (np.zeros((1, 2, 27, 25)), (7, 7), 3), {}, ValueError, "input"),
    (fold, (np.zeros((2, 26, 25)), (7, 7), 3), {}, ValueError, "input"),  # 26 rows: not C*9
    (fold, (np.zeros((2, 27, 24)), (7, 7), 3), {}, ValueError, "input"),  # L should be 25
    (fold, (COLS, (0, 7), 3), {}, ValueError, "output_size"),
    (fold, (COLS, (7.0, 7), 3), {}, TypeError, "output_size"),
    (fold, (COLS, (2, 2), 3), {}, ValueError, "kernel_size"),
    (fold, (COLS, (7, 7), 3), dict(stride=-1), ValueError, "stride"),
]

TRANSPOSE_CASES = [
    (conv_transpose2d, (X, WT), dict(output_padding=2, stride=2), ValueError, "output_padding"),
    (conv_transpose2d, (X, WT), dict(output_padding=1), ValueError, "output_padding"),  # stride = dilation = 1
    (conv_transpose2d, (X, WT), dict(output_padding=-1), ValueError, "output_padding"),
    (conv_transpose2d, (X, np.zeros((4, 3, 3, 3))), {}, ValueError, "weight"),
    (conv_transpose2d, (X, WT), dict(groups=2), ValueError, "groups"),
    (conv_transpose2d, (X, WT), dict(groups=0), ValueError, "groups"),
    (conv_transpose2d, (X, WT), dict(padding=5), ValueError, "padding"),
    (conv_transpose2d, (X, WT), dict(padding="same"), TypeError, "padding"),
    (conv_transpose2d, (X, WT), dict(stride=0), ValueError, "stride"),
    (conv_transpose2d, (X, WT, np.zeros(3)), {}, ValueError, "bias"),
    (conv_transpose2d, (np.zeros(7), WT), {}, ValueError, "input"),
    (conv_transpose2d, (X, np.zeros((3, 4, 3))), {}, ValueError, "weight"),
    (conv_transpose2d_backward, (np.zeros((2, 4, 7, 7)), X, WT), {}, ValueError, "grad_output"),
    (conv_transpose2d_backward, (np.zeros((2, 4, 9, 9)), X, WT), dict(output_padding=3, stride=2), ValueError, "output_padding"),
]

ALL = (
    [(fn, *case) for case in CONV_CASES for fn in (conv2d, conv2d_naive)]
    + [(conv2d_backward, *case) for case in BACKWARD_CASES]
    + IM2COL_CASES
    + TRANSPOSE_CASES
)


@pytest.mark.parametrize(
    "fn, args, kwargs, error, argument", ALL, ids=[f"{c[0].__name__}-{c[4]}-{i}" for i, c in enumerate(ALL)]
)
def test_bad_input_raises_worded_error(fn, args, kwargs, error, argument):
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{fn.__name__}: "), message
    assert argument in message, message
    assert "got" in message, message


def test_channel_mismatch_message_reads_like_the_convention():
    with pytest.raises(ValueError) as info:
        conv2d(X, np.zeros((8, 4, 3, 3)))
    assert str(info.value) == (
        "conv2d: weight must have C_in/groups = 3 channels to match input (N, 3, H, W); got weight of shape (8, 4, 3, 3)"
    )


def test_good_edge_cases_do_not_raise():
    assert conv2d(X, np.zeros((8, 3, 9, 9)), padding=1).shape == (2, 8, 1, 1)  # kernel == padded input
    assert conv2d(X, np.zeros((8, 3, 9, 9)), padding="same").shape == (2, 8, 7, 7)
    assert conv_transpose2d(X, WT, stride=1, dilation=2, output_padding=1).shape == (2, 4, 12, 12)
