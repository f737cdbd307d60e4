"""The detector's input looked up in a table is rapidocr's own, number for number."""

from __future__ import annotations

import cv2
import numpy as np
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from capture.read.ocr.prepare import TablePreProcess
from tests.conftest import REAL

PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"


def test_a_page_prepared_by_the_table_is_rapidocrs_input_exactly():
    page = cv2.imread(str(PHOTO))
    for mean, std in ((None, None), ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])):
        original = DetPreProcess(1280, "max", mean, std)
        expected, found = original(page), TablePreProcess(DetPreProcess(1280, "max", mean, std))(page)
        assert found.dtype == expected.dtype == np.float32
        assert found.shape == expected.shape == (1, 3, 960, 1280)
        assert np.array_equal(found, expected)
        assert found.flags["C_CONTIGUOUS"]


def test_anything_but_8_bit_colour_is_prepared_as_rapidocr_prepares_it():
    wide = cv2.imread(str(PHOTO))[:400, :600].astype(np.float32) / 2  # no table holds these values
    expected = DetPreProcess(1280, "max")(wide)
    assert np.array_equal(TablePreProcess(DetPreProcess(1280, "max"))(wide), expected)
