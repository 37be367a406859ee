"""helpers.nn against torch.nn in float64: every layer's forward and backward,
the loss, SGD with and without momentum, whole training steps of the lesson's
CNN, torch's default initialisation, and the errors."""
import math

import numpy as np
import pytest
import torch

from helpers import nn
from helpers.ops import conv2d_weight

RNG = np.random.default_rng(0)


def _torch_grads(tlayer, x, grad_output):
    xt = torch.tensor(x, requires_grad=True)
    out = tlayer(xt)
    out.backward(torch.tensor(grad_output))
    return out.detach().numpy(), xt.grad.numpy(), [p.grad.numpy() for p in tlayer.parameters()]


LAYERS = [
    (lambda: nn.Conv2d(3, 4, 3, rng=1, dtype=np.float64), (2, 3, 7, 9)),
    (lambda: nn.Conv2d(2, 5, (3, 2), stride=2, padding=(1, 0), rng=2, dtype=np.float64), (3, 2, 8, 7)),
    (lambda: nn.Conv2d(1, 6, 5, padding=2, bias=False, rng=3, dtype=np.float64), (2, 1, 10, 10)),
    (lambda: nn.Linear(7, 3, rng=4, dtype=np.float64), (5, 7)),
    (lambda: nn.ReLU(), (2, 3, 4, 5)),
    (lambda: nn.Sigmoid(), (4, 6)),
    (lambda: nn.MaxPool2d(2), (2, 3, 6, 8)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1), (2, 2, 7, 9)),
    (lambda: nn.AvgPool2d(2), (2, 3, 6, 8)),
    (lambda: nn.AvgPool2d(3, stride=1, padding=1), (1, 2, 5, 5)),
    (lambda: nn.Flatten(), (2, 3, 4, 5)),
]


@pytest.mark.parametrize("make, shape", LAYERS, ids=[f"{i}" for i in range(len(LAYERS))])
def test_layer_forward_and_backward_match_torch(make, shape):
    layer = make()
    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape)
    out = layer(x)
    grad_output = rng.standard_normal(out.shape)
    grad_input = layer.backward(grad_output)
    t_out, t_grad_input, t_param_grads = _torch_grads(nn.to_torch(layer), x, grad_output)
    np.testing.assert_allclose(out, t_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_input, t_grad_input, rtol=1e-12, atol=1e-12)
    grads = [p.grad for p in layer.parameters()]
    assert len(grads) == len(t_param_grads)
    for got, want in zip(grads, t_param_grads):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_max_pool_ties_go_to_the_first_maximum_like_torch():
    x = np.array([[[[1.0, 1.0, 2.0, 2.0], [1.0, 0.0, 2.0, 2.0]]]])
    pool = nn.MaxPool2d(2)
    pool(x)
    _, t_grad, _ = _torch_grads(torch.nn.MaxPool2d(2), x, np.ones((1, 1, 1, 2)))
    np.testing.assert_array_equal(pool.backward(np.ones((1, 1, 1, 2))), t_grad)
    np.testing.assert_array_equal(t_grad[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])


def test_backward_accumulates_like_autograd_and_zero_grad_clears():
    layer = nn.Linear(3, 2, rng=0, dtype=np.float64)
    x, g = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 2))
    layer(x)
    layer.backward(g)
    once = layer.weight.grad.copy()
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())


def test_sequential_is_indexable_and_lists_parameters_in_torchs_order():
    net = nn.lenet5(rng=0, dtype=np.float64)
    tnet = nn.to_torch(net)
    assert len(net) == len(tnet) == 12
    assert isinstance(net[0], nn.Conv2d) and isinstance(net[-1], nn.Linear)
    assert isinstance(net[6:8], nn.Sequential) and len(net[6:8]) == 2
    assert [p.shape for p in net.parameters()] == [tuple(p.shape) for p in tnet.parameters()]
    assert sum(p.data.size for p in net.parameters()) == sum(p.numel() for p in tnet.parameters())
    assert [type(layer).__name__ for layer in net] == [type(m).__name__ for m in tnet]
    with pytest.raises(IndexError, match="out of range for 12 layers"):
        net[12]


