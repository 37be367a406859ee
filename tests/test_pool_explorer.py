"""The pooling explorer: its plain functions against torch, and the widget
built without a browser (controls change the view; impossible settings give
a message, never an exception)."""
import itertools
import statistics
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers import pooling_demo as pd
from helpers.widgets import pool_explorer as pe


def test_inputs():
    inputs = pe.explorer_inputs()
    assert list(inputs) == ["lecture 4×4", "random 7×7", "feature map 8×8"]
    assert inputs["lecture 4×4"].tolist() == [[2, 2, 2, 0], [2, 5, 2, 1], [2, 2, 2, 0], [0, 1, 0, 0]]
    assert inputs["random 7×7"].shape == (7, 7)
    fmap = inputs["feature map 8×8"]
    assert fmap.shape == (8, 8) and fmap.min() >= 0 and fmap.max() == 9.9 and len(np.unique(fmap)) > 10


def test_pool_values_match_torch():
    rng = np.random.default_rng(0)
    for (H, W), k, s, p, ceil in itertools.product([(4, 4), (7, 5), (1, 3)], range(1, 5), range(1, 4), range(3), (False, True)):
        if pd.check_pool_settings((H, W), k, s, p, ceil):
            continue
        x = rng.integers(0, 4, (H, W)).astype(float)  # small integers: many ties
        windows = pd.pool_windows((H, W), k, s, p, ceil)
        t = torch.tensor(x)[None, None]
        out, picked = pe.pool_values(x, windows, "max")
        t_out, t_idx = F.max_pool2d(t, k, s, p, ceil_mode=ceil, return_indices=True)
        np.testing.assert_array_equal(out, t_out[0, 0].numpy())
        assert [r * W + c for r, c in picked] == t_idx.flatten().tolist()
        out, picked = pe.pool_values(x, windows, "avg")
        np.testing.assert_allclose(out, F.avg_pool2d(t, k, s, p, ceil_mode=ceil)[0, 0].numpy())
        assert picked == [None] * len(windows)
    with pytest.raises(ValueError, match="mode"):
        pe.pool_values(np.ones((2, 2)), pd.pool_windows((2, 2), 2), "min")


def test_render_view_lecture_example():
    x = pe.explorer_inputs()["lecture 4×4"]
    html, message = pe.render_view(x, 2, 2, 0, "max", step=0)
    assert message == ""
    assert "step 1 of 4" in html and "max(2, 2, 2, 5) = 5" in html
    html, _ = pe.render_view(x, 2, 2, 0, "avg")
    assert "step 4 of 4" in html and "(2 + 0 + 0 + 0) / 4 = 0.5" in html


@pytest.mark.parametrize("k, s, p", [(2, 2, 2), (5, 1, 0), (3, 1, 2)])
def test_render_view_impossible_settings(k, s, p):
    html, message = pe.render_view(pe.explorer_inputs()["lecture 4×4"], k, s, p, "max")
    assert message and "no output" in html


def test_widget_controls_change_the_view():
    w = pe.pool_explorer()
    c = w.controls
    assert {"input", "mode", "kernel_size", "stride", "padding", "ceil_mode", "step", "play"} <= set(c)
    assert all(ctrl.description for ctrl in c.values())
    assert "cnn-widget" in w._dom_classes and "cnn-widget-view" in w.view._dom_classes
    assert "cnn-widget-message" in w.message._dom_classes
    assert c["step"].max == 3 and w.message.value == ""
    before = w.view.value
    c["step"].value = 0
    assert w.view.value != before
    for change in pe.bench_steps(w):
        before = w.view.value
        change()
        assert w.view.value != before, change.__name__
        assert w.message.value == "", change.__name__


def test_widget_impossible_settings_show_a_message():
    w = pe.pool_explorer()
    c = w.controls
    c["padding"].value = 2  # kernel 2: padding at most 1
    assert "half the kernel" in w.message.value and "no output" in w.view.value
    assert c["step"].disabled
    c["padding"].value = 0
    c["kernel_size"].value = 5  # larger than the 4x4 input
    assert "does not fit" in w.message.value
    c["input"].value = "random 7×7"  # now it fits
    assert w.message.value == "" and not c["step"].disabled
    assert c["step"].max == 3  # 7x7, kernel 5, stride 2: 2x2 windows
    c["stride"].value = 3
    assert c["step"].max == 0  # floor((7 - 5) / 3) + 1 = 1: one window
    c["ceil_mode"].value = True
    assert c["step"].max == 3  # ceil((7 - 5) / 3) + 1 = 2 per side


def test_redraw_is_fast():
    w = pe.pool_explorer(input="feature map 8×8", kernel_size=3, stride=1, padding=1)
    times = []
    for change in pe.bench_steps(w) * 3:
        t0 = time.perf_counter()
        change()
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.05
