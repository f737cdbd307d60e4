"""The detector on OpenVINO finds the very lines ONNX Runtime finds, read the same, on a real
photo of an invoice; and the environment can keep it on ONNX Runtime."""

from __future__ import annotations

import cv2
import numpy as np

from capture.read.ocr.rapid import RapidEngine
from capture.read.ocr.vino import ENV_DETECTOR
from tests.conftest import REAL

PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"


def test_openvino_finds_and_reads_the_lines_onnxruntime_finds(monkeypatch):
    page = cv2.imread(str(PHOTO))[100:700, 150:1400]  # header, parties and the goods table
    monkeypatch.setenv(ENV_DETECTOR, "onnxruntime")
    onnx = RapidEngine(threads=1)
    monkeypatch.setenv(ENV_DETECTOR, "openvino")
    vino = RapidEngine(threads=1)
    assert (onnx.detector, vino.detector) == ("onnxruntime", "openvino")
    expected, found = onnx.read(page), vino.read(page)
    assert len(expected) >= 15
    assert [box.text for box in found] == [box.text for box in expected]
    for one, other in zip(found, expected, strict=True):
        assert np.allclose(one.polygon, other.polygon, atol=0.5)
