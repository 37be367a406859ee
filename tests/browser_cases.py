"""What the browser test does with each lesson's widgets beyond the generic checks.

Every lesson is opened, run and checked without an entry here: each widget cell must
render a ``.cnn-widget`` with controls and a ``.cnn-widget-view``, and every slider of
every widget must change what its widget shows. An entry adds what only the lesson's
author knows: which widget is the lesson's main one (screenshotted), which sliders may
legitimately leave the view as it is, and settings that are impossible (the widget must
then show its ``.cnn-widget-message``, never a traceback).

Controls are named by their description, as the student reads it next to the control.
Values are what a student would type into a slider's readout, pick in a dropdown or
click in toggle buttons.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Impossible:
    """Set ``values`` (description -> value, in order) on widget number ``widget`` of
    the lesson (document order, 0 = the first .cnn-widget) and expect its message."""

    values: dict
    widget: int = 0
    why: str = ""


@dataclass
class Case:
    main: int = 0  #: the lesson's main widget (document order), screenshotted
    #: controls (by description) that may leave the view as it is by themselves
    still: tuple = ()
    impossible: list = field(default_factory=list)
    #: digits to draw with the mouse on the drawing canvas (``canvas.cnn-draw-canvas``)
    #: of widget ``draw_widget`` (None: the first widget that has one), in order, clearing the canvas
    #: (``.cnn-draw-clear``) in between: ``(expected prediction, strokes)``, strokes
    #: being polylines of ``(x, y)`` in canvas coordinates 0..1. After each, the
    #: widget's ``[data-prediction]`` must say the digit and its probabilities,
    #: feature maps (``data-stages``) and picture must have changed.
    draw: list = field(default_factory=list)
    draw_widget: int | None = None


def _ellipse(cx, cy, rx, ry, n=28, start=-90.0):
    """A closed stroke around an ellipse, starting at the top, counter-clockwise on screen."""
    pts = []
    for i in range(n + 1):
        a = math.radians(start - 360.0 * i / n)
        pts.append((round(cx + rx * math.cos(a), 4), round(cy + ry * math.sin(a), 4)))
    return pts


#: Digits drawn with the mouse, as a student would (a slightly slanted "1", an oval "0").
DRAWN_DIGITS = [
    ("1", [[(0.53, 0.14), (0.51, 0.35), (0.49, 0.6), (0.47, 0.86)]]),
    ("0", [_ellipse(0.5, 0.5, 0.22, 0.32)]),
]


#: Lesson stem -> what to try. Lessons not listed get the generic checks only.
#: Descriptions and impossible settings come from the widgets' docstrings in
#: helpers/widgets/ (their plain functions say which settings are refused).
CASES: dict[str, Case] = {
    # kernel_playground: photo, kernel (dropdowns), typed kernel (textarea),
    # normalise (checkbox), border (toggle buttons); no sliders
    "02_kernels": Case(
        impossible=[Impossible({"typed kernel": "1 2; 3"}, why="rows of different lengths")],
    ),
    # conv_stepper: kernel (dropdown), padding, row, col (sliders)
    "03_convolution": Case(
        impossible=[
            Impossible({"row": 5}, why="row 5 of a 5x5 output (3x3 kernel, padding 1)"),
            Impossible({"kernel": "lecture 5x5 (c)", "padding": 0, "col": 2}, why="the 5x5 kernel on the 5x5 image gives a 1x1 output"),
        ],
    ),
    # conv_explorer: input H, input W, kernel, stride, padding, dilation, step
    # (sliders), padding mode (dropdown), play
    "04_stride_padding": Case(
        impossible=[
            Impossible({"input H": 2, "kernel": 5}, why="no 5-row window fits a 2-row input"),
            Impossible({"padding mode": "'same'", "stride": 2}, why="'same' padding needs stride 1"),
        ],
    ),
    # pool_explorer: input (dropdown), mode (toggle), ceil mode (checkbox),
    # kernel, stride, padding, step (sliders), play
    "05_pooling": Case(
        impossible=[
            Impossible({"padding": 2}, why="padding 2 is more than half the 2x2 kernel"),
            Impossible({"kernel": 5}, why="a 5x5 window does not fit the 4x4 input"),
        ],
    ),
    # cnn_at_work: test digit, shift x, shift y, rotate (sliders) and the drawing
    # canvas; no impossible setting (every slider position is a valid input)
    "06_cnn": Case(draw=DRAWN_DIGITS),
    # the same drawing widget with lesson 09's trained model
    "09_pytorch_workflow": Case(draw=DRAWN_DIGITS),
}

#: Used when the lessons folder is overridden (CNN_COURSE_BROWSER_LESSONS) with the
#: harness's own scratch notebooks.
SCRATCH_CASES: dict[str, Case] = {
    "01_scratch": Case(impossible=[Impossible({"kernel size": 9}, why="kernel larger than the image")]),
    # a scratch copy of lesson 06's widget cell: cnn_at_work(model, test_images, test_labels)
    "06_cnn": Case(draw=DRAWN_DIGITS),
    # the same drawing widget with lesson 09's trained model
    "09_pytorch_workflow": Case(draw=DRAWN_DIGITS),
}
