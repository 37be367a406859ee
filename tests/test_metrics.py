"""helpers.metrics on cases worked out by hand (and by pixel counting)."""
import numpy as np
import pytest

from helpers import metrics


def _pixels(box, size=32):
    x0, y0, x1, y1 = box
    grid = np.zeros((size, size), dtype=bool)
    grid[y0:y1, x0:x1] = True
    return grid


def test_box_iou_hand_cases():
    assert metrics.box_iou([0, 0, 2, 2], [1, 0, 3, 2]) == pytest.approx(2 / 6)     # overlap 2x... 1x2 = 2, union 6
    assert metrics.box_iou([0, 0, 4, 4], [0, 0, 4, 4]) == 1.0
    assert metrics.box_iou([0, 0, 2, 2], [2, 0, 4, 2]) == 0.0                       # touching edges: no overlap
    assert metrics.box_iou([0, 0, 4, 4], [1, 1, 3, 3]) == pytest.approx(4 / 16)     # one inside the other


def test_box_iou_matches_pixel_counting():
    rng = np.random.default_rng(0)
    a = np.sort(rng.integers(0, 32, (20, 2, 2)), axis=1).reshape(20, 4)  # (x0, y0, x1, y1)
    b = np.sort(rng.integers(0, 32, (15, 2, 2)), axis=1).reshape(15, 4)
    got = metrics.box_iou(a, b)
    assert got.shape == (20, 15)
    for i in range(20):
        for j in range(15):
            pa, pb = _pixels(a[i]), _pixels(b[j])
            union = (pa | pb).sum()
            assert got[i, j] == pytest.approx((pa & pb).sum() / union if union else 0.0)


def test_box_iou_rejects_bad_boxes():
    with pytest.raises(ValueError, match="box_iou: a must be"):
        metrics.box_iou([0, 0, 1], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="x1 >= x0"):
        metrics.box_iou([3, 0, 1, 1], [0, 0, 1, 1])


def test_mask_iou_hand_case():
    pred = np.array([[0, 1, 1], [2, 2, 0]])
    true = np.array([[0, 1, 0], [2, 2, 2]])
    iou = metrics.mask_iou(pred, true, 4)
    # class 0: pred {(0,0),(1,2)}, true {(0,0),(0,2)} -> 1/3; class 1: {(0,1),(0,2)} vs {(0,1)} -> 1/2
    # class 2: {(1,0),(1,1)} vs {(1,0),(1,1),(1,2)} -> 2/3; class 3 absent from both -> NaN
    np.testing.assert_allclose(iou[:3], [1 / 3, 1 / 2, 2 / 3])
    assert np.isnan(iou[3])
    with pytest.raises(ValueError, match="same shape"):
        metrics.mask_iou(pred, true[:1], 4)


def test_nms_keeps_the_best_of_each_cluster():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]], dtype=float)
    scores = np.array([0.8, 0.9, 0.5, 0.7])
    # box 1 (0.9) first; boxes 0 and 3 overlap it with IoU 81/119 = 0.68 and 72/118 = 0.61 > 0.5: dropped
    assert metrics.nms(boxes, scores, 0.5).tolist() == [1, 2]
    # at 0.9 no IoU exceeds the threshold (box 3 vs box 0 is exactly 0.9): all kept, by score
    assert metrics.nms(boxes, scores, 0.9).tolist() == [1, 0, 3, 2]
    with pytest.raises(ValueError, match="nms: scores"):
        metrics.nms(boxes, scores[:2])


def test_match_detections_counts_a_duplicate_as_false():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], dtype=float)
    boxes = np.array([[0, 0, 10, 10], [1, 0, 10, 10], [40, 40, 50, 50]], dtype=float)
    scores = np.array([0.6, 0.9, 0.7])
    # the 0.9 box (IoU 0.9) takes object 0; the 0.6 box then finds it used: false; the far box is false
    assert metrics.match_detections(boxes, scores, truth).tolist() == [False, True, False]


def test_average_precision_hand_cases():
    # TP, FP, TP with 2 objects: precisions 1, 1/2, 2/3; recall steps 1/2 at rank 1 and 3
    assert metrics.average_precision([0.9, 0.8, 0.7], [True, False, True], 2) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    # interpolation: TP, FP, TP, TP with 4 objects: precision at rank 3 (2/3) is raised to 3/4 (rank 4)
    assert metrics.average_precision([4, 3, 2, 1], [True, False, True, True], 4) == pytest.approx(0.25 + 0.25 * 0.75 + 0.25 * 0.75)
    assert metrics.average_precision([1, 2], [True, True], 2) == 1.0
    assert metrics.average_precision([1.0], [False], 3) == 0.0
    # the order comes from the scores, not from the list
    assert metrics.average_precision([0.7, 0.8, 0.9], [True, False, True], 2) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_average_precision_equals_sklearn_when_interpolation_changes_nothing():
    from sklearn.metrics import average_precision_score

    # every object detected, precision never rises again: VOC AP == sklearn's step AP
    tp = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    assert metrics.average_precision(scores, tp, 3) == pytest.approx(average_precision_score(tp, scores))


def test_average_precision_rejects_bad_input():
    with pytest.raises(ValueError, match="n_true"):
        metrics.average_precision([1.0], [True], 0)
    with pytest.raises(ValueError, match="true positives"):
        metrics.average_precision([1.0, 0.5], [True, True], 1)


def test_detection_scores_and_threshold():
    truth = [np.array([[0, 0, 10, 10]], dtype=float), np.array([[5, 5, 15, 15]], dtype=float)]
    dets = [(np.array([[0, 0, 10, 10], [20, 20, 25, 25]], dtype=float), np.array([0.9, 0.6])),
            (np.array([[5, 5, 15, 15]], dtype=float), np.array([0.4]))]
    s = metrics.detection_scores(dets, truth, score_threshold=0.5)
    # kept: 0.9 (TP), 0.6 (FP) -> precision 1/2, recall 1/2; ranking TP, FP, TP -> AP 0.5 + 0.5 * 2/3
    assert s["precision"] == 0.5 and s["recall"] == 0.5
    assert s["ap"] == pytest.approx(0.5 + 0.5 * 2 / 3)
    # F1 at 0.9: 2*1/(1+2) = 2/3; at 0.6: 2*1/(2+2) = 1/2; at 0.4: 2*2/(3+2) = 4/5 -> 0.4
    assert metrics.best_f1_threshold(dets, truth) == 0.4


def test_centre_error_and_success_rate():
    e = metrics.centre_error([[0, 0], [3, 4], [1, 1]], [[0, 0], [0, 0], [1, 2]])
    np.testing.assert_allclose(e, [0, 5, 1])
    assert metrics.success_rate(e, 1.0) == pytest.approx(2 / 3)
    assert metrics.success_rate(e, 0.5) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="centre_error"):
        metrics.centre_error([[0, 0]], [[0, 0], [1, 1]])
