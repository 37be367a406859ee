"""helpers.models.summary (lesson 07): multiply-adds and parameters per layer on
hand-computed cases; depth from the autograd graph; the ImageNet nets' totals against
the figures torchvision's documentation publishes."""
import doctest

import pytest
import torch
from torch import nn

import helpers.models.summary as summary
from helpers.models import classic

torch.set_num_threads(1)


def test_doctests():
    assert doctest.testmod(summary).failed == 0


def test_conv_macs_by_hand():
    # stride 2, padding 1, groups 2: 8 output channels of 9x9 (17 -> 9), each output sums 2 channels x 3x3
    net = nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2))
    rows = summary.layer_table(net, (2, 4, 17, 17))
    assert rows[0]["output_shape"] == (2, 8, 9, 9)
    assert rows[0]["macs"] == 2 * 8 * 9 * 9 * (2 * 3 * 3)
    assert rows[0]["params"] == 8 * 2 * 9 + 8


def test_linear_pool_bn_by_hand():
    net = nn.Sequential(nn.BatchNorm2d(3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3 * 4 * 5, 7, bias=False))
    rows = summary.layer_table(net, (5, 3, 8, 10))
    assert [r["macs"] for r in rows] == [0, 0, 0, 5 * 7 * 60]
    assert [r["params"] for r in rows] == [6, 0, 0, 420]
    assert [r["output_shape"] for r in rows][-1] == (5, 7)


def test_shared_module_counted_once():
    conv = nn.Conv2d(2, 2, 1)
    net = nn.Sequential(conv, nn.ReLU(), conv)
    rows = summary.layer_table(net, (1, 2, 3, 3))
    assert sum(r["params"] for r in rows) == 6 and [r["macs"] for r in rows] == [36, 0, 36]


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(1, 1, 1), nn.Conv2d(1, 1, 1), nn.Conv2d(1, 1, 1))
        self.b = nn.Conv2d(1, 1, 1)
        self.fc = nn.Linear(2 * 4, 2)

    def forward(self, x):
        return self.fc(torch.cat([self.a(x), self.b(x) + x], 1).flatten(1))


def test_depth_is_the_longest_path():
    assert summary.depth(Branches(), (1, 1, 2, 2)) == 4  # 3 convs then the linear layer


def test_mode_is_restored():
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Dropout())
    net.train()
    before = net[1].running_mean.clone()
    summary.layer_table(net, (1, 1, 5, 5))
    summary.depth(net, (1, 1, 5, 5))
    assert all(m.training for m in net.modules())
    torch.testing.assert_close(net[1].running_mean, before)


# torchvision model docs ("GFLOPS" column; they count multiply-adds), pytorch.org/vision/stable/models
PUBLISHED_GMACS = {"alexnet": 0.71, "vgg16": 15.47, "googlenet": 1.50, "resnet18": 1.81}
PAPER_DEPTH = {"alexnet": 8, "vgg16": 16, "googlenet": 22, "resnet18": 18}


@pytest.mark.parametrize("name", sorted(PUBLISHED_GMACS))
def test_imagenet_macs_and_depth(name):
    model = getattr(classic, name)()
    assert round(summary.count_macs(model, (1, 3, 224, 224)) / 1e9, 2) == PUBLISHED_GMACS[name]
    assert summary.depth(model, (1, 3, 224, 224)) == PAPER_DEPTH[name]


def test_format_table_totals():
    text = summary.format_table(summary.layer_table(classic.lenet5(), (1, 1, 28, 28)))
    assert text.splitlines()[-1].split()[-2] == "61,706"


@pytest.mark.parametrize("call,exc,words", [
    (lambda: summary.layer_table("net", (1, 3, 8, 8)), TypeError, "layer_table: model must be a torch.nn.Module"),
    (lambda: summary.layer_table(nn.Conv2d(3, 3, 1), (1, 0, 8, 8)), ValueError, "layer_table: input_shape"),
    (lambda: summary.count_macs(nn.Conv2d(3, 3, 1), "1x3x8x8"), TypeError, "input_shape must be a tuple of ints"),
    (lambda: summary.depth(nn.Conv2d(3, 3, 1), (3,)), ValueError, "depth: input_shape"),
    (lambda: summary.count_params([1]), TypeError, "count_params: model"),
])
def test_bad_arguments(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
