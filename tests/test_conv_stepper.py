"""The convolution stepper widget (lesson 03), without a browser."""
import statistics
import time

import numpy as np
import pytest

from helpers.lecture import GREY_IMAGE, SHARPEN
from helpers.widgets import conv_stepper as cw


def test_step_html_shows_the_lectures_first_output():
    view, message = cw.step_html(SHARPEN, 1, 0, 0)
    assert message == ""
    assert "<b>114</b>" in view
    assert "300 + (-113) + (-73)" in view  # 60*5, 113*(-1), 73*(-1), from the slide's numbers


@pytest.mark.parametrize("kernel_name", list(cw.KERNELS))
def test_every_position_sums_correctly(kernel_name):
    import scipy.signal

    k = cw.KERNELS[kernel_name]
    for padding in range(cw.MAX_PADDING + 1):
        expected = scipy.signal.correlate2d(np.pad(GREY_IMAGE, padding), k, mode="valid")
        H_out, W_out = expected.shape
        for i in range(H_out):
            for j in range(W_out):
                view, message = cw.step_html(k, padding, i, j)
                assert message == "" and f"<b>{expected[i, j]}</b>" in view


@pytest.mark.parametrize("padding, row, col", [(0, 3, 0), (0, 0, 6), (1, 5, 5), (2, 7, 0)])
def test_impossible_positions_give_a_message(padding, row, col):
    view, message = cw.step_html(SHARPEN, padding, row, col)
    assert "does not exist" in message and view
    view, message = cw.step_html(cw.KERNELS["lecture 5x5 (c)"], 0, 1, 0)
    assert "output is 1x1" in message


def test_step_html_rejects_bad_arguments():
    with pytest.raises(ValueError, match="padding"):
        cw.step_html(SHARPEN, -1, 0, 0)
    with pytest.raises(ValueError, match="2-D"):
        cw.step_html(np.ones(3), 0, 0, 0)


def test_widget_controls_change_the_view():
    w = cw.conv_stepper()
    assert "cnn-widget" in w._dom_classes
    assert "cnn-widget-view" in w.view._dom_classes and "cnn-widget-message" in w.message._dom_classes
    assert all(c.description for c in w.controls.values())
    before = w.view.value
    for name, value in [("col", 1), ("row", 2), ("padding", 2), ("kernel", "Sobel x")]:
        old = w.view.value
        w.controls[name].value = value
        assert w.view.value != old, name
        assert w.message.value == ""
    assert w.view.value != before


def test_widget_impossible_setting_shows_message_not_exception():
    w = cw.conv_stepper()
    w.controls["padding"].value = 0
    w.controls["row"].value = 4
    assert "does not exist" in w.message.value
    w.controls["row"].value = 2
    assert w.message.value == ""


def test_bench_steps_are_fast_and_change_the_view():
    w = cw.conv_stepper()
    steps = cw.bench_steps(w)
    assert len(steps) >= 3
    times = []
    for step in steps * 5:
        old = w.view.value
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
        assert w.view.value != old
    assert statistics.median(times) < 0.05
