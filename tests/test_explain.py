"""helpers.explain (lesson 07): saliency and Grad-CAM against captum (the oracle), also
with an in-place ReLU after the layer and batch norm; the model is left unchanged;
feature maps, receptive-field windows (against autograd) and top-activating patches."""
import doctest

import numpy as np
import pytest
import torch
from captum.attr import LayerGradCam, Saliency
from torch import nn

import helpers.explain as explain
from helpers.models import digit_cnn
from helpers.models.blocks import ResidualBlock

torch.set_num_threads(1)


def inplace_net():
    torch.manual_seed(1)
    return nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(32, 5),
    ).double()


def residual_net():
    torch.manual_seed(2)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), ResidualBlock(4, 8, stride=2), ResidualBlock(8, 8),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3)).double()


def randomise_bn(model):
    g = torch.Generator().manual_seed(3)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g, dtype=torch.float64) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g, dtype=torch.float64) + 0.5)


CASES = [
    ("digit_cnn conv2", lambda: digit_cnn(seed=0).double(), "conv2", (4, 1, 28, 28)),
    ("digit_cnn conv1", lambda: digit_cnn(seed=0).double(), "conv1", (4, 1, 28, 28)),
    ("inplace relu after conv", inplace_net, "2", (4, 3, 12, 10)),
    ("inplace relu after bn", inplace_net, "6", (4, 3, 12, 10)),
    ("residual block", residual_net, "2", (4, 1, 12, 12)),
]


