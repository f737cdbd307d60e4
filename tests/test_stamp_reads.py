"""A box OCR reads off a red stamp is dropped; printed lines, black or red, are kept."""

import cv2
import numpy as np

from capture.read.ocr import TextBox
from capture.read.scan.seal import drop_stamp_reads

EM = 20.0


def _box(x0, y0, x1, y1, text):
    return TextBox(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), text, 0.65)


def _page():
    page = np.full((400, 800, 3), 255, np.uint8)
    cv2.putText(page, "60.76  13%  7.90", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
    # a 核销 stamp: a red ring with red strokes inside, over a black figure
    cv2.putText(page, "13%", (420, 200), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
    cv2.ellipse(page, (460, 200), (70, 50), -30, 0, 360, (40, 40, 220), 4)
    cv2.putText(page, "XO", (425, 215), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (40, 40, 220), 4)
    # a tall block of black print (a vertical label beside a wide one)
    for row in range(4):
        cv2.putText(page, "ABCDEF", (40, 150 + 40 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return page


def test_a_stamp_sized_red_box_is_dropped():
    stamp = _box(385, 145, 535, 255, "3")
    kept = drop_stamp_reads(_page(), [stamp], EM)
    assert kept == []


def test_printed_lines_and_black_blocks_are_kept():
    line = _box(35, 40, 260, 68, "60.76 13% 7.90")
    block = _box(35, 120, 200, 280, "ABCDEF")
    assert drop_stamp_reads(_page(), [line, block], EM) == [line, block]


def test_a_large_red_title_under_a_seal_is_kept():
    """A red-brown title printed large (three text heights) with the bureau's seal across it is a
    long line, not a stamp."""
    page = np.full((200, 700, 3), 255, np.uint8)
    cv2.putText(page, "TITLE IN RED", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (40, 40, 200), 4)
    cv2.ellipse(page, (250, 95), (80, 50), 0, 0, 360, (40, 40, 220), 4)
    title = _box(35, 55, 480, 125, "TITLE IN RED")
    assert drop_stamp_reads(page, [title], EM) == [title]
