"""helpers.digit_preprocess: a drawing made into an MNIST digit (lesson 06).

Oracles: scipy.ndimage.center_of_mass for the centre, an exact area average by
integer up-sampling (np.repeat, then block means) for the scaling, the 5,000
real MNIST digits for "looks like MNIST", and the ink's bounding box measured
directly on the result.
"""
import math

import numpy as np
import pytest
from scipy import ndimage

from browser_cases import DRAWN_DIGITS
from helpers.data import mnist_digits
from helpers.digit_preprocess import (
    EMPTY_MESSAGE,
    DigitSteps,
    _area_matrix,
    mnist_steps,
    rasterize_strokes,
    show_steps,
    to_mnist,
)


def _ink_box(img):
    rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _circle(cx, cy, r, n=40):
    return [[cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)] for i in range(n + 1)]


DRAWINGS = {
    **{f"browser {label}": strokes for label, strokes in DRAWN_DIGITS},
    "small 7 top-left": [[[0.1, 0.1], [0.3, 0.1], [0.18, 0.35]]],
    "wide 2 at the bottom": [[[0.1, 0.6], [0.5, 0.55], [0.9, 0.62], [0.1, 0.9], [0.95, 0.9]]],
    "4 in two strokes": [[[0.3, 0.1], [0.2, 0.5], [0.7, 0.5]], [[0.55, 0.2], [0.55, 0.9]]],
    "8 of two circles": [_circle(0.5, 0.3, 0.15), _circle(0.5, 0.65, 0.2)],
    "a dot": [[[0.4, 0.6]]],
}


@pytest.mark.parametrize("name", list(DRAWINGS))
def test_drawn_digit_is_boxed_to_20_px_and_centred_by_mass(name):
    drawing = rasterize_strokes(DRAWINGS[name])
    out = to_mnist(drawing)
    assert out.shape == (28, 28) and out.dtype == np.float64
    assert out.min() >= 0 and out.max() <= 1 + 1e-12
    r, c = ndimage.center_of_mass(out)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5, (r, c)
    h, w = _ink_box(out > 0)
    assert max(h, w) == 20, (h, w)
    # the aspect ratio of the ink's box is kept (to the nearest pixel)
    H, W = _ink_box(drawing > 0)
    assert abs(min(h, w) - round(min(H, W) * 20 / max(H, W))) <= 1
    # anti-aliased: grey levels appear at the edges of the strokes
    assert ((out > 0.05) & (out < 0.95)).sum() > 10


def test_the_steps_agree_with_each_other():
    drawing = rasterize_strokes(DRAWINGS["4 in two strokes"])
    s = mnist_steps(drawing)
    top, bottom, left, right = s.box
    rows, cols = np.flatnonzero((drawing > 0).any(axis=1)), np.flatnonzero((drawing > 0).any(axis=0))
    assert (top, bottom - 1, left, right - 1) == (rows[0], rows[-1], cols[0], cols[-1])
    np.testing.assert_array_equal(s.cropped, drawing[top:bottom, left:right])
    assert max(s.scaled.shape) == 20
    r0, c0 = s.offset
    np.testing.assert_array_equal(s.mnist[r0:r0 + s.scaled.shape[0], c0:c0 + s.scaled.shape[1]], s.scaled)
    assert s.mnist.sum() == pytest.approx(s.scaled.sum())
    np.testing.assert_allclose(s.centre_of_mass, ndimage.center_of_mass(s.mnist))
    assert s.message == ""


