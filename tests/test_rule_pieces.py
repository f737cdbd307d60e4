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


def test_a_faint_rule_left_only_in_dashes_is_no_mark_a_glyph_beside_it_is():
    # a legacy form's pale rule on a curled photo: no straight run anywhere, only dashes along it
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.rectangle(image, (40, 300), (1560, 800), (60, 60, 60), 2)
    for y in range(310, 790, 45):  # 25 px dashes (under a straight run's 2.5 text heights)
        cv2.line(image, (700, y), (700, y + 25), (60, 60, 60), 2)
    cv2.line(image, (1000, 560), (1000, 590), (20, 20, 20), 3)  # a lone 1 away from it
    marks = unread_marks(image, [])
    assert len(marks) == 1 and 995 <= marks[0][0] <= 1000


def test_the_end_of_a_rule_where_another_crosses_it_and_a_corner_are_no_marks():
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.line(image, (40, 300), (1560, 300), (60, 60, 60), 2)
    cv2.line(image, (40, 300), (40, 800), (60, 60, 60), 2)
    cv2.line(image, (800, 300), (800, 630), (60, 60, 60), 2)  # a column rule, faded before its end ...
    cv2.line(image, (40, 681), (780, 681), (60, 60, 60), 2)  # ... where the 合计 rule crosses it
    cv2.line(image, (820, 681), (1530, 681), (60, 60, 60), 2)
    cv2.line(image, (800, 640), (800, 680), (60, 60, 60), 3)  # its last piece, with stubs of the
    cv2.line(image, (789, 680), (811, 680), (60, 60, 60), 3)  # crossing rule either side
    cv2.line(image, (1560, 300), (1560, 660), (60, 60, 60), 2)  # the frame's right rule, and the
    cv2.line(image, (1560, 666), (1560, 681), (60, 60, 60), 3)  # corner it makes with the 合计 rule
    cv2.line(image, (1542, 681), (1560, 681), (60, 60, 60), 3)
    assert unread_marks(image, []) == []


def _framed_figure() -> tuple[np.ndarray, tuple[float, float, float, float], list]:
    """A 1 (printed by OpenCV) inside a ruled cell, no OCR box over it; the cell's rules."""
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.putText(image, "1", (600, 620), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2, cv2.LINE_AA)
    rules = [(40.0, 300.0, 40.0, 800.0), (1560.0, 300.0, 1560.0, 800.0), (40.0, 300.0, 1560.0, 300.0), (40.0, 800.0, 1560.0, 800.0)]
    (mark,) = unread_marks(image, [])
    return image, mark, rules


def test_a_figure_is_read_alone_only_on_a_line_holding_a_money_figure():
    # a piece of 备注's slanted rule read as 1 joined the remarks of a ready record (fresh photo,
    # seed 2026120701): a lone figure is read where an item's numbers are, and nowhere else
    from capture.read.ocr import get_engine
    from capture.read.scan.marks import read_marks

    image, mark, rules = _framed_figure()
    em = WIDTH / 57
    alone = read_marks(image, [mark], [], rules, em, get_engine())
    assert alone == ([], [mark])
    money = TextBox(((1200, 595), (1300, 595), (1300, 625), (1200, 625)), "590.00", 0.99)
    (figure,), unread = read_marks(image, [mark], [money], rules, em, get_engine())
    assert figure.text == "1" and unread == []


def test_a_column_of_lone_ones_each_on_a_line_of_text_is_no_dashed_rule():
    # fresh photo_real seed 2026120837 (0022): three 数量 1s one under the other, which the
    # detector passed over, strung like the dashes of a faded rule; each stands on a line of
    # text (the row's 单价 and 金额 boxes hold its middle), so they are marks to read
    image = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.rectangle(image, (40, 300), (1560, 800), (60, 60, 60), 2)
    rows = [(549, 586), (616, 650), (710, 745)]
    for y0, y1 in rows:
        middle = (y0 + y1) // 2
        cv2.line(image, (825, middle - 9), (825, middle + 9), (20, 20, 20), 4)  # a 1, 0.68 text heights
    assert unread_marks(image, []) == []  # no text beside them: a dashed rule
    prices = [_box(940, y0, 1010, y1) for y0, y1 in rows]
    for y0, y1 in rows:
        cv2.rectangle(image, (950, y0 + 8), (1000, y1 - 8), (20, 20, 20), -1)  # the price's ink, in its box
    marks = unread_marks(image, prices)
    assert sorted(round(y0) for _, y0, _, _ in marks) == [556, 622, 716]  # the 1s (a 4 px line reaches 2 px past its ends)
