"""The course's own facts, written once: where the repository lives, the ordered
lesson list, and the text every lesson's first two cells are built from.

Badges, navigation links and the Colab set-up cell of every notebook are
generated from here, and ``tests/test_course.py`` keeps the notebooks in
agreement with it. To move the repository, change ``REPO_URL`` and run
``python tools/sync_lessons.py`` (it rewrites the badge and setup lines).
"""
from __future__ import annotations

__all__ = [
    "REPO_URL",
    "BRANCH",
    "LESSONS",
    "PIP_SOURCE_ENV",
    "colab_url",
    "colab_badge",
    "nav_links",
    "setup_code",
    "lesson_title",
]

#: The public repository (GitHub) that students clone and Colab opens.
REPO_URL = "https://github.com/cnn-course/cnn-course"
BRANCH = "main"

#: Environment variable that overrides where Colab's setup cell installs from
#: (tests point it at a local clone: ``git+file:///path/to/clone``).
PIP_SOURCE_ENV = "CNN_COURSE_PIP_SOURCE"

#: The ordered lessons: (file stem, title). The order follows the lecture.
LESSONS = [
    ("01_introduction", "Introduction: from hand-crafted features to learned models"),
    ("02_kernels", "Kernels: small matrices that filter images"),
    ("03_convolution", "Convolution, number by number"),
    ("04_stride_padding", "Stride and padding: the output-size formula"),
    ("05_pooling", "Pooling"),
    ("06_cnn", "A convolutional neural network, layer by layer"),
    ("07_architectures", "CNN architectures"),
    ("08_applications", "Applications"),
    ("09_pytorch_workflow", "The PyTorch workflow, done properly"),
    ("10_backpropagation", "Backpropagation through a CNN"),
]

_STEMS = [stem for stem, _ in LESSONS]


def _stem(lesson: str) -> str:
    stem = lesson[:-6] if lesson.endswith(".ipynb") else lesson
    if stem not in _STEMS:
        raise ValueError(f"unknown lesson {lesson!r}; expected one of {_STEMS}")
    return stem


def lesson_title(lesson: str) -> str:
    """The title of a lesson, e.g. ``lesson_title("03_convolution")``."""
    return dict(LESSONS)[_stem(lesson)]


def colab_url(lesson: str) -> str:
    """The address that opens a lesson of the repository in Google Colab."""
    path = REPO_URL.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{_stem(lesson)}.ipynb"


def colab_badge(lesson: str) -> str:
    """The Markdown "Open in Colab" badge for a lesson."""
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(lesson)})"
    )


def nav_links(lesson: str) -> str:
    """Markdown links to the previous and next lessons (relative, so they work in JupyterLab)."""
    i = _STEMS.index(_stem(lesson))
    parts = []
    if i > 0:
        stem, title = LESSONS[i - 1]
        parts.append(f"Previous: [{stem[:2]} {title}]({stem}.ipynb)")
    if i + 1 < len(LESSONS):
        stem, title = LESSONS[i + 1]
        parts.append(f"Next: [{stem[:2]} {title}]({stem}.ipynb)")
    return " · ".join(parts)


def setup_code() -> str:
    """The lines every lesson's second cell starts with.

    In Colab (detected by ``google.colab`` being importable-and-imported) they
    install the course's helpers from the repository, never touching Colab's
    own torch, numpy or ipywidgets (the package's dependencies are loose);
    anywhere else they do nothing.
    """
    return (
        "# Setup: in Google Colab this installs the course's helpers; elsewhere it does nothing.\n"
        "import os, sys\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        f'    source = os.environ.get("{PIP_SOURCE_ENV}", "git+{REPO_URL}")\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], check=True)\n'
    )
