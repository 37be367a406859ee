"""The pooling explorer (lesson 05): pick an input (the lecture's 4x4, a
random 7x7 grid of small integers, or an 8x8 piece of a real edge-feature
map), max or average pooling, kernel size, stride, padding and ceil mode;
the view shows the padded input with the current window outlined, the
output with its numbers, the arithmetic of the current window and the
output-size formula. A Play button walks the windows one by one.

The view is one ``ipywidgets.HTML`` whose value is rebuilt by the plain
function :func:`render_view` (tests call it without a browser); the windows
and the settings check come from :mod:`helpers.pooling_demo`. Core ipywidgets
only (7.7 and 8): Dropdown, IntSlider, Checkbox, Play + jslink, HTML.
"""
from __future__ import annotations

import html as _html

import numpy as np

from .. import pooling_demo as pd
from ..lecture import POOL_INPUT
from ._common import bench_toggles, stepping_explorer

__all__ = ["explorer_inputs", "pool_values", "render_view", "pool_explorer", "bench_steps"]

_CSS = """<style>
.cnnp-row{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start;font-family:sans-serif}
.cnnp-cap{font-size:12px;margin-bottom:3px;color:#333}
.cnnp-g{border-collapse:collapse;table-layout:fixed}
.cnnp-g td{border:1px solid #bbb;padding:0;text-align:center;vertical-align:middle;color:#111;width:34px;height:30px}
.cnnp-g td.p{background:#e9e9e9;color:#888}
.cnnp-g td.x{background:#fff;color:#bbb;border:1px dashed #ccc}
.cnnp-g td.w{box-shadow:inset 0 0 0 3px #e67e22}
.cnnp-g td.m{background:#f5b041 !important;font-weight:bold}
.cnnp-g td.e{background:#fff}
.cnnp-g td.c{box-shadow:inset 0 0 0 3px #e67e22;font-weight:bold}
.cnnp-f{font-family:monospace;font-size:13px;margin:6px 0 2px 0;white-space:pre;line-height:1.35}
.cnnp-i{font-size:13px;color:#222;margin-top:4px;font-family:sans-serif}
</style>"""

_CACHE = {}


def explorer_inputs():
    """The explorer's inputs: name -> (H, W) array (built once, then cached).

    "lecture 4×4": :data:`helpers.lecture.POOL_INPUT`; "random 7×7": integers
    0..9 (seed 5); "feature map 8×8": an 8x8 piece of the camera photo's
    Sobel edge map (:func:`helpers.pooling_demo.edge_map`), scaled to 0..9.9
    and rounded to one decimal.
    """
    if not _CACHE:
        from ..data import photo

        fmap = pd.edge_map(photo("camera", size=48))
        piece = fmap[14:22, 18:26]
        _CACHE["lecture 4×4"] = POOL_INPUT.astype(np.float64)
        _CACHE["random 7×7"] = np.random.default_rng(5).integers(0, 10, size=(7, 7)).astype(np.float64)
        _CACHE["feature map 8×8"] = np.round(9.9 * piece / piece.max(), 1)
    return dict(_CACHE)


