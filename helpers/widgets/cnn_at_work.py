"""The "CNN at work" widget (lesson 06; lesson 09 reuses it): draw a digit,
or pick a test digit and shift or rotate it, and watch every layer of a
trained CNN and its ten class probabilities change.

    cnn_at_work(model, images=None, labels=None, canvas=True)

The view is one ``ipywidgets.Image`` (CSS class ``cnn-widget-view``) whose PNG
comes from a figure drawn once and updated (:class:`CNNFigure`): the input as
the network sees it (28x28), the feature maps of conv1, relu1, pool1, conv2,
relu2, pool2 (one tile per channel, each stage on one colour scale: red
positive, blue negative), and the class probabilities as bars. Beside it, an
``ipywidgets.HTML`` (also ``cnn-widget-view``) states the prediction; its
``<span class="cnn-prediction">`` carries ``data-prediction``,
``data-probabilities`` and ``data-stages`` (each stage's sum of |activation|)
for the browser test. Problems appear in ``cnn-widget-message``.

The drawing comes from :class:`helpers.widgets.draw_canvas.DrawCanvas` and is
prepared as MNIST's digits were (:mod:`helpers.digit_preprocess`). Without
anywidget (or with ``canvas=False``) the same view works from core widgets
only: pick a test digit, shift it, rotate it. A stroke switches the view to
the drawing; moving "test digit" or clearing the canvas switches back. The
shift and rotation apply to whichever is shown.

The logic is plain functions (:mod:`helpers.cnn_stages`, :func:`view_run`,
:meth:`CNNFigure.update`) that the tests call without a browser.
"""
from __future__ import annotations

import html

import numpy as np

from ..cnn_stages import STAGES, CNNRun, check_digits, check_model, digit_input, run_cnn
from ..digit_preprocess import mnist_steps, rasterize_strokes

__all__ = ["mosaic", "CNNFigure", "view_run", "summary_html", "cnn_at_work", "bench_widget", "bench_steps"]

TILES_PER_COLUMN = 8
TILE = 42  # display pixels per feature-map tile (nearest sampling: a 7x7 map shows 7x7 blocks)
GAP = 3  # display pixels between tiles
INPUT_SCALE = 7  # display pixels per input pixel


def _lut(name: str) -> np.ndarray:
    from matplotlib import colormaps

    return (colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).round().astype(np.uint8)


