"""Execute lessons in place, top to bottom, each in one fresh kernel, and store
their outputs (what students see before running anything, and what nbval
compares against).

    python tools/run_lessons.py                      # every notebook in notebooks/
    python tools/run_lessons.py notebooks/03_*.ipynb # some

Prints each lesson's execution time. The kernel is this interpreter's
environment (``python3`` kernelspec of the active virtualenv), started in
``notebooks/`` as JupyterLab would. Stops at the first failing lesson.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(path: pathlib.Path, timeout: int = 300) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    lang = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3", "version": lang.get("version", "3")[:4].rstrip(".")}
    nb.metadata.pop("widgets", None)  # widget state is per run; outputs keep their views
    nbformat.write(nb, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    for path in paths:
        try:
            t = run(path, args.timeout)
        except Exception as exc:  # show which lesson and stop
            print(f"FAILED {path.name}: {type(exc).__name__}: {str(exc)[:2000]}", file=sys.stderr)
            return 1
        total += t
        print(f"{path.name}: executed in {t:.1f} s")
    print(f"total: {total:.1f} s for {len(paths)} lesson(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
