"""Time helpers.ops.conv2d (+ conv2d_backward) against torch on the CPU.

Both run in this process with torch limited to 2 threads; each repeat times
helpers then torch back to back (alternating, so that load from elsewhere on a
shared machine hits both alike), and the table shows the fastest repeat of
each and their ratio (and the ratio of the medians). Goals (issue 2): conv2d
forward within 2x of torch's; forward + conv2d_backward within 1.4x of
torch's forward + autograd backward.

    python benchmarks/bench_conv.py              # full run, 2 threads each
    python benchmarks/bench_conv.py --quick      # a short run (fewer repeats)
    python benchmarks/bench_conv.py --threads 1  # one thread each

Both libraries keep their worker threads spinning for a while after each
call (OpenBLAS for up to about 2**28 cycles, torch's OpenMP threads likewise),
and a spinning thread of one library takes a core from the other: timed back
to back, each side runs with one core fewer than it was given, and the table
swings by 2-5x from run to run. So each timed batch starts after a pause of
``SETTLE`` seconds in which the other library's threads go to sleep; neither
library's settings are changed. The fastest repeat is the one judged, as
the timeit documentation advises: "the lowest value gives a lower bound for
how fast your machine can run the given code snippet; higher values in the
result vector are typically not caused by variability in Python's speed,
but by other processes interfering with your timing accuracy"
(docs.python.org, timeit.Timer.repeat). After the pause, one untimed call wakes the
timed library's own threads: on a virtual machine, the first multi-threaded
call after a pause of 0.3 s or more was measured to take about 10 ms (the
idle virtual CPU has to be woken), against 0.2 ms for the same call warm.

On a machine shared with other busy processes, multi-threaded BLAS calls
(NumPy's OpenBLAS more than torch's oneDNN) stall at every barrier while a
thread waits for a core, and the 2-thread numbers swing by 10x from run to
run; ``--threads 1`` gives both libraries one thread and is far steadier.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

if __name__ == "__main__":  # BLAS reads its thread count when NumPy loads
    _threads = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "2"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from helpers.ops import conv2d, conv2d_backward  # noqa: E402

# (N, C_in, H, W, C_out, k, stride, padding), float32
CASES = [
    (64, 1, 28, 28, 8, 3, 1, 1),
    (64, 3, 32, 32, 16, 3, 1, 1),
    (32, 16, 32, 32, 32, 3, 1, 1),
    (8, 64, 56, 56, 64, 3, 1, 1),
    (1, 3, 512, 512, 8, 5, 2, 2),
]
FORWARD_GOAL, TRAINING_GOAL = 2.0, 1.4
SETTLE = 0.3  # seconds before each timed batch: lets the other library's spinning threads sleep


def machine():
    """The CPU's name and the kernel set NumPy's OpenBLAS picked for it (the ratios depend on both)."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        from threadpoolctl import threadpool_info

        kernels = sorted({i.get("architecture") or "?" for i in threadpool_info() if i.get("internal_api") == "openblas"})
    except ImportError:
        kernels = []
    text = cpu + (f", OpenBLAS kernels for {'/'.join(kernels)}" if kernels else "")
    forced = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    if forced:  # some machines pin an older, slower kernel set for old OpenBLAS builds
        text += (f"\nnote: {forced} is set in the environment and holds OpenBLAS to those kernels; "
                 "for a stock NumPy, run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_conv.py")
    return text


