"""helpers.mlp (lesson 01): the NumPy forward pass against torch, parameter counts against
torch's meta device, and a deterministic trainer."""
import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import helpers.mlp as mlp
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
    model = mlp.make_mlp([12, 7, 5, 3], activation=activation, seed=1).double()
    x = np.random.default_rng(2).normal(size=(4, 3, 4))  # images are flattened, as nn.Flatten
    weights, biases = mlp.mlp_parameters(model)
    logits, layers = mlp.mlp_forward(x, weights, biases, activation=activation, return_layers=True)
    with torch.no_grad():
        expected = model(torch.tensor(x)).numpy()
    np.testing.assert_allclose(logits, expected, rtol=1e-10, atol=1e-12)
    names = [name for name, _ in layers]
    assert names == ["input", "linear1", f"{activation}1", "linear2", f"{activation}2", "linear3"]
    assert [a.shape for _, a in layers] == [(4, 12), (4, 7), (4, 7), (4, 5), (4, 5), (4, 3)]


def test_make_mlp_structure_and_seed():
    model = mlp.make_mlp([784, 128, 10], seed=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Flatten", "Linear", "ReLU", "Linear"]
    assert sum(p.numel() for p in model.parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    again = mlp.make_mlp([784, 128, 10], seed=0)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters()))


@pytest.mark.parametrize("shape,hidden", [((28, 28), 1024), ((224, 224, 3), 1000), ((3000, 4000, 3), 1024), ((5,), 1)])
def test_dense_parameter_count_matches_torch(shape, hidden):
    layer = torch.nn.Linear(int(np.prod(shape)), hidden, device="meta")  # no memory is allocated
    assert mlp.dense_parameter_count(shape, hidden) == sum(p.numel() for p in layer.parameters())


@pytest.fixture
def one_thread():
    """Tiny models train fastest on one thread (and the lesson trains on one)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _toy_problem(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2, 3)).astype(np.float32)
    y = (X[:, 0, 0] + X[:, 1, 2] > 0).astype(np.int64)  # linearly separable
    return X, y


def test_training_learns_and_is_deterministic(one_thread):
    X, y = _toy_problem()
    runs = []
    for _ in range(2):
        model = mlp.make_mlp([6, 8, 2], seed=0)
        losses = mlp.train_classifier(model, X, y, epochs=15, batch_size=32, lr=1e-2, seed=0)
        runs.append((losses, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(torch.equal(p, q) for p, q in zip(runs[0][1], runs[1][1]))
    assert runs[0][0][-1] < 0.5 * runs[0][0][0]
    assert mlp.accuracy(model, X, y) > 0.95
    pred = mlp.predict(model, X, batch_size=50)
    assert pred.shape == (400,) and pred.dtype == np.int64


def test_double_model_trains_in_float64(one_thread):
    """A .double() model gets float64 batches (lesson 01 trains this way so that its printed
    numbers are the same on every CPU); the float32 run of the same seed lands close by."""
    X, y = _toy_problem()
    seen = []
    model = mlp.make_mlp([6, 8, 2], seed=0).double()
    model[0].register_forward_hook(lambda module, inputs, output: seen.append(inputs[0].dtype))
    losses64 = mlp.train_classifier(model, X, y, epochs=3, batch_size=32, lr=1e-2, seed=0)
    assert set(seen) == {torch.float64}
    assert all(p.dtype == torch.float64 for p in model.parameters())
    losses32 = mlp.train_classifier(mlp.make_mlp([6, 8, 2], seed=0), X, y, epochs=3, batch_size=32, lr=1e-2, seed=0)
    assert losses64 != losses32
    np.testing.assert_allclose(losses64, losses32, rtol=1e-4)
    assert mlp.predict(model, X).dtype == np.int64


def test_training_with_progress_bar(one_thread):
    X, y = _toy_problem(64)
    losses = mlp.train_classifier(mlp.make_mlp([6, 2], seed=0), X, y, epochs=2, progress=True)
    assert len(losses) == 2


@pytest.mark.parametrize("call,exc,words", [
    (lambda: mlp.linear(np.ones((2, 3)), np.ones((4, 5))), ValueError, r"input must be \(N, 5\)"),
    (lambda: mlp.linear(np.ones((2, 3)), np.ones(3)), ValueError, "weight must be"),
    (lambda: mlp.linear(np.ones((2, 3)), np.ones((4, 3)), np.ones(3)), ValueError, r"bias must have shape \(4,\)"),
    (lambda: mlp.mlp_forward(np.ones((1, 2)), [np.ones((2, 2))], []), ValueError, "as many biases"),
    (lambda: mlp.mlp_forward(np.ones((1, 2)), [np.ones((2, 2))], [np.ones(2)], activation="step"), ValueError, "activation"),
    (lambda: mlp.make_mlp([10]), ValueError, "at least 2"),
    (lambda: mlp.make_mlp([10, 2], activation="step"), ValueError, "activation"),
    (lambda: mlp.dense_parameter_count(28, 10), TypeError, "input_shape"),
    (lambda: mlp.dense_parameter_count((28, 0), 10), ValueError, "positive"),
    (lambda: mlp.train_classifier(mlp.make_mlp([6, 2]), np.ones((4, 2, 3)), np.ones(3)), ValueError, "labels"),
    (lambda: mlp.mlp_parameters(torch.nn.ReLU()), ValueError, "no nn.Linear"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


@pytest.mark.parametrize("lr,betas,eps", [(1e-3, (0.9, 0.999), 1e-8), (3e-2, (0.8, 0.99), 1e-6)])
def test_adam_equals_torch_optim_adam(lr, betas, eps):
    """The written-out Adam takes the same steps as torch's (the oracle), step after step."""
    ours = mlp.make_mlp([5, 4, 3], seed=3).double()
    theirs = mlp.make_mlp([5, 4, 3], seed=3).double()
    opt_ours = mlp.Adam(ours.parameters(), lr=lr, betas=betas, eps=eps)
    opt_theirs = torch.optim.Adam(theirs.parameters(), lr=lr, betas=betas, eps=eps, foreach=False)
    rng = np.random.default_rng(4)
    for _ in range(25):
        x = torch.tensor(rng.normal(size=(8, 5)))
        y = torch.tensor(rng.integers(0, 3, size=8))
        for model, opt in ((ours, opt_ours), (theirs, opt_theirs)):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert not torch.equal(next(ours.parameters()), next(mlp.make_mlp([5, 4, 3], seed=3).double().parameters()))
