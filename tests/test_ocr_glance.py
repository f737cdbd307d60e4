"""A page glanced at and then read is detected once: the read finishes the glance (the fast
readings are kept, the unproven lines read again) and reads exactly what a fresh read reads."""

from __future__ import annotations

import cv2

from capture.read.ocr.rapid import RapidEngine
from tests.conftest import REAL

PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"


def test_a_read_after_a_glance_of_the_same_page_detects_nothing_again(monkeypatch):
    page = cv2.imread(str(PHOTO))[100:700, 150:1400]
    engine = RapidEngine(threads=1)
    fresh = engine.read(page)
    detections = []
    detect = engine._ocr.detect_and_crop  # noqa: SLF001 - counting the real detector's calls
    monkeypatch.setattr(engine._ocr, "detect_and_crop", lambda *args: detections.append(1) or detect(*args))  # noqa: SLF001
    engine.glance(page)
    assert engine.read(page) == fresh
    assert len(detections) == 1
    assert engine.read(page) == fresh and len(detections) == 2  # a glance serves one read only
    engine.glance(page.copy())  # another image, even with the same pixels, is detected anew
    assert engine.read(page) == fresh and len(detections) == 4
