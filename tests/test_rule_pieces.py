"""What a photographed rule leaves in pieces is no unread mark; a glyph no OCR box covers still is."""

from __future__ import annotations

import cv2
import numpy as np

from capture.read.ocr import TextBox
from capture.read.scan.ink import unread_marks

WIDTH, HEIGHT = 1600, 1100


def _box(x0: int, y0: int, x1: int, y1: int) -> TextBox:
    return TextBox(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), "text", 0.99)


def _photographed_table() -> np.ndarray:
    """A table whose rules came out of a photo: a column rule faded in places (dashes between
    its straight runs), a sliver of the header rule's blurred edge beside it."""
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.rectangle(image, (40, 300), (1560, 800), (60, 60, 60), 2)  # the table frame
    cv2.line(image, (40, 360), (1560, 360), (60, 60, 60), 2)  # the rule under the header
    cv2.line(image, (300, 363), (330, 363), (90, 90, 90), 1)  # a sliver along its edge
    cv2.line(image, (800, 300), (800, 480), (60, 60, 60), 2)  # a column rule, then faded:
    for y in range(510, 760, 70):  # what is left of it, dashes shorter than a straight run
        cv2.line(image, (800, y), (800, y + 40), (60, 60, 60), 2)
    return image


def test_the_pieces_of_a_faded_rule_and_a_sliver_along_a_rule_are_no_marks():
    assert unread_marks(_photographed_table(), []) == []


def test_a_glyph_beside_the_pieces_is_still_a_mark():
    image = _photographed_table()
    cv2.line(image, (862, 602), (886, 602), (20, 20, 20), 3)  # a lone 一 in the column, in no box
    cv2.line(image, (1000, 560), (1000, 590), (20, 20, 20), 3)  # a lone 1 away from every rule
    marks = unread_marks(image, [])
    assert len(marks) == 2
    assert any(855 <= x0 <= 866 and 880 <= x1 <= 892 for x0, _, x1, _ in marks)
    assert any(995 <= x0 <= 1000 and 555 <= y0 <= 562 for x0, y0, _, _ in marks)


def test_a_faded_seal_arc_is_no_mark_a_black_figure_beside_it_is():
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.ellipse(image, (1200, 600), (120, 90), 0, 165, 195, (150, 150, 210), 4)  # a seal's arc, washed out
    cv2.line(image, (900, 580), (900, 608), (20, 20, 20), 3)  # a lone 1, in black
    marks = unread_marks(image, [])
    assert len(marks) == 1 and 895 <= marks[0][0] <= 900
