"""The "CNN at work" widget (lesson 06; lesson 09 reuses it): draw a digit,
or pick a test digit and shift or rotate it, and watch every layer of a
trained CNN and its ten class probabilities change.

    cnn_at_work(model, images=None, labels=None, canvas=True)

The view is an ``ipywidgets.Image`` (CSS class ``cnn-widget-view``) whose PNG
comes from a picture laid out once and updated (:class:`CNNFigure`): the input
as the network sees it (28x28) and the feature maps of conv1, relu1, pool1,
conv2, relu2, pool2 (one tile per channel, each stage on one colour scale: red
positive, blue negative); beside it an ``ipywidgets.HTML`` (also
``cnn-widget-view``, :func:`probabilities_html`) with the predicted class and
the class probabilities as bars. Its ``<div class="cnn-prediction">`` carries
``data-prediction``, ``data-probabilities`` and ``data-stages`` (each stage's
sum of |activation|) for the browser test. Problems (an empty drawing) appear
in the ``cnn-widget-message`` HTML.

The drawing comes from :class:`helpers.widgets.draw_canvas.DrawCanvas` and is
prepared as MNIST's digits were (:mod:`helpers.digit_preprocess`). Without
anywidget (or with ``canvas=False``) the same view works from core widgets
only: pick a test digit, shift it, rotate it. A stroke switches the view to
the drawing; moving "test digit" or clearing the canvas switches back. The
shift and rotation apply to whichever is shown.

The logic is plain functions (:mod:`helpers.cnn_stages`, :func:`view_run`,
:mod:`helpers.widgets.cnn_figure`) that the tests call without a browser.
"""
from __future__ import annotations

import html

import numpy as np

from ..cnn_stages import check_digits, check_model, digit_input, run_cnn
from ..digit_preprocess import mnist_steps, rasterize_strokes
from .cnn_figure import CNNFigure, probabilities_html

__all__ = ["view_run", "cnn_at_work", "bench_widget", "bench_steps"]

def view_run(model, image=None, strokes=None, dx=0, dy=0, angle=0.0):
    """What the widget shows: ``(run, steps, message)``.

    The input is ``strokes`` (a drawing, prepared as MNIST was; ``steps`` is
    :func:`helpers.digit_preprocess.mnist_steps`'s result) when given, else
    ``image`` (28, 28); then rotated by ``angle`` and shifted by ``(dx, dy)``
    (:func:`helpers.cnn_stages.digit_input`). ``message`` is "" or why the
    drawing could not be used (an empty drawing: the input is zeros).
    """
    steps, message = None, ""
    if strokes is not None:
        steps = mnist_steps(rasterize_strokes(strokes))
        image, message = steps.mnist, steps.message
    elif image is None:
        raise ValueError("view_run: give image (28, 28) or strokes")
    return run_cnn(model, digit_input(image, dx, dy, angle)), steps, message


