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

from capture.contract.tokens import Box
from capture.read.ocr import TextBox

#: Printed text is about this many times narrower than an invoice page (28 px at 1600 px wide).
TEXT_HEIGHTS_PER_WIDTH = 57
#: How much darker than its neighbourhood a pixel must be to count as ink (grey levels).
INK_CONTRAST = 30
#: A straight run of ink this many text heights long is a ruled line, not a glyph.
RULE_RUN = 2.5
#: A vertical rule this many text heights left of a line's box, or nearer, is one it is printed against.
RULE_REACH = 0.6
#: Red seal ink (HSV saturation above this) is not text.
SEAL_SATURATION = 90


def text_height(page: np.ndarray) -> float:
    """The height (pixels) of printed text on a page image scaled for OCR."""
    return page.shape[1] / TEXT_HEIGHTS_PER_WIDTH


def dark_ink(image: np.ndarray, em: float) -> np.ndarray:
    """A mask of the pixels clearly darker than their neighbourhood (about a glyph across)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, int(em * 1.5) | 1, INK_CONTRAST)


def vertical_rules(ink: np.ndarray, em: float) -> np.ndarray:
    """The ink of the vertical ruled lines in an ink mask."""
    run = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(em * RULE_RUN)))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, run)


def line_against_rule(page: np.ndarray, bounds: tuple[int, int, int, int]) -> np.ndarray | None:
    """A text line's image widened left to the vertical rule its text is printed against, with
    the rule's own pixels painted white; None when no rule stands that close to its left end.
    A digital invoice prints its item names against the table's left rule, and the recogniser
    reads the rule and the glyph touching it as one stroke: the detector's box leaves out the
    glyph (l500ml read 500ml), and no crop of the box can show it."""
    em = text_height(page)
    x0, y0, x1, y1 = bounds
    y0, y1 = max(0, y0), min(page.shape[0], y1)
    top, bottom = max(0, y0 - int(2 * em)), min(page.shape[0], y1 + int(2 * em))  # tall enough for a rule
    left, right = max(0, x0 - int(RULE_REACH * em)), min(x1, x0 + int(0.2 * em))
    band = page[top:bottom, left:right]
    rules = vertical_rules(dark_ink(band, em), em)[y0 - top : y1 - top]
    columns = np.flatnonzero(rules.any(axis=0))
    if columns.size == 0:
        return None
    start = left + int(columns[0])
    line = page[y0:y1, start:x1].copy()
    line[:, : right - start][rules[:, columns[0] :] > 0] = 255
    return line


def unread_marks(image: np.ndarray, boxes: Sequence[TextBox]) -> list[Box]:
    """Glyph-sized marks of dark ink (x0, y0, x1, y1 in pixels) that no OCR box covers."""
    em = text_height(image)
    ink = dark_ink(image, em)
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
    run = int(em * RULE_RUN)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    rules |= vertical_rules(ink, em)
    return cv2.dilate(rules, np.ones((3, 3), np.uint8))
