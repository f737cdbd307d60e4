"""Ink on a scanned page that no OCR box covers.

The text detector can miss a glyph outright: a lone 一 wrapped onto a line of its own looks like a
rule to it, and the name it ends is then read one character short, at full confidence. What it
missed still leaves ink on the page. This finds glyph-sized marks of dark ink outside every OCR
box, with the table rules, red seals and specks taken out; the layout rules decide which marks
matter (capture/extract/items.py: marks inside the goods table are a doubt).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from capture.ocr import TextBox
from capture.tokens import Box

#: Printed text is about this many times narrower than an invoice page (28 px at 1600 px wide).
TEXT_HEIGHTS_PER_WIDTH = 57
#: How much darker than its neighbourhood a pixel must be to count as ink (grey levels).
INK_CONTRAST = 30
#: Red seal ink (HSV saturation above this) is not text.
SEAL_SATURATION = 90


def unread_marks(image: np.ndarray, boxes: Sequence[TextBox]) -> list[Box]:
    """Glyph-sized marks of dark ink (x0, y0, x1, y1 in pixels) that no OCR box covers."""
    em = image.shape[1] / TEXT_HEIGHTS_PER_WIDTH
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, int(em * 1.5) | 1, INK_CONTRAST
    )
    if image.ndim == 3:
        ink[cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[:, :, 1] > SEAL_SATURATION] = 0
    ink[_rules(ink, em) > 0] = 0
    covered = np.zeros_like(ink)
    for box in boxes:
        cv2.fillPoly(covered, [np.array(box.polygon, dtype=np.int32)], 255)
    covered = cv2.dilate(covered, np.ones((int(em * 0.3) | 1,) * 2, np.uint8))
    ink[covered > 0] = 0
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [
        (float(x), float(y), float(x + w), float(y + h))
        for x, y, w, h, area in stats[1:]
        if 0.5 * em <= max(w, h) <= 3 * em and area >= 0.15 * em
    ]


def _rules(ink: np.ndarray, em: float) -> np.ndarray:
    """The table's ruled lines (runs longer than a few characters), slightly widened."""
    run = int(em * 2.5)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    return cv2.dilate(rules, np.ones((3, 3), np.uint8))