def _layout(C: int) -> tuple:
    rows = min(C, TILES_PER_COLUMN)
    cols = -(-C // TILES_PER_COLUMN)
    return rows, cols, rows * TILE + (rows - 1) * GAP, cols * TILE + (cols - 1) * GAP


def mosaic(fmaps: np.ndarray) -> np.ndarray:
    """(C, h, w) feature maps -> one (H_px, W_px) display image: channels in
    columns of 8 tiles of TILE x TILE pixels (nearest sampling keeps the
    stage's own resolution visible), divided by the stage's largest |value|
    (so in [-1, 1]); NaN between tiles."""
    C, h, w = fmaps.shape
    rows, cols, H_px, W_px = _layout(C)
    scale = float(np.abs(fmaps).max()) or 1.0
    up = fmaps[:, (np.arange(TILE) * h // TILE)][:, :, (np.arange(TILE) * w // TILE)] / scale
    out = np.full((H_px, W_px), np.nan)
    for c in range(C):
        r, k = (c % rows) * (TILE + GAP), (c // rows) * (TILE + GAP)
        out[r:r + TILE, k:k + TILE] = up[c]
    return out


class CNNFigure:
    """The widget's picture, laid out once for a model's stage shapes; :meth:`update` redraws it.

    Everything that does not change (titles, arrows, frames, class labels) is
    drawn once by matplotlib and kept as a background. An update restores it,
    draws the bars, their numbers and the prediction (matplotlib artists), and
    paints the input and the feature maps as pixels (:func:`mosaic` through a
    colour table: red positive, white 0, blue negative), then encodes a PNG.
    ``savefig`` would lay out every text and resample every image again: about
    three times slower. Attributes for tests: ``fig``, ``rects`` (name ->
    (top, left, height, width) in PNG pixels, for "input" and each stage),
    ``bars`` (K bar patches, widths = probabilities), ``title`` (its Text),
    ``last`` (the last (H, W, 3) uint8 picture).
    """

    def __init__(self, run: CNNRun, dpi: int = 80):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        side = run.image.shape[0]
        shapes = {n: run.stages[n].shape for n in STAGES}
        pad, col_gap, top, bottom, arrow, bar_left, bar_w = 14, 16, 58, 30, 34, 30, 190
        col_h = max(_layout(C)[2] for C, _, _ in shapes.values())
        in_w = side * INPUT_SCALE
        body = max(col_h, in_w)
        W = pad + in_w + arrow + sum(_layout(C)[3] + col_gap for C, _, _ in shapes.values()) - col_gap
        W += arrow + bar_left + bar_w + 20
        H = top + body + bottom
        self.fig = fig = Figure(figsize=(W / dpi, H / dpi), dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(fig)
        self.rects = {}

        def axes(x, y_top, w, h):
            return fig.add_axes([x / W, 1 - (y_top + h) / H, w / W, h / H])

        def text(x, y_top, s, **kw):
            return fig.text(x / W, 1 - y_top / H, s, **kw)

        y0 = top + (body - col_h) // 2
        yi = top + (body - in_w) // 2
        self.rects["input"] = (yi, pad, in_w, in_w)
        frame = axes(pad - 1, yi - 1, in_w + 2, in_w + 2)
        frame.set_xticks([])
        frame.set_yticks([])
        frame.patch.set_alpha(0)
        text(pad + in_w / 2, yi - 22, "input 28×28", ha="center", fontsize=11)
        self.caption = text(pad + in_w / 2, yi - 6, "", ha="center", fontsize=10, color="#444")
        x = pad + in_w
        text(x + arrow / 2, top + body / 2, "→", ha="center", va="center", fontsize=18, color="#888")
        x += arrow
        for name, (C, h, w) in shapes.items():
            _, _, H_px, W_px = _layout(C)
            self.rects[name] = (y0, x, H_px, W_px)
            text(x + W_px / 2, y0 - 6, f"{name}\n{C} maps\n{h}×{w}", ha="center", fontsize=10, linespacing=1.15)
            x += W_px + col_gap
        x -= col_gap
        text(pad + in_w + arrow, y0 + col_h + 20, "feature maps, one tile per channel: red > 0 > blue "
             "(each stage on its own scale)", fontsize=9, color="#555")
        text(x + arrow / 2, top + body / 2, "→", ha="center", va="center", fontsize=18, color="#888")
        K = len(run.probabilities)
        bx = axes(x + arrow + bar_left, y0 + 4, bar_w, col_h - 4)
        self.bars = list(bx.barh(np.arange(K), np.zeros(K), color="#95a5a6", height=0.72))
        self.values = [bx.text(0.02, i, "", va="center", fontsize=10) for i in range(K)]
        for i in range(K):
            bx.text(-0.05, i, str(i), va="center", ha="right", fontsize=12)
        bx.axvline(0, color="#444", lw=1)
        bx.set_ylim(K - 0.5, -0.5)
        bx.set_xlim(0, 1.25)
        bx.axis("off")
        text(x + arrow + bar_left + bar_w / 2, y0 + col_h + 20, "class probabilities", ha="center", fontsize=9, color="#555")
        self.title = text(x + arrow + bar_left + bar_w / 2, y0 - 10, "", ha="center", fontsize=13, fontweight="bold")
        self._dynamic = [self.caption, *self.bars, *self.values, self.title]
        for artist in self._dynamic:
            artist.set_animated(True)  # left out of the full draw: the background
        self._background = None
        self._grey, self._signed = _lut("gray"), _lut("RdBu_r")
        self.last = None

    def update(self, run: CNNRun, caption: str = "") -> bytes:
        """Show ``run`` (same stage shapes as the first); returns the PNG bytes."""
        import io

        from PIL import Image

        self.caption.set_text(caption)
        for i, (bar, text, p) in enumerate(zip(self.bars, self.values, run.probabilities)):
            bar.set_width(p)
            bar.set_color("#e67e22" if i == run.prediction else "#95a5a6")
            text.set_x(p + 0.02)
            text.set_text(f"{p:.2f}")
        self.title.set_text(f"prediction: {run.prediction}")
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        rgb = np.array(np.asarray(self.canvas.buffer_rgba())[..., :3])
        t, l, h, w = self.rects["input"]
        level = np.clip(np.rint(run.image * 255), 0, 255).astype(np.intp)
        rgb[t:t + h, l:l + w] = np.repeat(np.repeat(self._grey[level], INPUT_SCALE, 0), INPUT_SCALE, 1)
        for name in STAGES:
            t, l, h, w = self.rects[name]
            m = mosaic(run.stages[name])
            gap = np.isnan(m)
            level = np.clip(np.rint((np.where(gap, 0, m) + 1) * 127.5), 0, 255).astype(np.intp)
            tile = self._signed[level]
            tile[gap] = 255
            rgb[t:t + h, l:l + w] = tile
        self.last = rgb
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


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


def summary_html(run: CNNRun, what: str) -> str:
    """The prediction as HTML (with data attributes the browser test reads)."""
    probs = " ".join(f"{p:.6f}" for p in run.probabilities)
    sums = ";".join(f"{n}:{float(np.abs(a).sum()):.6g}" for n, a in run.stages.items())
    p = run.probabilities[run.prediction]
    return (
        f'<div style="font-family:sans-serif;font-size:14px;line-height:1.5">'
        f'<span class="cnn-prediction" data-prediction="{run.prediction}" data-probabilities="{probs}" '
        f'data-stages="{sums}">The CNN says <b style="font-size:20px;color:#d35400">{run.prediction}</b> '
        f"(probability {p:.2f})</span><br><span style=\"color:#555\">{html.escape(what)}</span></div>"
    )


def cnn_at_work(model, images=None, labels=None, canvas: bool = True):
    """The widget (a VBox with CSS class ``cnn-widget``).

    Args:
        model: a trained :func:`helpers.models.digit_cnn`-style ``nn.Sequential``
            (children conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc),
            float32 or float64.
        images: (N, 28, 28) or (N, 1, 28, 28) test digits in [0, 1], or None
            (drawing only).
        labels: (N,) their classes, or None.
        canvas: show the drawing canvas (needs anywidget; without it, a note).

    Controls: ``test digit`` (IntSlider over ``images``; absent without them),
    ``shift x``, ``shift y`` (IntSliders, pixels), ``rotate`` (IntSlider,
    degrees counter-clockwise). The box carries ``.controls``, ``.view``,
    ``.summary``, ``.message``, ``.canvas`` (or None) and ``.figure`` for tests.

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
    lay = widgets.Layout(width="330px")
    controls = {}
    if images is not None:
        controls["test digit"] = widgets.IntSlider(0, 0, len(images) - 1, description="test digit", style=wide, layout=lay)
    controls["shift x"] = widgets.IntSlider(0, -8, 8, description="shift x", style=wide, layout=lay)
    controls["shift y"] = widgets.IntSlider(0, -8, 8, description="shift y", style=wide, layout=lay)
    controls["rotate"] = widgets.IntSlider(0, -90, 90, step=5, description="rotate", style=wide, layout=lay)
    message = widgets.HTML(value="")
    message.add_class("cnn-widget-message")
    summary = widgets.HTML(value="", layout=widgets.Layout(min_height="60px", width="330px"))
    summary.add_class("cnn-widget-view")
    view = widgets.Image(format="png")
    view.add_class("cnn-widget-view")
    state = {"source": "digit" if images is not None else "drawing", "figure": None}

    def redraw(_=None):
        c = {k: w.value for k, w in controls.items()}
        dx, dy, angle = c["shift x"], c["shift y"], c["rotate"]
        try:
            if state["source"] == "drawing":
                run, _, msg = view_run(model, strokes=list(draw.strokes) if draw else [], dx=dx, dy=dy, angle=angle)
                what = "input: your drawing, cropped, scaled to 20 px and centred by mass as MNIST"
            else:
                i = c["test digit"]
                run, _, msg = view_run(model, images[i], dx=dx, dy=dy, angle=angle)
                what = f"input: test digit {i}" + (f" (label {labels[i]})" if labels is not None else "")
        except (ValueError, TypeError) as exc:
            message.value = f'<span style="color:#b00020">Cannot show this input: {html.escape(str(exc))}</span>'
            return
        moved = [f"shifted {dx:+d} x, {dy:+d} y"] if dx or dy else []
        moved += [f"rotated {angle:+d}°"] if angle else []
        what += (", " + ", ".join(moved)) if moved else ""
        message.value = f'<span style="color:#b00020">{html.escape(msg)}</span>' if msg else ""
        if state["figure"] is None:
            state["figure"] = CNNFigure(run)
        caption = "your drawing" if state["source"] == "drawing" else (
            f"digit {c['test digit']}" + (f", label {labels[c['test digit']]}" if labels is not None else ""))
        view.value = state["figure"].update(run, caption)
        summary.value = summary_html(run, what)

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
    side = [w for w in controls.values()] + [summary]
    left = [draw] if draw is not None else []
    if note:
        side.append(widgets.HTML(f'<span style="color:#555">{html.escape(note)}</span>'))
    root = widgets.VBox([widgets.HBox(left + [widgets.VBox(side)], layout=widgets.Layout(gap="24px", align_items="flex-start")), message, view])
    root.add_class("cnn-widget")
    root.controls, root.view, root.summary, root.message, root.canvas = controls, view, summary, message, draw
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
