"""helpers.models.applications: shapes, the structure each docstring promises,
and the Siamese correlation against a per-sample torch oracle."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.models import applications as apps


def _zero_last(module):
    last = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()


def test_denoiser_is_residual():
    net = apps.denoiser(channels=4, layers=3, seed=0).double()
    x = torch.rand(2, 1, 9, 11, dtype=torch.float64)
    assert net(x).shape == x.shape
    torch.testing.assert_close(net(x), x - net.body(x))
    _zero_last(net)
    torch.testing.assert_close(net(x), x)          # no noise predicted: the input comes back


def test_super_resolver_starts_from_bicubic():
    net = apps.super_resolver(channels=4, seed=0).double()
    x = torch.rand(3, 1, 8, 6, dtype=torch.float64)
    assert net(x).shape == (3, 1, 16, 12)
    assert isinstance(net.body[-1], torch.nn.PixelShuffle)
    _zero_last(net)
    torch.testing.assert_close(net(x), F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False))


def test_inpainter_keeps_known_pixels_and_fills_a_flat_image_flat():
    net = apps.inpainter(channels=4, dilations=(1, 2, 1), seed=0).double()
    image = torch.rand(2, 1, 16, 16, dtype=torch.float64)
    holes = torch.zeros_like(image)
    holes[:, :, 5:10, 6:11] = 1
    out = net(torch.cat([image * (1 - holes), holes], dim=1))
    assert out.shape == image.shape
    known = holes == 0
    torch.testing.assert_close(out[known], image[known])
    flat = torch.full_like(image, 0.3)
    torch.testing.assert_close(net.fill(flat * (1 - holes), holes), flat)   # the Gaussian guess of a flat image


def test_unet_and_detector_shapes():
    unet = apps.small_unet(num_classes=5, channels=2, seed=0)
    assert unet(torch.zeros(2, 1, 12, 20)).shape == (2, 5, 12, 20)
    with pytest.raises(ValueError, match="divisible by 4"):
        unet(torch.zeros(1, 1, 10, 12))
    det = apps.centre_detector(channels=3, seed=0)
    out = det(torch.zeros(2, 1, 32, 24))
    assert out.shape == (2, 3, 16, 12)
    # a blank image: every cell says "centre" with probability about 0.1 (the bias; the last weights add a little)
    torch.testing.assert_close(torch.sigmoid(out[:, 0]), torch.full((2, 16, 12), 0.1), atol=0.02, rtol=0)


def test_builders_are_seeded_and_check_arguments():
    a, b = apps.denoiser(seed=3), apps.denoiser(seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    with pytest.raises(ValueError, match="denoiser: layers"):
        apps.denoiser(layers=1)
    with pytest.raises(ValueError, match="inpainter: dilations"):
        apps.inpainter(dilations=(1, 0))
    with pytest.raises(ValueError, match="super_resolver: scale"):
        apps.super_resolver(scale=1)


def test_siamese_response_equals_per_sample_correlation():
    net = apps.siamese_tracker(template_size=5, channels=3, seed=0).double()
    search = torch.rand(3, 1, 11, 11, dtype=torch.float64)
    template = torch.rand(3, 1, 5, 5, dtype=torch.float64)
    got = net.response(search, template)
    assert got.shape == (3, 7, 7)
    for n in range(3):
        fs, ft = net.embed(search[n:n + 1]), net.embed(template[n:n + 1])
        expected = net.scale * F.conv2d(fs, ft)[0, 0] / ft.numel() + net.bias
        torch.testing.assert_close(got[n], expected)
    packed = torch.zeros(3, 2, 11, 11, dtype=torch.float64)
    packed[:, 0], packed[:, 1, :5, :5] = search[:, 0], template[:, 0]
    torch.testing.assert_close(net(packed), got.reshape(3, 49))
    with pytest.raises(ValueError, match="SiameseTracker: input"):
        net(torch.zeros(1, 1, 11, 11, dtype=torch.float64))


def test_fit_trains_the_denoiser():
    from helpers.train import fit

    rng = np.random.default_rng(0)
    clean = rng.random((64, 1, 8, 8)).cumsum(axis=-1) / 8       # smooth ramps
    noisy = clean + 0.1 * rng.standard_normal(clean.shape)
    net = apps.denoiser(channels=4, layers=3, seed=0).double()
    hist = fit(net, (noisy, clean), epochs=3, batch_size=8, lr=3e-3, loss_fn=torch.nn.MSELoss(), progress=False)
    assert hist.train_loss[-1] < hist.train_loss[0]
