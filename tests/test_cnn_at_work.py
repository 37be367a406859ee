"""The "CNN at work" widget's logic without a browser (lesson 06).

Oracles: the model itself (``torch.softmax(model(x))``, forward hooks on its
children), numpy's rot90 and a hand-written zero-filled translation for the
sliders' moves, the colour tables of matplotlib for the picture, and a CNN
trained here for the drawn "1" and "0" that the browser test draws too.
"""
import io
import re

import numpy as np
import pytest
import torch
from matplotlib import colormaps
from PIL import Image

from browser_cases import DRAWN_DIGITS
from helpers.cnn_stages import STAGES, check_digits, check_model, digit_input, run_cnn
from helpers.data import mnist_digits, stratified_split
from helpers.models import digit_cnn
from helpers.widgets.cnn_at_work import bench_steps, bench_widget, cnn_at_work, view_run
from helpers.widgets.cnn_figure import BAR_PX, GAP, INPUT_SCALE, TILE, CNNFigure, mosaic, probabilities_html


@pytest.fixture(scope="module")
def digits():
    images, labels = mnist_digits(n=40, dtype=np.float64)
    return images, labels


@pytest.fixture(params=[torch.float64, torch.float32], ids=["float64", "float32"])
def model(request):
    return digit_cnn(seed=3).to(request.param)


def _hooked(model, x):
    seen = {}
    handles = [m.register_forward_hook(lambda mod, i, o, n=n: seen.__setitem__(n, o.detach().double().numpy()[0]))
               for n, m in model.named_children()]
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    return seen, out


def test_stages_and_probabilities_are_the_models_own(model, digits):
    image = digits[0][5]
    run = run_cnn(model, image)
    dtype = next(model.parameters()).dtype
    x = torch.as_tensor(image, dtype=dtype)[None, None]
    seen, logits = _hooked(model, x)
    assert list(run.stages) == list(STAGES)
    for name in STAGES:
        np.testing.assert_array_equal(run.stages[name], seen[name])
    want = torch.softmax(logits, dim=1)[0].double().numpy()
    np.testing.assert_allclose(run.probabilities, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.logits, logits[0].double().numpy(), rtol=0, atol=1e-12)
    assert run.prediction == int(logits.argmax())
    assert run.probabilities.dtype == np.float64 and run.probabilities.sum() == pytest.approx(1.0)


def test_run_cnn_leaves_the_model_and_torch_as_they_were(model, digits):
    model.train()
    threads = torch.get_num_threads()
    before = [p.detach().clone() for p in model.parameters()]
    run_cnn(model, digits[0][0])
    assert model.training and torch.get_num_threads() == threads
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_digit_input_rotates_and_shifts_as_documented(digits):
    image = digits[0][3]
    # 90 degrees counter-clockwise about the centre is an exact pixel permutation
    np.testing.assert_allclose(digit_input(image, angle=90), np.rot90(image, 1), atol=1e-12)
    np.testing.assert_allclose(digit_input(image, angle=-90), np.rot90(image, -1), atol=1e-12)
    want = np.zeros_like(image)
    want[2:, :-3] = image[:-2, 3:]  # 3 px left (dx=-3), 2 px down (dy=2), zeros come in
    np.testing.assert_array_equal(digit_input(image, dx=-3, dy=2), want)
    np.testing.assert_array_equal(digit_input(image), image)
    assert digit_input(image, angle=33).min() >= 0 and digit_input(image, angle=33).max() <= 1


def test_every_slider_and_a_stroke_change_the_view(digits):
    images, labels = digits
    w = cnn_at_work(digit_cnn(seed=0).double(), images, labels)
    assert "cnn-widget" in w._dom_classes
    assert "cnn-widget-view" in w.view._dom_classes and "cnn-widget-view" in w.probabilities._dom_classes
    assert "cnn-widget-message" in w.message._dom_classes
    assert set(w.controls) == {"test digit", "shift x", "shift y", "rotate"}
    first = (w.view.value, w.probabilities.value)
    for name, slider in w.controls.items():
        start = (w.view.value, w.probabilities.value)
        slider.value = slider.value + 2 * slider.step if slider.value + 2 * slider.step <= slider.max else slider.min
        assert w.view.value != start[0], f"{name} did not change the picture"
        assert w.probabilities.value != start[1], f"{name} did not change the probabilities"
        assert w.message.value == ""
        slider.value = 0
    assert (w.view.value, w.probabilities.value) == first
    # a stroke switches to the drawing; clearing switches back to the test digit
    w.canvas.strokes = DRAWN_DIGITS[0][1]
    assert w.view.value != first[0] and "your drawing" in w.source.value
    w.canvas.clear()
    assert (w.view.value, w.probabilities.value) == first
    # the shift applies to the drawing too
    w.canvas.strokes = DRAWN_DIGITS[1][1]
    drawn = w.view.value
    w.controls["shift x"].value = 4
    assert w.view.value != drawn and "your drawing" in w.source.value
    # moving the test digit slider goes back to the test digits
    w.controls["test digit"].value = 7
    assert "test digit 7" in w.source.value and f"(label {labels[7]})" in w.source.value