def test_sequential_without_input_grad_skips_the_data_gradient_but_not_the_weights():
    x, y = RNG.random((3, 1, 28, 28)), np.array([1, 2, 3])
    grads = []
    for input_grad in (True, False):
        net, loss_fn = nn.lenet5(rng=5, dtype=np.float64), nn.CrossEntropyLoss()
        loss_fn(net(x), y)
        result = net.backward(loss_fn.backward(), input_grad=input_grad)
        assert (result is None) == (not input_grad)
        grads.append([p.grad for p in net.parameters()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", [
    dict(input=(2, 3, 9, 8), weight=(4, 3, 3, 3), stride=1, padding=0),
    dict(input=(3, 2, 10, 11), weight=(5, 2, 3, 2), stride=2, padding=1),
    dict(input=(4, 1, 12, 12), weight=(6, 1, 5, 5), stride=1, padding=2),
])
def test_conv2d_weight_matches_torch(case):
    x = RNG.standard_normal(case["input"])
    w = RNG.standard_normal(case["weight"])
    kw = dict(stride=case["stride"], padding=case["padding"])
    g = RNG.standard_normal(torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), **kw).shape)
    want = torch.nn.grad.conv2d_weight(torch.tensor(x), w.shape, torch.tensor(g), **kw).numpy()
    np.testing.assert_allclose(conv2d_weight(x, w.shape, g, **kw), want, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="conv2d_weight: weight_size"):
        conv2d_weight(x, (4, 3), g, **kw)


def test_cross_entropy_and_its_gradient_match_torch():
    logits = RNG.standard_normal((6, 5)) * 3
    labels = np.array([0, 4, 2, 2, 1, 3])
    for reduction in ("mean", "sum"):
        loss_fn = nn.CrossEntropyLoss(reduction=reduction)
        t = torch.tensor(logits, requires_grad=True)
        t_loss = torch.nn.CrossEntropyLoss(reduction=reduction)(t, torch.tensor(labels))
        t_loss.backward()
        assert abs(float(loss_fn(logits, labels)) - t_loss.item()) < 1e-13
        np.testing.assert_allclose(loss_fn.backward(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_cross_entropy_is_stable_for_huge_logits():
    loss_fn = nn.CrossEntropyLoss()
    logits = np.array([[1000.0, 0.0], [0.0, -1000.0]])
    t_loss = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([1, 1]))
    assert math.isclose(float(loss_fn(logits, np.array([1, 1]))), t_loss.item(), rel_tol=1e-12)


@pytest.mark.parametrize("kw", [
    dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.01, momentum=0.5, dampening=0.1, weight_decay=0.01),
    dict(lr=0.02, momentum=0.9, nesterov=True),
])
def test_sgd_matches_torch_over_several_steps(kw):
    rng = np.random.default_rng(1)
    values = [rng.standard_normal((3, 4)), rng.standard_normal(4)]
    ours = [nn.Parameter(v.copy()) for v in values]
    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    opt, t_opt = nn.SGD(ours, **kw), torch.optim.SGD(theirs, **kw)
    for _ in range(5):
        grads = [rng.standard_normal(v.shape) for v in values]
        opt.zero_grad()
        t_opt.zero_grad()
        for p, t, g in zip(ours, theirs, grads):
            p.grad = g.copy()
            t.grad = torch.tensor(g)
        opt.step()
        t_opt.step()
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_whole_cnn_training_steps_equal_torch(momentum):
    rng = np.random.default_rng(2)
    net = nn.lenet5(rng=3, dtype=np.float64)
    tnet = nn.to_torch(net)
    loss_fn, t_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    opt = nn.SGD(net.parameters(), lr=0.1, momentum=momentum)
    t_opt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=momentum)
    for _ in range(4):
        x, y = rng.random((8, 1, 28, 28)), rng.integers(0, 10, 8)
        loss = loss_fn(net(x), y)
        opt.zero_grad()
        net.backward(loss_fn.backward())
        opt.step()
        t_loss = t_loss_fn(tnet(torch.tensor(x)), torch.tensor(y))
        t_opt.zero_grad()
        t_loss.backward()
        t_opt.step()
        assert abs(float(loss) - t_loss.item()) < 1e-12
    for p, t in zip(net.parameters(), tnet.parameters()):
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make, fan_in", [
    (lambda rng: nn.Linear(400, 300, rng=rng), 400),
    (lambda rng: nn.Conv2d(16, 32, 5, rng=rng), 16 * 25),
])
def test_default_init_is_torchs_uniform_bound(make, fan_in):
    layer = make(np.random.default_rng(0))
    t_layer = {"Linear": torch.nn.Linear(400, 300), "Conv2d": torch.nn.Conv2d(16, 32, 5)}[type(layer).__name__]
    t_bound = t_layer.weight.abs().max().item()  # torch's own draw: just under 1/sqrt(fan_in)
    bound = 1 / math.sqrt(fan_in)
    assert bound * 0.99 < t_bound <= bound
    w, b = layer.weight.data, layer.bias.data
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.var() - bound**2 / 3) < 0.05 * bound**2 / 3  # the variance of U(-bound, bound)
    assert abs(w.var() - t_layer.weight.var().item()) < 0.05 * bound**2 / 3
    assert w.dtype == np.float32
    again = make(np.random.default_rng(0))
    np.testing.assert_array_equal(again.weight.data, w)
    assert not np.array_equal(make(np.random.default_rng(1)).weight.data, w)


