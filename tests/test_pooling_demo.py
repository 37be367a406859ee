"""helpers.pooling_demo: windows, the settings check, the translation and
variable-size measurements. PyTorch is the oracle throughout."""
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from helpers import pooling_demo as pd  # noqa: E402
from helpers.lecture import POOL_INPUT  # noqa: E402

SETTINGS = list(itertools.product([(1, 1), (2, 5), (4, 4), (7, 3)], range(1, 6), range(1, 4), range(0, 3), (False, True)))


def _torch_ok(fn, hw, k, s, p, ceil):
    try:
        fn(torch.ones((1, 1) + hw, dtype=torch.float64), k, s, p, ceil_mode=ceil)
        return True
    except RuntimeError:
        return False


@pytest.mark.parametrize("fn", [F.max_pool2d, F.avg_pool2d], ids=["max", "avg"])
def test_settings_check_agrees_with_torch(fn):
    for hw, k, s, p, ceil in SETTINGS:
        message = pd.check_pool_settings(hw, k, s, p, ceil)
        assert isinstance(message, str)
        assert _torch_ok(fn, hw, k, s, p, ceil) == (message == ""), (hw, k, s, p, ceil, message)


def test_settings_messages_are_plain_sentences():
    assert "half the kernel" in pd.check_pool_settings((4, 4), 2, padding=2)
    assert "does not fit" in pd.check_pool_settings((4, 4), 5)
    assert "Traceback" not in pd.check_pool_settings((4, 4), 5)
    with pytest.raises(TypeError, match="kernel_size"):
        pd.check_pool_settings((4, 4), 2.5)
    with pytest.raises(ValueError, match="stride"):
        pd.check_pool_settings((4, 4), 2, stride=0)


def test_windows_reproduce_torch_max_and_avg():
    rng = np.random.default_rng(1)
    for hw, k, s, p, ceil in SETTINGS:
        if pd.check_pool_settings(hw, k, s, p, ceil):
            with pytest.raises(ValueError, match="pool_windows"):
                pd.pool_windows(hw, k, s, p, ceil)
            continue
        x = rng.normal(size=hw)
        windows = pd.pool_windows(hw, k, s, p, ceil)
        t_max = F.max_pool2d(torch.tensor(x)[None, None], k, s, p, ceil_mode=ceil)[0, 0].numpy()
        t_ones = F.avg_pool2d(torch.ones((1, 1) + hw, dtype=torch.float64), k, s, p, ceil_mode=ceil)[0, 0].numpy()
        assert len(windows) == t_max.size
        assert [w.step for w in windows] == list(range(len(windows)))
        for w in windows:
            inside = x[[r for r in w.rows if 0 <= r < hw[0]]][:, [c for c in w.cols if 0 <= c < hw[1]]]
            assert inside.max() == t_max[w.out_row, w.out_col]
            # avg of ones = (elements inside) / divisor
            assert np.isclose(inside.size / w.divisor, t_ones[w.out_row, w.out_col])


def test_lecture_windows():
    windows = pd.pool_windows(POOL_INPUT.shape, 2, 2)
    maxima = [POOL_INPUT[w.rows.start:w.rows.stop, w.cols.start:w.cols.stop].max() for w in windows]
    assert maxima == [5, 2, 2, 2]  # the slide's MAX=5, MAX=2, MAX=2, MAX=2


def test_edge_map_is_relu_of_sobel_conv():
    img = np.random.default_rng(2).random((9, 11))
    expected = F.relu(F.conv2d(torch.tensor(img)[None, None], torch.tensor(pd.SOBEL_X)[None, None]))[0, 0].numpy()
    np.testing.assert_allclose(pd.edge_map(img), expected, atol=1e-12)
    with pytest.raises(ValueError, match="image"):
        pd.edge_map(np.zeros((2, 3, 3)))


def test_shifted_crop_moves_the_content():
    img = np.arange(40 * 40, dtype=float).reshape(40, 40)
    a, b = pd.shifted_crop(img, 16, (0, 0)), pd.shifted_crop(img, 16, (2, 3))
    np.testing.assert_array_equal(b[2:, 3:], a[:-2, :-3])
    with pytest.raises(ValueError, match="leaves"):
        pd.shifted_crop(img, 16, (0, 20))


