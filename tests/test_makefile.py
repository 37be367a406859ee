"""`make lab`, the newcomer's first command: what it would run, read with
`make -n` (nothing is started). As root (a container, a cloud VM) JupyterLab
needs --allow-root; as anyone else it must not get it. Either way it listens
on the loopback address and keeps its token."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def lab_commands(user_id):
    """The lines `make -n lab` prints for a user with this id (no venv is built: -n only prints)."""
    result = subprocess.run(
        ["make", "-n", "-s", "lab", f"USER_ID={user_id}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def jupyter_line(lines):
    (line,) = [line for line in lines if "jupyter lab" in line]
    return line.split()


@pytest.mark.parametrize("user_id", [0, 1000])
def test_lab_serves_on_loopback_with_a_token(user_id):
    words = jupyter_line(lab_commands(user_id))
    assert "--ip=127.0.0.1" in words
    assert not any("token" in w or "password" in w for w in words)  # jupyter's token stays on
    assert words[-1] == "notebooks/"


def test_lab_as_root_passes_allow_root_and_says_so():
    lines = lab_commands(0)
    assert "--allow-root" in jupyter_line(lines)
    said = [line for line in lines if line.startswith("echo") and "--allow-root" in line]
    assert len(said) == 1 and "root" in said[0]


def test_lab_as_a_user_does_not_pass_allow_root():
    lines = lab_commands(1000)
    assert "--allow-root" not in jupyter_line(lines)
    assert not any("allow-root" in line for line in lines if line.startswith("echo"))
