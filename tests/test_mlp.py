"""helpers.mlp (lesson 01): the NumPy forward pass against torch, and parameter counts against
torch's meta device. (Training is helpers.train.fit, tested in its own file.)"""
import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import helpers.mlp as mlp
from helpers.models import mlp as torch_mlp
from helpers.activations import ACTIVATIONS


def test_doctests():
    assert doctest.testmod(mlp).failed == 0


@given(seed=st.integers(0, 2**32 - 1), N=st.integers(1, 5), n_in=st.integers(1, 7), n_out=st.integers(1, 7),
       with_bias=st.booleans())
def test_linear_matches_torch(seed, N, n_in, n_out, with_bias):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
    bias = b if with_bias else None
    expected = F.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b) if with_bias else None).numpy()
    np.testing.assert_allclose(mlp.linear(x, w, bias), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mlp.linear(x[0], w, bias), expected[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_forward_matches_the_torch_model(activation):
    model = torch_mlp([12, 7, 5, 3], activation=activation, seed=1).double()
    x = np.random.default_rng(2).normal(size=(4, 3, 4))  # images are flattened, as nn.Flatten
    weights, biases = mlp.mlp_parameters(model)
    logits, layers = mlp.mlp_forward(x, weights, biases, activation=activation, return_layers=True)
    with torch.no_grad():
        expected = model(torch.tensor(x)).numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-10, atol=1e-12)
    names = [name for name, _ in layers]
    assert names == ["input", "linear1", f"{activation}1", "linear2", f"{activation}2", "linear3"]
    assert [a.shape for _, a in layers] == [(4, 12), (4, 7), (4, 7), (4, 5), (4, 5), (4, 3)]


def test_torch_mlp_structure_and_seed():
    model = torch_mlp([784, 128, 10], seed=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "ReLU", "Linear"]
    assert sum(p.numel() for p in model.parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    again = torch_mlp([784, 128, 10], seed=0)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters()))


@pytest.mark.parametrize("shape,hidden", [((28, 28), 1024), ((224, 224, 3), 1000), ((3000, 4000, 3), 1024), ((5,), 1)])
def test_dense_parameter_count_matches_torch(shape, hidden):
    layer = torch.nn.Linear(int(np.prod(shape)), hidden, device="meta")  # no memory is allocated
    assert mlp.dense_parameter_count(shape, hidden) == sum(p.numel() for p in layer.parameters())
