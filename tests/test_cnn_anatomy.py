"""helpers.cnn_anatomy and helpers.why_conv: the formulas against the models
themselves (hooks, numel, torch's FLOP counter) and against torch layers."""
import numpy as np
import pytest
import torch
from torch import nn

from helpers import ops
from helpers.cnn_anatomy import format_table, layer_table, measured_table
from helpers.models import digit_cnn, mlp
from helpers.why_conv import LocallyConnected2d, parameter_counts, shift_mismatch

MODELS = [
    (digit_cnn(), (1, 28, 28)),
    (digit_cnn(channels=(4, 6), kernel_size=5, image_size=32), (1, 32, 32)),
    (mlp([784, 64, 10]), (1, 28, 28)),
    (nn.Sequential(nn.Conv2d(3, 8, 5, stride=2, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(3, 2, 1),
                   nn.Conv2d(8, 8, 3, groups=4, dilation=2), nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(),
                   nn.Linear(8 * 4 * 3, 7)), (3, 45, 41)),
    (nn.Sequential(nn.Conv2d(2, 4, 3, padding="same"), nn.Sequential(nn.Tanh(), nn.Conv2d(4, 2, 3, padding="valid"))), (2, 9, 11)),
]


@pytest.mark.parametrize("model, shape", MODELS)
def test_formulas_equal_what_the_model_measures(model, shape):
    assert layer_table(model, shape) == measured_table(model, shape)


def test_digit_cnn_by_hand():
    rows = {r["name"]: r for r in layer_table(digit_cnn(), (1, 28, 28))}
    assert rows["conv2"]["macs"] == 16 * 14 * 14 * 8 * 9 and rows["conv2"]["params"] == 16 * 8 * 9 + 16
    assert rows["pool2"]["shape"] == (16, 7, 7) and rows["fc"]["params"] == 784 * 10 + 10


def test_measured_table_leaves_no_hooks_and_keeps_the_mode():
    model = digit_cnn().train()
    measured_table(model, (1, 28, 28))
    assert model.training and not any(m._forward_hooks for m in model.modules())


def test_format_table_totals():
    text = format_table(layer_table(digit_cnn(), (1, 28, 28)))
    assert text.splitlines()[-1].split() == ["total", "9,098", "290,080"]
    with pytest.raises(ValueError, match="one header per column"):
        format_table([], columns=("name",), headers=("a", "b"))


def test_layer_table_errors():
    with pytest.raises(ValueError, match=r"conv1 \(Conv2d\) needs \(1, H, W\)"):
        layer_table(digit_cnn(), (3, 28, 28))
    with pytest.raises(ValueError, match="no formula for a BatchNorm2d"):
        layer_table(nn.Sequential(nn.BatchNorm2d(1)), (1, 4, 4))
    with pytest.raises(TypeError, match="input_shape must be a tuple"):
        layer_table(digit_cnn(), 28)


@pytest.mark.parametrize("shape, c_out, k, s, p", [((1, 28, 28), 8, 3, 1, 1), ((3, 17, 12), 5, 5, 2, 0), ((2, 9, 9), 4, 1, 1, 0)])
def test_parameter_counts_equal_real_layers(shape, c_out, k, s, p):
    counts = parameter_counts(shape, c_out, k, s, p)
    conv = nn.Conv2d(shape[0], c_out, k, stride=s, padding=p)
    out = conv(torch.zeros(1, *shape)).shape[1:]
    units = int(np.prod(out))
    assert counts["output shape"] == tuple(out)
    assert counts["convolution"] == sum(t.numel() for t in conv.parameters())
    assert counts["dense"] == sum(t.numel() for t in nn.Linear(int(np.prod(shape)), units).parameters())
    local = LocallyConnected2d(shape[0], c_out, k, shape[1:], s, p)
    assert counts["locally connected"] == sum(t.numel() for t in local.parameters())


def test_locally_connected_with_shared_weights_is_the_convolution():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 5, 3, stride=2, padding=1).double()
    x = torch.rand(2, 3, 11, 9, dtype=torch.float64)
    local = LocallyConnected2d.from_conv(conv, (11, 9))
    torch.testing.assert_close(local(x), conv(x), rtol=1e-12, atol=1e-12)
    with torch.no_grad():
        local.weight[0] += 1.0  # position 0 gets its own weights: only that position changes
    diff = (local(x) - conv(x)).abs().sum(dim=(0, 1))
    assert diff[0, 0] > 1e-3 and diff.flatten()[1:].max() < 1e-12
    with pytest.raises(ValueError, match=r"input must be \(N, 3, H, W\)"):
        local(torch.zeros(1, 2, 11, 9, dtype=torch.float64))


def test_shift_mismatch_zero_for_convolution_not_for_pooling():
    rng = np.random.default_rng(0)
    image, weight = rng.random((1, 1, 32, 32)), rng.standard_normal((3, 1, 3, 3))
    assert shift_mismatch(lambda a: ops.conv2d(a, weight, padding=1), image, 3, border=4) == 0.0
    pool_then_up = lambda a: np.repeat(np.repeat(ops.max_pool2d(a, 2), 2, -1), 2, -2)  # noqa: E731
    assert shift_mismatch(pool_then_up, image, 1, border=4) > 0.1
    assert shift_mismatch(pool_then_up, image, 2, border=4) == 0.0  # a shift by the stride commutes
    with pytest.raises(ValueError, match=r"image must be \(N, C, H, W\)"):
        shift_mismatch(lambda a: a, image[0], 1, 2)
