"""helpers.train: the course's one training loop, checked against a loop written
out here with torch.optim, and for determinism, early stopping and bad input."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers import train
from helpers.models import digit_cnn, mlp


def _blobs(n=120, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    centres = torch.tensor([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.0]], dtype=dtype)
    X = centres[y] + torch.randn(n, 2, generator=g, dtype=dtype)
    return X, y


def _reference_loop(model, X, y, epochs, batch_size, lr, seed):
    """The loop written out: the batch order fit documents, Adam, cross-entropy."""
    order_gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=order_gen)
        total = 0.0
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / len(y))
    return losses


def test_fit_equals_the_loop_written_out():
    X, y = _blobs()
    a, b = mlp([2, 16, 3], seed=3).double(), mlp([2, 16, 3], seed=3).double()
    history = train.fit(a, (X, y), epochs=3, batch_size=32, lr=0.01, seed=5, progress=False)
    expected = _reference_loop(b, X, y, epochs=3, batch_size=32, lr=0.01, seed=5)
    np.testing.assert_allclose(history.train_loss, expected, rtol=1e-12)
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-12, atol=1e-14)


def test_fit_is_deterministic_and_seed_matters():
    X, y = _blobs()
    runs = []
    for seed in (0, 0, 1):
        model = mlp([2, 8, 3], seed=0).double()
        runs.append(train.fit(model, (X.numpy(), y.numpy()), epochs=2, batch_size=16, seed=seed, progress=False).train_loss)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_batches_come_in_the_models_dtype():
    X, y = _blobs(dtype=torch.float32)
    model = mlp([2, 4, 3], seed=0).double()
    seen = []
    model.register_forward_hook(lambda m, inp, out: seen.append(inp[0].dtype))
    train.fit(model, (X, y), epochs=1, progress=False)
    assert set(seen) == {torch.float64}


def test_accuracy_and_evaluate_agree_with_a_direct_count():
    X, y = _blobs()
    model = mlp([2, 16, 3], seed=0).double()
    train.fit(model, (X, y), epochs=5, lr=0.02, progress=False)
    with torch.no_grad():
        logits = model(X)
    direct_acc = float((logits.argmax(1) == y).double().mean())
    direct_loss = float(nn.functional.cross_entropy(logits, y))
    loss, acc = train.evaluate(model, (X, y), batch_size=7)
    assert acc == pytest.approx(direct_acc) and loss == pytest.approx(direct_loss, rel=1e-12)
    assert train.accuracy(model, X, y) == pytest.approx(direct_acc)
    proba = train.predict_proba(model, X)
    np.testing.assert_allclose(proba, torch.softmax(logits, 1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert acc > 0.8  # the blobs are separable enough


def test_validation_restores_the_best_epoch_and_stops_early():
    X, y = _blobs(90)
    Xv, yv = _blobs(60, seed=1)
    model = mlp([2, 16, 3], seed=0).double()
    history = train.fit(model, (X, y), val=(Xv, yv), epochs=30, lr=0.3, optimizer="sgd", patience=2, progress=False)
    best = history.best_epoch
    assert history.val_accuracy[best - 1] == max(history.val_accuracy)
    assert history.val_accuracy.index(max(history.val_accuracy)) == best - 1  # the earliest best
    if history.stopped_early:
        assert history.epochs == best + 2 and history.epochs < 30
    assert train.evaluate(model, (Xv, yv))[1] == pytest.approx(history.val_accuracy[best - 1])


def test_float_targets_train_a_regression_without_accuracy():
    g = torch.Generator().manual_seed(0)
    X = torch.rand(64, 1, 6, 6, generator=g, dtype=torch.float64)
    model = nn.Conv2d(1, 1, 3, padding=1).double()
    history = train.fit(model, (X, 2 * X), val=(X, 2 * X), epochs=4, lr=0.05, loss_fn=nn.MSELoss(), progress=False)
    assert all(math.isnan(a) for a in history.train_accuracy + history.val_accuracy)
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)


def test_scheduler_is_stepped_every_batch_and_augment_sees_training_batches():
    X, y = _blobs(64)
    model = mlp([2, 4, 3], seed=0).double()
    calls = []

    def augment(x, generator):
        calls.append(len(x))
        return x + 0.0 * torch.rand(x.shape, generator=generator, dtype=x.dtype)

    history = train.fit(model, (X, y), epochs=2, batch_size=16, optimizer="sgd", lr=0.1, augment=augment,
                        scheduler=lambda opt, n: torch.optim.lr_scheduler.LinearLR(opt, 1.0, 0.0, total_iters=n),
                        progress=False)
    assert calls == [16] * 8
    assert history.lr[0] == pytest.approx(0.05) and history.lr[1] == pytest.approx(0.0)


def test_a_dataloader_works_like_arrays():
    X, y = _blobs(64)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=16, shuffle=False)
    model = mlp([2, 4, 3], seed=0).double()
    history = train.fit(model, loader, val=loader, epochs=2, progress=False)
    assert history.epochs == 2 and len(history.val_accuracy) == 2


def test_the_cnn_trains_on_digits_in_float64():
    from helpers.data import mnist_digits

    X, y = mnist_digits(300)
    model = digit_cnn(seed=0).double()
    history = train.fit(model, (X[:, None], y), epochs=4, lr=0.005, progress=False)
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.train_accuracy[-1] > 0.5


def test_progress_bar_counts_every_batch(capsys):
    X, y = _blobs(40)
    train.fit(mlp([2, 3], seed=0).double(), (X, y), epochs=2, batch_size=16, progress=True)
    err = capsys.readouterr().err
    assert "6/6" in err and "epoch 2/2" in err


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(train="images"), TypeError, "train must be an (images, labels) pair"),
    (dict(train=(np.zeros((4, 2)), np.zeros(3, dtype=int))), ValueError, "shape (4, ...)"),
    (dict(epochs=0), ValueError, "epochs must be a positive int"),
    (dict(batch_size=2.5), ValueError, "batch_size"),
    (dict(optimizer="adagrad"), ValueError, "optimizer must be one of"),
    (dict(lr=-1), ValueError, "lr must be a positive number"),
    (dict(patience=2), ValueError, "patience (early stopping) needs validation data"),
    (dict(val=(np.zeros((3, 2)), np.zeros(2, dtype=int))), ValueError, "val targets"),
    (dict(model="mlp"), TypeError, "model must be a torch.nn.Module"),
])
def test_bad_arguments_are_named(kwargs, error, words):
    X, y = _blobs(8)
    args = dict(model=mlp([2, 3], seed=0).double(), train=(X, y))
    args.update(kwargs)
    with pytest.raises(error, match=None) as info:
        train.fit(args.pop("model"), args.pop("train"), progress=False, **args)
    assert words in str(info.value)


def test_pick_device_prefers_an_accelerator_and_refuses_a_missing_one():
    device = train.pick_device()
    assert device.type in ("cuda", "mps", "cpu")
    if not torch.cuda.is_available():
        assert device.type != "cuda"
        with pytest.raises(ValueError, match="available devices"):
            train.pick_device("cuda")
    assert train.pick_device("cpu").type == "cpu"


def test_models_have_their_documented_sizes():
    # counted by hand: conv1 8*(1*9)+8, conv2 16*(8*9)+16, fc 10*784+10
    assert sum(p.numel() for p in digit_cnn().parameters()) == 80 + 1168 + 7850
    assert sum(p.numel() for p in mlp([784, 128, 10]).parameters()) == 784 * 128 + 128 + 128 * 10 + 10
    assert digit_cnn(seed=0)(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        digit_cnn(kernel_size=4)
    with pytest.raises(ValueError, match="image_size must be divisible by 4"):
        digit_cnn(image_size=30)
    with pytest.raises(TypeError, match="channels must be a pair"):
        digit_cnn(channels=8)


def test_class_maps_get_the_mean_per_pixel_accuracy():
    g = torch.Generator().manual_seed(0)
    X = torch.rand(12, 1, 5, 5, generator=g, dtype=torch.float64)
    y = (X[:, 0] > 0.5).long()                      # (N, H, W) class indices
    model = nn.Conv2d(1, 2, 1).double()
    history = train.fit(model, (X, y), val=(X, y), epochs=3, lr=0.05, progress=False)
    with torch.no_grad():
        direct = float((model(X).argmax(1) == y).double().mean())
    assert all(0.0 <= a <= 1.0 for a in history.train_accuracy + history.val_accuracy)
    assert train.evaluate(model, (X, y))[1] == pytest.approx(direct)
