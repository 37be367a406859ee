"""pad against torch.nn.functional.pad: all four modes, 3-D and 4-D input."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from helpers.ops import pad


@st.composite
def pad_cases(draw):
    ndim = draw(st.sampled_from([3, 4]))
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    shape = tuple(draw(st.integers(1, 5)) for _ in range(ndim))
    # torch: constant pads any trailing dimensions; the other modes pad the
    # last k dimensions of a (k+1)-D or (k+2)-D input.
    n_dims = draw(st.sampled_from([1, 2, 3] if mode == "constant" else [d for d in (1, 2) if ndim - d in (1, 2)]))
    amounts = []
    for i in range(n_dims):
        size = shape[ndim - 1 - i]
        if mode == "constant":
            lo, hi = -(size // 2), 3
        elif mode == "reflect":
            lo, hi = 0, size - 1
        elif mode == "circular":
            lo, hi = 0, size
        else:
            lo, hi = 0, 3
        amounts += [draw(st.integers(lo, hi)), draw(st.integers(lo, hi))]
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    value = draw(st.one_of(st.none(), st.integers(-3, 3))) if mode == "constant" else None
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(-9, 9, shape).astype(dtype)
    return x, tuple(amounts), mode, value


@given(pad_cases())
def test_pad_matches_torch(case):
    x, amounts, mode, value = case
    kwargs = {} if value is None else dict(value=value)
    expected = F.pad(torch.tensor(x), amounts, mode=mode, **kwargs).numpy()
    out = pad(x, amounts, mode=mode, **kwargs)
    assert out.dtype == x.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 5)])
def test_pad_two_sides_each_mode(mode, shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    for amounts in [(1, 2, 3, 0), (0, 3, 1, 1)] + ([(2, 2)] if len(shape) == 3 or mode == "constant" else []):
        expected = F.pad(torch.tensor(x), amounts, mode=mode).numpy()
        np.testing.assert_array_equal(pad(x, amounts, mode=mode), expected)


def test_pad_lesson_example():
    x = np.array([[[1.0, 2.0, 3.0]]])
    np.testing.assert_array_equal(pad(x, (2, 2), mode="reflect"), [[[3, 2, 1, 2, 3, 2, 1]]])
    np.testing.assert_array_equal(pad(x, (1, 0), value=9.0), [[[9, 1, 2, 3]]])


X = np.zeros((1, 2, 3, 4))


@pytest.mark.parametrize(
    "args, kwargs, exc, words",
    [
        ((X, (1, 1), "wrap"), {}, ValueError, "mode"),
        ((X, (1, 1), 3), {}, ValueError, "mode"),
        ((X, (1,)), {}, ValueError, "pad"),
        ((X, ()), {}, ValueError, "pad"),
        ((X, (1.5, 1)), {}, TypeError, "pad"),
        ((X, 1), {}, TypeError, "pad"),
        ((X, (1,) * 10), {}, ValueError, "pad"),
        ((X, (4, 0), "reflect"), {}, ValueError, "reflect"),
        ((X, (0, 0, 3, 0), "reflect"), {}, ValueError, "reflect"),
        ((X, (5, 0), "circular"), {}, ValueError, "circular"),
        ((X, (-1, 0), "replicate"), {}, ValueError, "pad"),
        ((X, (1, 1), "reflect"), {}, ValueError, "pad"),  # torch: 2 amounts pad (C, W) or (N, C, W) only
        ((np.zeros((3, 4)), (1, 1, 1, 1), "replicate"), {}, ValueError, "pad"),
        ((X, (1, 1), "reflect"), dict(value=1.0), ValueError, "value"),
        ((X, (1, 1)), dict(value="a"), TypeError, "value"),
        ((X, (-3, -3)), {}, ValueError, "pad"),
        ((None, (1, 1)), {}, TypeError, "input"),
    ],
)
def test_bad_pad_arguments_raise_worded_errors(args, kwargs, exc, words):
    with pytest.raises(exc, match=words) as info:
        pad(*args, **kwargs)
    assert str(info.value).startswith("pad:")
