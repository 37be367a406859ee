"""Rewrite every lesson's Colab badge, navigation links and setup-cell head from
:mod:`helpers.course` (run after changing ``REPO_URL`` or the lesson list).

    python tools/sync_lessons.py          # rewrite in place
    python tools/sync_lessons.py --check  # exit 1 if any notebook disagrees

Only the first cell's badge and "Previous/Next" lines and the head of the
second cell change; outputs are kept.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import course  # noqa: E402


def synced_sources(nb, stem):
    """Return (first cell source, second cell source) as helpers.course says they should be."""
    head = nb.cells[0].source.splitlines()
    badge, nav = course.colab_badge(stem), course.nav_links(stem)
    head = [badge if "colab-badge.svg" in line else nav if line.startswith(("Previous:", "Next:")) else line for line in head]
    setup = nb.cells[1].source
    marker = "subprocess.run("
    if marker in setup:
        rest = setup[setup.index("\n", setup.index(marker)) + 1:] if "\n" in setup[setup.index(marker):] else ""
        setup = course.setup_code() + rest
    return "\n".join(head), setup


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    bad = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first, second = synced_sources(nb, path.stem)
        if (first, second) != (nb.cells[0].source, nb.cells[1].source):
            bad.append(path.name)
            if not args.check:
                nb.cells[0].source, nb.cells[1].source = first, second
                nbformat.write(nb, path)
    verb = "out of sync" if args.check else "rewritten"
    print(f"{len(bad)} lesson(s) {verb}: {', '.join(bad) or '-'}")
    return 1 if (args.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
