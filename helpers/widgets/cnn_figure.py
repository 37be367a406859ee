"""The pictures of the "CNN at work" widget (lesson 06): one forward pass of a
digit_cnn as an image (:class:`CNNFigure`: the input and the feature maps of
every stage) and the class probabilities as HTML bars
(:func:`probabilities_html`). Used by :mod:`helpers.widgets.cnn_at_work`.

Shapes: a stage's feature maps are (C, H, W); :func:`mosaic` lays them out as
columns of 8 tiles of ``TILE`` x ``TILE`` display pixels.

>>> from helpers.models import digit_cnn
>>> from helpers.cnn_stages import run_cnn
>>> run = run_cnn(digit_cnn(seed=0).double(), np.zeros((28, 28)))
>>> CNNFigure(run).paint(run).shape
(445, 715, 3)
"""
from __future__ import annotations

import numpy as np

from ..cnn_stages import CNNRun

__all__ = ["TILE", "GAP", "INPUT_SCALE", "BAR_PX", "mosaic", "CNNFigure", "probabilities_html"]

TILES_PER_COLUMN = 8
TILE = 42  # display pixels per feature-map tile (nearest sampling: a 7x7 map shows 7x7 blocks)
GAP = 3  # display pixels between tiles
BAR_PX = 120  # width of a probability-1 bar in the HTML
INPUT_SCALE = 6  # display pixels per input pixel


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
    """The widget's picture of one forward pass: the input as the network sees
    it and the feature maps of every stage, laid out once for a model's stage
    shapes; :meth:`update` redraws it.

    Everything that does not change (titles, arrows, frames, the legend) is
    drawn once by matplotlib and kept as a background picture. An update
    paints the input and the feature maps into a copy of it as pixels
    (:func:`mosaic` through a colour table: red positive, white 0, blue
    negative) and encodes a PNG; no text is laid out again, which keeps a
    redraw far under the 50 ms goal. Attributes for tests: ``background`` and
    ``last`` ((H, W, 3) uint8 pictures), ``rects`` (name -> (top, left,
    height, width) in picture pixels, for "input" and each stage).
    """

    def __init__(self, run: CNNRun, dpi: int = 80):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        side = run.image.shape[0]
        shapes = {n: a.shape for n, a in run.stages.items()}
        pad, col_gap, top, bottom, arrow = 12, 16, 58, 30, 34
        col_h = max(_layout(C)[2] for C, _, _ in shapes.values())
        in_w = side * INPUT_SCALE
        body = max(col_h, in_w)
        W = pad + in_w + arrow + sum(_layout(C)[3] + col_gap for C, _, _ in shapes.values()) - col_gap + arrow
        H = top + body + bottom
        fig = Figure(figsize=(W / dpi, H / dpi), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        self.rects = {}

        def text(x, y_top, s, **kw):
            return fig.text(x / W, 1 - y_top / H, s, **kw)

        y0 = top + (body - col_h) // 2
        yi = top + (body - in_w) // 2
        self.rects["input"] = (yi, pad, in_w, in_w)
        frame = fig.add_axes([(pad - 1) / W, 1 - (yi + in_w + 1) / H, (in_w + 2) / W, (in_w + 2) / H])
        frame.set_xticks([])
        frame.set_yticks([])
        text(pad + in_w / 2, yi - 8, f"input {side}×{side}\n(what the network sees)", ha="center", fontsize=10, linespacing=1.15)
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
        canvas.draw()
        self.background = np.array(np.asarray(canvas.buffer_rgba())[..., :3])
        self._grey, self._signed = _lut("gray"), _lut("RdBu_r")
        self.last = None

    def paint(self, run: CNNRun) -> np.ndarray:
        """The (H, W, 3) uint8 picture of ``run`` (same stage shapes as the first)."""
        rgb = self.background.copy()
        t, l, h, w = self.rects["input"]
        level = np.clip(np.rint(run.image * 255), 0, 255).astype(np.intp)
        rgb[t:t + h, l:l + w] = np.repeat(np.repeat(self._grey[level], INPUT_SCALE, 0), INPUT_SCALE, 1)
        for name in self.rects:
            if name == "input":
                continue
            t, l, h, w = self.rects[name]
            m = mosaic(run.stages[name])
            gap = np.isnan(m)
            level = np.clip(np.rint((np.where(gap, 0, m) + 1) * 127.5), 0, 255).astype(np.intp)
            tile = self._signed[level]
            tile[gap] = 255
            rgb[t:t + h, l:l + w] = tile
        return rgb

    def update(self, run: CNNRun) -> bytes:
        """Paint ``run``; returns the PNG bytes (zlib level 1: fast, ~50 kB)."""
        import io

        from PIL import Image

        self.last = self.paint(run)
        buf = io.BytesIO()
        Image.fromarray(self.last).save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


def probabilities_html(run: CNNRun) -> str:
    """The prediction and the K class probabilities as an HTML bar chart
    (text stays sharp and costs nothing to redraw). Its ``<div
    class="cnn-prediction">`` carries ``data-prediction``,
    ``data-probabilities`` and ``data-stages`` (each stage's sum of
    |activation|), which the browser test reads."""
    probs = " ".join(f"{p:.6f}" for p in run.probabilities)
    sums = ";".join(f"{n}:{float(np.abs(a).sum()):.6g}" for n, a in run.stages.items())
    rows = []
    for k, p in enumerate(run.probabilities):
        top = k == run.prediction
        colour, weight = ("#e67e22", "bold") if top else ("#95a5a6", "normal")
        rows.append(
            f'<div style="display:flex;align-items:center;height:21px;font-weight:{weight}">'
            f'<span style="width:18px;text-align:right;font-size:14px">{k}</span>'
            f'<span style="display:inline-block;margin-left:6px;height:14px;width:{BAR_PX * p:.1f}px;'
            f'background:{colour};border-left:1px solid #444"></span>'
            f'<span style="margin-left:5px;font-size:12px;color:#333">{p:.2f}</span></div>'
        )
    return (
        f'<div class="cnn-prediction" data-prediction="{run.prediction}" data-probabilities="{probs}" '
        f'data-stages="{sums}" style="font-family:sans-serif;width:205px;line-height:1.3">'
        f'<div style="font-size:16px;margin:2px 0 6px 0">prediction: '
        f'<b style="font-size:24px;color:#d35400">{run.prediction}</b> '
        f'<span style="font-size:13px;color:#555">(probability {run.probabilities[run.prediction]:.2f})</span></div>'
        + "".join(rows)
        + f'<div style="font-size:11px;color:#555;margin-top:6px">class probabilities (softmax of fc)</div>'
        + "</div>"
    )
