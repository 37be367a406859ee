"""helpers.models.classic and .blocks (lesson 07): parameter counts equal the published
ones, output shapes, the blocks' shapes and counts by hand, and bad arguments."""
import doctest

import pytest
import torch
from torch import nn

import helpers.models.blocks as blocks
import helpers.models.classic as classic

torch.set_num_threads(1)

# Published parameter counts (1000 classes), quoted from torchvision's model documentation
# (pytorch.org/vision/stable/models, "Table of all available classification weights": "Params"
# column; pages vgg16, resnet18, alexnet, googlenet), GoogLeNet there without aux classifiers;
# LeNet-5's common variant (conv 6@5x5 pad 2, avg-pool, conv 16@5x5, avg-pool, 120, 84, 10):
# 61,706, the count given by d2l.ai's LeNet chapter for the same layer sizes.
PUBLISHED = {
    "vgg16": 138_357_544,
    "resnet18": 11_689_512,
    "alexnet": 61_100_840,
    "googlenet": 6_624_904,
}


def count(model):
    return sum(p.numel() for p in model.parameters())


def conv(c_in, c_out, k, bias=True, groups=1):
    return c_out * (c_in // groups) * k * k + (c_out if bias else 0)


def test_doctests():
    assert doctest.testmod(classic).failed == 0
    assert doctest.testmod(blocks).failed == 0


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_counts(name):
    model = getattr(classic, name)()
    assert count(model) == PUBLISHED[name]
    assert tuple(model.eval()(torch.zeros(1, 3, 224, 224)).shape) == (1, 1000)


def test_lenet5_count_and_shape():
    model = classic.lenet5()
    assert count(model) == 61_706
    by_hand = conv(1, 6, 5) + conv(6, 16, 5) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert by_hand == 61_706
    assert tuple(model(torch.zeros(3, 1, 28, 28)).shape) == (3, 10)
    assert count(classic.lenet5(num_classes=4)) == 61_706 - 6 * 85


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "nin", "googlenet", "resnet18"])
def test_num_classes_and_batch(name):
    model = getattr(classic, name)(num_classes=7).eval()
    with torch.no_grad():
        assert tuple(model(torch.zeros(2, 3, 224, 224)).shape) == (2, 7)


def test_nin_count_by_hand():
    block = lambda c_in, c_out, k: conv(c_in, c_out, k) + 2 * conv(c_out, c_out, 1)  # noqa: E731
    expected = block(3, 96, 11) + block(96, 256, 5) + block(256, 384, 3) + block(384, 1000, 3)
    assert count(classic.nin()) == expected == 7_439_608


def test_alexnet_paper_variant_by_hand():
    # Krizhevsky et al. 2012, Fig. 2: 96, 256 (2 groups), 384, 384 (2 groups), 256 (2 groups); 4096, 4096, 1000
    expected = (conv(3, 96, 11) + conv(96, 256, 5, groups=2) + conv(256, 384, 3) + conv(384, 384, 3, groups=2)
                + conv(384, 256, 3, groups=2) + (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000))
    model = classic.alexnet(variant="paper").eval()
    assert count(model) == expected
    with torch.no_grad():
        assert tuple(model(torch.zeros(1, 3, 224, 224)).shape) == (1, 1000)


def test_googlenet_paper_variant_differs_only_in_the_branch3_kernel_and_batch_norm():
    tv, paper = classic.googlenet(), classic.googlenet(variant="paper")
    bn = sum(count(m) for m in tv.modules() if isinstance(m, nn.BatchNorm2d))
    biases = sum(m.out_channels for m in paper.modules() if isinstance(m, nn.Conv2d))
    extra_5x5 = sum(16 * r * c for _, _, _, _, _, r, c, _ in classic.INCEPTIONS)  # (25 - 9) r c per block
    assert count(paper) == count(tv) - bn + biases + extra_5x5


def test_resnet18_stage_shapes():
    model = classic.resnet18().eval()
    x = torch.zeros(1, 3, 224, 224)
    shapes = {}
    hooks = [getattr(model, f"layer{i}").register_forward_hook(lambda m, i, o, i_=i: shapes.__setitem__(i_, tuple(o.shape)))
             for i in range(1, 5)]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    assert shapes == {1: (1, 64, 56, 56), 2: (1, 128, 28, 28), 3: (1, 256, 14, 14), 4: (1, 512, 7, 7)}


