"""helpers.augment: shifts and rotations with affine_grid/grid_sample.

Oracles: the input itself (angle 0, shift 0), helpers.data.shift (integer
shifts, written with slices), NumPy's rot90 (quarter turns move pixel centres
onto pixel centres, so bilinear sampling is exact), and a second run with the
same seed (determinism)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import data
from helpers.augment import RandomAffine, affine, random_affine


def _images(N=3, C=2, H=9, W=7, dtype=torch.float64, seed=0):
    return torch.as_tensor(np.random.default_rng(seed).random((N, C, H, W)), dtype=dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_zero_angle_and_shift_is_the_identity(dtype):
    x = _images(dtype=dtype)
    out = affine(x, angle=0.0, shift=(0, 0))
    assert out.dtype == dtype and out.shape == x.shape
    torch.testing.assert_close(out, x, rtol=0, atol=1e-6 if dtype == torch.float32 else 1e-12)
    torch.testing.assert_close(random_affine(x, torch.Generator().manual_seed(0), max_shift=0, degrees=0), x,
                               rtol=0, atol=1e-6 if dtype == torch.float32 else 1e-12)


@settings(max_examples=40, deadline=None)
@given(H=st.integers(2, 12), W=st.integers(2, 12), dy=st.integers(-13, 13), dx=st.integers(-13, 13))
def test_integer_shift_equals_data_shift(H, W, dy, dx):
    x = _images(N=2, C=1, H=H, W=W)
    expected = data.shift(x.numpy(), dy, dx)
    np.testing.assert_allclose(affine(x, shift=(dy, dx)).numpy(), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("H, W", [(6, 6), (7, 7), (28, 28)])
@pytest.mark.parametrize("quarter_turns", [1, 2, 3])
def test_quarter_turns_equal_rot90(H, W, quarter_turns):
    x = _images(N=2, C=3, H=H, W=W)
    expected = np.rot90(x.numpy(), quarter_turns, axes=(2, 3))  # counter-clockwise, like affine
    np.testing.assert_allclose(affine(x, angle=90.0 * quarter_turns).numpy(), expected, rtol=0, atol=1e-12)


def test_half_turn_of_a_non_square_image():
    x = _images(H=5, W=8)
    np.testing.assert_allclose(affine(x, angle=180).numpy(), x.numpy()[..., ::-1, ::-1], rtol=0, atol=1e-12)


def test_per_image_parameters_act_on_their_own_image():
    x = _images(N=3, H=8, W=8)
    angles, dys, dxs = torch.tensor([0.0, 90.0, 0.0]), torch.tensor([0.0, 0.0, 2.0]), torch.tensor([0.0, 0.0, -1.0])
    out = affine(x, angle=angles, shift=(dys, dxs)).numpy()
    np.testing.assert_allclose(out[0], x[0].numpy(), atol=1e-12)
    np.testing.assert_allclose(out[1], np.rot90(x[1].numpy(), 1, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(out[2], data.shift(x[2].numpy(), 2, -1), atol=1e-12)


def test_small_rotation_keeps_the_centre_of_mass():
    # a centred blob rotated by a small angle stays centred and keeps (almost) its mass
    yy, xx = np.mgrid[:28, :28]
    blob = np.exp(-((yy - 13.5) ** 2 / 20 + (xx - 13.5) ** 2 / 8))
    out = affine(torch.as_tensor(blob)[None, None], angle=15.0)[0, 0].numpy()
    assert abs(out.sum() - blob.sum()) / blob.sum() < 1e-3
    assert abs((out * yy).sum() / out.sum() - 13.5) < 1e-6 and abs((out * xx).sum() / out.sum() - 13.5) < 1e-6
    assert not np.allclose(out, blob, atol=1e-3)


def test_seeded_generator_is_deterministic():
    x = _images(N=16, C=1, H=28, W=28)
    a = random_affine(x, torch.Generator().manual_seed(5), max_shift=3, degrees=15)
    b = random_affine(x, torch.Generator().manual_seed(5), max_shift=3, degrees=15)
    c = random_affine(x, torch.Generator().manual_seed(6), max_shift=3, degrees=15)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.allclose(a, c)
    # each image gets its own transform: no two outputs are the same transform of their inputs
    assert not torch.allclose(a[0], affine(x[:1], 0.0)[0])


def test_random_parameters_stay_in_range():
    # a single bright pixel in the centre of a large image lands within max_shift (plus the
    # rotation of a point at the centre: none) of where it was
    x = torch.zeros(64, 1, 41, 41, dtype=torch.float64)
    x[:, 0, 20, 20] = 1.0
    out = random_affine(x, torch.Generator().manual_seed(0), max_shift=2.5, degrees=30)
    yy, xx = torch.meshgrid(torch.arange(41.0, dtype=torch.float64), torch.arange(41.0, dtype=torch.float64), indexing="ij")
    mass = out[:, 0].sum(dim=(1, 2))
    cy = (out[:, 0] * yy).sum(dim=(1, 2)) / mass
    cx = (out[:, 0] * xx).sum(dim=(1, 2)) / mass
    assert ((cy - 20).abs() <= 2.5 + 1e-9).all() and ((cx - 20).abs() <= 2.5 + 1e-9).all()
    assert (cy - 20).abs().max() > 1.5 and (cx - 20).abs().max() > 1.5  # the range is used


def test_random_affine_class_is_fits_augment():
    from helpers.models import mlp
    from helpers.train import fit

    aug = RandomAffine(max_shift=2, degrees=10)
    x = _images(N=4, C=1, H=8, W=8)
    torch.testing.assert_close(aug(x, torch.Generator().manual_seed(1)),
                               random_affine(x, torch.Generator().manual_seed(1), max_shift=2, degrees=10))
    model = torch.nn.Sequential(torch.nn.Flatten(), mlp([64, 8, 2], seed=0)).double()
    h = fit(model, (x, torch.tensor([0, 1, 0, 1])), epochs=1, augment=aug, progress=False)
    assert h.epochs == 1 and repr(aug) == "RandomAffine(max_shift=2.0, degrees=10.0)"


def test_works_in_float32_on_the_images_device():
    x = _images(dtype=torch.float32)
    out = random_affine(x, torch.Generator().manual_seed(0))
    assert out.dtype == torch.float32 and out.device == x.device


@pytest.mark.parametrize("call, error, match", [
    (lambda x: affine(x.numpy()), TypeError, r"affine: images must be a torch tensor"),
    (lambda x: affine(x[0]), ValueError, r"affine: images must have shape \(N, C, H, W\); got shape \(2, 9, 7\)"),
    (lambda x: affine(x.long()), TypeError, r"affine: images must be floating point"),
    (lambda x: affine(x, angle=float("nan")), ValueError, r"affine: angle must be finite"),
    (lambda x: affine(x, angle=torch.zeros(2)), ValueError, r"affine: angle must be a number or have shape \(3,\)"),
    (lambda x: affine(x, angle="ten"), TypeError, r"affine: angle must be a number or one number per image"),
    (lambda x: affine(x, angle=True), TypeError, r"affine: angle must be a number"),
    (lambda x: affine(x, shift=2), TypeError, r"affine: shift must be a pair \(dy, dx\)"),
    (lambda x: random_affine(x, max_shift=-1), ValueError, r"random_affine: max_shift must be a finite number >= 0; got -1"),
    (lambda x: random_affine(x, degrees=float("inf")), ValueError, r"random_affine: degrees must be a finite number >= 0"),
    (lambda x: random_affine(x, generator=0), TypeError, r"random_affine: generator must be a torch.Generator or None; got int"),
    (lambda x: RandomAffine(degrees="10"), ValueError, r"RandomAffine: degrees must be a finite number >= 0"),
])
def test_bad_arguments_raise_in_words(call, error, match):
    with pytest.raises(error, match=match):
        call(_images())
