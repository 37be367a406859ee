"""The kernel playground (lesson 02): pick a photo and a kernel, or type one,
and see the input, the kernel's numbers and the filtered result side by side.

The logic is plain functions that tests call without a browser:

- :func:`choose_kernel` turns the kernel dropdown and the typed text into a
  (kH, kW) array (or a ``ValueError`` in words);
- :func:`playground_view` filters a photo with :func:`helpers.filtering.filter2d`
  and returns the whole view as one HTML string (two PNG images and the
  kernel as a table of numbers);
- :func:`playground_update` does both and returns ``(html, message)``: for a
  malformed kernel ``html`` is ``None`` and ``message`` says what is wrong.

:func:`kernel_playground` wires core ipywidgets (7.7 and 8) to them; every
change replaces the value of one ``ipywidgets.HTML`` (the view), nothing else.
"""
from __future__ import annotations

import base64
import functools
import html
import io

import numpy as np

from ..data import photo
from ..filtering import BORDERS, filter2d, for_display
from ..kernels import format_kernel, gallery, normalise as normalise_kernel, parse_kernel

__all__ = [
    "PHOTO_CHOICES",
    "TYPED",
    "MAX_KERNEL",
    "PHOTO_SIZE",
    "playground_photo",
    "choose_kernel",
    "display_image",
    "kernel_table_html",
    "playground_view",
    "playground_update",
    "kernel_playground",
    "bench_steps",
]

#: Dropdown label -> (helpers.data photo name, grey?).
PHOTO_CHOICES = {
    "camera (grey)": ("camera", True),
    "coins (grey)": ("coins", True),
    "astronaut (colour)": ("astronaut", False),
    "chelsea (colour)": ("chelsea", False),
    "coffee (colour)": ("coffee", False),
}
#: The kernel dropdown's entry that means "use the typed kernel".
TYPED = "typed (below)"
#: The largest typed kernel side (keeps a redraw fast).
MAX_KERNEL = 15
#: Longer side of the photos, in pixels.
PHOTO_SIZE = 160


@functools.lru_cache(maxsize=None)
def playground_photo(label: str) -> np.ndarray:
    """The photo behind a dropdown label: (H, W) or (H, W, 3) float32 in [0, 1], longer side 160 px."""
    if label not in PHOTO_CHOICES:
        raise ValueError(f"playground_photo: label must be one of {list(PHOTO_CHOICES)}; got {label!r}")
    name, grey = PHOTO_CHOICES[label]
    img = photo(name, gray=grey, size=PHOTO_SIZE).astype(np.float32)
    img.setflags(write=False)
    return img


def choose_kernel(choice: str, text: str = "") -> np.ndarray:
    """The kernel for the dropdown ``choice``: a gallery kernel by name, or ``text`` parsed when ``choice == TYPED``.

    Raises ``ValueError`` with a plain-words message for an unknown name or a
    malformed typed kernel (see :func:`helpers.kernels.parse_kernel`).
    """
    if choice == TYPED:
        return parse_kernel(text, max_size=MAX_KERNEL)
    kernels = gallery()
    if choice not in kernels:
        raise ValueError(f"unknown kernel {choice!r}; choose one of {list(kernels) + [TYPED]}")
    return kernels[choice]


def display_image(result: np.ndarray, signed: bool) -> np.ndarray:
    """Map a filter result to uint8 (0..255) for display; see :func:`helpers.filtering.for_display`."""
    return np.rint(for_display(result, signed) * 255).astype(np.uint8)


def _png_uri(img8: np.ndarray) -> str:
    from PIL import Image  # matplotlib's own dependency

    buf = io.BytesIO()
    Image.fromarray(img8).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@functools.lru_cache(maxsize=None)
def _photo_uri(label: str) -> str:
    return _png_uri(display_image(playground_photo(label), signed=False))


