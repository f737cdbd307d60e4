"""Which way up a page reads, when no QR says so: lines read on their side do not show a page
upright, even where the recogniser (which turns a tall crop before reading it) reads them well."""

from __future__ import annotations

from capture.read.ocr import TextBox
from capture.read.scan.page import _looks_upright, reading_score

WORDS = ["海南增值税电子普通发票", "购买方名称：海口永安汽车销售服务有限公司", "货物或应税劳务、服务名称", "金额", "税额", "合计", "价税合计（大写）"]


def _box(text: str, x: float, y: float, width: float, height: float) -> TextBox:
    return TextBox(((x, y), (x + width, y), (x + width, y + height), (x, y + height)), text, 0.99)


def test_a_page_read_on_level_lines_looks_upright():
    level = [_box(word, 40, 30 + 40 * i, 20 * len(word), 24) for i, word in enumerate(WORDS)]
    assert _looks_upright(level)


def test_the_same_lines_standing_on_their_side_do_not():
    # a photo lying on its side, its QR in a shadow: every line stands taller than wide, and the
    # recogniser read them all (seed 20261504, photo 0004, was kept sideways and lost its amounts)
    sideways = [_box(word, 40 + 40 * i, 30, 24, 20 * len(word)) for i, word in enumerate(WORDS)]
    assert not _looks_upright(sideways)
    assert reading_score(sideways) == 0
    level = [_box(word, 40, 30 + 40 * i, 20 * len(word), 24) for i, word in enumerate(WORDS)]
    assert reading_score(level) > 0


def test_a_few_vertical_labels_on_an_upright_page_do_not_turn_it():
    level = [_box(word, 40, 30 + 40 * i, 20 * len(word), 24) for i, word in enumerate(WORDS)]
    labels = [_box("购买方", 10, 60, 20, 70), _box("密码区", 300, 60, 20, 70)]  # printed top to bottom
    assert _looks_upright(level + labels)
