"""The Grad-CAM explorer (lesson 07): pick an image set (digits or faces), an
image, a layer and a class; see the prediction, the Grad-CAM map of that class
at that layer laid over the image, and the saliency map.

The view is one ``ipywidgets.HTML`` whose value is rebuilt by the plain
function :func:`explorer_view` (tests call it without a browser): three PNGs
made with PIL (image, Grad-CAM overlay, saliency) and a caption. The maps come
from :mod:`helpers.explain`. Core ipywidgets only (7.7 and 8): Dropdown,
IntSlider, HTML.
"""
from __future__ import annotations

import base64
import functools
import html as _html
import io
from dataclasses import dataclass

import numpy as np

from .. import explain

__all__ = ["Source", "demo_sources", "explorer_view", "gradcam_explorer", "bench_steps"]

PREDICTED = "predicted class"
_SIDE = 168  # pixels of each picture in the view


@dataclass
class Source:
    """One image set of the explorer: a trained classifier and the images it explains.

    model: maps (N, 1, H, W) to (N, K) logits; images: (N, H, W) in [0, 1];
    labels: (N,) ints; classes: K names; layers: names of the model's conv
    layers that Grad-CAM may use (each outputs (N, C_l, h, w)).
    """

    model: object
    images: np.ndarray
    labels: np.ndarray
    classes: tuple
    layers: tuple


@functools.lru_cache(maxsize=1)
def demo_sources() -> dict:
    """Two small CNNs trained for one short epoch (float32, a few seconds), when no sources are given."""
    from ..data import mnist_digits
    from ..faces import EMOTIONS, make_faces
    from ..models import digit_cnn
    from ..train import fit

    X, y = mnist_digits(700)
    digits = digit_cnn(seed=0)
    fit(digits, (X[:600, None], y[:600]), epochs=1, progress=False)
    F, fy = make_faces(700, size=32, seed=0)
    faces = digit_cnn(num_classes=4, image_size=32, seed=0)
    fit(faces, (F[:600, None], fy[:600]), epochs=2, lr=3e-3, progress=False)
    layers = ("conv1", "relu1", "conv2", "relu2")
    return {
        "digits": Source(digits, X[600:], y[600:], tuple(str(d) for d in range(10)), layers),
        "faces": Source(faces, F[600:], fy[600:], tuple(EMOTIONS), layers),
    }