@pytest.mark.parametrize("label,make,layer,shape", CASES, ids=[c[0] for c in CASES])
def test_against_captum(label, make, layer, shape):
    model = make()
    randomise_bn(model)
    model.eval()
    x = torch.randn(shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    with torch.no_grad():
        K = model(x).shape[1]
    target = torch.arange(shape[0]) % K
    module = model.get_submodule(layer)
    cam_oracle = LayerGradCam(model, module).attribute(x, target, relu_attributions=True)[:, 0].detach().numpy()
    cam = explain.grad_cam(model, layer, x, target.numpy())
    assert cam.shape == cam_oracle.shape and cam.max() > 0
    np.testing.assert_allclose(cam, cam_oracle, rtol=1e-10, atol=1e-12)
    sal_oracle = Saliency(model).attribute(x.clone().requires_grad_(True), target, abs=True).amax(dim=1).numpy()
    sal = explain.saliency(model, x, target.numpy())
    assert sal.shape == (shape[0],) + shape[2:]
    np.testing.assert_allclose(sal, sal_oracle, rtol=1e-10, atol=1e-12)


def test_inplace_relu_does_not_hide_negative_activations():
    # a layer followed by an in-place ReLU: Grad-CAM must weight the layer's own output,
    # negatives included; computing on the ReLU'd values gives another map
    model = inplace_net().eval()
    x = torch.randn(2, 3, 12, 10, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    acts = model[:3](x)
    assert (acts < 0).any()
    cam = explain.grad_cam(model, model[2], x, 1)
    grads = torch.autograd.grad(model[3:](acts.clone()).select(1, 1).sum(), acts)[0]  # relu in place on the copy
    by_hand = torch.relu((grads.mean((2, 3), keepdim=True) * acts).sum(1)).detach().numpy()
    np.testing.assert_allclose(cam, by_hand, rtol=1e-12, atol=1e-14)
    wrong = torch.relu((grads.mean((2, 3), keepdim=True) * acts.clamp(min=0)).sum(1)).detach().numpy()
    assert not np.allclose(cam, wrong)


def test_model_left_unchanged():
    model = residual_net()
    model.train()
    model[1].bn1.eval()  # a mixed state must come back as it was
    modes = [m.training for m in model.modules()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(3, 1, 12, 12, dtype=torch.float64)
    explain.grad_cam(model, "1", x, 0)
    explain.saliency(model, x, [0, 1, 2])
    explain.feature_maps(model, x[0])
    explain.top_patches(digit_cnn(seed=0).double(), "conv1", torch.rand(5, 1, 28, 28, dtype=torch.float64), 0, k=2)
    assert [m.training for m in model.modules()] == modes
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())  # running stats too
    assert all(not m._forward_hooks and not m._backward_hooks for m in model.modules())


def test_layer_used_twice_is_refused():
    relu = nn.ReLU()
    model = nn.Sequential(nn.Conv2d(1, 2, 3), relu, nn.Conv2d(2, 2, 3), relu, nn.Flatten(), nn.Linear(2 * 2 * 2, 2))
    with pytest.raises(ValueError, match="ran 2 times"):
        explain.grad_cam(model, relu, torch.zeros(1, 1, 6, 6), 0)
    assert not relu._forward_hooks


def test_feature_maps_every_layer():
    model = digit_cnn(seed=0).double()
    img = torch.rand(1, 28, 28, dtype=torch.float64)
    maps = explain.feature_maps(model, img)
    assert [n for n, _ in maps] == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc"]
    np.testing.assert_array_equal(maps[3][1], model[:4](img[None]).detach()[0].numpy())
    assert maps[2][1].shape == (8, 14, 14) and maps[-1][1].shape == (10, 1, 1)


def autograd_support(model, x, layer_index, channel, row, col):
    """(top, left, bottom, right), exclusive, of the input pixels unit (row, col) depends on, by autograd,
    with the pooling made average (max-pool's gradient reaches one pixel per window) and all weights
    positive, so no contribution cancels."""
    twin = torch.nn.Sequential(*[nn.AvgPool2d(m.kernel_size, m.stride, m.padding) if isinstance(m, nn.MaxPool2d) else m
                                 for m in list(model.children())[:layer_index + 1]])
    twin = __import__("copy").deepcopy(twin)
    with torch.no_grad():
        for p in twin.parameters():
            p.abs_()
    x = x.clone().fill_(1.0).requires_grad_(True)
    (g,) = torch.autograd.grad(twin(x)[0, channel, row, col], x)
    rows, cols = np.nonzero(g[0].abs().sum(0).numpy())
    return rows.min(), cols.min(), rows.max() + 1, cols.max() + 1


def test_top_patches_by_brute_force():
    model = digit_cnn(kernel_size=5, seed=0).double().eval()
    x = torch.rand(30, 1, 28, 28, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    out = explain.top_patches(model, "conv2", x, channel=3, k=9)
    with torch.no_grad():
        a = model[:4](x)[:, 3]
    best = a.flatten(1).max(1).values.numpy()
    assert list(out["index"]) == list(np.argsort(-best)[:9])
    np.testing.assert_allclose(out["values"], np.sort(best)[::-1][:9])
    assert out["patches"].shape == (9, 1, 14, 14)
    for i, n in enumerate(out["index"]):
        r, c = divmod(int(a[n].flatten().argmax()), a.shape[-1])
        top, left, bottom, right = out["windows"][i]
        assert (top, left, bottom - top, right - left) == (r * 2 - 6, c * 2 - 6, 14, 14)  # conv5 -> pool2 -> conv5
        padded = np.pad(x[n, 0].numpy(), 20)
        np.testing.assert_array_equal(out["patches"][i, 0], padded[top + 20:bottom + 20, left + 20:right + 20])
        # the unit depends on exactly the pixels of its window that lie inside the image (autograd)
        assert autograd_support(model, x[n:n + 1], 3, 3, r, c) == (max(top, 0), max(left, 0), min(bottom, 28), min(right, 28))


def test_upsample_shape():
    up = explain.upsample(np.ones((2, 7, 7)), 28)
    assert up.shape == (2, 28, 28) and np.allclose(up, 1)


def test_doctests():
    assert doctest.testmod(explain).failed == 0


@pytest.mark.parametrize("call,exc,words", [
    (lambda m, x: explain.saliency("model", x, 0), TypeError, "saliency: model must be a torch.nn.Module"),
    (lambda m, x: explain.saliency(m, [[1.0]], 0), TypeError, "saliency: images must be"),
    (lambda m, x: explain.saliency(m, x[0, 0, 0], 0), ValueError, r"saliency: images must be \(N, C, H, W\)"),
    (lambda m, x: explain.saliency(m, x, 10), ValueError, "saliency: target must be class indices in 0..9"),
    (lambda m, x: explain.saliency(m, x, [1, 2, 3]), ValueError, "target must be an int or 2 ints"),
    (lambda m, x: explain.saliency(m, x, 1.5), TypeError, "saliency: target must be an int"),
    (lambda m, x: explain.grad_cam(m, "conv9", x, 0), ValueError, "grad_cam: layer 'conv9' is not a module"),
    (lambda m, x: explain.grad_cam(m, nn.Conv2d(1, 1, 1), x, 0), ValueError, "is not a module of the model"),
    (lambda m, x: explain.grad_cam(m, 3, x, 0), TypeError, "grad_cam: layer must be"),
    (lambda m, x: explain.grad_cam(m, "fc", x, 0), ValueError, r"must output feature maps"),
    (lambda m, x: explain.top_patches(m, "conv1", x, channel=8, k=2), ValueError, "channel must be an int in 0..7"),
    (lambda m, x: explain.top_patches(m, "conv1", x, channel=0, k=3), ValueError, "k must be an int in 1..2"),
    (lambda m, x: explain.feature_maps(m, x), ValueError, "feature_maps: image must be one image"),
    (lambda m, x: explain.upsample(np.ones((7, 7)), 28), ValueError, r"upsample: maps must be \(N, h, w\)"),
])
def test_bad_arguments(call, exc, words):
    model = digit_cnn(seed=0).double()
    with pytest.raises(exc, match=words):
        call(model, torch.zeros(2, 1, 28, 28, dtype=torch.float64))
    assert all(not m._forward_hooks for m in model.modules())


def test_top_patches_refuses_branching_models():
    model = residual_net()
    with pytest.raises(ValueError, match="top_patches: the receptive field is computed for a chain"):
        explain.top_patches(model, "2.conv1", torch.zeros(3, 1, 12, 12, dtype=torch.float64), 0, k=2)