def cnn_at_work(model, images=None, labels=None, canvas: bool = True):
    """The widget (a VBox with CSS class ``cnn-widget``).

    Args:
        model: a trained ``nn.Sequential`` that takes (N, 1, 28, 28) digits
            and returns (N, K) class scores, float32 or float64, such as
            :func:`helpers.models.digit_cnn` (conv1, relu1, pool1, conv2,
            relu2, pool2, flatten, fc). Every child whose output is
            (N, C, H, W) is shown, under its name.
        images: (N, 28, 28) or (N, 1, 28, 28) test digits in [0, 1], or None
            (drawing only).
        labels: (N,) their classes, or None.
        canvas: show the drawing canvas (needs anywidget; without it, a note).

    Controls: ``test digit`` (IntSlider over ``images``; absent without them),
    ``shift x``, ``shift y`` (IntSliders, pixels), ``rotate`` (IntSlider,
    degrees counter-clockwise). The box carries ``.controls`` (description ->
    slider), ``.view`` (the Image), ``.probabilities`` (the HTML), ``.source``
    (the HTML saying what the input is), ``.message``, ``.drawing_steps()``
    (:func:`helpers.digit_preprocess.mnist_steps` of the drawing now on the
    canvas, for :func:`helpers.digit_preprocess.show_steps`),
    ``.canvas`` (the DrawCanvas or None) and ``.figure`` (:class:`CNNFigure`)
    for tests and :func:`bench_steps`.

    >>> from helpers.models import digit_cnn
    >>> w = cnn_at_work(digit_cnn(seed=0).double(), np.zeros((3, 28, 28)), canvas=False)
    >>> sorted(w.controls), len(w.view.value) > 0
    (['rotate', 'shift x', 'shift y', 'test digit'], True)
    """
    import ipywidgets as widgets

    check_model(model, "cnn_at_work")
    if images is not None:
        images, labels = check_digits(images, labels, "cnn_at_work")
    elif labels is not None:
        raise ValueError("cnn_at_work: labels were given without images")
    draw = None
    note = ""
    if canvas:
        try:
            from .draw_canvas import DrawCanvas

            draw = DrawCanvas()
        except ImportError:
            note = "The drawing canvas needs the anywidget package (pip install anywidget); the sliders work without it."
    if images is None and draw is None:
        raise ValueError("cnn_at_work: give images to pick from, or keep canvas=True with anywidget installed")

    wide = {"description_width": "initial"}
    lay = widgets.Layout(width="340px")
    controls = {}
    if images is not None:
        controls["test digit"] = widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="test digit", style=wide, layout=lay)
    controls["shift x"] = widgets.IntSlider(value=0, min=-8, max=8, description="shift x", style=wide, layout=lay)
    controls["shift y"] = widgets.IntSlider(value=0, min=-8, max=8, description="shift y", style=wide, layout=lay)
    controls["rotate"] = widgets.IntSlider(value=0, min=-90, max=90, step=5, description="rotate", style=wide, layout=lay)
    message = widgets.HTML(value="")
    message.add_class("cnn-widget-message")
    view = widgets.Image(format="png")
    view.add_class("cnn-widget-view")
    probs = widgets.HTML(value="", layout=widgets.Layout(margin="30px 0 0 8px"))
    source = widgets.HTML(value="")
    probs.add_class("cnn-widget-view")
    state = {"source": "digit" if images is not None else "drawing", "figure": None}

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        dx, dy, angle = c["shift x"], c["shift y"], c["rotate"]
        try:
            if state["source"] == "drawing":
                run, _, msg = view_run(model, strokes=list(draw.strokes) if draw else [], dx=dx, dy=dy, angle=angle)
                what = "Input: your drawing, cropped, scaled to 20 px and centred by mass (as MNIST)"
            else:
                i = c["test digit"]
                run, _, msg = view_run(model, images[i], dx=dx, dy=dy, angle=angle)
                what = f"Input: test digit {i}" + (f" (label {labels[i]})" if labels is not None else "")
        except (ValueError, TypeError) as exc:
            message.value = f'<span style="color:#b00020">Cannot show this input: {html.escape(str(exc))}</span>'
            return
        moved = [f"shifted {dx:+d} x, {dy:+d} y"] if dx or dy else []
        moved += [f"rotated {angle:+d}°"] if angle else []
        what += (", " + ", ".join(moved) if moved else "") + "."
        message.value = f'<span style="color:#b00020">{html.escape(msg)}</span>' if msg else ""
        if state["figure"] is None:
            state["figure"] = CNNFigure(run)
        view.value = state["figure"].update(run)
        probs.value = probabilities_html(run)
        source.value = f'<div style="color:#222;font-size:13px;line-height:1.4;max-width:340px;margin-top:4px">{html.escape(what)}</div>'

    def on_digit(_):
        state["source"] = "digit"
        redraw()

    def on_strokes(change):
        state["source"] = "drawing" if change["new"] or images is None else "digit"
        redraw()

    for name, w in controls.items():
        w.observe(on_digit if name == "test digit" else redraw, names="value")
    if draw is not None:
        draw.observe(on_strokes, names="strokes")
    redraw()
    how = ("Draw a digit on the canvas" if draw is not None else "") + (
        (" or pick" if draw is not None else "Pick") + " a test digit" if images is not None else "")
    how += "; shift and rotate move what the network sees."
    side = list(controls.values()) + [source, widgets.HTML(f'<div style="color:#555;font-size:13px;line-height:1.4;max-width:340px;margin-top:8px">{html.escape(how)}'
                                                   + (f"<br>{html.escape(note)}" if note else "") + "</div>")]
    top = ([draw] if draw is not None else []) + [widgets.VBox(side, layout=widgets.Layout(margin="0 0 0 24px"))]
    root = widgets.VBox([widgets.HBox(top), message, widgets.HBox([view, probs], layout=widgets.Layout(flex_flow="row wrap"))])
    root.add_class("cnn-widget")
    root.controls, root.view, root.probabilities, root.message, root.canvas = controls, view, probs, message, draw
    root.source = source
    root.drawing_steps = lambda: mnist_steps(rasterize_strokes(list(draw.strokes) if draw is not None else []))
    root.figure = state["figure"]
    root.redraw = redraw
    return root


# --------------------------------------------------------------- benchmark
#: Strokes of a "1" and a "0" in canvas coordinates (what the browser test draws too).
BENCH_STROKES = {
    "1": [[[0.48, 0.15], [0.5, 0.5], [0.52, 0.85]]],
    "0": [[[0.5, 0.15], [0.3, 0.3], [0.27, 0.55], [0.38, 0.82], [0.6, 0.84], [0.73, 0.6], [0.7, 0.3], [0.5, 0.15]]],
}


def bench_widget():
    """A :func:`cnn_at_work` for the redraw benchmark: an untrained digit_cnn
    (float64; the redraw's cost does not depend on the weights) and 50 digits."""
    from ..data import mnist_digits
    from ..models import digit_cnn

    images, labels = mnist_digits(n=50, dtype=np.float64)
    return cnn_at_work(digit_cnn(seed=0).double(), images, labels)


def bench_steps(widget) -> dict:
    """Zero-argument callables by kind: "slider step" (each slider moved one
    step) and "canvas stroke" (a new stroke arrives from the canvas)."""
    c = widget.controls

    def slide(w):
        vals = [w.min + w.step, w.min + 2 * w.step]
        state = {"i": 0}

        def step():
            w.value = vals[state["i"] % 2]
            state["i"] += 1

        return step

    def stroke():
        strokes = [BENCH_STROKES["1"], BENCH_STROKES["0"]]
        state = {"i": 0}

        def step():
            widget.canvas.strokes = strokes[state["i"] % 2]
            state["i"] += 1

        return step

    out = {"slider step": [slide(w) for w in c.values()]}
    if widget.canvas is not None:
        out["canvas stroke"] = [stroke()]
    return out
