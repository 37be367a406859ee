"""A square canvas to draw a digit on with the mouse, a pen or a finger (lesson 06).

The course's one custom widget (``anywidget``; its JavaScript is the string
:data:`ESM` below: no build step, nothing fetched). It runs wherever anywidget
does: JupyterLab 4, Notebook 7, VS Code and Colab (anywidget turns on Colab's
custom widget manager itself). Next to it, use only simple core widgets (Box,
slider, HTML, Image, Button): Colab's manager breaks some (Accordion,
googlecolab/colabtools#3571).

What Python receives is ``strokes``: a list of strokes, each a list of
``[x, y]`` points in canvas coordinates (0, 0) top-left .. (1, 1)
bottom-right, rounded to 1/10,000. It is sent when the pen is lifted and, while
drawing, at most every ``sync_ms`` milliseconds. Strokes are small (a digit is
a few hundred numbers), independent of the screen's pixel density, and
:func:`helpers.digit_preprocess.rasterize_strokes` draws them again in Python
with the same round pen (``line_width``, a fraction of the side) the canvas
shows. The "clear" button (or ``canvas.clear()``) empties it.

In the page: the canvas has the CSS class ``cnn-draw-canvas`` and the button
``cnn-draw-clear`` (the browser test draws with the mouse on the first and
clicks the second).

>>> canvas = DrawCanvas()
>>> canvas.strokes = [[[0.5, 0.2], [0.5, 0.8]]]
>>> canvas.clear(); canvas.strokes
[]
"""
from __future__ import annotations

import anywidget
import traitlets

from ..digit_preprocess import LINE_WIDTH

__all__ = ["DrawCanvas", "draw_canvas", "ESM"]

ESM = r"""
function render({ model, el }) {
  const size = model.get("size");
  const wrap = document.createElement("div");
  wrap.className = "cnn-draw";
  const canvas = document.createElement("canvas");
  canvas.className = "cnn-draw-canvas";
  canvas.style.width = size + "px";
  canvas.style.height = size + "px";
  const dpr = Math.max(1, Math.min(window.devicePixelRatio || 1, 3));
  canvas.width = Math.round(size * dpr);
  canvas.height = Math.round(size * dpr);
  const bar = document.createElement("div");
  bar.className = "cnn-draw-bar";
  const clear = document.createElement("button");
  clear.className = "cnn-draw-clear";
  clear.type = "button";
  clear.textContent = "clear";
  const hint = document.createElement("span");
  hint.className = "cnn-draw-hint";
  hint.textContent = "draw a digit with the mouse, a pen or a finger";
  bar.append(clear, hint);
  wrap.append(canvas, bar);
  el.append(wrap);

  const ctx = canvas.getContext("2d");
  let strokes = (model.get("strokes") || []).map((s) => s.map((p) => p.slice()));
  let current = null;
  let lastSync = 0;
  let timer = null;

  const pen = () => model.get("line_width") * canvas.width;
  const setPen = () => {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = pen();
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#ffffff";
  };
  const dot = (p) => {
    ctx.beginPath();
    ctx.arc(p[0] * canvas.width, p[1] * canvas.height, pen() / 2, 0, 2 * Math.PI);
    ctx.fill();
  };
  const segment = (a, b) => {
    ctx.beginPath();
    ctx.moveTo(a[0] * canvas.width, a[1] * canvas.height);
    ctx.lineTo(b[0] * canvas.width, b[1] * canvas.height);
    ctx.stroke();
  };
  const paint = () => {
    ctx.fillStyle = "#111111";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    setPen();
    for (const s of strokes) {
      if (s.length === 0) continue;
      dot(s[0]);
      for (let i = 1; i < s.length; i++) segment(s[i - 1], s[i]);
    }
  };
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    const clip = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
    return [clip((e.clientX - r.left) / r.width), clip((e.clientY - r.top) / r.height)];
  };
  const sync = () => {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    lastSync = Date.now();
    model.set("strokes", strokes.map((s) => s.map((p) => p.slice())));
    model.save_changes();
  };
  const syncSoon = () => {
    const wait = model.get("sync_ms") - (Date.now() - lastSync);
    if (wait <= 0) sync();
    else if (timer === null) timer = setTimeout(sync, wait);
  };

  const down = (e) => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
    current = [point(e)];
    strokes.push(current);
    setPen();
    dot(current[0]);
    lastSync = Date.now();
  };
  const move = (e) => {
    if (current === null) return;
    e.preventDefault();
    const p = point(e);
    const q = current[current.length - 1];
    if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) < 0.004) return;
    current.push(p);
    setPen();
    segment(q, p);
    syncSoon();
  };
  const up = (e) => {
    if (current === null) return;
    current = null;
    sync();
  };
  canvas.addEventListener("pointerdown", down);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  canvas.addEventListener("lostpointercapture", up);
  clear.addEventListener("click", () => {
    strokes = [];
    current = null;
    paint();
    sync();
  });
  const changed = () => {
    if (current !== null) return;  // the pen is down: what is drawn here is newer
    strokes = (model.get("strokes") || []).map((s) => s.map((p) => p.slice()));
    paint();
  };
  model.on("change:strokes", changed);
  model.on("change:line_width", changed);
  paint();
  return () => {
    if (timer !== null) clearTimeout(timer);
    model.off("change:strokes", changed);
    model.off("change:line_width", changed);
  };
}
export default { render };
"""

CSS = """
.cnn-draw { display: inline-block; font-family: sans-serif; }
.cnn-draw-canvas { display: block; touch-action: none; cursor: crosshair;
  border: 1px solid #888; border-radius: 4px; background: #111; }
.cnn-draw-bar { display: flex; align-items: center; gap: 8px; margin-top: 4px; font-size: 12px; color: #555; }
.cnn-draw-clear { padding: 2px 12px; font-size: 13px; cursor: pointer; }
"""


class DrawCanvas(anywidget.AnyWidget):
    """The drawing canvas. Traits (synced with the page):

    strokes: list of strokes, each a list of ``[x, y]`` in 0..1 (see the module doc).
    size: the canvas's side in CSS pixels (default 280: 10 per MNIST pixel).
    line_width: pen diameter as a fraction of the side
        (:data:`helpers.digit_preprocess.LINE_WIDTH`).
    sync_ms: while drawing, send the strokes at most this often (ms).
    """

    _esm = ESM
    _css = CSS
    strokes = traitlets.List([]).tag(sync=True)
    size = traitlets.Int(280).tag(sync=True)
    line_width = traitlets.Float(LINE_WIDTH).tag(sync=True)
    sync_ms = traitlets.Int(250).tag(sync=True)

    @traitlets.validate("size")
    def _check_size(self, proposal):
        if not 100 <= proposal["value"] <= 1000:
            raise traitlets.TraitError(f"DrawCanvas: size must be 100..1000 CSS pixels; got {proposal['value']}")
        return proposal["value"]

    @traitlets.validate("line_width")
    def _check_width(self, proposal):
        if not 0 < proposal["value"] <= 0.5:
            raise traitlets.TraitError(f"DrawCanvas: line_width must be a fraction of the side in (0, 0.5]; got {proposal['value']}")
        return proposal["value"]

    def clear(self) -> None:
        """Empty the canvas (in Python and in the page)."""
        self.strokes = []


def draw_canvas(size: int = 280, line_width: float = LINE_WIDTH) -> DrawCanvas:
    """A :class:`DrawCanvas` of ``size`` CSS pixels; read ``.strokes`` after drawing."""
    return DrawCanvas(size=size, line_width=line_width)
