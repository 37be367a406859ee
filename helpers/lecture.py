"""The lecture's worked examples as arrays, typed in from the slides
(``Deep Learning CNN``, sections 2-4), so lessons can start from exactly the
numbers the students saw.

Used by lessons 02 (the three 5x5 kernels), 03 (the two convolution examples)
and 05 (the max-pooling example). The tests type the same numbers in again on
their own and check our ops against the results the slides state.
"""
import numpy as np

__all__ = [
    "KERNEL_A",
    "KERNEL_B",
    "KERNEL_C",
    "GREY_IMAGE",
    "SHARPEN",
    "RGB_PATCH",
    "RGB_KERNELS",
    "RGB_BIAS",
    "POOL_INPUT",
]

#: Slide "Kernel", (a): a 3x3 box inside a 5x5 frame of zeros.
KERNEL_A = np.array([
    [0, 0, 0, 0, 0],
    [0, 1, 1, 1, 0],
    [0, 1, 1, 1, 0],
    [0, 1, 1, 1, 0],
    [0, 0, 0, 0, 0],
])

#: Slide "Kernel", (b): a smoothing (Gaussian-like) kernel; its entries sum to 57.
KERNEL_B = np.array([
    [0, 1, 2, 1, 0],
    [1, 3, 5, 3, 1],
    [2, 5, 9, 5, 2],
    [1, 3, 5, 3, 1],
    [0, 1, 2, 1, 0],
])

#: Slide "Kernel", (c): a Laplacian-like kernel with 16 at the centre; its entries sum to 0.
KERNEL_C = np.array([
    [0, 0, -1, 0, 0],
    [0, -1, -2, -1, 0],
    [-1, -2, 16, -2, -1],
    [0, -1, -2, -1, 0],
    [0, 0, -1, 0, 0],
])

#: Slide "Convolution": the 5x5 grey image (shown with a border of zero padding).
GREY_IMAGE = np.array([
    [60, 113, 56, 139, 85],
    [73, 121, 54, 84, 128],
    [131, 99, 70, 129, 127],
    [80, 57, 115, 69, 134],
    [104, 126, 123, 95, 130],
])

#: Slide "Convolution": the sharpen kernel; the first output is 114.
SHARPEN = np.array([
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
])

#: Slide "Convolution" (RGB): the top-left 5x5 of each channel, (3, 5, 5); the
#: image continues beyond these pixels ("...") on the slide.
RGB_PATCH = np.array([
    [[156, 155, 156, 158, 158],
     [153, 154, 157, 159, 159],
     [149, 151, 155, 158, 159],
     [146, 146, 149, 153, 158],
     [145, 143, 143, 148, 158]],
    [[167, 166, 167, 169, 169],
     [164, 165, 168, 170, 170],
     [160, 162, 166, 169, 170],
     [156, 156, 159, 163, 168],
     [155, 153, 153, 158, 168]],
    [[163, 162, 163, 165, 165],
     [160, 161, 164, 166, 166],
     [156, 158, 162, 165, 166],
     [155, 155, 158, 162, 167],
     [154, 152, 152, 157, 167]],
])

#: Slide "Convolution" (RGB): one 3x3 kernel per input channel, (3, 3, 3).
RGB_KERNELS = np.array([
    [[-1, -1, 1], [0, 1, -1], [0, 1, 1]],
    [[1, 0, 0], [1, -1, -1], [1, 0, -1]],
    [[0, 1, 1], [0, 1, 0], [1, -1, 1]],
])

#: Slide "Convolution" (RGB): the bias; 308 + (-498) + 164 + 1 = -25.
RGB_BIAS = 1

#: Slide "Pooling": the 4x4 input; 2x2 max-pooling with stride 2 gives [[5, 2], [2, 2]].
POOL_INPUT = np.array([
    [2, 2, 2, 0],
    [2, 5, 2, 1],
    [2, 2, 2, 0],
    [0, 1, 0, 0],
])
