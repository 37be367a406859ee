"""Redraw time of every widget in helpers/widgets, per control step.

    python benchmarks/bench_widgets.py [--repeats 5]

Each widget module ``helpers/widgets/NAME.py`` has a factory ``NAME()`` (or, for
a widget that needs arguments such as a trained model, ``bench_widget()``) and
``bench_steps(widget)``: zero-argument callables that each change one control,
as a list, or as a dict ``{kind: [callables]}`` timed and reported one row per
kind (``cnn_at_work``: "slider step" and "canvas stroke").
Outside a kernel an ipywidgets observer runs synchronously inside the value
assignment, so timing the callable times the whole redraw (the new PNG or HTML
is built). The goal is a median of at most 50 ms per step; the default
``interact`` with a new matplotlib figure per change takes ~400 ms here.
Timings on a shared machine are noisy: compare medians, not single runs.
"""
from __future__ import annotations

import argparse
import importlib
import pathlib
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_MS = 50.0


def widget_modules():
    for path in sorted((ROOT / "helpers" / "widgets").glob("[a-z]*.py")):
        module = importlib.import_module(f"helpers.widgets.{path.stem}")
        factory = getattr(module, "bench_widget", None) or getattr(module, path.stem, None)
        if callable(factory) and hasattr(module, "bench_steps"):
            yield path.stem, factory, module.bench_steps


def time_steps(steps, repeats):
    for step in steps[:3]:  # warm-up: first draws, caches
        step()
    times = []
    for _ in range(repeats):
        for step in steps:
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
    return times


def time_widget(factory, bench_steps, repeats):
    """{row name suffix: times in ms}: one row for a list of steps, one per kind for a dict."""
    steps = bench_steps(factory())
    if isinstance(steps, dict):
        return {f": {kind}": time_steps(group, repeats) for kind, group in steps.items()}
    return {"": time_steps(steps, repeats)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{'widget':<30}{'steps':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}  goal <= {GOAL_MS:.0f} ms")
    ok = True
    for name, factory, bench_steps in widget_modules():
        for suffix, times in time_widget(factory, bench_steps, args.repeats).items():
            med = statistics.median(times)
            p90 = sorted(times)[int(0.9 * (len(times) - 1))]
            verdict = "ok" if med <= GOAL_MS else "SLOW"
            ok &= med <= GOAL_MS
            print(f"{name + suffix:<30}{len(times):>7}{med:>11.1f}{p90:>9.1f}{max(times):>9.1f}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
