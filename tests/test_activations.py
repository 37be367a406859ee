"""helpers.activations (lesson 01): values against torch, derivatives against torch autograd."""
import doctest

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import helpers.activations as act  # noqa: E402

# name, torch function, keyword settings to try (torch's names and defaults)
CASES = [
    ("sigmoid", torch.sigmoid, [{}]),
    ("tanh", torch.tanh, [{}]),
    ("relu", F.relu, [{}]),
    ("leaky_relu", F.leaky_relu, [{}, {"negative_slope": 0.2}]),
    ("elu", F.elu, [{}, {"alpha": 0.5}, {"alpha": 2.0}]),
    ("softplus", F.softplus, [{}, {"beta": 2.0, "threshold": 5.0}, {"beta": 0.5}]),
    ("gelu", F.gelu, [{}]),
    ("silu", F.silu, [{}]),
]
X = np.concatenate([np.linspace(-6, 6, 121), [0.0, -0.0, 1e-9, -1e-9, -40.0, 40.0, 9.9, 10.1, 19.9, 20.1]])
X = np.concatenate([X, np.random.default_rng(0).normal(0, 5, 200)])


def test_doctests():
    assert doctest.testmod(act).failed == 0


def test_registry_lists_every_case():
    assert [name for name, *_ in CASES] == list(act.ACTIVATIONS)


@pytest.mark.parametrize("name,fn,settings", CASES, ids=[c[0] for c in CASES])
def test_values_and_derivatives_match_torch(name, fn, settings):
    f, df = act.ACTIVATIONS[name]
    for kw in settings:
        x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
        y = fn(x, **kw)
        (grad,) = torch.autograd.grad(y.sum(), x)
        np.testing.assert_allclose(f(X, **kw), y.detach().numpy(), rtol=1e-12, atol=1e-14, err_msg=f"{name} {kw}")
        np.testing.assert_allclose(df(X, **kw), grad.numpy(), rtol=1e-12, atol=1e-14, err_msg=f"{name}' {kw}")


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_derivative_is_a_derivative(name):  # central differences, away from the kinks
    f, df = act.ACTIVATIONS[name]
    x = np.linspace(-3.05, 3.05, 40)
    h = 1e-6
    np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), atol=1e-6)


def test_kinks_take_torchs_values():
    assert act.relu_grad(0.0) == 0.0
    assert act.leaky_relu_grad(0.0, negative_slope=0.3) == 0.3
    assert act.elu_grad(0.0, alpha=0.5) == 0.5
    assert act.sigmoid_grad(0.0) == 0.25 and act.tanh_grad(0.0) == 1.0


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_shapes_and_dtypes(name):
    f, df = act.ACTIVATIONS[name]
    x32 = np.random.default_rng(1).normal(size=(2, 3, 4, 5)).astype(np.float32)
    assert f(x32).shape == x32.shape and f(x32).dtype == np.float32
    assert df(x32).shape == x32.shape and df(x32).dtype == np.float32
    xi = np.arange(-3, 4)
    assert f(xi).dtype == np.float64 and df(xi).dtype == np.float64


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="relu: x must be"):
        act.relu("1.0")
    with pytest.raises(TypeError, match="negative_slope must be a number"):
        act.leaky_relu(np.ones(2), negative_slope="0.1")
    with pytest.raises(TypeError, match="alpha must be a number"):
        act.elu(np.ones(2), alpha=None)
    with pytest.raises(ValueError, match="unknown names"):
        act.plot_activations(["relu", "swishy"])


def test_plot_activations_draws_function_and_derivative():
    fig = act.plot_activations(["sigmoid", "relu", "elu"], ncols=2)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 3
    assert all(len(ax.lines) == 4 for ax in visible)  # two axis lines, f, f'
    plt.close(fig)
