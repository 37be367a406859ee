"""conv_output_size against the shapes torch actually produces."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.ops import conv_output_size


@st.composite
def geometry(draw, pool=False):
    k = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    s = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = tuple(draw(st.integers(0, kk // 2 if pool else 3)) for kk in k)
    span = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    size = tuple(draw(st.integers(max(1, sp - 2 * pp), max(1, sp - 2 * pp) + 12)) for sp, pp in zip(span, p))
    return size, k, s, p, d


@given(geometry())
def test_conv_output_size_matches_torch_conv2d(g):
    size, k, s, p, d = g
    out = F.conv2d(torch.zeros((1, 1) + size), torch.zeros((1, 1) + k), stride=s, padding=p, dilation=d)
    assert conv_output_size(size, k, stride=s, padding=p, dilation=d) == tuple(out.shape[-2:])


@given(geometry(pool=True), st.booleans())
def test_conv_output_size_matches_torch_max_pool2d(g, ceil_mode):
    size, k, s, p, d = g
    out = F.max_pool2d(torch.zeros((1, 1) + size), k, stride=s, padding=p, dilation=d, ceil_mode=ceil_mode)
    got = conv_output_size(size, k, stride=s, padding=p, dilation=d, ceil_mode=ceil_mode)
    assert got == tuple(out.shape[-2:])
    if d == (1, 1):
        avg = F.avg_pool2d(torch.zeros((1, 1) + size), k, stride=s, padding=p, ceil_mode=ceil_mode)
        assert got == tuple(avg.shape[-2:])


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (((7, 7), 3), {}, (5, 5)),  # the lecture: 7x7 input, 3x3 filter, stride 1
        ((7, 3), dict(stride=2), 3),
        ((7, 3), dict(stride=3), 2),  # 7x7 with stride 3 does not fit exactly: floor
        (((7, 7), 3), dict(padding=1), (7, 7)),  # "same" padding
        ((32, 5), dict(stride=1, padding=2), 32),
        ((5, 2), dict(stride=2, ceil_mode=True), 3),
        ((5, 2), dict(stride=2), 2),
        ((6, 3), dict(stride=2, padding=1, ceil_mode=True), 4),
        ((5, 2), dict(stride=2, padding=1, ceil_mode=True), 3),  # a 4th window would start in the padding
        (((28, 28), 2), dict(stride=2), (14, 14)),
        (((9, 6), (3, 2)), dict(dilation=(2, 1)), (5, 5)),
    ],
)
def test_conv_output_size_worked_numbers(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected


def test_ceil_mode_drops_a_window_starting_in_the_padding():
    # 5 + 2*1 padded, 2x2 stride 2: ceil gives 4 windows, but the 4th would start
    # at padded position 6, inside the right padding, so torch drops it.
    out = F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, stride=2, padding=1, ceil_mode=True)
    assert out.shape[-1] == 3 == conv_output_size(5, 2, stride=2, padding=1, ceil_mode=True)


@pytest.mark.parametrize(
    "args, kwargs, exc, words",
    [
        ((5, 0), {}, ValueError, "kernel_size"),
        ((5, 3), dict(stride=0), ValueError, "stride"),
        ((5, 3), dict(stride=-1), ValueError, "stride"),
        ((5, 3), dict(padding=-1), ValueError, "padding"),
        ((5, 3), dict(dilation=0), ValueError, "dilation"),
        ((5, 2.0), {}, TypeError, "kernel_size"),
        ((5.0, 2), {}, TypeError, "input_size"),
        (((5, 5, 5), 2), {}, TypeError, "input_size"),
        ((0, 1), {}, ValueError, "input_size"),
        ((5, 3), dict(ceil_mode=1), TypeError, "ceil_mode"),
        ((2, 3), {}, ValueError, "kernel"),
        ((4, 3), dict(dilation=2), ValueError, "kernel"),
        # torch's ceil_mode would give one window that passes the padded input; we refuse
        ((2, 3), dict(stride=2, ceil_mode=True), ValueError, "kernel"),
    ],
)
def test_bad_conv_output_size_arguments(args, kwargs, exc, words):
    with pytest.raises(exc, match=words) as info:
        conv_output_size(*args, **kwargs)
    assert str(info.value).startswith("conv_output_size:")


def test_returns_plain_ints():
    h, w = conv_output_size((np.int64(7), 9), np.int32(3))
    assert type(h) is int and type(w) is int


@pytest.mark.parametrize(
    "module",
    ["pool_max", "pool_avg", "pool_naive", "adaptive", "activation", "pad", "shape"],
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"helpers.ops.{module}"))
    assert result.attempted > 0 and result.failed == 0
