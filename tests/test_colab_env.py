"""The lessons in Google Colab's environment.

Colab ships its own torch, numpy, ipywidgets 7.7, IPython 7.34 and ipykernel
6.17, and a lesson's setup cell pip-installs the course's helpers into it. Two
things can go wrong that no other test sees: the install replaces one of
Colab's packages (forcing a restart, or breaking Colab), and a lesson uses an
API its versions lack (an ipywidgets 8 feature, say).

- The setup cell's Colab branch is run with a stand-in ``google.colab`` module
  and a recording ``subprocess.run``: the pip command must be exactly right.
- A virtualenv with Colab's versions (``tests/colab-constraints.txt``; built
  once per machine and cached outside the repository) executes a copy of every
  lesson, outside the repository, with ``google.colab`` imported at kernel
  start, so each setup cell really runs pip against a snapshot of this working
  tree. Afterwards the watched versions must be unchanged, ``helpers`` must
  come from the virtualenv's site-packages, and no cell may fail.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import types

import nbformat
import pytest

from helpers import course

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "tests" / "colab-constraints.txt"
WATCHED = ["torch", "numpy", "ipywidgets", "matplotlib", "ipython", "ipykernel"]
PACKAGE = "cnn-course-helpers"


# --- the setup cell itself ---------------------------------------------------

def _run_setup_cell(monkeypatch, in_colab: bool, source_env: str | None):
    calls = []

    def fake_run(cmd, *args, **kwargs):
        calls.append((list(cmd), kwargs))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, "run", fake_run)
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if source_env is None:
        monkeypatch.delenv(course.PIP_SOURCE_ENV, raising=False)
    else:
        monkeypatch.setenv(course.PIP_SOURCE_ENV, source_env)
    exec(compile(course.setup_code(), "<setup cell>", "exec"), {"__name__": "__main__"})
    return calls


def test_setup_cell_installs_from_the_repository_in_colab(monkeypatch):
    calls = _run_setup_cell(monkeypatch, in_colab=True, source_env=None)
    assert len(calls) == 1
    cmd, kwargs = calls[0]
    assert cmd == [sys.executable, "-m", "pip", "install", "-q", f"git+{course.REPO_URL}"]
    assert kwargs.get("check") is True, "a failed install must stop the lesson, not pass silently"
    assert course.REPO_URL.startswith("https://github.com/")


def test_setup_cell_source_can_be_pointed_elsewhere(monkeypatch):
    calls = _run_setup_cell(monkeypatch, in_colab=True, source_env="git+file:///somewhere/clone")
    assert calls[0][0][-1] == "git+file:///somewhere/clone"


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_setup_cell(monkeypatch, in_colab=False, source_env=None) == []


# --- a Colab-like virtualenv -------------------------------------------------

def _pins() -> list[str]:
    return [line.strip() for line in CONSTRAINTS.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _cache_dir() -> pathlib.Path:
    base = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
    key = hashlib.sha256(("\n".join(_pins()) + sys.version).encode()).hexdigest()[:12]
    return base / "cnn-course" / f"colab-venv-{key}"


def _python(venv: pathlib.Path) -> pathlib.Path:
    return venv / "bin" / "python"


def _versions(venv: pathlib.Path) -> dict:
    code = (
        "import importlib.metadata as m, json\n"
        f"print(json.dumps({{n: m.version(n) for n in {WATCHED!r}}}))"
    )
    out = subprocess.run([_python(venv), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def colab_venv():
    """A virtualenv with Colab's versions, built once per machine (about a minute)."""
    venv = _cache_dir()
    if (venv / ".complete").exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)  # a half-built one from an interrupted run
    venv.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
    result = subprocess.run(
        [_python(venv), "-m", "pip", "install", "-q", "--only-binary=:all:", "--disable-pip-version-check", "-r", CONSTRAINTS],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        pytest.skip(f"could not build a virtualenv with Colab's versions: {result.stderr.strip()[-1500:]}")
    (venv / ".complete").write_text(f"built in {time.perf_counter() - start:.0f} s\n")
    return venv


# --- the lessons, installed the way Colab installs them ----------------------

def _snapshot_repository(dest: pathlib.Path) -> pathlib.Path:
    """A git repository holding this working tree as it is now (uncommitted work
    included, ignored files excluded), so pip's ``git+file://`` sees what is tested."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=dest, check=True)
    subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot"], cwd=dest, check=True)
    return dest


def _colab_kernel(tmp: pathlib.Path, venv: pathlib.Path, source: str) -> pathlib.Path:
    """A kernelspec running the Colab venv's Python with ``google.colab`` imported at start."""
    stub = tmp / "stub" / "google" / "colab"  # a namespace package: google/ has no __init__
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('"""Stand-in for Colab\'s google.colab in tests."""\n')
    startup = tmp / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # Colab imports it before any cell runs\n")
    spec = tmp / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(_python(venv)), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab stand-in",
        "language": "python",
        "env": {
            "PYTHONPATH": str(tmp / "stub"),
            "IPYTHONDIR": str(tmp / "ipython"),
            course.PIP_SOURCE_ENV: source,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        },
    }))
    return tmp / "jupyter"


def _lessons():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_lessons_run_in_colabs_environment_without_changing_it(colab_venv, tmp_path, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    lessons = _lessons()
    if not lessons:
        pytest.skip("no lessons in notebooks/ yet")
    python = _python(colab_venv)
    subprocess.run([python, "-m", "pip", "uninstall", "-q", "-y", PACKAGE], capture_output=True)
    before = _versions(colab_venv)

    clone = _snapshot_repository(tmp_path / "clone")
    monkeypatch.setenv("JUPYTER_PATH", str(_colab_kernel(tmp_path, colab_venv, f"git+file://{clone}")))
    workdir = tmp_path / "colab"  # outside the repository: helpers can only come from the install
    workdir.mkdir()
    failures, widget_views, timings = [], {}, {}
    for lesson in lessons:
        path = workdir / lesson.name
        shutil.copy2(lesson, path)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name="colab", timeout=600, resources={"metadata": {"path": str(workdir)}})
        start = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as exc:
            failures.append(f"{lesson.name}: {str(exc)[-1500:]}")
        timings[lesson.name] = round(time.perf_counter() - start, 1)
        widget_views[lesson.name] = [
            o["data"]["application/vnd.jupyter.widget-view+json"]
            for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        ]
    print(f"\nlessons in the Colab environment (s): {timings}")
    assert not failures, "\n\n".join(failures)

    after = _versions(colab_venv)
    assert after == before, f"installing the course changed Colab's packages: {before} -> {after}"
    where = subprocess.run(
        [python, "-c", "import helpers, importlib.metadata as m; print(helpers.__file__); print(m.version('%s'))" % PACKAGE],
        cwd=workdir, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert "site-packages" in where[0] and str(ROOT) not in where[0], where

    for lesson in lessons:
        source = lesson.read_text()
        if "helpers.widgets" in source:
            views = widget_views[lesson.name]
            assert views, f"{lesson.name} builds a widget but produced no widget view under ipywidgets 7.7"
            assert all(v.get("version_major") == 2 for v in views), views