def kernel_table_html(kernel: np.ndarray) -> str:
    """The kernel as an HTML table: one cell per entry, its number written in, blue for positive, red for negative."""
    k = np.asarray(kernel, dtype=np.float64)
    m = np.abs(k).max() or 1.0
    fs = 13 if max(k.shape) <= 5 else (11 if max(k.shape) <= 9 else 9)
    rows = []
    for row in k:
        cells = []
        for v in row:
            a = abs(v) / m
            colour = f"rgba(31,119,180,{0.75 * a:.2f})" if v > 0 else f"rgba(214,39,40,{0.75 * a:.2f})"
            text = "0" if v == 0 else f"{v:.3g}"
            cells.append(
                f'<td style="border:1px solid #999;padding:2px 4px;text-align:center;'
                f'font-size:{fs}px;background:{colour}">{text}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table style="border-collapse:collapse;margin:auto">' + "".join(rows) + "</table>"


def _figure(uri: str, caption: str) -> str:
    return (
        '<div style="text-align:center;margin:0 8px">'
        f'<img src="{uri}" style="width:240px;height:auto;display:block;margin:auto"/>'
        f'<div style="font-size:12px">{html.escape(caption)}</div></div>'
    )


def playground_view(photo_label: str, kernel, border: str = "zero", normalise: bool = False) -> str:
    """Filter the photo and return the view: input | kernel (numbers) | result, as one HTML string.

    The result is shown clipped to [0, 1] when the (normalised) kernel sums
    to something other than 0, and with 0 as mid-grey when it sums to 0
    (edge kernels), as the caption says.
    """
    img = playground_photo(photo_label)
    k = np.asarray(kernel, dtype=np.float64)
    used = normalise_kernel(k) if normalise else k
    total = float(used.sum())
    signed = abs(total) < 1e-9
    result = filter2d(img, used, border=border)
    kH, kW = used.shape
    notes = [f"{kH}x{kW}, sum {total:.3g}"]
    if normalise:
        notes.append("divided by its sum" if abs(k.sum()) > 1e-12 else "sums to 0: left as it is")
    if kH % 2 == 0 or kW % 2 == 0:
        notes.append("even size: no centre pixel, the result shifts by half a pixel")
    how = "0 is mid-grey (kernel sums to 0)" if signed else "clipped to [0, 1]"
    H, W = img.shape[:2]
    middle = (
        '<div style="text-align:center;margin:0 8px;align-self:center">'
        + kernel_table_html(used)
        + f'<div style="font-size:12px;margin-top:4px">kernel: {html.escape("; ".join(notes))}</div></div>'
    )
    return (
        '<div style="display:flex;flex-direction:row;align-items:flex-start">'
        + _figure(_photo_uri(photo_label), f"input: {photo_label}, {H}x{W}")
        + middle
        + _figure(_png_uri(display_image(result, signed)), f"result ({border} border): {how}")
        + "</div>"
    )


def playground_update(photo_label: str, choice: str, text: str, border: str, normalise: bool):
    """One redraw's logic: ``(html, "")`` when all is well, ``(None, message)`` for a malformed kernel."""
    try:
        kernel = choose_kernel(choice, text)
        return playground_view(photo_label, kernel, border, normalise), ""
    except ValueError as exc:
        what = "typed kernel" if choice == TYPED else "kernel"
        return None, f"Cannot use this {what}: {exc}"


def kernel_playground(photo_label: str = "camera (grey)", kernel: str = "lecture (c)", border: str = "zero", normalise: bool = False):
    """The playground widget (a VBox with CSS class ``cnn-widget``).

    Controls: ``photo`` (Dropdown), ``kernel`` (Dropdown: the gallery, the
    lecture's (a), (b), (c), and "typed (below)"), ``typed kernel``
    (Textarea: rows of numbers such as ``0 -1 0; -1 5 -1; 0 -1 0``),
    ``normalise`` (Checkbox), ``border`` (ToggleButtons). Choosing a gallery
    kernel writes its numbers into the text box; editing the text box
    switches the dropdown to "typed (below)". The view is one
    ``ipywidgets.HTML`` (class ``cnn-widget-view``); problems appear in an
    ``ipywidgets.HTML`` of class ``cnn-widget-message``.

    The returned box also carries ``.controls`` (description -> control),
    ``.view`` and ``.message``, for tests and :func:`bench_steps`.

    >>> w = kernel_playground("coins (grey)", "sobel x", border="replicate")
    >>> w.controls["kernel"].value, "<img" in w.view.value, w.message.value
    ('sobel x', True, '')
    """
    import ipywidgets as widgets

    if photo_label not in PHOTO_CHOICES:
        raise ValueError(f"kernel_playground: photo_label must be one of {list(PHOTO_CHOICES)}; got {photo_label!r}")
    names = list(gallery()) + [TYPED]
    if kernel not in names:
        raise ValueError(f"kernel_playground: kernel must be one of {names}; got {kernel!r}")
    if border not in BORDERS:
        raise ValueError(f"kernel_playground: border must be one of {list(BORDERS)}; got {border!r}")
    wide = {"description_width": "initial"}
    photo_w = widgets.Dropdown(options=list(PHOTO_CHOICES), value=photo_label, description="photo", style=wide)
    kernel_w = widgets.Dropdown(options=names, value=kernel, description="kernel", style=wide)
    start_text = format_kernel(gallery()[kernel]) if kernel != TYPED else "0 -1 0; -1 5 -1; 0 -1 0"
    text_w = widgets.Textarea(
        value=start_text,
        placeholder="rows of numbers, e.g. 0 -1 0; -1 5 -1; 0 -1 0",
        description="typed kernel",
        rows=5,
        style=wide,
        layout=widgets.Layout(width="360px"),
    )
    norm_w = widgets.Checkbox(value=bool(normalise), description="normalise (divide by the sum)", style=wide, indent=False)
    border_w = widgets.ToggleButtons(options=list(BORDERS), value=border, description="border", style=wide)
    message = widgets.HTML(value="")
    message.add_class("cnn-widget-message")
    view = widgets.HTML(value="")
    view.add_class("cnn-widget-view")
    syncing = {"on": False}

    def redraw(_=None):
        out, msg = playground_update(photo_w.value, kernel_w.value, text_w.value, border_w.value, norm_w.value)
        message.value = f'<span style="color:#b00020">{html.escape(msg)}</span>' if msg else ""
        if out is not None:
            view.value = out

    def on_kernel(change):
        if kernel_w.value != TYPED:
            syncing["on"] = True
            try:
                text_w.value = format_kernel(gallery()[kernel_w.value])
            finally:
                syncing["on"] = False
        redraw()

    def on_text(change):
        if syncing["on"]:
            return
        if kernel_w.value != TYPED:
            syncing["on"] = True
            try:
                kernel_w.value = TYPED
            finally:
                syncing["on"] = False
        redraw()

    kernel_w.observe(lambda c: None if syncing["on"] else on_kernel(c), names="value")
    text_w.observe(on_text, names="value")
    for w in (photo_w, norm_w, border_w):
        w.observe(redraw, names="value")
    redraw()
    root = widgets.VBox(
        [widgets.HBox([photo_w, kernel_w]), widgets.HBox([text_w, widgets.VBox([norm_w, border_w])]), message, view]
    )
    root.add_class("cnn-widget")
    root.controls = {"photo": photo_w, "kernel": kernel_w, "typed kernel": text_w, "normalise": norm_w, "border": border_w}
    root.view, root.message = view, message
    return root


def _cycle(control, values):
    state = {"i": 0}

    def step():
        control.value = values[state["i"] % len(values)]
        state["i"] += 1

    return step


def bench_steps(widget) -> list:
    """Zero-argument callables, each changing one control of a :func:`kernel_playground` (for the redraw benchmark)."""
    c = widget.controls
    photos = list(c["photo"].options)
    kernels = [k for k in c["kernel"].options if k != TYPED]
    return [
        _cycle(c["photo"], photos[1:] + photos[:1]),
        _cycle(c["kernel"], kernels[1:] + kernels[:1]),
        _cycle(c["typed kernel"], ["1 2 1; 2 4 2; 1 2 1", "0 -1 0; -1 5 -1; 0 -1 0", "-1 0 1; -2 0 2; -1 0 1"]),
        _cycle(c["normalise"], [not c["normalise"].value, c["normalise"].value]),
        _cycle(c["border"], list(c["border"].options)[1:] + list(c["border"].options)[:1]),
    ]
