"""Every lesson agrees with helpers.course (badge, links, setup cell) and is
stored executed, in order, without errors, exercises included."""
import json
import pathlib
import re

import pytest

from helpers import course

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STEMS = [stem for stem, _ in course.LESSONS]


def _load(path):
    return json.loads(path.read_text())


def _src(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def test_lesson_list_is_ordered_and_unique():
    assert STEMS == sorted(STEMS)
    assert len(set(STEMS)) == len(STEMS)
    assert [s[:2] for s in STEMS] == [f"{i:02d}" for i in range(1, len(STEMS) + 1)]


def test_colab_url_points_at_the_repository():
    url = course.colab_url("03_convolution")
    assert url.startswith("https://colab.research.google.com/github/")
    assert course.REPO_URL.removeprefix("https://github.com/") in url
    assert url.endswith("/notebooks/03_convolution.ipynb")
    with pytest.raises(ValueError, match="unknown lesson"):
        course.colab_url("99_nothing")


def test_nav_links_first_and_last():
    assert course.nav_links(STEMS[0]).startswith("Next:")
    assert course.nav_links(STEMS[-1]).startswith("Previous:")
    middle = course.nav_links(STEMS[2])
    assert f"({STEMS[1]}.ipynb)" in middle and f"({STEMS[3]}.ipynb)" in middle


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
class TestLesson:
    def test_is_a_listed_lesson(self, path):
        assert path.stem in STEMS

    def test_first_cell_has_title_badge_and_links(self, path):
        cell = _load(path)["cells"][0]
        assert cell["cell_type"] == "markdown"
        text = _src(cell)
        assert text.startswith(f"# {path.stem[:2]} · {course.lesson_title(path.stem)}")
        assert course.colab_badge(path.stem) in text
        assert course.nav_links(path.stem) in text

    def test_second_cell_is_the_setup_cell(self, path):
        cell = _load(path)["cells"][1]
        assert cell["cell_type"] == "code"
        assert _src(cell).startswith(course.setup_code())

    def test_stored_executed_in_order_without_errors(self, path):
        code = [c for c in _load(path)["cells"] if c["cell_type"] == "code" and _src(c).strip()]
        counts = [c.get("execution_count") for c in code]
        assert None not in counts, "some cells were never executed"
        assert counts == list(range(1, len(code) + 1)), f"not run top to bottom in one fresh kernel: {counts}"
        errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, errors[0].get("ename")

    def test_no_machine_paths_in_outputs(self, path):
        text = json.dumps([c.get("outputs", []) for c in _load(path)["cells"]])
        assert not re.search(r"(/root/|/tmp/|/home/\w+|/work/|site-packages)", text)

    def test_has_three_exercises_with_collapsed_solutions(self, path):
        cells = _load(path)["cells"]
        headings = [c for c in cells if c["cell_type"] == "markdown" and re.search(r"^### Exercise", _src(c), re.M)]
        solutions = [c for c in cells if c["cell_type"] == "code" and _src(c).startswith("# @title Solution")]
        assert len(headings) >= 3 and len(solutions) >= 3
        for c in solutions:
            assert c["metadata"].get("jupyter", {}).get("source_hidden") is True
            assert c["metadata"].get("cellView") == "form"
        printed = "".join(
            "".join(o.get("text", "")) for c in solutions for o in c.get("outputs", []) if o.get("output_type") == "stream"
        )
        assert printed.count("✅") >= len(solutions), "every solution must pass its own check"

    def test_ends_with_summary(self, path):
        cells = _load(path)["cells"]
        assert any(c["cell_type"] == "markdown" and _src(c).lstrip().startswith("## Summary") for c in cells)


def test_sync_lessons_reports_nothing_out_of_sync():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_lessons.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