def _png_uri(rgb8):
    from PIL import Image  # matplotlib's own dependency

    img = Image.fromarray(rgb8).resize((_SIDE, _SIDE), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _colour(a, cmap):
    from matplotlib import colormaps

    return colormaps[cmap](np.clip(a, 0.0, 1.0))[..., :3]


def _figure(uri, caption):
    return (f'<div style="text-align:center;margin:0 6px"><img src="{uri}" style="width:{_SIDE}px;height:{_SIDE}px;'
            f'image-rendering:pixelated;display:block"/><div style="font-size:12px">{_html.escape(caption)}</div></div>')


class _OneThread:
    """Run torch on one thread (a one-image pass on a tiny CNN: threads only add
    waiting, ~25 ms per conv on a busy 2-core machine); restore the setting after."""

    def __enter__(self):
        import torch

        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        import torch

        torch.set_num_threads(self.threads)


def explorer_view(source: Source, index: int, layer: str, target=PREDICTED):
    """The explorer's picture as HTML, and its message.

    Computed on one torch thread.

    Args:
        source: a :class:`Source`.
        index: which image, 0 .. N - 1.
        layer: one of ``source.layers``.
        target: a class name of ``source.classes``, or :data:`PREDICTED`.

    Returns:
        ``(html, message)``; the message is ``""`` or a sentence saying why a
        picture is blank (an index or layer that does not exist, a Grad-CAM
        map that is zero everywhere).
    """
    with _OneThread():
        return _explorer_view(source, index, layer, target)


def _explorer_view(source: Source, index: int, layer: str, target=PREDICTED):
    """The work of :func:`explorer_view`."""
    import torch

    N = len(source.images)
    if not (isinstance(index, (int, np.integer)) and 0 <= index < N):
        return "", f"There is no image {index!r}: pick 0 .. {N - 1}."
    if layer not in source.layers:
        return "", f"Unknown layer {layer!r}: pick one of {', '.join(source.layers)}."
    if target != PREDICTED and target not in source.classes:
        return "", f"Unknown class {target!r}: pick one of {', '.join(source.classes)}."
    img = np.asarray(source.images[index], dtype=np.float64)
    p = next(source.model.parameters())
    x = torch.as_tensor(img, dtype=p.dtype)[None, None]
    with torch.no_grad():
        was = source.model.training
        source.model.eval()
        probs = torch.softmax(source.model(x), dim=1)[0].double().numpy()
        source.model.train(was)
    pred = int(probs.argmax())
    k = pred if target == PREDICTED else source.classes.index(target)
    cam = explain.grad_cam(source.model, layer, x, k)
    sal = explain.saliency(source.model, x, k)[0]
    H, W = img.shape
    cam_up = explain.upsample(cam, (H, W))[0]
    message = ""
    if cam.max() <= 0:
        message = (f"Grad-CAM is zero everywhere: at {layer}, nothing in this image adds evidence for "
                   f"'{source.classes[k]}' (the ReLU removed all of it).")
    grey = np.repeat(img[..., None], 3, axis=2)
    heat = _colour(cam_up / cam_up.max() if cam_up.max() > 0 else cam_up, "jet")
    overlay = 0.55 * grey + 0.45 * heat
    sal_rgb = _colour(sal / sal.max() if sal.max() > 0 else sal, "hot")
    to8 = lambda a: (np.clip(a, 0, 1) * 255).astype(np.uint8)  # noqa: E731
    h, w = cam.shape[1:]
    caption = (f"prediction: <b>{_html.escape(source.classes[pred])}</b> (p = {probs[pred]:.2f}) · "
               f"true: {_html.escape(source.classes[int(source.labels[index])])} · explaining "
               f"<b>{_html.escape(source.classes[k])}</b>{' (the predicted class)' if target == PREDICTED else ''}"
               f" (p = {probs[k]:.2f})")
    view = (f'<div style="font-family:sans-serif;font-size:13px;margin-bottom:4px">{caption}</div>'
            '<div style="display:flex;flex-direction:row;align-items:flex-start">'
            + _figure(_png_uri(to8(grey)), f"image {index} ({H}x{W})")
            + _figure(_png_uri(to8(overlay)), f"Grad-CAM at {layer} ({h}x{w}, max {cam.max():.3g})")
            + _figure(_png_uri(to8(sal_rgb)), f"saliency |d score / d pixel| (max {sal.max():.3g})")
            + "</div>")
    return view, message


def gradcam_explorer(sources: dict | None = None, source: str | None = None, index: int = 0, layer: str | None = None,
                     target: str = PREDICTED):
    """The explorer widget (a VBox with CSS class ``cnn-widget``).

    Args:
        sources: name -> :class:`Source`; default :func:`demo_sources` (two
            briefly trained CNNs: digits and faces).
        source, index, layer, target: the first view.

    Controls: ``images`` (Dropdown of the sources), ``image`` (IntSlider),
    ``layer`` (Dropdown), ``class`` (Dropdown: "predicted class" or a class
    name). The returned box carries ``.controls``, ``.view`` and ``.message``.
    """
    import ipywidgets as widgets

    sources = demo_sources() if sources is None else sources
    if not isinstance(sources, dict) or not sources or not all(isinstance(s, Source) for s in sources.values()):
        raise TypeError("gradcam_explorer: sources must be a non-empty dict of name -> Source")
    source = next(iter(sources)) if source is None else source
    if source not in sources:
        raise ValueError(f"gradcam_explorer: source must be one of {list(sources)}; got {source!r}")
    first = sources[source]
    layer = first.layers[-1] if layer is None else layer
    if layer not in first.layers:
        raise ValueError(f"gradcam_explorer: layer must be one of {list(first.layers)}; got {layer!r}")
    wide = {"description_width": "initial"}
    source_w = widgets.Dropdown(options=list(sources), value=source, description="images", style=wide)
    index_w = widgets.IntSlider(value=int(index), min=0, max=len(first.images) - 1, description="image",
                                continuous_update=False, style=wide)
    layer_w = widgets.Dropdown(options=list(first.layers), value=layer, description="layer", style=wide)
    target_w = widgets.Dropdown(options=[PREDICTED, *first.classes], value=target, description="class", style=wide)
    message = widgets.HTML(value="")
    message.add_class("cnn-widget-message")
    view = widgets.HTML(value="")
    view.add_class("cnn-widget-view")
    busy = {"on": False}

    def redraw(_=None):
        if busy["on"]:
            return
        out, msg = explorer_view(sources[source_w.value], index_w.value, layer_w.value, target_w.value)
        message.value = f'<span style="color:#b00020">{_html.escape(msg)}</span>' if msg else ""
        if out:
            view.value = out

    def on_source(_):
        s = sources[source_w.value]
        busy["on"] = True
        try:
            index_w.max = len(s.images) - 1
            index_w.value = min(index_w.value, index_w.max)
            keep = layer_w.value
            layer_w.options = list(s.layers)
            layer_w.value = keep if keep in s.layers else s.layers[-1]
            target_w.options = [PREDICTED, *s.classes]
            target_w.value = PREDICTED
        finally:
            busy["on"] = False
        redraw()

    source_w.observe(on_source, names="value")
    for w in (index_w, layer_w, target_w):
        w.observe(redraw, names="value")
    redraw()
    root = widgets.VBox([widgets.HBox([source_w, index_w]), widgets.HBox([layer_w, target_w]), message, view])
    root.add_class("cnn-widget")
    root.controls = {"images": source_w, "image": index_w, "layer": layer_w, "class": target_w}
    root.view, root.message = view, message
    return root


def _cycle(control, values=None):
    """A step that sets ``control`` to the next of ``values`` (default: its current options)."""
    state = {"i": 0}

    def step():
        options = list(control.options) if values is None else values
        state["i"] += 1
        control.value = options[state["i"] % len(options)]

    return step


def bench_steps(widget) -> list:
    """Zero-argument callables, each changing one control of a :func:`gradcam_explorer` (for the redraw benchmark)."""
    c = widget.controls
    return [_cycle(c["image"], [1, 2, 3, 0]), _cycle(c["layer"]), _cycle(c["class"]), _cycle(c["images"])]
