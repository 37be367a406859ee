"""The Grad-CAM explorer (lesson 07): every control changes the view, the maps shown are
helpers.explain's, bad settings give a message, and the model is left as it was."""
import numpy as np
import pytest
import torch

from helpers import explain
from helpers.models import digit_cnn
from helpers.widgets import gradcam_explorer as ge

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def sources():
    g = np.random.default_rng(0)
    digits = digit_cnn(seed=0).double()
    faces = digit_cnn(num_classes=4, image_size=32, seed=1).double()
    layers = ("conv1", "relu1", "conv2", "relu2")
    return {
        "digits": ge.Source(digits, g.random((6, 28, 28)), np.arange(6) % 10, tuple("0123456789"), layers),
        "faces": ge.Source(faces, g.random((5, 32, 32)), np.arange(5) % 4, ("happy", "sad", "surprised", "angry"), layers),
    }


def test_every_control_changes_the_view(sources):
    w = ge.gradcam_explorer(sources)
    assert w._dom_classes == ("cnn-widget",) and "cnn-widget-view" in w.view._dom_classes
    for step in ge.bench_steps(w):
        for _ in range(3):
            before = w.view.value
            step()
            assert w.view.value != before
    assert torch.get_num_threads() == 1  # restored


def test_switching_sources_updates_the_controls(sources):
    w = ge.gradcam_explorer(sources, source="digits", index=5, layer="conv1", target="7")
    w.controls["images"].value = "faces"
    assert w.controls["image"].max == 4 and w.controls["image"].value == 4
    assert list(w.controls["class"].options) == [ge.PREDICTED, "happy", "sad", "surprised", "angry"]
    assert w.controls["layer"].value == "conv1"
    assert "true: happy" in w.view.value  # face 4 has label 0


def test_view_shows_the_prediction_and_the_maps(sources):
    s = sources["digits"]
    html, msg = ge.explorer_view(s, 2, "conv2", "3")
    with torch.no_grad():
        p = torch.softmax(s.model(torch.as_tensor(s.images[2])[None, None]), 1)[0].numpy()
    assert f"prediction: <b>{int(p.argmax())}</b> (p = {p.max():.2f})" in html
    cam = explain.grad_cam(s.model, "conv2", s.images[2:3], 3)
    assert f"max {cam.max():.3g}" in html and "(14x14" in html
    assert html.count("<img") == 3


def test_zero_map_and_bad_settings_give_messages(sources):
    s = sources["faces"]
    msgs = [ge.explorer_view(s, i, "relu1", c)[1] for i in range(5) for c in s.classes]
    cams = [explain.grad_cam(s.model, "relu1", s.images[i:i + 1], k).max() for i in range(5) for k in range(4)]
    assert [bool(m) for m in msgs] == [c <= 0 for c in cams]
    assert "no image 9" in ge.explorer_view(s, 9, "conv1")[1]
    assert "Unknown layer 'fc'" in ge.explorer_view(s, 0, "fc")[1]
    assert "Unknown class 'bored'" in ge.explorer_view(s, 0, "conv1", "bored")[1]


def test_model_left_unchanged(sources):
    s = sources["digits"]
    s.model.train()
    ge.explorer_view(s, 0, "conv1")
    assert s.model.training and all(p.grad is None for p in s.model.parameters())
    assert all(not m._forward_hooks for m in s.model.modules())


def test_bad_arguments(sources):
    with pytest.raises(TypeError, match="gradcam_explorer: sources must be"):
        ge.gradcam_explorer({"digits": 3})
    with pytest.raises(ValueError, match="gradcam_explorer: source must be one of"):
        ge.gradcam_explorer(sources, source="cats")
    with pytest.raises(ValueError, match="gradcam_explorer: layer must be one of"):
        ge.gradcam_explorer(sources, layer="fc")
