"""The classical baseline of lesson 08's semantic segmentation: Otsu's
threshold, connected components, and a class for each component read from
its shape (how much of its bounding box it fills).

A disc fills about pi/4 = 0.785 of its box, a square 1.0, a triangle of
pixels 0.5 to 0.67; so a component that fills at least 0.9 of its box is
called a square, at least 0.7 a disc, less a triangle. Labels follow :data:`helpers.scenes.CLASSES`.

>>> import numpy as np
>>> img = np.zeros((20, 20)); img[4:14, 4:14] = 1.0
>>> int(otsu_segment(img, polarity="bright")[8, 8])    # a square
2
"""
from __future__ import annotations

import numpy as np

__all__ = ["otsu_segment", "extent_class"]

def extent_class(extent: float) -> int:
    """The class of a component that fills ``extent`` of its bounding box:
    2 (square) from 0.9, 1 (disc) from 0.7, else 3 (triangle)."""
    return 2 if extent >= 0.9 else 1 if extent >= 0.7 else 3


def otsu_segment(image, min_area: int = 12, max_area: int = 150, smooth: float = 0.7, polarity: str = "both") -> np.ndarray:
    """Label every pixel of a grey (H, W) image: (H, W) int64, 0 = background.

    Gaussian smoothing (``smooth`` px); with ``polarity="bright"`` the Otsu
    threshold (``skimage.filters.threshold_otsu``) keeps what is brighter;
    with ``"both"`` Otsu's three-class version
    (``skimage.filters.threshold_multiotsu``) keeps what is darker than the
    lower threshold and what is brighter than the upper one (the objects of
    :func:`helpers.scenes.make_scenes` are bright or dark). Then connected components
    (``skimage.measure.label``); components smaller than ``min_area`` or
    larger than ``max_area`` pixels (the default fits the lesson's shapes:
    the largest, a 12x12 square, has 144 pixels) are background, the others get
    :func:`extent_class` of their extent
    (``skimage.measure.regionprops``).
    """
    from scipy.ndimage import gaussian_filter
    from skimage.filters import threshold_multiotsu, threshold_otsu
    from skimage.measure import label, regionprops

    image = np.asarray(image, dtype=np.float64)
    if polarity not in ("both", "bright"):
        raise ValueError(f"otsu_segment: polarity must be 'both' or 'bright'; got {polarity!r}")
    if image.ndim != 2:
        raise ValueError(f"otsu_segment: image must be one grey (H, W) image; got shape {image.shape}")
    smoothed = gaussian_filter(image, smooth) if smooth > 0 else image
    out = np.zeros(image.shape, dtype=np.int64)
    if polarity == "bright":
        parts = [smoothed > threshold_otsu(smoothed)]
    else:
        low, high = threshold_multiotsu(smoothed, classes=3)
        parts = [smoothed < low, smoothed > high]
    for fg in parts:
        for region in regionprops(label(fg)):
            if min_area <= region.area <= max_area:
                rows, cols = region.coords.T
                out[rows, cols] = extent_class(region.extent)
    return out