@pytest.mark.parametrize("n_in,n_out", [(50, 20), (37, 20), (213, 20), (20, 20), (7, 20), (13, 4)])
def test_scaling_is_an_exact_area_average(n_in, n_out):
    rng = np.random.default_rng(n_in)
    x = rng.random((n_in, n_in + 3))
    cols_out = max(1, round((n_in + 3) * n_out / n_in))
    got = _area_matrix(n_in, n_out) @ x @ _area_matrix(n_in + 3, cols_out).T

    def oracle(a, axis, n):  # repeat each pixel n times, then average blocks of len*... / n
        m = a.shape[axis]
        lcm = m * n // math.gcd(m, n)
        up = np.repeat(a, lcm // m, axis=axis)
        shape = list(up.shape)
        shape[axis:axis + 1] = [n, lcm // n]
        return up.reshape(shape).mean(axis=axis + 1)

    want = oracle(oracle(x, 0, n_out), 1, cols_out)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_a_real_mnist_digit_stays_itself_up_to_a_one_pixel_shift():
    images, _ = mnist_digits(n=300, dtype=np.float64)
    moved = 0
    for digit in images:
        out = to_mnist(digit)
        r0, c0 = ndimage.center_of_mass(digit)
        shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                  if np.allclose(out, np.roll(digit, (dy, dx), axis=(0, 1)), atol=1e-12)]
        assert shifts, f"not a shifted copy of itself (com {r0:.2f}, {c0:.2f})"
        moved += shifts[0] != (0, 0)
    # MNIST's digits are already centred: most need no shift at all
    assert moved < len(images) // 2


def test_an_empty_drawing_gives_zeros_and_says_why():
    for empty in (rasterize_strokes([]), rasterize_strokes([[]]), np.zeros((28, 28))):
        s = mnist_steps(empty)
        assert isinstance(s, DigitSteps)
        assert s.box is None and s.message == EMPTY_MESSAGE and "empty" in s.message
        np.testing.assert_array_equal(s.mnist, np.zeros((28, 28)))
        np.testing.assert_array_equal(to_mnist(empty), np.zeros((28, 28)))
    fig = show_steps(mnist_steps(np.zeros((50, 50))))
    assert len(fig.axes) == 4


def test_rasterize_draws_a_round_pen_of_the_asked_width():
    img = rasterize_strokes([[[0.2, 0.5], [0.8, 0.5]]], size=200, line_width=0.1)
    h, w = _ink_box(img > 0)
    assert abs(h - 20) <= 2  # the pen's diameter
    assert abs(w - (0.6 * 200 + 20)) <= 2  # the segment plus a round end on each side
    assert set(np.unique(img)) == {0.0, 1.0}
    dot = rasterize_strokes([[[0.5, 0.5]]], size=200, line_width=0.1)
    assert abs(dot.sum() - math.pi * 10 ** 2) < 0.15 * math.pi * 10 ** 2
    # points outside the canvas are clipped to it, not an error
    edge = rasterize_strokes([[[-0.5, 0.5], [1.7, 0.5]]], size=100)
    assert edge[50].all()


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda: mnist_steps(np.zeros((2, 28, 28))), ValueError, "mnist_steps: image must be a 2-D"),
        (lambda: mnist_steps(np.full((28, 28), 2.0)), ValueError, "mnist_steps: image values must be finite and in [0, 1]"),
        (lambda: mnist_steps(np.full((28, 28), np.nan)), ValueError, "in [0, 1]"),
        (lambda: mnist_steps(np.array([["a"]])), TypeError, "real numbers"),
        (lambda: rasterize_strokes("1"), TypeError, "rasterize_strokes: strokes must be a list"),
        (lambda: rasterize_strokes([[[0.1, 0.2, 0.3]]]), ValueError, "stroke 0 must be a list of finite [x, y] pairs"),
        (lambda: rasterize_strokes([[["a", "b"]]]), TypeError, "stroke 0 must be a list of [x, y] number pairs"),
        (lambda: rasterize_strokes([], size=3), ValueError, "size must be an int >= 8"),
        (lambda: rasterize_strokes([], line_width=0), ValueError, "line_width"),
        (lambda: show_steps(np.zeros((28, 28))), TypeError, "show_steps: steps must be"),
    ],
)
def test_bad_input_is_refused_in_words(call, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_the_pen_leaves_about_as_much_ink_as_mnist():
    """LINE_WIDTH is chosen so: a drawn digit's ink (sum of the 28x28) is within
    20 % of the average MNIST digit of its class (0s ~138, 1s ~60)."""
    images, labels = mnist_digits(dtype=np.float64)
    for label, strokes in DRAWN_DIGITS:
        mnist_ink = images[labels == int(label)].sum(axis=(1, 2)).mean()
        drawn_ink = to_mnist(rasterize_strokes(strokes)).sum()
        assert abs(drawn_ink - mnist_ink) <= 0.2 * mnist_ink, (label, drawn_ink, mnist_ink)


def test_the_sample_drawings_become_mnist_digits():
    from helpers.digit_preprocess import SAMPLE_STROKES

    assert sorted(SAMPLE_STROKES) == [str(d) for d in range(10)]
    for label, strokes in SAMPLE_STROKES.items():
        out = to_mnist(rasterize_strokes(strokes))
        r, c = ndimage.center_of_mass(out)
        assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5 and max(_ink_box(out > 0)) == 20, label
