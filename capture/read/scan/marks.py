"""Ink the detector passed over, read by the recogniser. A lone narrow figure (the 1 of a 数量
cell) is what PP-OCR's detector loses most often, and a line item without its 数量 waits for a
person. Each glyph-sized mark no OCR box covers, away from other text, is cut out on a white
margin and recognised alone; one that reads as a number becomes a box like any other (the
table's arithmetic, 数量 × 单价 = 金额, then proves or refutes it). Only a mark on a line that
already holds a money figure is read: an item's numbers share its first line, and a figure
anywhere else (a piece of a slanted rule in 备注 read as 1) has no arithmetic to prove it.
Anything else stays an unread mark: a doubt, never a guess.
"""

from __future__ import annotations

import re

import numpy as np

from capture.contract.tokens import Box
from capture.read.ocr import Engine, TextBox, with_margin

#: At most this many marks are read on a page (each costs one recognition of a small crop).
MAX_MARKS_READ = 12
#: A figure's shape: its height in text heights, and at least this much taller than wide (a
#: Chinese character, a QR module or a speck of a rule is not read).
FIGURE_HEIGHT = (0.45, 1.1)
FIGURE_TALLER = 1.2
#: The narrowest mark (text heights) a row's text frames as a figure: a 1 is 0.18-0.3 wide with
#: its flag, a photo's sliver of a column rule 0.07 (seed 2026120839, photo 0022).
GLYPH_WIDE = 0.12
#: A mark that reads as a number is kept as a box: read at MIN_CONFIDENCE or more as read, at
#: GUESS_CONFIDENCE or more with every character a guess (a photo's faint 1 reads at 0.65-0.9),
#: which the row's arithmetic proves or leaves a doubt (capture/extract/scan_table.py).
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MIN_CONFIDENCE = 0.9
GUESS_CONFIDENCE = 0.5
#: A money figure as the goods table prints 金额 and 税额: the line a figure may stand on.
MONEY = re.compile(r"-?\d+\.\d{2}$")
#: A mark with an OCR box closer than this many text heights on its line belongs to that text
#: (a glyph the box left out): it is not read alone.
ALONE = 0.5


def read_marks(
    page: np.ndarray, marks: list[Box], boxes: list[TextBox], rules: list[Box], em: float, engine: Engine
) -> tuple[list[TextBox], list[Box]]:
    """The marks inside the printed form's ruled frame that read as numbers, as boxes; and the
    marks still unread. (Outside the frame, a figure-shaped mark is as likely a perforation, a
    QR module or the desk's edge as print.)"""
    found: list[TextBox] = []
    unread: list[Box] = []
    tries = 0
    for mark in marks:
        box = None
        if tries < MAX_MARKS_READ and (
            _figure_shaped(mark, em) and _alone(mark, boxes, em) and _framed(mark, rules, boxes, em) and _beside_money(mark, boxes)
        ):
            tries += 1
            box = _read(page, mark, em, engine)
        if box is None:
            unread.append(mark)
        else:
            found.append(box)
    return found, unread


def _figure_shaped(mark: Box, em: float) -> bool:
    x0, y0, x1, y1 = mark
    height, width = y1 - y0, x1 - x0
    return FIGURE_HEIGHT[0] * em <= height <= FIGURE_HEIGHT[1] * em and height >= FIGURE_TALLER * width


def _framed(mark: Box, rules: list[Box], boxes: list[TextBox], em: float) -> bool:
    """Whether printed rules enclose the mark above and below, and rules or text of its own line
    on either side: a 数电 goods table prints no rules between its columns, and a cell's figure
    stands between its row's other cells; a piece of the table's outer rule has none beyond it.
    Text frames a mark a glyph wide only (GLYPH_WIDE): a sliver of a column rule the photo left
    unfound stands between its row's cells too."""
    x0, y0, x1, y1 = mark
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    line = [box.bounds for box in boxes if box.bounds[1] < cy < box.bounds[3]] if x1 - x0 >= GLYPH_WIDE * em else []
    left, right = any(bx1 <= x0 for _, _, bx1, _ in line), any(bx0 >= x1 for bx0, _, _, _ in line)
    above = below = False
    for rx0, ry0, rx1, ry1 in rules:
        if rx0 == rx1 and ry0 <= cy <= ry1:
            left, right = left or rx0 < x0, right or rx0 > x1
        elif ry0 == ry1 and rx0 <= cx <= rx1:
            above, below = above or ry0 < y0, below or ry0 > y1
    return left and right and above and below


def _alone(mark: Box, boxes: list[TextBox], em: float) -> bool:
    """No OCR box on the mark's line within ALONE text heights of it."""
    x0, y0, x1, y1 = mark
    for box in boxes:
        bx0, by0, bx1, by1 = box.bounds
        if by0 < y1 and by1 > y0 and bx0 < x1 + ALONE * em and bx1 > x0 - ALONE * em:
            return False
    return True


def _beside_money(mark: Box, boxes: list[TextBox]) -> bool:
    """Whether a box on the mark's line holds a money figure (an item's 金额 or 税额)."""
    middle = (mark[1] + mark[3]) / 2
    return any(box.bounds[1] < middle < box.bounds[3] and MONEY.search(box.text) for box in boxes)


def _read(page: np.ndarray, mark: Box, em: float, engine: Engine) -> TextBox | None:
    """The mark recognised on its own, a text line high, as a box; None unless it is a number.
    Read below MIN_CONFIDENCE, each of its characters is a guess (`TextBox.guessed`)."""
    x0, y0, x1, y1 = mark
    middle = (y0 + y1) / 2
    top, bottom = int(max(middle - 0.7 * em, 0)), int(min(middle + 0.7 * em, page.shape[0]))
    left, right = int(max(x0 - 0.2 * em, 0)), int(min(x1 + 0.2 * em, page.shape[1]))
    crop = page[top:bottom, left:right]
    if crop.size == 0:
        return None
    text, confidence = engine.recognize(with_margin(crop, (int(em) // 4, int(em))))
    text = "".join(text.split())
    if not NUMBER.match(text) or confidence < GUESS_CONFIDENCE:
        return None
    polygon = ((float(x0), float(top)), (float(x1), float(top)), (float(x1), float(bottom)), (float(x0), float(bottom)))
    if confidence < MIN_CONFIDENCE:
        guessed = tuple(i for i, char in enumerate(text) if char.isdigit())
        return TextBox(polygon, text, confidence, weakest=confidence, guessed=guessed)
    return TextBox(polygon, text, confidence)