def test_an_empty_drawing_shows_a_message_not_a_traceback(digits):
    w = cnn_at_work(digit_cnn(seed=0).double(), digits[0])
    w.canvas.strokes = [[]]  # pen down and up without moving: nothing drawn
    assert "empty" in w.message.value
    w.canvas.clear()
    assert w.message.value == ""


def test_without_canvas_or_images(digits):
    w = cnn_at_work(digit_cnn(seed=0).double(), digits[0], canvas=False)
    assert w.canvas is None and "test digit" in w.controls
    w2 = cnn_at_work(digit_cnn(seed=0).double())
    assert "test digit" not in w2.controls and w2.canvas is not None
    w2.canvas.strokes = DRAWN_DIGITS[0][1]
    assert "your drawing" in w2.source.value


def test_the_picture_shows_the_input_and_every_stage(digits):
    model = digit_cnn(seed=0).double()
    run = run_cnn(model, digit_input(digits[0][2], dx=1, angle=15))
    fig = CNNFigure(run)
    png = fig.update(run)
    pic = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    np.testing.assert_array_equal(pic, fig.last)
    t, l, h, w = fig.rects["input"]
    grey = pic[t:t + h:INPUT_SCALE, l:l + w:INPUT_SCALE, 0] / 255.0
    np.testing.assert_allclose(grey, run.image, atol=0.5 / 255 + 1e-9)
    cmap = colormaps["RdBu_r"]
    for name in STAGES:
        fm = run.stages[name]
        t, l, h, w = fig.rects[name]
        C, H, W = fm.shape
        k = 3  # channel 3, its top-left pixel, is tile 3 of the first column
        r = t + k * (TILE + GAP)
        value = fm[k, 0, 0] / np.abs(fm).max()
        want = np.round(np.array(cmap((value + 1) / 2)[:3]) * 255)
        np.testing.assert_allclose(pic[r, l], want, atol=2, err_msg=name)
        # one column of 8 tiles per 8 channels
        assert w == -(-C // 8) * TILE + (-(-C // 8) - 1) * GAP
    assert mosaic(run.stages["pool2"]).shape == (8 * TILE + 7 * GAP, 2 * TILE + GAP)


def test_probabilities_html_shows_every_class_and_the_prediction(digits):
    run = run_cnn(digit_cnn(seed=0).double(), digits[0][0])
    page = probabilities_html(run)
    assert f'data-prediction="{run.prediction}"' in page
    got = [float(v) for v in re.search(r'data-probabilities="([^"]+)"', page).group(1).split()]
    np.testing.assert_allclose(got, run.probabilities, atol=1e-6)
    widths = [float(v) for v in re.findall(r"width:([0-9.]+)px;background", page)]
    np.testing.assert_allclose(widths, BAR_PX * run.probabilities, atol=0.06)
    stages = dict(kv.split(":") for kv in re.search(r'data-stages="([^"]+)"', page).group(1).split(";"))
    assert list(stages) == list(STAGES)
    assert float(stages["relu1"]) == pytest.approx(run.stages["relu1"].sum(), rel=1e-5)


@pytest.fixture(scope="module")
def trained():
    """The lesson's CNN, trained briefly (float32 is enough to recognise two clear digits)."""
    from helpers.train import fit

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    images, labels = mnist_digits(dtype=np.float32)
    x_train, y_train, _, _ = stratified_split(images, labels, test_size=1000, seed=0)
    model = digit_cnn(seed=0)
    try:
        fit(model, (x_train[:, None], y_train), epochs=2, progress=False)
    finally:
        torch.set_num_threads(threads)
    return model


@pytest.mark.parametrize("label,strokes", DRAWN_DIGITS, ids=[d for d, _ in DRAWN_DIGITS])
def test_a_drawn_digit_is_recognised(trained, label, strokes):
    run, steps, message = view_run(trained, strokes=strokes)
    assert message == "" and steps.mnist.shape == (28, 28)
    assert run.prediction == int(label), run.probabilities.round(3)


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda: cnn_at_work("a model"), TypeError, "cnn_at_work: model must be a torch.nn.Module"),
        (lambda: cnn_at_work(torch.nn.Sequential(torch.nn.Linear(784, 10))), ValueError, "cnn_at_work: model must take a \\(1, 1, 28, 28\\) digit"),
        (lambda: cnn_at_work(digit_cnn(image_size=32)), ValueError, "child 'fc' raised"),
        (lambda: cnn_at_work(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))), ValueError, "no child with \\(N, C, H, W\\) feature maps"),
        (lambda: cnn_at_work(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3))), ValueError, "must return \\(1, K\\) class scores"),
        (lambda: cnn_at_work(torch.nn.Sequential()), TypeError, "must be an nn.Sequential of layers"),
        (lambda: cnn_at_work(digit_cnn(), np.zeros((5, 28, 27))), ValueError, "cnn_at_work: images must have shape \\(N, 28, 28\\)"),
        (lambda: cnn_at_work(digit_cnn(), np.zeros((0, 28, 28))), ValueError, "N >= 1"),
        (lambda: cnn_at_work(digit_cnn(), np.full((2, 28, 28), 255.0)), ValueError, "in \\[0, 1\\]"),
        (lambda: cnn_at_work(digit_cnn(), np.zeros((2, 28, 28)), [1, 2, 3]), ValueError, "labels must be 2 integers"),
        (lambda: cnn_at_work(digit_cnn(), None, [1, 2]), ValueError, "labels were given without images"),
        (lambda: cnn_at_work(digit_cnn(), canvas=False), ValueError, "give images to pick from"),
        (lambda: digit_input(np.zeros((28, 28)), dx=1.5), TypeError, "digit_input: dx must be an int"),
        (lambda: digit_input(np.zeros((27, 28))), ValueError, "digit_input: image must have shape \\(28, 28\\)"),
        (lambda: digit_input(np.zeros((28, 28)), angle=float("nan")), ValueError, "angle must be a finite"),
        (lambda: run_cnn(digit_cnn(), np.zeros((1, 28, 28))), ValueError, "run_cnn: image must have shape"),
        (lambda: view_run(digit_cnn()), ValueError, "view_run: give image"),
    ],
)
def test_bad_input_is_refused_in_words(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_any_sequential_cnn_is_shown_under_its_own_names(digits):
    from collections import OrderedDict

    torch.manual_seed(0)
    net = torch.nn.Sequential(OrderedDict([
        ("conv", torch.nn.Conv2d(1, 4, 5)), ("norm", torch.nn.BatchNorm2d(4)), ("act", torch.nn.ReLU()),
        ("pool", torch.nn.AdaptiveAvgPool2d(4)), ("flat", torch.nn.Flatten()), ("out", torch.nn.Linear(64, 3)),
    ])).double()
    run = run_cnn(net, digits[0][0])
    seen, logits = _hooked(net.eval(), torch.as_tensor(digits[0][0])[None, None])
    assert list(run.stages) == ["conv", "norm", "act", "pool"]
    for name, maps in run.stages.items():
        np.testing.assert_array_equal(maps, seen[name])
    np.testing.assert_allclose(run.probabilities, torch.softmax(logits, 1)[0].numpy(), atol=1e-12)
    w = cnn_at_work(net, digits[0], canvas=False)
    assert set(w.figure.rects) == {"input", "conv", "norm", "act", "pool"}
    before = w.view.value
    w.controls["rotate"].value = 30
    assert w.view.value != before


def test_checks_accept_what_the_lessons_pass():
    images, labels = mnist_digits(n=10)  # float32 NumPy
    x, y = check_digits(torch.as_tensor(images)[:, None], torch.as_tensor(labels))
    assert x.shape == (10, 28, 28) and x.dtype == np.float64 and y.dtype == np.int64
    dtype, _, K, _ = check_model(digit_cnn(seed=0))
    assert dtype == torch.float32 and K == 10
    assert check_model(digit_cnn(seed=0).double())[3] == STAGES


def test_bench_steps_cover_sliders_and_strokes():
    w = bench_widget()
    groups = bench_steps(w)
    assert set(groups) == {"slider step", "canvas stroke"} and len(groups["slider step"]) == 4
    for group in groups.values():
        for step in group:
            before = w.view.value
            step()
            assert w.view.value != before


def test_draw_canvas_traits_and_page_classes():
    import traitlets

    from _browser_support import CANVAS_SELECTOR, CLEAR_SELECTOR
    from helpers.digit_preprocess import LINE_WIDTH
    from helpers.widgets.draw_canvas import ESM, DrawCanvas, draw_canvas

    # the classes the browser test looks for are the ones the JavaScript sets
    assert f'"{CANVAS_SELECTOR.split(".")[1]}"' in ESM and f'"{CLEAR_SELECTOR.split(".")[1]}"' in ESM
    c = draw_canvas()
    assert (c.size, c.line_width, c.strokes) == (280, LINE_WIDTH, [])
    c.strokes = DRAWN_DIGITS[1][1]
    c.clear()
    assert c.strokes == []
    with pytest.raises(traitlets.TraitError, match="size must be 100..1000"):
        DrawCanvas(size=20)
    with pytest.raises(traitlets.TraitError, match="line_width must be a fraction"):
        DrawCanvas(line_width=3)
