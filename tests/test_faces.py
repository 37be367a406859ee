"""helpers.faces (lesson 01): the procedural emotion faces are seeded, balanced, inside the
frame, and their labels are learnable."""
import doctest

import numpy as np
import pytest
from sklearn.neighbors import NearestCentroid

import helpers.faces as faces


def test_doctests():
    assert doctest.testmod(faces).failed == 0


def test_shapes_range_and_balance():
    X, y = faces.make_faces(101, size=24, seed=3)
    assert X.shape == (101, 24, 24) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    assert X.min() >= 0 and X.max() <= 1
    counts = np.bincount(y, minlength=len(faces.EMOTIONS))
    assert counts.max() - counts.min() <= 1


def test_seeded():
    a, la = faces.make_faces(20, seed=5)
    b, lb = faces.make_faces(20, seed=5)
    c, _ = faces.make_faces(20, seed=6)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("size", [16, 17, 32, 48])
def test_face_stays_inside_the_frame(size):
    X, _ = faces.make_faces(200, size=size, seed=1, noise=0.0)
    for border in (X[:, 0, :], X[:, -1, :], X[:, :, 0], X[:, :, -1]):
        np.testing.assert_array_equal(border, np.broadcast_to(border[:, :1], border.shape))  # background only
    assert (X.max(axis=(1, 2)) - X.min(axis=(1, 2)) > 0.5).all()  # and something is drawn


def test_positions_and_sizes_vary():
    X, _ = faces.make_faces(200, seed=2, noise=0.0)
    ink = X - X[:, :1, :1]
    rows = np.flatnonzero(ink.sum(axis=2)[0] > 0)
    tops = [np.flatnonzero(img.sum(axis=1) > 0)[0] for img in ink]
    widths = [np.ptp(np.flatnonzero(img.sum(axis=0) > 0)) for img in ink]
    assert rows.size and len(set(tops)) > 4 and len(set(widths)) > 4


def test_emotion_changes_only_the_inside_of_the_face():
    labels = np.arange(4)
    draws = [faces.draw_faces(np.array([k]), size=32, rng=np.random.default_rng(7), noise=0.0)[0] for k in labels]
    outline_mask = np.zeros((32, 32), bool)
    outline_mask[[0, -1], :] = outline_mask[:, [0, -1]] = True
    for k in range(1, 4):
        diff = np.abs(draws[k] - draws[0])
        assert diff.sum() > 3  # a different mouth / brows / eyes
        assert diff[outline_mask].sum() == 0


def test_labels_are_learnable():
    X, y = faces.make_faces(1400, size=24, seed=0)
    X = X.reshape(len(X), -1)
    clf = NearestCentroid().fit(X[:1000], y[:1000])
    assert clf.score(X[1000:], y[1000:]) > 0.5  # chance is 0.25
    shuffled = np.random.default_rng(0).permutation(y)  # the control: labels that do not match the faces
    assert NearestCentroid().fit(X[:1000], shuffled[:1000]).score(X[1000:], shuffled[1000:]) < 0.35


@pytest.mark.parametrize("call,exc,words", [
    (lambda: faces.make_faces(0), ValueError, "n must be a positive int"),
    (lambda: faces.make_faces(4, size=8), ValueError, "size must be at least 16"),
    (lambda: faces.make_faces(4, size=20.0), TypeError, "size must be an int"),
    (lambda: faces.draw_faces(np.array([0, 4])), ValueError, "labels must be in 0..3"),
    (lambda: faces.draw_faces(np.array([0.5])), TypeError, "labels must be a 1-D array of ints"),
    (lambda: faces.draw_faces(np.array([0]), noise=-1), ValueError, "noise"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
