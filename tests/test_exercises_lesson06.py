"""Lesson 06's exercise checkers: right answers pass, wrong ones get a hint,
unanswered ones do not crash; expected values worked out by hand here."""
from helpers.exercises import lesson06


def test_layer_counts(capsys):
    # 32 kernels of 16x5x5 + 32 biases; output (32, 10, 10) since (20 + 4 - 5) // 2 + 1 = 10
    assert lesson06.check_layer_counts((32 * 16 * 25 + 32, 32 * 10 * 10 * 16 * 25))
    assert not lesson06.check_layer_counts((32 * 16 * 25, 32 * 10 * 10 * 16 * 25))
    assert "Hint" in capsys.readouterr().out
    assert lesson06.check_layer_counts(...).status == "unanswered"


def test_receptive_field():
    # r: 3, 5, 6 (pool: +1*1, j=2), 10 (+2*2), 12 (pool +1*2, j=4), 20 (+2*4)
    assert lesson06.check_receptive_field(20)
    assert not lesson06.check_receptive_field(18)


def test_conv_counts_function(capsys):
    def right(C_in, C_out, k, stride, padding, H, W):
        H_out, W_out = (H + 2 * padding - k) // stride + 1, (W + 2 * padding - k) // stride + 1
        return C_out * (C_in * k * k + 1), C_out * H_out * W_out * C_in * k * k

    def no_bias(C_in, C_out, k, stride, padding, H, W):
        p, m = right(C_in, C_out, k, stride, padding, H, W)
        return p - C_out, m

    def crashes(*args):
        raise ZeroDivisionError("oops")

    assert lesson06.check_conv_counts_function(right)
    assert not lesson06.check_conv_counts_function(no_bias)
    assert not lesson06.check_conv_counts_function(crashes)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert lesson06.check_conv_counts_function(None).status == "unanswered"
