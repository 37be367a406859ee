"""Lesson 08's speed goals: each application trains in at most 10 s and the
lesson executes in at most 90 s.

    python benchmarks/bench_applications.py

Executes a copy of notebooks/08_applications.ipynb in a fresh kernel (the
stored lesson is not touched), reads the training seconds from its closing
table and prints each beside the 10 s goal, then the whole lesson beside the
90 s goal, with the process CPU time of the run (wall time on a shared
machine inflates with the other users' load; CPU time much less). The lesson
itself is the benchmark, so the numbers are those of exactly the code students run.
"""
from __future__ import annotations

import pathlib
import re
import resource
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "08_applications.ipynb"
TRAIN_GOAL_S, LESSON_GOAL_S = 10.0, 90.0


def closing_table(nb) -> list[tuple[str, float]]:
    """(application, training seconds) from the printed closing table."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("print(f\"{'application'"):
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
            rows = re.findall(r"^(.+?)\s{2,}.*?([\d.]+) s$", text, flags=re.M)
            return [(app.strip(), float(sec)) for app, sec in rows]
    raise SystemExit("bench_applications: the closing table was not found in the executed lesson")


def main() -> int:
    nb = nbformat.read(LESSON, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(LESSON.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = cpu.ru_utime + cpu.ru_stime
    print(f"{'application':24s} {'training s':>10s} {'goal s':>7s} {'ratio':>6s}")
    for app, seconds in closing_table(nb):
        print(f"{app:24s} {seconds:10.1f} {TRAIN_GOAL_S:7.0f} {seconds / TRAIN_GOAL_S:6.2f}")
    print(f"{'whole lesson (wall)':24s} {wall:10.1f} {LESSON_GOAL_S:7.0f} {wall / LESSON_GOAL_S:6.2f}")
    print(f"{'whole lesson (kernel CPU)':24s} {cpu_s:10.1f} {LESSON_GOAL_S:7.0f} {cpu_s / LESSON_GOAL_S:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
