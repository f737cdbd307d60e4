"""OCR boxes cut at the printed rules they run across. Text on a form never crosses a ruled line,
but PP-OCR's detector now and then joins the ends of two cells into one box ((片碱) 99% | 25kg/袋,
the 名称 and 规格型号 of a tight row), and the recogniser then reads one run whose boundary is
lost. Such a box is cut where the rule stands and each side is recognised on its own, as a
person reads one cell and then the next.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from capture.contract.tokens import Box
from capture.read.ocr import Engine, TextBox, with_margin

#: A box runs across a rule when it reaches this many text heights past it on both sides (less
#: is the detector's padding round text that ends at the rule).
ACROSS = 0.5
#: A cell's padding: the white (text heights) the rule must have on each side, and on both sides
#: together, to be a boundary between two cells' text. Text overflowing a cell, or printed
#: across the form's rules (a paper form fed askew), runs through the rule: it is not cut.
PADDING = (0.12, 0.4)
#: At most this many boxes are cut on a page (each costs two recognitions).
MAX_CUT = 8


def cut_at_rules(page: np.ndarray, boxes: list[TextBox], rules: list[Box], em: float, engine: Engine) -> list[TextBox]:
    """The boxes, each one that runs across a vertical rule replaced by one box per cell (when
    every side reads as something; otherwise the box is kept as it was)."""
    uprights = [rule for rule in rules if rule[0] == rule[2]]
    result: list[TextBox] = []
    cut = 0
    for box in boxes:
        x0, y0, x1, y1 = box.bounds
        middle = (y0 + y1) / 2
        crossing = sorted(
            x for x, top, _, bottom in uprights
            if top <= middle <= bottom and x0 + ACROSS * em < x < x1 - ACROSS * em and _padded(page, (y0, y1), x, em)
        )
        parts = _read_parts(page, (x0, y0, x1, y1), crossing, em, engine) if crossing and cut < MAX_CUT else None
        if parts is None:
            result.append(box)
            continue
        cut += 1
        *cells, last = (replace(part, weakest=min(part.weakest, box.weakest)) for part in parts)  # the cut's own read says none
        result += [*cells, replace(last, ink_after=box.ink_after)]
    return result


def _padded(page: np.ndarray, rows: tuple[int, int], x: float, em: float) -> bool:
    """Whether the text beside a rule keeps clear of it, as a cell's padding does: the white
    columns next to the rule (its own ink left out), on each side and on both together."""
    y0, y1 = max(rows[0], 0), min(rows[1], page.shape[0])
    reach, rule = int(em), int(max(0.1 * em, 2))
    left, right = max(int(x) - reach, 0), min(int(x) + reach, page.shape[1])
    band = page[y0:y1, left:right]
    if band.size == 0:
        return False
    grey = cv2.cvtColor(band, cv2.COLOR_BGR2GRAY) if band.ndim == 3 else band
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    inked = ink.any(axis=0)
    middle = int(x) - left
    before = inked[: max(middle - rule, 0)][::-1]
    after = inked[middle + rule + 1 :]
    clear = [int(np.argmax(side)) if side.any() else len(side) for side in (before, after)]
    low, total = PADDING[0] * em, PADDING[1] * em
    return min(clear) >= low and clear[0] + clear[1] + 2 * rule >= total


def _read_parts(
    page: np.ndarray, bounds: tuple[int, int, int, int], cuts: list[float], em: float, engine: Engine
) -> list[TextBox] | None:
    x0, y0, x1, y1 = bounds
    gap = int(max(0.1 * em, 2))  # the rule's own ink stays out of both sides
    edges = [x0, *cuts, x1]
    parts = []
    for left, right in zip(edges, edges[1:], strict=False):
        a = int(left) + (gap if left != x0 else 0)
        b = int(right) - (gap if right != x1 else 0)
        crop = page[max(y0, 0) : y1, max(a, 0) : b]
        if crop.size == 0:
            return None
        text, confidence = engine.recognize(with_margin(crop))
        if not text.strip():
            return None
        polygon = ((float(a), float(y0)), (float(b), float(y0)), (float(b), float(y1)), (float(a), float(y1)))
        parts.append(TextBox(polygon, text.strip(), confidence))
    return parts