def pool_values(x, windows, mode="max"):
    """Pool ``x`` (H, W) over ``windows`` (from :func:`helpers.pooling_demo.pool_windows`).

    Returns ``(out, picked)``: out (H_out, W_out); picked, per window, the
    (row, col) the max came from (the first maximum in reading order, as
    torch) or ``None`` for average pooling. Average pooling divides the sum of
    the input values inside the window (padding adds 0) by the window's
    divisor, as ``F.avg_pool2d`` with ``count_include_pad=True``.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"pool_values: mode must be 'max' or 'avg'; got {mode!r}")
    x = np.asarray(x, dtype=np.float64)
    H, W = x.shape
    last = windows[-1]
    out = np.zeros((last.out_row + 1, last.out_col + 1))
    picked = []
    for w in windows:
        rows = [r for r in w.rows if 0 <= r < H]
        cols = [c for c in w.cols if 0 <= c < W]
        block = x[np.ix_(rows, cols)]
        if mode == "max":
            a, b = np.unravel_index(int(np.argmax(block)), block.shape)  # first maximum, reading order
            out[w.out_row, w.out_col] = block[a, b]
            picked.append((rows[a], cols[b]))
        else:
            out[w.out_row, w.out_col] = block.sum() / w.divisor
            picked.append(None)
    return out, picked


def _num(v):
    return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def _shade(v, lo, hi):
    t = 0.0 if hi == lo else (v - lo) / (hi - lo)
    r, g, b = (int(255 - t * (255 - c)) for c in (120, 165, 225))
    return f"background:rgb({r},{g},{b})"


def _td(text, cls="", style=""):
    c = f' class="{cls}"' if cls else ""
    s = f' style="{style}"' if style else ""
    return f"<td{c}{s}>{text}</td>"


def _formula(L, k, s, p, ceil_mode, axis):
    name = "ceil" if ceil_mode else "floor"
    top = L + 2 * p - k
    n = pd._axis_size(L, k, s, p, ceil_mode)
    raw = (top + (s - 1 if ceil_mode else 0)) // s + 1
    text = f"{axis}_out = {name}(({L} + 2·{p} − {k}) / {s}) + 1 = {raw}"
    if n is not None and n != raw:
        text += f" → {n} (the last window would start in the padding: dropped)"
    return text


def render_view(x, kernel_size=2, stride=2, padding=0, mode="max", ceil_mode=False, step=None):
    """The explorer's picture as HTML, and its message.

    Args:
        x: (H, W) input.
        kernel_size, stride, padding, ceil_mode: square pooling settings, as
            in ``F.max_pool2d`` / ``F.avg_pool2d``.
        mode: "max" or "avg".
        step: which window to show, 0 .. H_out*W_out - 1; ``None``: the last.

    Returns:
        ``(html, message)``: ``message`` is ``""`` when the settings work, else
        :func:`helpers.pooling_demo.check_pool_settings`'s sentence; the html
        then shows the padded input and that sentence, no output.
    """
    x = np.asarray(x, dtype=np.float64)
    H, W = x.shape
    k, s, p = kernel_size, stride, padding
    message = pd.check_pool_settings((H, W), k, s, p, ceil_mode)
    windows, out, picked, w = [], None, [], None
    if not message:
        windows = pd.pool_windows((H, W), k, s, p, ceil_mode)
        out, picked = pool_values(x, windows, mode)
        step = len(windows) - 1 if step is None else int(min(max(step, 0), len(windows) - 1))
        w = windows[step]
    # the grid to draw: the padded input, plus cells a ceil_mode window reaches past the padding
    r_end = max([H + p] + [win.rows[-1] + 1 for win in windows])
    c_end = max([W + p] + [win.cols[-1] + 1 for win in windows])
    lo, hi = float(x.min()), float(x.max())
    pad_text = "−∞" if mode == "max" else "0"
    win_cells = set() if w is None else {(r, c) for r in w.rows for c in w.cols}
    best = None if w is None else picked[step]
    rows_html = []
    for r in range(-p, r_end):
        cells = []
        for c in range(-p, c_end):
            cls = []
            if (r, c) in win_cells:
                cls.append("w")
            if 0 <= r < H and 0 <= c < W:
                if best == (r, c) or (mode == "avg" and (r, c) in win_cells):
                    cls.append("m")
                cells.append(_td(_num(x[r, c]), " ".join(cls), _shade(x[r, c], lo, hi)))
            elif -p <= r < H + p and -p <= c < W + p:
                cells.append(_td(pad_text, " ".join(["p"] + cls)))
            else:
                cells.append(_td("", " ".join(["x"] + cls)))
        rows_html.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"input {H}×{W}" + (f", padding {p} (grey: {pad_text})" if p else "")
    if c_end > W + p or r_end > H + p:
        cap += " · dashed: beyond the padding, ignored"
    parts = [f'<div class="cnnp-cap">{cap}</div><table class="cnnp-g">{"".join(rows_html)}</table>']
    if out is not None:
        H_out, W_out = out.shape
        o_lo, o_hi = float(out.min()), float(out.max())
        orows = []
        for i in range(H_out):
            cells = []
            for j in range(W_out):
                t = i * W_out + j
                if t > step:
                    cells.append(_td("", "e"))
                else:
                    cells.append(_td(_num(out[i, j]), "c" if t == step else "", _shade(out[i, j], o_lo, o_hi)))
            orows.append("<tr>" + "".join(cells) + "</tr>")
        parts.append(f'<div class="cnnp-cap">{mode} pool output {H_out}×{W_out}</div>'
                     f'<table class="cnnp-g">{"".join(orows)}</table>')
        vals = [(_num(x[r, c]) if 0 <= r < H and 0 <= c < W else pad_text)
                for r in w.rows for c in w.cols if r < H + p and c < W + p]
        v = _num(out[w.out_row, w.out_col])
        if mode == "max":
            calc = f"max({', '.join(vals)}) = {v}, taken from input row {best[0]}, column {best[1]}"
        else:
            calc = f"({' + '.join(vals)}) / {w.divisor} = {v}"
        info = f"step {step + 1} of {len(windows)}: output ({w.out_row}, {w.out_col}) = {calc}"
    else:
        info = "no output: " + _html.escape(message)
    formula = _formula(H, k, s, p, ceil_mode, "H") + "\n" + _formula(W, k, s, p, ceil_mode, "W")
    return (_CSS + '<div class="cnnp-row">' + "".join(f"<div>{q}</div>" for q in parts) + "</div>"
            + f'<div class="cnnp-i">{info}</div><div class="cnnp-f">{_html.escape(formula)}</div>'), message


def pool_explorer(input="lecture 4×4", kernel_size=2, stride=2, padding=0, mode="max", ceil_mode=False):
    """Build the pooling explorer widget (lesson 05).

    Controls (descriptions): "input" (lecture 4×4 / random 7×7 / feature map
    8×8), "mode" (max / avg, a dropdown), "kernel", "stride", "padding", "ceil mode", a
    Play button "play" linked in the browser to the "step" slider. The view is
    an HTML widget (CSS class ``cnn-widget-view``); impossible settings
    (padding more than half the kernel, a kernel larger than the padded input)
    show a plain sentence in the ``cnn-widget-message`` HTML and no output.
    The returned VBox carries ``.controls`` (a dict by argument name),
    ``.view`` and ``.message``.
    """
    import ipywidgets as widgets

    inputs = explorer_inputs()
    style = {"description_width": "70px"}
    lay = widgets.Layout(width="280px")

    def slider(value, lo, hi, desc):
        return widgets.IntSlider(value=value, min=lo, max=hi, description=desc, style=style, layout=lay)

    c = {
        "input": widgets.Dropdown(options=list(inputs), value=input, description="input", style=style, layout=lay),
        "mode": widgets.Dropdown(options=["max", "avg"], value=mode, description="mode", style=style, layout=lay),
        "kernel_size": slider(kernel_size, 1, 5, "kernel"),
        "stride": slider(stride, 1, 5, "stride"),
        "padding": slider(padding, 0, 2, "padding"),
        "ceil_mode": widgets.Checkbox(value=ceil_mode, description="ceil mode", style=style),
        "step": widgets.IntSlider(value=0, min=0, max=0, description="step", style={"description_width": "40px"},
                                  layout=widgets.Layout(width="230px")),
        "play": widgets.Play(value=0, min=0, max=0, interval=800, description="play"),
    }

    def settings():
        return dict(x=inputs[c["input"].value], kernel_size=c["kernel_size"].value, stride=c["stride"].value,
                    padding=c["padding"].value, mode=c["mode"].value, ceil_mode=c["ceil_mode"].value)

    def count_steps():
        st = settings()
        geometry = (st["x"].shape, st["kernel_size"], st["stride"], st["padding"], st["ceil_mode"])
        bad = pd.check_pool_settings(*geometry)
        return (1 if bad else len(pd.pool_windows(*geometry))), bad

    return stepping_explorer(
        c, ("input", "mode", "kernel_size", "stride", "padding", "ceil_mode"),
        [[c["input"], c["mode"], c["ceil_mode"]],
         [c["kernel_size"], c["stride"], c["padding"], widgets.HBox([c["play"], c["step"]])]],
        render=lambda step: render_view(**settings(), step=step), count_steps=count_steps)


def bench_steps(widget):
    """Zero-argument callables, each changing one control of a
    :func:`pool_explorer` by one notch (back and forth), for a benchmark to time."""
    return bench_toggles(widget, [("kernel_size", 2, 3), ("stride", 2, 1), ("padding", 0, 1), ("mode", "max", "avg"),
                                  ("ceil_mode", False, True), ("input", "lecture 4×4", "random 7×7")])
