"""helpers.receptive_field: the formula against autograd (which pixels a unit's
gradient reaches, through the wiring twin), hand-computed cases and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from helpers.models import digit_cnn
from helpers.receptive_field import gradient_footprint, input_window, receptive_fields, wiring_twin


def test_hand_computed_stacks():
    # two 3x3 convs see 5x5 (the VGG argument); a 2x2 pool then doubles the jump
    stack = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU(), nn.Conv2d(1, 1, 3), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3))
    rows = receptive_fields(stack, 32)
    assert [(r["size"], r["jump"]) for r in rows] == [(3, 1), (3, 1), (5, 1), (6, 2), (10, 2)]
    assert rows[-1]["out_size"] == (12, 12)
    # AlexNet's first layer: 11x11 stride 4, then a 3x3 stride-2 pool: 11 + 2*4 = 19
    alex = nn.Sequential(nn.Conv2d(3, 4, 11, stride=4, padding=2), nn.MaxPool2d(3, 2))
    assert [r["size"] for r in receptive_fields(alex, 224)] == [11, 19]
    # a 3x3 dilation-2 conv sees 5x5
    assert receptive_fields(nn.Sequential(nn.Conv2d(1, 1, 3, dilation=2)), 9)[0]["size"] == 5


def test_table_stops_at_flatten_and_lists_pass_through_layers():
    names = [r["name"] for r in receptive_fields(digit_cnn(), 28)]
    assert names == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2"]


@st.composite
def stacks(draw):
    layers, size = [], draw(st.integers(12, 24))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
            p = draw(st.integers(0, (d * (k - 1)) // 2))
            layers.append(nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d))
            layers.append(nn.ReLU())
        else:
            k = draw(st.integers(2, 3))
            s = draw(st.integers(1, k))
            p = draw(st.integers(0, k // 2))
            layers.append(draw(st.sampled_from([nn.MaxPool2d, nn.AvgPool2d]))(k, s, p))
    return nn.Sequential(*layers), size


@given(stacks(), st.data())
def test_formula_window_equals_the_autograd_footprint(case, data):
    model, size = case
    try:
        rows = receptive_fields(model, size)
    except ValueError:
        return  # the stack shrinks the image to nothing: refused, fine
    last = rows[-1]
    H_out, W_out = last["out_size"]
    row, col = data.draw(st.integers(0, H_out - 1)), data.draw(st.integers(0, W_out - 1))
    top, left, bottom, right = input_window(model, last["name"], row, col, size)
    expected = np.zeros((size, size), dtype=bool)
    expected[top:bottom, left:right] = True
    got = gradient_footprint(model, last["name"], row, col, (1, size, size))
    ys, xs = np.nonzero(got)
    if input_window(model, last["name"], row, col, size, clip=False) == (top, left, bottom, right):
        # inside the image, the outermost taps reach the window's edges (also with dilation)
        assert (ys.min(), xs.min(), ys.max() + 1, xs.max() + 1) == (top, left, bottom, right), (model, row, col)
    assert not (got & ~expected).any()
    def gapless(m):  # no dilation, and a stride no longer than the kernel: every pixel is read
        k, s, d = (getattr(m, a, 1) for a in ("kernel_size", "stride", "dilation"))
        k, s, d = (v[0] if isinstance(v, tuple) else v for v in (k, s, d))
        return d == 1 and s <= k

    if all(gapless(m) for m in model):
        # then the window is filled; otherwise taps or windows are spaced out and leave holes
        assert (got == expected).all(), (model, row, col, (top, left, bottom, right), np.argwhere(got ^ expected)[:3])


def test_a_real_image_gradient_stays_inside_the_receptive_field():
    model = digit_cnn(seed=0).double()
    images = torch.rand(3, 1, 28, 28, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    inside = gradient_footprint(model, "pool2", 3, 3, (1, 28, 28))
    real = gradient_footprint(model, "pool2", 3, 3, (1, 28, 28), inputs=images)
    assert real.any() and not (real & ~inside).any()
    strongest = int(model[:6](images[:1])[0, :, 3, 3].argmax())  # a channel whose unit is active
    one = gradient_footprint(model, "pool2", 3, 3, (1, 28, 28), inputs=images[:1], channel=strongest)
    assert one.any() and one.sum() < inside.sum()  # each max-pool passes one pixel per window
    with pytest.raises(ValueError, match="channel must be an int in 0..15"):
        gradient_footprint(model, "pool2", 3, 3, (1, 28, 28), channel=16)


def test_wiring_twin_leaves_the_model_alone():
    model = digit_cnn(seed=0)
    before = [p.clone() for p in model.parameters()]
    twin = wiring_twin(model)
    assert isinstance(model.pool1, nn.MaxPool2d) and isinstance(twin.pool1, nn.AvgPool2d)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_errors_name_the_argument():
    model = digit_cnn()
    with pytest.raises(ValueError, match="layer must be one of"):
        input_window(model, "fc", 0, 0, 28)
    with pytest.raises(ValueError, match=r"must lie in the 7x7 output of 'pool2'"):
        input_window(model, "pool2", 7, 0, 28)
    with pytest.raises(ValueError, match="cannot follow a Upsample layer"):
        receptive_fields(nn.Sequential(nn.Upsample(scale_factor=2)), 8)
    with pytest.raises(ValueError, match="not square"):
        receptive_fields(nn.Sequential(nn.Conv2d(1, 1, (3, 1))), 8)
    with pytest.raises(ValueError, match="layer must name a module"):
        gradient_footprint(model, "conv9", 0, 0, (1, 28, 28))
