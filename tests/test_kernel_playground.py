"""The kernel playground: its plain logic, and the widget driven without a browser."""
import re

import numpy as np
import pytest
import scipy.ndimage as ndi

from helpers.widgets import kernel_playground as kp


def test_choose_kernel_from_the_gallery_and_from_text():
    np.testing.assert_array_equal(kp.choose_kernel("lecture (b)", "ignored")[2], [2, 5, 9, 5, 2])
    np.testing.assert_array_equal(kp.choose_kernel(kp.TYPED, "1 2; 3 4"), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="unknown kernel"):
        kp.choose_kernel("nope", "")


def test_display_image_clips_or_centres_zero():
    r = np.array([[-2.0, 0.0, 1.0, 2.0]])
    np.testing.assert_array_equal(kp.display_image(r, signed=False), [[0, 0, 255, 255]])
    np.testing.assert_array_equal(kp.display_image(r, signed=True), [[0, 128, 191, 255]])
    np.testing.assert_array_equal(kp.display_image(np.zeros((1, 2)), signed=True), [[128, 128]])


def test_kernel_table_writes_every_number():
    html = kp.kernel_table_html([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    cells = re.findall(r">([^<]+)</td>", html)
    assert cells == ["0", "-1", "0", "-1", "5", "-1", "0", "-1", "0"]


def test_playground_view_shows_input_kernel_and_result():
    html, msg = kp.playground_update("camera (grey)", "sharpen", "", "reflect", False)
    assert msg == ""
    assert html.count("<img") == 2 and "<table" in html
    assert "reflect border" in html and "clipped to [0, 1]" in html
    edges, _ = kp.playground_update("camera (grey)", "sobel x", "", "zero", False)
    assert "0 is mid-grey" in edges


def test_the_result_image_is_the_filtered_photo():
    img = kp.playground_photo("coins (grey)")
    k = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
    expected = ndi.correlate(img.astype(np.float64), k, mode="nearest")
    np.testing.assert_allclose(
        kp.display_image(kp.filter2d(img, k, border="replicate"), False),
        np.rint(np.clip(expected, 0, 1) * 255),
        atol=1,
    )


def test_normalise_note():
    html, _ = kp.playground_update("camera (grey)", "lecture (a)", "", "zero", True)
    assert "divided by its sum" in html and "sum 1" in html
    html, _ = kp.playground_update("camera (grey)", "lecture (c)", "", "zero", True)
    assert "sums to 0: left as it is" in html


@pytest.mark.parametrize(
    "text,words",
    [
        ("", "empty"),
        ("1 2 3; 4 5", "row 2 has 2 numbers but row 1 has 3"),
        ("1 a 1", "'a' is not a number"),
        (" ".join(["1"] * 16), "at most 15x15"),
    ],
)
def test_malformed_typed_kernels_give_a_message(text, words):
    html, msg = kp.playground_update("astronaut (colour)", kp.TYPED, text, "zero", False)
    assert html is None
    assert msg.startswith("Cannot use this typed kernel") and words in msg


def test_even_kernels_are_allowed_with_a_note():
    html, msg = kp.playground_update("chelsea (colour)", kp.TYPED, "1 -1; 1 -1", "circular", False)
    assert msg == "" and "even size" in html


def test_widget_updates_its_one_view_and_shows_messages():
    w = kp.kernel_playground()
    assert "cnn-widget" in w._dom_classes
    assert "cnn-widget-view" in w.view._dom_classes and "cnn-widget-message" in w.message._dom_classes
    for name, control in w.controls.items():
        assert control.description, name
    assert w.message.value == "" and "<img" in w.view.value
    for step in kp.bench_steps(w):
        before = w.view.value
        step()
        assert w.view.value != before
        assert w.message.value == ""
    # typing switches the dropdown to "typed" and a malformed kernel shows a message, not an exception
    w.controls["typed kernel"].value = "1 2 3; 4"
    assert w.controls["kernel"].value == kp.TYPED
    assert "row 2 has 1 number but row 1 has 3" in w.message.value
    w.controls["typed kernel"].value = "0 0 0; 0 1 0; 0 0 0"
    assert w.message.value == ""
    # choosing a gallery kernel writes its numbers into the text box
    w.controls["kernel"].value = "lecture (b)"
    np.testing.assert_array_equal(kp.parse_kernel(w.controls["typed kernel"].value)[2], [2, 5, 9, 5, 2])
    assert w.controls["kernel"].value == "lecture (b)"


def test_widget_rejects_bad_starting_values():
    with pytest.raises(ValueError, match="kernel must be one of"):
        kp.kernel_playground(kernel="blur")
    with pytest.raises(ValueError, match="border must be one of"):
        kp.kernel_playground(border="mirror")