def timed(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def bench_case(case, repeats, min_time=0.05):
    N, C_in, H, W, C_out, k, stride, padding = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C_in, H, W), dtype=np.float32)
    w = rng.standard_normal((C_out, C_in, k, k), dtype=np.float32) / float(np.sqrt(C_in * k * k))
    b = rng.standard_normal(C_out, dtype=np.float32)
    kw = dict(stride=stride, padding=padding)
    grad_output = rng.standard_normal(conv2d(x, w, b, **kw).shape, dtype=np.float32)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    gt = torch.from_numpy(grad_output)

    def ours_forward():
        conv2d(x, w, b, **kw)

    def torch_forward():
        with torch.no_grad():
            F.conv2d(xt, wt, bt, **kw)

    def ours_training():
        conv2d(x, w, b, **kw)
        conv2d_backward(grad_output, x, w, b, **kw)

    def torch_training():
        xt.grad = wt.grad = bt.grad = None
        F.conv2d(xt, wt, bt, **kw).backward(gt)

    # The floor: the forward's matrix product alone, (C_out, C_in*k*k) @ (C_in*k*k, N*H_out*W_out),
    # as one NumPy call on a ready-made matrix (no im2col, no layout changes).
    weights = w.reshape(C_out, -1)
    cols = rng.standard_normal((weights.shape[1], grad_output[:, 0].size), dtype=np.float32)
    product = np.empty((C_out, cols.shape[1]), dtype=np.float32)

    def gemm_floor():
        np.matmul(weights, cols, out=product)

    results = []
    for fns in ((ours_forward, torch_forward, gemm_floor), (ours_training, torch_training)):
        for fn in fns:
            fn()  # warm up (allocations, thread pools)
        # enough calls per repeat that one repeat lasts about min_time
        number = max(1, int(min_time / max(min(timed(fns[1], 1) for _ in range(3)), 1e-6)))
        times = [[] for _ in fns]
        for _ in range(repeats):
            for fn, t in zip(fns, times):
                time.sleep(SETTLE)
                fn()  # wakes this library's threads (untimed)
                t.append(timed(fn, number))
        results.append([(min(t), statistics.median(t)) for t in times])
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 short repeats per case instead of 7")
    parser.add_argument("--threads", type=int, default=2, help="threads for torch and for NumPy's BLAS (default 2)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    repeats, min_time = (3, 0.02) if args.quick else (7, 0.1)

    header = (f"{'case (N, C_in, H, W -> C_out, k, s, p)':<40} {'fwd ms':>7} {'torch':>7} {'ratio':>6} {'med':>5} {'gemm':>5}"
              f"   {'fwd+bwd ms':>10} {'torch':>7} {'ratio':>6} {'med':>5}")
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"float32, torch {torch.__version__} with {torch.get_num_threads()} threads, numpy {np.__version__} "
          f"(OPENBLAS_NUM_THREADS={blas}), "
          f"{repeats} alternating repeats, fastest repeat each (med: ratio of the medians); "
          f"load average before: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(machine())
    print(header)
    print("-" * len(header))
    worst_forward = worst_training = 0.0
    for case in CASES:
        (f_ours, f_torch, f_gemm), (t_ours, t_torch) = bench_case(case, repeats, min_time)
        N, C_in, H, W, C_out, k, s, p = case
        name = f"({N}, {C_in}, {H}, {W} -> {C_out}, {k}, {s}, {p})"
        rf, rt = f_ours[0] / f_torch[0], t_ours[0] / t_torch[0]
        worst_forward, worst_training = max(worst_forward, rf), max(worst_training, rt)
        print(f"{name:<40} {f_ours[0] * 1e3:7.2f} {f_torch[0] * 1e3:7.2f} {rf:6.2f} {f_ours[1] / f_torch[1]:5.2f} "
              f"{f_gemm[0] / f_torch[0]:5.2f}   {t_ours[0] * 1e3:10.2f} {t_torch[0] * 1e3:7.2f} {rt:6.2f} "
              f"{t_ours[1] / t_torch[1]:5.2f}", flush=True)
    print("gemm: the forward's matrix product alone (one NumPy matmul of the same size on a ready-made "
          "im2col matrix) / torch's whole forward; no NumPy convolution built on that product gets below it")
    load = os.getloadavg()[0]
    print(f"\nload average after: {load:.1f}" + (
        "  (busy machine: other processes share these cores, so both columns are inflated and noisy)"
        if load > (os.cpu_count() or 1) else ""))
    for what, worst, goal in (("forward", worst_forward, FORWARD_GOAL), ("forward + backward", worst_training, TRAINING_GOAL)):
        verdict = "PASS" if worst <= goal else "FAIL"
        note = "" if args.threads == 2 else f" [the goals are set for 2 threads; this run used {args.threads}]"
        print(f"{verdict}: {what} within {goal}x of torch on every case (worst ratio {worst:.2f}){note}")


if __name__ == "__main__":
    main()
