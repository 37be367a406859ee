"""helpers.backprop_demo: the gradient checker catches wrong gradients, and the
deep stacks are what the lesson says they are."""
import numpy as np
import pytest
import torch

from helpers import backprop_demo as bd
from helpers import nn


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(bd.numerical_gradient(lambda v: float(np.sum(np.sin(v))), x), np.cos(x), atol=1e-9)
    with pytest.raises(TypeError, match="numerical_gradient: x must be float64"):
        bd.numerical_gradient(np.sum, x.astype(np.float32))


def _linear_case():
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    G = rng.standard_normal((4, 2))
    return X, W, G


def test_check_gradients_accepts_right_gradients():
    X, W, G = _linear_case()
    report = bd.check_gradients(lambda X, W: np.sum(G * (X @ W.T)), lambda X, W: (torch.tensor(G) * (X @ W.T)).sum(),
                                {"X": X, "W": W}, {"X": G @ W, "W": G.T @ X}, label="linear")
    assert [row[0] for row in report] == ["linear X", "linear W"]
    assert all(row[2] < 1e-7 and row[3] < 1e-12 for row in report)
    assert "linear W" in str(report) and "✓" in str(report)


def test_check_gradients_raises_on_a_wrong_gradient_with_the_index():
    X, W, G = _linear_case()
    wrong = G.T @ X
    wrong[1, 2] += 1e-3
    with pytest.raises(AssertionError, match=r"linear W: differs from central differences .* at index \(1, 2\)"):
        bd.check_gradients(lambda X, W: np.sum(G * (X @ W.T)), lambda X, W: (torch.tensor(G) * (X @ W.T)).sum(),
                           {"X": X, "W": W}, {"W": wrong}, label="linear")
    with pytest.raises(AssertionError, match="shape"):
        bd.check_gradients(lambda X, W: np.sum(G * (X @ W.T)), lambda X, W: (torch.tensor(G) * (X @ W.T)).sum(),
                           {"X": X, "W": W}, {"W": wrong.T}, label="linear")


def test_deep_stack_shapes_inits_and_errors():
    net = bd.deep_stack(3, 16, "relu", "good", in_features=20, rng=0)
    linears = [layer for layer in net if isinstance(layer, nn.Linear)]
    assert len(linears) == 4 and len(net) == 7
    assert all(np.all(layer.bias.data == 0) for layer in linears[:-1])
    big = bd.deep_stack(3, 16, "relu", "large", in_features=20, rng=0)
    np.testing.assert_allclose([layer.weight.data for layer in big if isinstance(layer, nn.Linear)][1],
                               2 * linears[1].weight.data)
    assert isinstance(bd.deep_stack(2, 8, "sigmoid", in_features=5, rng=0)[1], nn.Sigmoid)
    with pytest.raises(ValueError, match="activation must be 'sigmoid' or 'relu'; got 'tanh'"):
        bd.deep_stack(2, 8, "tanh")
    with pytest.raises(ValueError, match="init must be"):
        bd.deep_stack(2, 8, "relu", "xavier")


def test_layer_gradient_norms_equal_autograds():
    rng = np.random.default_rng(1)
    net = bd.deep_stack(4, 8, "sigmoid", in_features=6, num_classes=3, rng=2)
    x, y = rng.standard_normal((5, 6)), rng.integers(0, 3, 5)
    tnet = nn.to_torch(net)
    torch.nn.functional.cross_entropy(tnet(torch.tensor(x)), torch.tensor(y)).backward()
    want = [m.weight.grad.norm().item() for m in tnet if isinstance(m, torch.nn.Linear)]
    np.testing.assert_allclose(bd.layer_gradient_norms(net, x, y), want, rtol=1e-10)
