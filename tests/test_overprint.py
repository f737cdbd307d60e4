"""A box OCR reads off a red stamp or a viewer's watermark is dropped; printed lines, black or red,
and the form's tall labels are kept."""

import cv2
import numpy as np

from capture.read.ocr import TextBox
from capture.read.scan.overprint import drop_overprint

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
    assert drop_overprint(_page(), [stamp], EM) == ([], [stamp], [])


def test_printed_lines_and_black_blocks_are_kept():
    line = _box(35, 40, 260, 68, "60.76 13% 7.90")
    block = _box(35, 120, 200, 280, "ABCDEF")
    assert drop_overprint(_page(), [line, block], EM) == ([line, block], [], [])


def test_a_large_red_title_under_a_seal_is_kept():
    """A red-brown title printed large (three text heights) with the bureau's seal across it is a
    long line, not a stamp."""
    page = np.full((200, 700, 3), 255, np.uint8)
    cv2.putText(page, "TITLE IN RED", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (40, 40, 200), 4)
    cv2.ellipse(page, (250, 95), (80, 50), 0, 0, 360, (40, 40, 220), 4)
    title = _box(35, 55, 480, 125, "TITLE IN RED")
    assert drop_overprint(page, [title], EM) == ([title], [], [])


def _screen(word_colour, label_colour=(90, 120, 170)):
    page = np.full((300, 900, 3), 255, np.uint8)
    cv2.putText(page, "91370101MA3C", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
    cv2.putText(page, "EasyOFD", (300, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.4, word_colour, 5, cv2.LINE_AA)
    for row, char in enumerate("ABC"):  # a tall label printed upright in light brown
        cv2.putText(page, char, (20, 120 + 40 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.0, label_colour, 2, cv2.LINE_AA)
    return page


def test_a_viewers_watermark_is_dropped_and_print_kept():
    page = _screen((60, 150, 245))  # orange, as EasyOFD prints its name
    watermark = _box(295, 150, 640, 215, "EasyOFD")
    value = _box(35, 40, 230, 68, "91370101MA3C")
    label = _box(15, 90, 50, 215, "ABC")
    assert drop_overprint(page, [watermark, value, label], EM) == ([value, label], [], [watermark])


def test_a_large_word_in_dark_print_is_no_watermark():
    page = _screen((30, 30, 30))
    title = _box(295, 150, 640, 215, "EasyOFD")
    assert drop_overprint(page, [title], EM) == ([title], [], [])
