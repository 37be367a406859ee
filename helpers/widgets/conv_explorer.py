"""The convolution explorer (lesson 04): sliders for input size, kernel size,
stride, padding and dilation; a play button slides the kernel window over the
padded input while the output fills in, and the output-size formula is
evaluated live with the current numbers.

The view is one ``ipywidgets.HTML`` whose value is rebuilt by the plain
function :func:`render_view` (tests call it without a browser); the positions
come from :mod:`helpers.sliding`, the numbers from :func:`helpers.ops.conv2d`.
Core ipywidgets only (7.7 and 8): IntSlider, Dropdown, Play + jslink, HTML.
"""
from __future__ import annotations

import html as _html
import itertools

import numpy as np

from .. import sliding
from ..ops import conv2d
from ._common import bench_toggles, stepping_explorer

__all__ = ["SMALL", "explorer_values", "render_view", "conv_explorer", "bench_steps"]

#: Inputs up to SMALL x SMALL get their numbers written in the cells; larger ones only colours.
SMALL = 10

_rng = np.random.default_rng(4)
_INPUT = _rng.integers(0, 10, size=(24, 24))           # input pixel values 0..9
_KERNEL = _rng.integers(-1, 3, size=(7, 7))            # kernel weights -1..2

_CSS = """<style>
.cnnx-row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start;font-family:sans-serif}
.cnnx-cap{font-size:12px;margin-bottom:3px;color:#333}
.cnnx-g{border-collapse:collapse;table-layout:fixed}
.cnnx-g td{border:1px solid #bbb;padding:0;text-align:center;vertical-align:middle;color:#111;overflow:hidden}
.cnnx-g td.p{background:#e9e9e9;color:#999}
.cnnx-g td.t{box-shadow:inset 0 0 0 3px #e67e22;font-weight:bold}
.cnnx-g td.h{outline:1px dashed #e67e22;outline-offset:-3px}
.cnnx-g td.n{outline:2px dotted #c0392b;outline-offset:-3px}
.cnnx-g td.e{background:#fff}
.cnnx-g td.c{box-shadow:inset 0 0 0 3px #e67e22;font-weight:bold}
.cnnx-f{font-family:monospace;font-size:13px;margin:6px 0 2px 0;white-space:pre}
.cnnx-i{font-size:12px;color:#333;margin-top:2px;font-family:sans-serif}
</style>"""


def explorer_values(height, width, kernel_size):
    """The explorer's fixed input (height, width) of ints 0..9 and kernel
    (kernel_size, kernel_size) of ints -1..2 (the same numbers at every size)."""
    if not (1 <= height <= _INPUT.shape[0] and 1 <= width <= _INPUT.shape[1]):
        raise ValueError(f"explorer_values: height and width must be in 1..{_INPUT.shape[0]}; got {height}x{width}")
    if not 1 <= kernel_size <= _KERNEL.shape[0]:
        raise ValueError(f"explorer_values: kernel_size must be in 1..{_KERNEL.shape[0]}; got {kernel_size}")
    return _INPUT[:height, :width].copy(), _KERNEL[:kernel_size, :kernel_size].copy()


def _shade(v, lo, hi, rgb):
    t = 0.0 if hi == lo else (v - lo) / (hi - lo)
    r, g, b = (int(255 - t * (255 - c)) for c in rgb)
    return f"background:rgb({r},{g},{b})"


def _table(cells, size, font):
    tr = f'<tr style="height:{size}px">'
    rows = "".join(tr + "".join(row) + "</tr>" for row in cells)
    cols = f'<col style="width:{size}px">' * len(cells[0])
    return f'<table class="cnnx-g" style="font-size:{font}px"><colgroup>{cols}</colgroup>{rows}</table>'


def _cell(text, cls="", style=""):
    c = f' class="{cls}"' if cls else ""
    s = f' style="{style}"' if style else ""
    return f"<td{c}{s}>{text}</td>"


