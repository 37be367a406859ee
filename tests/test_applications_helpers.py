"""Lesson 08's task helpers: restoration data, detection targets and decoding,
template detection, Otsu segmentation and the tracking loop."""
import numpy as np
import pytest
import torch

from helpers import detection, metrics, restoration as rs, scenes, tracking
from helpers.segmentation import extent_class, otsu_segment


def test_downscale_is_block_mean():
    x = np.arange(24.0).reshape(4, 6)
    np.testing.assert_allclose(rs.downscale(x), [[3.5, 5.5, 7.5], [15.5, 17.5, 19.5]])
    with pytest.raises(ValueError, match="downscale"):
        rs.downscale(np.zeros((3, 4)))


def test_bicubic_keeps_constants_and_doubles_the_size():
    up = rs.bicubic_upscale(np.full((2, 5, 7), 0.25))
    assert up.shape == (2, 10, 14)
    np.testing.assert_allclose(up, 0.25)


def test_patches_holes_and_noise():
    rng = np.random.default_rng(0)
    img = np.arange(400.0).reshape(20, 20)
    p = rs.random_patches([img], 10, 5, rng)
    assert p.shape == (10, 5, 5)
    # each patch is a crop of the image (maybe flipped): rows step by 20, columns by +-1
    assert np.all(np.abs(np.diff(p, axis=2)) == 1) and np.all(np.diff(p, axis=1) == 20)
    holes = rs.random_holes((3, 30, 30), 1, 6, rng)
    assert holes.shape == (3, 30, 30) and np.all(holes.sum(axis=(1, 2)) == 36)
    noise = rs.add_noise(np.zeros((200, 200)), 0.1, rng)
    assert noise.std() == pytest.approx(0.1, rel=0.03)
    with pytest.raises(ValueError, match="random_patches"):
        rs.random_patches([np.zeros((4, 4))], 1, 5, rng)


def test_apply_runs_a_model_on_one_image():
    net = torch.nn.Conv2d(2, 1, 1, bias=False).double()
    with torch.no_grad():
        net.weight[:] = torch.tensor([1.0, 2.0]).reshape(1, 2, 1, 1)
    x = np.stack([np.ones((3, 4)), np.full((3, 4), 0.5)])
    np.testing.assert_allclose(rs.apply(net, x), np.full((3, 4), 2.0))


def test_centre_targets_decode_back_to_the_boxes():
    boxes = [np.array([[2.0, 4.0, 12.0, 12.0], [18.0, 20.0, 26.0, 30.0]])]
    t = detection.centre_targets(boxes, (32, 32))
    assert t.shape == (1, 4, 16, 16) and t[0, 3].sum() == 2
    logits = np.log(np.clip(t[0, 0], 1e-9, 1 - 1e-9) / np.clip(1 - t[0, 0], 1e-9, 1))   # sigmoid^-1 of the heat map
    found, scores = detection.decode_centres(np.stack([logits, t[0, 1], t[0, 2]]), min_score=0.5)
    assert len(found) == 2 and np.all(scores > 0.99)
    # the decoded boxes are the true ones up to the stride (centres snapped to cell centres)
    assert np.all(metrics.box_iou(found, boxes[0]).max(axis=1) > 0.7)


def test_centre_loss_is_lowest_at_the_target():
    t = torch.as_tensor(detection.centre_targets([np.array([[4.0, 4.0, 12.0, 10.0]])], (16, 16)))
    good = torch.cat([torch.where(t[:, 3:4] > 0, 8.0, -8.0), t[:, 1:3]], dim=1)
    bad = torch.cat([torch.zeros_like(t[:, :1]), t[:, 1:3] + 3], dim=1)
    assert detection.centre_loss(good, t) < 0.01 < detection.centre_loss(bad, t)


def test_template_detection_finds_clean_objects():
    s = scenes.make_scenes(10, seed=5, noise=0.0, texture=0.0, min_size=8, max_size=12)
    found = [detection.template_detect(img - np.median(img), detection.shape_templates()) for img in s.images]
    assert metrics.detection_scores(found, s.boxes, score_threshold=0.8)["recall"] == 1.0


def test_otsu_segment_on_a_clean_scene():
    img = np.full((40, 40), 0.4)
    disc = scenes.shape_mask("disc", 12, 10, 10, (40, 40))
    square = scenes.shape_mask("square", 10, 28, 28, (40, 40))
    tri = scenes.shape_mask("triangle", 14, 10, 30, (40, 40))
    img[disc], img[square], img[tri] = 0.8, 0.1, 0.8
    truth = np.zeros((40, 40), dtype=int)
    truth[disc], truth[square], truth[tri] = 1, 2, 3
    iou = metrics.mask_iou(otsu_segment(img), truth, 4)
    assert np.all(iou > 0.8), iou                        # bright disc and triangle, dark square, each named by its extent
    assert [extent_class(e) for e in (1.0, 0.78, 0.5)] == [2, 1, 3]
    with pytest.raises(ValueError, match="polarity"):
        otsu_segment(img, polarity="dark")


def test_crop_pads_with_the_border():
    frame = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(tracking.crop(frame, (1.5, 1.5), 3), frame[0:3, 0:3])
    np.testing.assert_array_equal(tracking.crop(frame, (0.2, 0.2), 3)[0], [0, 0, 1])


def test_track_follows_a_moving_square():
    frames = np.zeros((6, 48, 48))
    truth = np.array([[20.5 + 2 * t, 15.5 + 3 * t] for t in range(6)])
    for t, (r, c) in enumerate(truth.astype(int)):
        frames[t, r - 2:r + 3, c - 3:c + 2] = 1.0
        frames[t, r - 2, c - 3] = 0.5                     # not symmetric: one right place
    got = tracking.track(frames, truth[0], tracking.ncc_response, template_size=9, search_size=21)
    np.testing.assert_allclose(got, truth)


def test_tracking_pairs_labels_point_at_the_target():
    v = scenes.make_video(seed=3, noise=0.0, distractors=0, occlusion=False)
    x, y = tracking.tracking_pairs([v], 40, np.random.default_rng(0), max_gap=1)
    R = 31 - 15 + 1
    best = [np.unravel_index(np.argmax(tracking.ncc_response(p[0], p[1, :15, :15])), (R, R)) for p in x]
    label = [np.unravel_index(k, (R, R)) for k in y]
    off = np.abs(np.array(best) - np.array(label)).max(axis=1)
    assert np.mean(off <= 1) >= 0.9


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="template_detect: image"):
        detection.template_detect(np.zeros((2, 8, 8)), detection.shape_templates())
    with pytest.raises(ValueError, match="decode_centres"):
        detection.decode_centres(np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="centre_targets"):
        detection.centre_targets([np.zeros((0, 4))], (15, 16))
    with pytest.raises(ValueError, match="tracking_pairs: n"):
        tracking.tracking_pairs([scenes.make_video(frames=4)], 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="track: frames"):
        tracking.track(np.zeros((8, 8)), (4, 4), tracking.ncc_response)
    with pytest.raises(ValueError, match="grey_photos"):
        rs.grey_photos(["not a photo"])
