"""Which way up a page reads, when no QR says so: lines read on their side do not show a page
upright, even where the recogniser (which turns a tall crop before reading it) reads them well."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.read.ocr import TextBox
from capture.read.qr import find_qr
from capture.read.scan.page import _looks_upright, _turns_to_try, read_scan_page, reading_score

SCAN = Path(__file__).parent.parent / "fixtures" / "scanned" / "syn_20261128_0059_scan150.jpg"

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


def test_tall_lines_read_strongly_turn_the_page_the_way_the_recogniser_turned_them():
    """The recogniser turns a tall line a quarter counter-clockwise before reading it: tall lines
    that read strongly were upright after that turn, so the page takes it first; lines that
    read weakly were upside down, so the page takes the other quarter first."""
    strong = [_box(word, 40 + 40 * i, 30, 24, 20 * len(word)) for i, word in enumerate(WORDS)]
    weak = [TextBox(box.polygon, "乱码", 0.4) for box in strong]
    assert _turns_to_try(strong)[:2] == (1, 3)
    assert _turns_to_try(weak)[:2] == (3, 1)
    level = [_box(word, 40, 30 + 40 * i, 20 * len(word), 24) for i, word in enumerate(WORDS)]
    assert _turns_to_try(level)[0] == 2


@pytest.mark.parametrize("quarters", [1, 3])
def test_a_scan_on_its_side_without_a_qr_is_read_upright(quarters):
    """No QR to give the angle (blanked here): the page is glanced at as it lies, turned, and read
    the right way up, its number and total found."""
    image = cv2.imread(str(SCAN))
    truth = json.loads(SCAN.with_suffix(".truth.json").read_text(encoding="utf-8"))["invoices"][0]["invoice"]
    corners = find_qr(image).corners.astype(int)
    (x0, y0), (x1, y1) = corners.min(0) - 12, corners.max(0) + 12
    image[max(y0, 0) : y1, max(x0, 0) : x1] = 255
    assert not find_qr(image).payloads
    page = read_scan_page(np.ascontiguousarray(np.rot90(image, quarters)), 1, "image")
    text = "".join(token.text for token in page.tokens)
    assert truth["number"] in text and truth["total"] in text
