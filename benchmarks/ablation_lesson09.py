"""What augmentation and the one-cycle schedule each add to lesson 09's CNN.

Trains ``digit_cnn`` in float64 on lesson 09's split (3,500 / 500 / 1,000 MNIST
digits), with SGD + momentum, batches of 64 from a seeded DataLoader, the best
validation epoch kept, in six ways (constant lr 0.05, constant lr 0.1, one-cycle
with max_lr 0.1; each without and with ``RandomAffine(max_shift=2, degrees=10)``),
for each seed, and prints the test accuracies side by side. Lesson 09 quotes the
table (20 epochs, seeds 0, 1, 2; several minutes on a 2-core CPU)::

    python benchmarks/ablation_lesson09.py                 # the lesson's table
    python benchmarks/ablation_lesson09.py --epochs 1 --seeds 0   # a quick smoke run
"""
from __future__ import annotations

import argparse

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from helpers import data
from helpers.augment import RandomAffine
from helpers.models import digit_cnn
from helpers.train import evaluate, fit


def one_cycle(max_lr):
    return lambda opt, n: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=n)


SETTINGS = {
    "constant lr 0.05": dict(lr=0.05),
    "constant lr 0.1": dict(lr=0.1),
    "one-cycle, max_lr 0.1": dict(lr=0.1, scheduler=one_cycle(0.1)),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    torch.set_num_threads(1)

    images, labels = data.mnist_digits(dtype=np.float64)
    images = images[:, None]
    rest_x, rest_y, test_x, test_y = data.stratified_split(images, labels, test_size=1000, seed=0)
    train_x, train_y, val_x, val_y = data.stratified_split(rest_x, rest_y, test_size=500, seed=0)
    train_set = TensorDataset(torch.as_tensor(train_x), torch.as_tensor(train_y))

    print(f"test accuracy, seeds {seeds}, {args.epochs} epochs, SGD + momentum 0.9, float64")
    for aug in (False, True):
        for name, settings in SETTINGS.items():
            accs, seconds = [], 0.0
            for seed in seeds:
                loader = DataLoader(train_set, batch_size=64, shuffle=True,
                                    generator=torch.Generator().manual_seed(seed))
                model = digit_cnn(seed=seed).double()
                history = fit(model, loader, (val_x, val_y), epochs=args.epochs, optimizer="sgd", momentum=0.9,
                              augment=RandomAffine(max_shift=2, degrees=10) if aug else None, seed=seed,
                              progress=False, **settings)
                accs.append(evaluate(model, (test_x, test_y))[1])
                seconds += history.total_seconds
            row = ", ".join(f"{a:.3f}" for a in accs)
            print(f"{'augmentation' if aug else 'no augmentation':16s} | {name:22s} | {row} "
                  f"(mean {np.mean(accs):.3f}) | {seconds / len(seeds):.1f} s per run", flush=True)


if __name__ == "__main__":
    main()
