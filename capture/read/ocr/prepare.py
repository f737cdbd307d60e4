"""The detector's input, prepared by a look-up table: the very numbers rapidocr computes, in a
twentieth of the time.

rapidocr normalises a resized page pixel by pixel in float64 ((v / 255 - mean) / std, then
float32) and transposes it to channels first: about 0.1 s a page, as long as a tenth of the
detector itself. The result depends only on a pixel's value and channel, so the 256 values of
each channel are normalised once, by rapidocr's own code, and a page is looked up in them
(cv2.LUT): every number identical (tests/test_ocr_prepare.py).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np


class TablePreProcess:
    """rapidocr's detector pre-processing (`DetPreProcess`: resize to multiples of 32, normalise,
    channels first, a batch of one) with the normalising looked up; called as it is."""

    def __init__(self, original: Any) -> None:
        self._original = original
        values = np.repeat(np.arange(256, dtype=np.uint8)[:, None, None], 3, axis=2)  # 256 x 1 x 3
        #: Each channel's 256 values as rapidocr normalises them (1 x 256 x 3, float32).
        self._table = original.normalize(values).astype(np.float32).reshape(1, 256, 3)

    def __call__(self, image: np.ndarray) -> np.ndarray | None:
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            return self._original(image)  # nothing but 8-bit BGR reaches the detector; kept exact anyway
        resized = self._original.resize(image)
        if resized is None:
            return None
        looked_up = cv2.LUT(resized, self._table)
        return np.ascontiguousarray(looked_up.transpose(2, 0, 1))[None]


def prepare_by_table(detector: Any) -> None:
    """Make rapidocr's text detector prepare each page through TablePreProcess. rapidocr builds
    its pre-processing anew for every page (`get_preprocess`), so that method is replaced on
    this one detector object."""
    table = TablePreProcess(detector.get_preprocess())
    detector.get_preprocess = lambda: table