def test_relative_change():
    a = np.array([3.0, 4.0])
    assert pd.relative_change(a, a) == 0
    assert np.isclose(pd.relative_change(np.zeros(2), a), 1.0)
    with pytest.raises(ValueError, match="shapes"):
        pd.relative_change(a, np.zeros(3))


def _torch_maxpool_change(img, s, size):
    def fmap(dx):
        crop = torch.tensor(img[16:16 + size, 16 - dx:16 - dx + size])[None, None]
        return F.max_pool2d(F.relu(F.conv2d(crop, torch.tensor(pd.SOBEL_X)[None, None])), 2)
    a, b = fmap(s), fmap(0)
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


def test_translation_table_against_torch():
    rng = np.random.default_rng(3)
    images = [rng.random((80, 80)), rng.random((70, 90))]
    table = pd.translation_table(images, shifts=[0, 1, 3], size=48)
    assert table["shift"] == [0, 1, 3]
    assert set(table) == {"shift", *pd.POOLERS}
    for name in pd.POOLERS:
        assert table[name][0] == 0
    expected = np.mean([_torch_maxpool_change(im, 3, 48) for im in images])
    assert np.isclose(table["max pool 2x2"][2], expected)


def test_even_shifts_just_move_the_pooled_map_odd_shifts_alias():
    rng = np.random.default_rng(4)
    img = rng.random((80, 80))
    f0 = pd.edge_map(pd.shifted_crop(img, 48, (0, 0)))
    pooled = lambda f: F.max_pool2d(torch.tensor(f)[None, None], 2)[0, 0].numpy()  # noqa: E731
    p0 = pooled(f0)
    p2 = pooled(pd.edge_map(pd.shifted_crop(img, 48, (0, 2))))
    p1 = pooled(pd.edge_map(pd.shifted_crop(img, 48, (0, 1))))
    assert pd.aligned_change(p2, p0, 2) == 0
    assert pd.aligned_change(p1, p0, 1) > 0.1


@pytest.mark.parametrize("L, n_out", [(1, 1), (5, 2), (7, 3), (10, 4), (3, 5), (13, 13)])
def test_adaptive_windows_match_torch(L, n_out):
    # one-hot rows: output i of row j is non-zero exactly when window i holds j
    out = F.adaptive_avg_pool1d(torch.eye(L, dtype=torch.float64)[None], n_out)[0].numpy()
    expected = [range(min(np.flatnonzero(out[:, i])), max(np.flatnonzero(out[:, i])) + 1) for i in range(n_out)]
    assert pd.adaptive_windows(L, n_out) == expected
    with pytest.raises(ValueError):
        pd.adaptive_windows(0, 2)


def test_variable_size_table_shapes_match_torch():
    rng = np.random.default_rng(5)
    images = [rng.random((3, h, w)) for h, w in [(5, 7), (32, 32), (100, 61), (2, 2)]]
    rows = pd.variable_size_table(images, output_size=(2, 3))
    for x, (shape, avg, mx, glob) in zip(images, rows):
        t = torch.tensor(x)
        assert shape == x.shape
        assert avg == tuple(F.adaptive_avg_pool2d(t, (2, 3)).shape) == (3, 2, 3)
        assert mx == tuple(F.adaptive_max_pool2d(t, (2, 3)).shape)
        assert glob == tuple(F.adaptive_avg_pool2d(t, 1).shape) == (3, 1, 1)


def test_show_pool_windows():
    fig = pd.show_pool_windows(POOL_INPUT, 2)
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert texts == ["5", "2", "2", "2"]
    assert len(fig.axes[0].patches) == 8  # four windows, four circled maxima
    plt.close(fig)
    fig = pd.show_pool_windows(POOL_INPUT, 2, mode="avg")
    assert [t.get_text() for t in fig.axes[1].texts] == ["2.75", "1.25", "1.25", "0.5"]
    plt.close(fig)
    with pytest.raises(ValueError, match="overlap"):
        pd.show_pool_windows(POOL_INPUT, 3, stride=1)
    with pytest.raises(ValueError, match="mode"):
        pd.show_pool_windows(POOL_INPUT, 2, mode="min")