def render_view(height, width, kernel_size, stride=1, padding=0, dilation=1, step=None):
    """The explorer's picture as HTML, and its message.

    Args:
        height, width: the input's H and W (1..24).
        kernel_size: k (1..7), a square kernel.
        stride, padding, dilation: as in ``torch.nn.functional.conv2d``
            (``padding`` may be an int, ``"valid"`` or ``"same"``).
        step: which window to show, 0 .. H_out*W_out - 1 in reading order;
            ``None`` shows the last one (the whole output filled in).

    Returns:
        ``(html, message)``: ``message`` is ``""`` when the settings work, else
        the plain sentence of :func:`helpers.sliding.check_settings`; the
        html then shows the padded input and the formula, without windows.
    """
    message = sliding.check_settings((height, width), kernel_size, stride, padding, dilation) or ""
    formula = sliding.formula_text((height, width), kernel_size, stride, padding, dilation)
    image, kernel = explorer_values(height, width, kernel_size)
    ((top, bottom), (left, right)) = sliding.resolve_padding(padding, kernel_size, 1 if padding == "same" else stride, dilation)
    Hp, Wp = height + top + bottom, width + left + right
    numbers = max(height, width) <= SMALL
    size = 24 if numbers else max(8, min(20, 360 // max(Hp, Wp)))
    font = 12 if numbers else 1

    taps, holes, window, out, counts = set(), set(), None, None, None
    if not message:
        out = np.rint(conv2d(image[None, None].astype(float), kernel[None, None].astype(float),
                             stride=stride, padding=padding, dilation=dilation)[0, 0]).astype(int)
        steps = out.size
        step = steps - 1 if step is None else int(min(max(step, 0), steps - 1))
        window = sliding.window_at(step, (height, width), kernel_size, stride, padding, dilation)
        taps = set(itertools.product(window.rows, window.cols))
        box = itertools.product(range(window.rows[0], window.rows[-1] + 1), range(window.cols[0], window.cols[-1] + 1))
        holes = set(box) - taps
        counts = sliding.visit_counts((height, width), kernel_size, stride, padding, dilation)

    cells = []
    for R in range(Hp):
        row = []
        for C in range(Wp):
            r, c = R - top, C - left
            cls = "t" if (R, C) in taps else "h" if (R, C) in holes else ""
            if 0 <= r < height and 0 <= c < width:
                v = int(image[r, c])
                if counts is not None and counts[r, c] == 0:
                    cls = (cls + " n").strip()
                row.append(_cell(v if numbers else "", cls, _shade(v, 0, 9, (120, 165, 225))))
            else:
                row.append(_cell(0 if numbers else "", ("p " + cls).strip()))
        cells.append(row)
    parts = [f'<div class="cnnx-cap">padded input {Hp}×{Wp} (grey: padding)</div>' + _table(cells, size, font)]

    kcells = [[_cell(int(w), "", _shade(abs(int(w)), 0, 4, (230, 126, 34))) for w in row] for row in kernel]
    span = dilation * (kernel_size - 1) + 1
    parts.append(f'<div class="cnnx-cap">kernel {kernel_size}×{kernel_size}, dilation {dilation} '
                 f'(spans {span}×{span})</div>' + _table(kcells, 24, 12))

    if out is not None:
        H_out, W_out = out.shape
        lo, hi = int(out.min()), int(out.max())
        osize = 24 if numbers else max(8, min(20, 360 // max(H_out, W_out)))
        ocells = []
        for i in range(H_out):
            row = []
            for j in range(W_out):
                t = i * W_out + j
                if t > step:
                    row.append(_cell("", "e"))
                else:
                    row.append(_cell(int(out[i, j]) if numbers else "", "c" if t == step else "",
                                     _shade(int(out[i, j]), lo - 1, hi, (39, 174, 96))))
            ocells.append(row)
        parts.append(f'<div class="cnnx-cap">output {H_out}×{W_out}</div>' + _table(ocells, osize, 12 if numbers else 1))
        n_never = int((counts == 0).sum())
        info = (f"step {step + 1} of {out.size}: output ({window.out_row}, {window.out_col}) = "
                f"Σ kernel × padded input at rows {', '.join(map(str, window.rows))} and columns "
                f"{', '.join(map(str, window.cols))} = {int(out[window.out_row, window.out_col])}"
                f"<br>orange: the window's taps (dashed: holes of the dilated kernel) · "
                f"{n_never} input pixel{'s' if n_never != 1 else ''} never read (red dotted)")
    else:
        info = "no output: " + _html.escape(message)
    body = (_CSS + '<div class="cnnx-row">' + "".join(f"<div>{p}</div>" for p in parts) + "</div>"
            + f'<div class="cnnx-f">{_html.escape(formula)}</div><div class="cnnx-i">{info}</div>')
    return body, message


def conv_explorer(height=7, width=7, kernel_size=3, stride=1, padding=0, dilation=1, padding_mode="number"):
    """Build the convolution explorer widget (lesson 04).

    Controls (descriptions): "input H", "input W", "kernel", "stride",
    "padding", "padding mode" (number / 'valid' / 'same'), "dilation", a
    Play button "play" linked in the browser to the "step" slider. The view is
    an HTML widget (CSS class ``cnn-widget-view``); impossible settings (no
    window fits, 'same' with stride > 1) empty the output and show a plain
    sentence in the ``cnn-widget-message`` HTML. The returned VBox carries
    ``.controls`` (a dict by argument name), ``.view`` and ``.message``.
    """
    import ipywidgets as widgets

    style = {"description_width": "105px"}
    lay = widgets.Layout(width="320px")

    def slider(value, lo, hi, desc):
        return widgets.IntSlider(value=value, min=lo, max=hi, description=desc, style=style, layout=lay,
                                 continuous_update=True)

    c = {
        "height": slider(height, 1, 16, "input H"),
        "width": slider(width, 1, 16, "input W"),
        "kernel_size": slider(kernel_size, 1, 7, "kernel"),
        "stride": slider(stride, 1, 4, "stride"),
        "padding": slider(padding, 0, 3, "padding"),
        "padding_mode": widgets.Dropdown(options=[("number (slider)", "number"), ("'valid'", "valid"), ("'same'", "same")],
                                         value=padding_mode, description="padding mode", style=style, layout=lay),
        "dilation": slider(dilation, 1, 3, "dilation"),
        "step": widgets.IntSlider(value=0, min=0, max=0, description="step", style=style, layout=lay),
        "play": widgets.Play(value=0, min=0, max=0, interval=700, description="play"),
    }

    def settings():
        mode = c["padding_mode"].value
        return (c["height"].value, c["width"].value, c["kernel_size"].value, c["stride"].value,
                c["padding"].value if mode == "number" else mode, c["dilation"].value)

    def count_steps():
        H, W, k, s, p, d = settings()
        bad = sliding.check_settings((H, W), k, s, p, d)
        return (1 if bad else int(np.prod(sliding.output_size((H, W), k, s, p, d)))), bad

    def padding_slider_only_for_numbers():
        c["padding"].disabled = c["padding_mode"].value != "number"

    return stepping_explorer(
        c, ("height", "width", "kernel_size", "stride", "padding", "padding_mode", "dilation"),
        [[c["height"], c["width"], c["kernel_size"], c["dilation"]],
         [c["stride"], c["padding"], c["padding_mode"], widgets.HBox([c["play"], c["step"]])]],
        render=lambda step: render_view(*settings(), step=step), count_steps=count_steps,
        before_count=padding_slider_only_for_numbers)


def bench_steps(widget):
    """Zero-argument callables, each changing one control of a
    :func:`conv_explorer` by one notch (back and forth), for a benchmark to time."""
    return bench_toggles(widget, [("height", 7, 8), ("width", 7, 9), ("kernel_size", 3, 5), ("stride", 1, 2),
                                  ("padding", 0, 1), ("dilation", 1, 2)])