def test_kaiming_and_xavier_normal_have_their_std():
    w = nn.init.kaiming_normal_(np.empty((200, 500)), rng=0)
    assert abs(w.std() - math.sqrt(2 / 500)) < 0.01 * math.sqrt(2 / 500)
    w = nn.init.xavier_normal_(np.empty((200, 500)), rng=0)
    assert abs(w.std() - math.sqrt(2 / 700)) < 0.01 * math.sqrt(2 / 700)
    assert nn.init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)))


# -- errors: the layer, the expected and the actual shape ------------------
def test_linear_fed_the_wrong_number_of_features():
    with pytest.raises(ValueError, match=r"Linear\(in_features=400.*expected input of shape \(N, 400\); got shape \(2, 300\)"):
        nn.Linear(400, 120)(np.zeros((2, 300)))


def test_conv_fed_the_wrong_channels():
    with pytest.raises(ValueError, match=r"Conv2d\(3, 8.*expected input of shape \(N, 3, H, W\); got shape \(2, 1, 8, 8\)"):
        nn.Conv2d(3, 8, 3)(np.zeros((2, 1, 8, 8)))


@pytest.mark.parametrize("layer", [nn.Linear(3, 2), nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                   nn.Sequential(nn.Linear(3, 2))])
def test_backward_before_forward(layer):
    with pytest.raises(ValueError, match=r"backward: called before forward"):
        layer.backward(np.zeros((1, 2)))


def test_backward_with_a_grad_output_of_the_wrong_shape():
    layer = nn.Linear(3, 2)
    layer(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"grad_output must have the shape of the forward's output \(4, 2\); got shape \(4, 3\)"):
        layer.backward(np.zeros((4, 3)))


def test_cross_entropy_errors():
    loss_fn = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\).*got label 12 at index 1"):
        loss_fn(np.zeros((3, 10)), np.array([0, 12, 3]))
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\).*got label -1 at index 0"):
        loss_fn(np.zeros((3, 10)), np.array([-1, 2, 3]))
    with pytest.raises(ValueError, match=r"expected target of shape \(3,\).*got shape \(2,\)"):
        loss_fn(np.zeros((3, 10)), np.array([0, 1]))
    with pytest.raises(TypeError, match="integer class labels"):
        loss_fn(np.zeros((3, 10)), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="called before forward"):
        nn.CrossEntropyLoss().backward()


def test_sequential_and_sgd_reject_bad_arguments():
    with pytest.raises(TypeError, match="layer 1 must be a helpers.nn Module; got Linear"):
        nn.Sequential(nn.ReLU(), torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="SGD: lr must be a non-negative number; got -1"):
        nn.SGD([nn.Parameter(np.zeros(2))], lr=-1)
    with pytest.raises(ValueError, match="params is empty"):
        nn.SGD([], lr=0.1)


def test_doctests():
    import doctest
    import importlib

    for name in ("helpers.nn", "helpers.nn.module", "helpers.nn.init", "helpers.nn.layers", "helpers.nn.container",
                 "helpers.nn.loss", "helpers.nn.optim", "helpers.nn.bridge", "helpers.backprop_demo"):
        module = importlib.import_module(name)
        result = doctest.testmod(module, extraglobs={"np": np})
        assert result.failed == 0 and result.attempted > 0, name


def test_to_casts_parameters_and_a_float32_net_stays_float32():
    net = nn.lenet5(rng=0)
    assert {p.data.dtype for p in net.parameters()} == {np.dtype(np.float32)}
    x = RNG.random((2, 1, 28, 28), dtype=np.float32)
    assert net(x).dtype == np.float32
    assert nn.to_torch(net)[0].weight.dtype == torch.float32
    net.to(np.float64)
    assert {p.data.dtype for p in net.parameters()} == {np.dtype(np.float64)}
    with pytest.raises(ValueError, match=r"Parameter: gradient of shape \(3,\) for a parameter of shape \(2,\)"):
        nn.Parameter(np.zeros(2)).accumulate(np.zeros(3))
