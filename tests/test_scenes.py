"""helpers.scenes: seeded scenes and videos whose ground truth agrees with their pixels."""
import numpy as np
import pytest

from helpers import scenes


def test_scenes_are_seeded():
    a, b, c = scenes.make_scenes(5, seed=3), scenes.make_scenes(5, seed=3), scenes.make_scenes(5, seed=4)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.masks, b.masks)
    assert not np.array_equal(a.images, c.images)


def test_boxes_are_the_tight_boxes_of_the_masks():
    s = scenes.make_scenes(30, size=32, seed=0)
    for mask, boxes, labels in zip(s.masks, s.boxes, s.labels):
        assert 1 <= len(boxes) == len(labels) <= 3
        assert sorted(set(np.unique(mask)) - {0}) == sorted(set(labels.tolist()))
        covered = np.zeros_like(mask, dtype=bool)
        for (x0, y0, x1, y1), cls in zip(boxes.astype(int), labels):
            inside = mask[y0:y1, x0:x1] == cls
            # the object touches all four sides of its box
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
            covered[y0:y1, x0:x1] |= inside
        assert np.array_equal(covered, mask > 0)        # every object pixel is inside its box


def test_classes_have_their_look():
    s = scenes.make_scenes(40, seed=1, noise=0.0, texture=0.0)
    from scipy.ndimage import median_filter
    background = median_filter(s.images, size=(1, 15, 15))
    diff = s.images - background
    assert diff[s.masks == 1].mean() > 0.2           # discs bright
    assert diff[s.masks == 2].mean() < -0.2          # squares dark
    rows = np.nonzero(s.masks == 3)[1]
    tri = diff[s.masks == 3]
    assert tri[rows % 2 == 0].mean() > 0.2 and tri[rows % 2 == 1].mean() < -0.2   # triangles striped


def test_shape_mask_areas():
    disc = scenes.shape_mask("disc", 20, 25, 25, (50, 50))
    assert disc.sum() == pytest.approx(np.pi * 100, rel=0.03)
    assert scenes.shape_mask("square", 10, 25, 25, (50, 50)).sum() == pytest.approx(100, rel=0.25)
    tri = scenes.shape_mask("triangle", 20, 25, 25, (50, 50))
    assert tri.sum() == pytest.approx(200, rel=0.1)
    with pytest.raises(ValueError, match="shape_mask: kind"):
        scenes.shape_mask("star", 5, 5, 5, (10, 10))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="make_scenes: n"):
        scenes.make_scenes(0)
    with pytest.raises(ValueError, match="max_size < size"):
        scenes.make_scenes(2, size=10, max_size=12)
    with pytest.raises(ValueError, match="make_video: size"):
        scenes.make_video(size=20)


def test_video_ground_truth():
    v = scenes.make_video(frames=48, seed=0)
    assert v.frames.shape == (48, 64, 64) and v.centres.shape == (48, 2)
    steps = np.linalg.norm(np.diff(v.centres, axis=0), axis=1)
    assert np.all(steps <= 1.5 + 1e-9)                              # 1.5 px per frame at most (bounces are shorter)
    assert 0 < (~v.visible).sum() < 15                              # a short occlusion
    hidden = np.nonzero(~v.visible)[0]
    assert np.all(np.diff(hidden) == 1)                             # one stretch of frames
    # where the target is visible, the frame is brighter on the target's centre than around it
    t = int(np.nonzero(v.visible)[0][0])
    r, c = np.floor(v.centres[t]).astype(int)
    assert v.frames[t, r - 2:r + 3, c - 2:c + 3].mean() > 0.4
    np.testing.assert_array_equal(scenes.make_video(seed=0).frames, v.frames)
