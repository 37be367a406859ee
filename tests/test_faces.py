"""helpers.faces (lessons 01, 07): the procedural emotion faces are seeded, balanced, inside the
frame, their labels are learnable, and face_regions locates their parts."""
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


# make_faces' output before face_regions was added (recorded from the earlier code, lesson 01
# depends on it): pixel sum, a weighted sum and the first labels, per (n, size, seed).
BEFORE = {
    (64, 32, 0): (17040.9664, 8638.2309, [0, 0, 3, 0, 0, 3, 1, 0]),
    (50, 24, 3): (7261.57, 3638.5213, [2, 3, 1, 0, 0, 3, 2, 1]),
    (40, 48, 11): (22362.2372, 11154.7442, [1, 2, 1, 2, 0, 2, 1, 3]),
}


@pytest.mark.parametrize("args", sorted(BEFORE))
def test_make_faces_unchanged_by_face_regions(args):
    X, y = faces.make_faces(*args)
    faces.face_regions(*args)
    X2, y2 = faces.make_faces(*args)
    np.testing.assert_array_equal(X, X2)
    X = X.astype(np.float64)
    w = np.linspace(0, 1, X[0].size).reshape(X[0].shape)
    total, weighted, first = BEFORE[args]
    assert abs(X.sum() - total) < 1e-2 and abs((X * w).sum() - weighted) < 1e-2
    assert y[:8].tolist() == first


def test_face_regions_cover_the_parts_that_change_with_the_emotion():
    # the same random numbers, another emotion: the pixels that lose ink are mouth, brows or eyes
    n, size, seed = 40, 32, 4
    regions = faces.face_regions(n, size=size, seed=seed)
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(faces.EMOTIONS))
    state = rng.bit_generator.state
    X = faces.draw_faces(labels, size=size, rng=rng, noise=0.0)
    for shift in (1, 2, 3):
        rng2 = np.random.default_rng()
        rng2.bit_generator.state = state
        other = faces.draw_faces((labels + shift) % 4, size=size, rng=rng2, noise=0.0)
        changed = X - other > 1e-6  # ink of this face's own strokes that the other emotion lacks
        inside = regions["mouth"] | regions["brows"] | regions["eyes"]
        assert changed.any() and not (changed & ~inside).any()
    # every inked pixel of the mouth-free drawing is in some part
    ink = X > X[:, :1, :1] + 1e-6
    every = np.zeros_like(ink)
    for m in regions.values():
        every |= m
    assert not (ink & ~every).any()
    # the mouth region lies below the brows region in every face
    rows = np.arange(size)[None, :, None]
    mouth_row = (regions["mouth"] * rows).sum((1, 2)) / regions["mouth"].sum((1, 2))
    brow_row = (regions["brows"] * rows).sum((1, 2)) / regions["brows"].sum((1, 2))
    assert (mouth_row > brow_row + 3).all()


def test_face_regions_bad_input():
    with pytest.raises(ValueError, match="face_regions: n must be a positive int"):
        faces.face_regions(0)
    with pytest.raises(ValueError, match="face_regions: margin"):
        faces.face_regions(3, margin=-1)
    with pytest.raises(ValueError, match="face_regions: size must be at least 16"):
        faces.face_regions(3, size=8)
