"""Convolution stepper (lesson 03): move the kernel over the lecture's 5x5
image one output position at a time and watch the window, the products,
their sum and the output fill in.

The logic is :func:`step_html` (numbers in, HTML out), which the tests call
without a browser; :func:`conv_stepper` only wires core ipywidgets (7.7 and 8)
to it, and a redraw replaces the value of one ``ipywidgets.HTML``.

Controls: ``kernel`` (Dropdown), ``padding`` (IntSlider 0-2), ``row`` and
``col`` (IntSliders 0-6, the output position). A position outside the output
(for instance row 5 with padding 1, whose output is 5x5) is an impossible
setting: the widget says so in its message area instead of raising.
"""
from __future__ import annotations

import html

import numpy as np

from ..lecture import GREY_IMAGE, KERNEL_C, SHARPEN

__all__ = ["KERNELS", "MAX_PADDING", "MAX_POSITION", "step_html", "conv_stepper", "bench_steps"]

#: The kernels offered (integers, so every product is readable).
KERNELS = {
    "sharpen (lecture)": SHARPEN,
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box (sum of 3x3)": np.ones((3, 3), dtype=int),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "lecture 5x5 (c)": KERNEL_C,
}
MAX_PADDING = 2
#: Largest row/col on the sliders: the output of the 5x5 image, 3x3 kernel, padding 2 is 7x7.
MAX_POSITION = GREY_IMAGE.shape[0] + 2 * MAX_PADDING - 3

_CELL = "border:1px solid #bbb;height:1.6em;text-align:center;font:12px monospace;padding:1px;"
_WIN = "background:#fff2a8;"
_CUR = "background:#ffb3b3;font-weight:bold;"


def _table(a, title, styles=None, width="2.6em"):
    rows = []
    for r in range(a.shape[0]):
        cells = []
        for c in range(a.shape[1]):
            v = a[r, c]
            text = "" if v is None else html.escape(str(v))
            extra = styles.get((r, c), "") if styles else ""
            cells.append(f'<td style="{_CELL}width:{width};{extra}">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div style="display:inline-block;vertical-align:top;margin:0 12px 6px 0">'
            f'<div style="font:12px sans-serif;margin-bottom:2px">{html.escape(title)}</div>'
            f'<table style="border-collapse:collapse">{"".join(rows)}</table></div>')


def step_html(kernel, padding, row, col, image=GREY_IMAGE):
    """Render one step of the convolution of ``image`` with ``kernel``.

    Args:
        kernel: (kH, kW) integer array.
        padding: zeros added on each side of ``image``.
        row, col: the output position.
        image: (H, W) integer array (default: the lecture's 5x5 image).

    Returns:
        ``(view_html, message)``: ``message`` is ``""`` when the position
        exists, else a plain sentence saying why not (and ``view_html`` then
        shows only the padded input and the kernel). Never raises for a
        position outside the output.
    """
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"step_html: image and kernel must be 2-D; got shapes {image.shape} and {kernel.shape}")
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)) or padding < 0:
        raise ValueError(f"step_html: padding must be a non-negative int; got {padding!r}")
    kH, kW = kernel.shape
    padded = np.pad(image, padding)
    H_out, W_out = padded.shape[0] - kH + 1, padded.shape[1] - kW + 1
    kernel_table = _table(kernel.astype(object), "kernel")
    if H_out < 1 or W_out < 1 or not (0 <= row < H_out and 0 <= col < W_out):
        size = f"{H_out}x{W_out}" if H_out > 0 and W_out > 0 else "empty"
        message = (f"Position ({row}, {col}) does not exist: with padding {padding} and a {kH}x{kW} kernel "
                   f"the output is {size}. Choose row and col below {max(H_out, 0)}.")
        return _table(padded.astype(object), f"padded input ({padded.shape[0]}x{padded.shape[1]})") + kernel_table, message

    win = padded[row:row + kH, col:col + kW]
    prods = win * kernel
    total = prods.sum()
    styles = {(row + r, col + c): _WIN for r in range(kH) for c in range(kW)}
    products = np.array([[f"{win[r, c]}×{kernel[r, c]}" if kernel[r, c] >= 0 else f"{win[r, c]}×({kernel[r, c]})"
                          for c in range(kW)] for r in range(kH)], dtype=object)
    terms = " + ".join(f"({p})" if p < 0 else str(p) for p in prods.ravel() if p != 0) or "0"
    note = " (zero products left out)" if (prods == 0).any() else ""
    out = np.full((H_out, W_out), None, dtype=object)
    for r in range(H_out):  # the output so far, row by row, up to this position
        for c in range(W_out):
            if (r, c) <= (row, col):
                out[r, c] = padded[r:r + kH, c:c + kW].ravel() @ kernel.ravel()
    view = (
        _table(padded.astype(object), f"padded input ({padded.shape[0]}x{padded.shape[1]}), window at ({row}, {col})", styles)
        + kernel_table
        + _table(products, "window × kernel", width="5.2em")
        + _table(out, f"output ({H_out}x{W_out})", {(row, col): _CUR})
        + f'<div style="font:13px monospace;margin-top:4px">output[{row}, {col}] = {html.escape(terms)} = <b>{total}</b>{note}</div>'
    )
    return view, ""


def conv_stepper():
    """The widget: returns its root ``ipywidgets.VBox`` (CSS class ``cnn-widget``).

    The view is an ``ipywidgets.HTML`` (class ``cnn-widget-view``) and the
    message area another (class ``cnn-widget-message``); the controls are in
    ``root.controls`` (a dict: kernel, padding, row, col).
    """
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    kernel = widgets.Dropdown(options=list(KERNELS), value="sharpen (lecture)", description="kernel", style=style)
    padding = widgets.IntSlider(value=1, min=0, max=MAX_PADDING, description="padding", style=style)
    row = widgets.IntSlider(value=0, min=0, max=MAX_POSITION, description="row", style=style)
    col = widgets.IntSlider(value=0, min=0, max=MAX_POSITION, description="col", style=style)
    view = widgets.HTML()
    view.add_class("cnn-widget-view")
    message = widgets.HTML()
    message.add_class("cnn-widget-message")

    def redraw(_=None):
        body, text = step_html(KERNELS[kernel.value], padding.value, row.value, col.value)
        view.value = body
        message.value = f'<p style="color:#a40000;font:13px sans-serif">{html.escape(text)}</p>' if text else ""

    for control in (kernel, padding, row, col):
        control.observe(redraw, names="value")
    redraw()
    root = widgets.VBox([widgets.HBox([kernel, padding]), widgets.HBox([row, col]), message, view])
    root.add_class("cnn-widget")
    root.controls = {"kernel": kernel, "padding": padding, "row": row, "col": col}
    root.view, root.message = view, message
    return root


def bench_steps(widget):
    """Zero-argument callables, each changing one control of ``widget`` (for the benchmark).

    They keep to positions that exist (row and col at most 2, 3x3 kernels), so
    every call redraws the full view.
    """
    c = widget.controls

    def cycle(control, values):
        state = {"i": 0}

        def step():
            state["i"] = (state["i"] + 1) % len(values)
            control.value = values[state["i"]]
        return step

    return [
        cycle(c["col"], [1, 2, 0]),
        cycle(c["row"], [1, 2, 0]),
        cycle(c["padding"], [2, 0, 1]),
        cycle(c["kernel"], [name for name, k in KERNELS.items() if k.shape == (3, 3)]),
    ]