def test_blocks_by_hand():
    assert count(blocks.vgg_block(3, 128, 256)) == conv(128, 256, 3) + 2 * conv(256, 256, 3)
    inc = blocks.Inception(192, 64, 96, 128, 16, 32, 32)
    assert tuple(inc(torch.zeros(1, 192, 28, 28)).shape) == (1, 256, 28, 28)
    res = blocks.ResidualBlock(64, 128, stride=2)
    assert res.downsample is not None and tuple(res(torch.zeros(1, 64, 15, 15)).shape) == (1, 128, 8, 8)
    assert blocks.ResidualBlock(64, 64).downsample is None
    plain = blocks.ResidualBlock(64, 128, stride=2, shortcut=False)
    assert plain.downsample is None and count(plain) == count(res) - (64 * 128 + 2 * 128)


def test_residual_block_adds_the_input():
    torch.manual_seed(0)
    res, plain = blocks.ResidualBlock(4, 4).eval(), blocks.ResidualBlock(4, 4, shortcut=False).eval()
    plain.load_state_dict(res.state_dict())
    x = torch.randn(2, 4, 6, 6)
    inner = res.bn2(res.conv2(torch.relu(res.bn1(res.conv1(x)))))
    torch.testing.assert_close(res(x), torch.relu(inner + x))
    torch.testing.assert_close(plain(x), torch.relu(inner))


def test_seed_gives_the_same_weights():
    a, b = classic.resnet18(num_classes=3, seed=4), classic.resnet18(num_classes=3, seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("call,exc,words", [
    (lambda: classic.vgg16(num_classes=0), ValueError, "vgg16: num_classes must be a positive int"),
    (lambda: classic.resnet18(num_classes=2.5), ValueError, "resnet18: num_classes"),
    (lambda: classic.alexnet(variant="two-gpu"), ValueError, "alexnet: variant must be one of"),
    (lambda: classic.googlenet(variant=None), ValueError, "googlenet: variant"),
    (lambda: classic.lenet5(activation="gelu"), ValueError, "lenet5: activation"),
    (lambda: classic.nin(in_channels=0), ValueError, "nin: in_channels"),
    (lambda: classic.resnet18(seed="0"), TypeError, "resnet18: seed"),
    (lambda: blocks.vgg_block(0, 3, 8), ValueError, "vgg_block: num_convs"),
    (lambda: blocks.Inception(192, 64, 96, 128, 16, 32, 32, branch3_kernel=7), ValueError, "branch3_kernel"),
    (lambda: blocks.ResidualBlock(64, -1), ValueError, "ResidualBlock: out_channels"),
    (lambda: blocks.conv_relu(3, 8, 0), ValueError, "conv_relu: kernel_size"),
    (lambda: blocks.nin_block(3, 8, 3, stride=True), ValueError, "nin_block: stride"),
])
def test_bad_arguments_are_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_digit_resnet_plain_and_residual_have_the_same_layers():
    from helpers.models.summary import depth

    res = classic.digit_resnet(num_blocks=3, channels=4, seed=0)
    plain = classic.digit_resnet(num_blocks=3, channels=4, shortcut=False, seed=0)
    assert count(res) == count(plain) == conv(1, 4, 3, bias=False) + 2 * 4 + 3 * (2 * conv(4, 4, 3, bias=False) + 4 * 4) + 4 * 10 + 10
    assert all(torch.equal(p, q) for p, q in zip(res.parameters(), plain.parameters()))  # same seed, same weights
    assert depth(res, (1, 1, 28, 28)) == depth(plain, (1, 1, 28, 28)) == 2 * 3 + 2
    x = torch.randn(2, 1, 28, 28)
    assert tuple(res.eval()(x).shape) == (2, 10) and not torch.allclose(res(x), plain.eval()(x))
    with pytest.raises(ValueError, match="digit_resnet: num_blocks"):
        classic.digit_resnet(num_blocks=0)
