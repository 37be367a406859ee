"""The convolution explorer: its view function against torch, and the widget
driven without a browser (controls change the view; impossible settings give a
message, not an exception; redraws are fast)."""
import re
import statistics
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.widgets.conv_explorer import SMALL, bench_steps, conv_explorer, explorer_values, render_view


def _torch_out(H, W, k, s, p, d):
    image, kernel = explorer_values(H, W, k)
    x = torch.as_tensor(image, dtype=torch.float64)[None, None]
    w = torch.as_tensor(kernel, dtype=torch.float64)[None, None]
    return F.conv2d(x, w, stride=s, padding=p, dilation=d)[0, 0].numpy().astype(int)


def _classes(html, cls):
    return len(re.findall(rf'<td class="(?:[^"]* )?{cls}(?: [^"]*)?"', html))


@pytest.mark.parametrize("H, W, k, s, p, d", [(7, 7, 3, 1, 0, 1), (7, 7, 3, 2, 0, 1), (7, 7, 3, 3, 0, 1),
                                              (7, 7, 3, 1, 1, 1), (6, 9, 2, 2, 1, 2), (5, 8, 3, 1, 2, 3)])
def test_each_step_shows_one_window_and_the_output_so_far(H, W, k, s, p, d):
    out = _torch_out(H, W, k, s, p, d)
    H_out, W_out = out.shape
    for step in range(H_out * W_out):
        html, message = render_view(H, W, k, s, p, d, step=step)
        assert message == ""
        assert _classes(html, "t") == k * k                       # the kernel's taps
        assert _classes(html, "h") == (d * (k - 1) + 1) ** 2 - k * k  # holes of the dilated window
        assert _classes(html, "e") == H_out * W_out - step - 1      # output cells not filled yet
        i, j = divmod(step, W_out)
        assert f"output ({i}, {j})" in html and html.count(f"= {out[i, j]}<br>") == 1
        assert f"output {H_out}×{W_out}" in html
    assert f"padded input {H + 2 * p}×{W + 2 * p}" in html


def test_the_taps_sit_where_torch_unfold_reads():
    H, W, k, s, p, d = 6, 8, 3, 2, 1, 2
    index = torch.arange(1, H * W + 1, dtype=torch.float64).reshape(1, 1, H, W)
    cols = F.unfold(index, k, dilation=d, padding=p, stride=s)[0].numpy().astype(int)
    for step in range(cols.shape[1]):
        html, _ = render_view(H, W, k, s, p, d, step=step)
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("kernel ")[0])
        taps = []
        for R, row in enumerate(rows):
            for C, cell in enumerate(re.findall(r"<td[^>]*>", row)):
                if re.search(r'class="(?:[^"]* )?t(?: [^"]*)?"', cell):
                    r, c = R - p, C - p
                    taps.append(1 + r * W + c if 0 <= r < H and 0 <= c < W else 0)
        assert sorted(taps) == sorted(cols[:, step])


def test_numbers_only_when_the_grid_is_small():
    small, _ = render_view(SMALL, SMALL, 3)
    big, _ = render_view(SMALL + 1, 12, 3)
    image, _ = explorer_values(SMALL, SMALL, 3)
    assert f">{image[SMALL - 1, SMALL - 1]}</td>" in small
    assert not re.search(r'<td[^>]*style="background[^"]*">\d', big.split("kernel ")[0])


def test_never_visited_pixels_are_marked():
    html, _ = render_view(7, 7, 3, stride=3)
    assert _classes(html, "n") == 13
    assert "13 input pixels never read" in html
    html, _ = render_view(7, 7, 3, stride=2)
    assert _classes(html, "n") == 0


@pytest.mark.parametrize("args, words", [((2, 7, 3), "No window fits"), ((7, 3, 3, 1, 0, 2), "No window fits"),
                                         ((7, 7, 3, 2, "same"), "stride 1")])
def test_impossible_settings_give_a_message(args, words):
    html, message = render_view(*args)
    assert words in message
    assert "output " not in html.split("no output")[0]       # no output grid is drawn
    assert "H_out = floor(" in html                          # the formula still shows


def test_same_padding_with_an_even_kernel_pads_one_before_two_after():
    html, message = render_view(7, 7, 4, padding="same")
    assert message == "" and "padded input 10×10" in html and "output 7×7" in html
    first_row = re.findall(r"<tr[^>]*>(.*?)</tr>", html)[0]
    assert first_row.count('class="p') == 10                  # one row of padding on top


def test_widget_controls_change_the_view():
    w = conv_explorer()
    assert "cnn-widget" in w._dom_classes
    assert "cnn-widget-view" in w.view._dom_classes and "cnn-widget-message" in w.message._dom_classes
    for change in bench_steps(w):
        before = w.view.value
        change()
        assert w.view.value != before, change.__name__
        assert w.message.value == ""
    c = w.controls
    for name in ("height", "width", "kernel_size", "stride", "padding", "dilation", "step", "padding_mode", "play"):
        assert c[name].description


def test_widget_step_range_follows_torch():
    w = conv_explorer()
    c = w.controls
    c["stride"].value = 3
    assert c["step"].max == 2 * 2 - 1 and c["play"].max == 3
    assert c["step"].value == c["step"].max           # the finished output is shown
    c["width"].value, c["padding"].value, c["dilation"].value = 11, 1, 2
    H_out, W_out = _torch_out(7, 11, 3, 3, 1, 2).shape
    assert c["step"].max == H_out * W_out - 1
    c["step"].value = 0
    assert "step 1 of" in w.view.value


def test_widget_impossible_settings_show_a_message_not_an_exception():
    w = conv_explorer()
    c = w.controls
    c["height"].value = 2                                  # 3x3 kernel on a 2-row input
    assert "No window fits" in w.message.value
    assert c["step"].disabled and c["play"].disabled
    c["padding"].value = 1                                 # 4 padded rows: fits again
    assert w.message.value == "" and not c["step"].disabled
    c["height"].value, c["padding"].value = 7, 0
    c["padding_mode"].value = "same"
    assert c["padding"].disabled
    c["stride"].value = 2
    assert "stride 1" in w.message.value
    c["padding_mode"].value = "valid"
    assert w.message.value == "" and "output 3×3" in w.view.value


def test_redraw_is_fast():
    w = conv_explorer(height=10, width=10, padding=1)
    times = []
    for change in bench_steps(w) * 5:
        start = time.perf_counter()
        change()
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.05
