"""One guessed character in a field no check proves sends the record to a person: a photo's bank
account went out `ready` with a 6 read 5 at 0.63 in a line read at 0.99 on the whole (fresh
photo_real seed 2026120811, photo 0015). A second read on a white margin that repeats the line
lets it stand (fresh 300 dpi scans read right digits at 0.50-0.79)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from capture.contract.record import Check
from capture.contract.tokens import Token
from capture.extract.items import RowCells
from capture.extract.scan_table import _unproven_figure
from capture.read.ocr import TextBox, get_engine
from capture.read.ocr.rapid import guessed_characters, ink_beside_text, weakest_character
from capture.read.ocr.settle import ProvenValues
from capture.read.scan.page import _second_read_of_weak_lines
from capture.read.words import box_tokens
from capture.verify.confidence import weak_character_checks

SCAN = Path(__file__).parent.parent / "fixtures" / "scanned" / "syn_20261128_0059_scan150.jpg"
ACCOUNT = "开户行及账号：中国邮政储蓄银行股份有限公司无锡金融街支行551953094407974552060"


def _invoice(bank_account: str | None) -> dict:
    return {"seller": {"bank_account": bank_account, "tax_id": "91320200687176152F"}}


def test_punctuation_is_not_the_weakest_character():
    assert weakest_character("账号：12", [0.99, 0.99, 0.40, 0.97, 0.95]) == 0.95
    assert weakest_character("账号：12", [0.99, 0.99, 0.99, 0.63, 0.95]) == 0.63


def test_a_weak_character_in_a_field_no_check_proves_is_a_doubt_in_chinese_first():
    sources = {"seller.bank_account": [Token(ACCOUNT, 10, 10, 300, 20, 0.9865, weakest=0.63)]}
    [check] = weak_character_checks(sources, _invoice(ACCOUNT.split("：")[1]), [])
    assert (check.rule, check.field, check.ok) == ("ocr_character", "seller.bank_account", False)
    assert check.message.startswith("销售方开户行及账号有一个字识别把握不大（0.63）")


def test_no_doubt_where_every_character_is_sure_or_a_check_proves_the_field():
    sure = {"seller.bank_account": [Token(ACCOUNT, 10, 10, 300, 20, 0.99, weakest=0.97)]}
    assert weak_character_checks(sure, _invoice(ACCOUNT.split("：")[1]), []) == []
    tax_id = {"seller.tax_id": [Token("91320200687176152F", 10, 10, 100, 20, 0.99, weakest=0.5)]}
    proof = Check(rule="uscc_check_digit", field="seller.tax_id", ok=True, message="")
    assert weak_character_checks(tax_id, _invoice(None), [proof]) == []


def test_the_cipher_beside_a_party_line_is_no_part_of_its_value():
    tokens = [Token(ACCOUNT, 10, 10, 300, 20, 0.99, weakest=0.99), Token("/5820943507+281/57087588<68", 310, 10, 400, 20, 0.9, weakest=0.5)]
    assert weak_character_checks({"seller.bank_account": tokens}, _invoice(ACCOUNT.split("：")[1]), []) == []


def test_a_weak_line_the_second_read_repeats_stands_and_one_it_changes_does_not():
    """Real OCR on a committed scan: a date line and a buyer name line, each said to hold a weak
    character; the name's last glyph swapped for another stands for a guess the crop changes."""
    page = cv2.imread(str(SCAN))
    engine = get_engine()
    boxes = [next(box for box in engine.read(page) if box.text.startswith(label)) for label in ("开票日期", "名称：百川")]
    weak = [replace(box, weakest=0.5) for box in boxes]
    changed = replace(weak[1], text=weak[1].text[:-1] + "同")
    repeated, kept = _second_read_of_weak_lines(page, [weak[0], changed], engine, ProvenValues())
    assert repeated.weakest == 1.0 and kept.weakest == 0.5


def test_ink_past_the_last_character_read_and_before_the_first_is_measured_in_line_heights():
    """A glyph the recogniser dropped leaves ink after the column of its last character, or
    before the column of its first."""
    crop = np.full((40, 400, 3), 255, np.uint8)
    crop[10:30, 20:380] = 0  # ink along the whole line
    read_to_half = SimpleNamespace(word_cols=[[0, 10, 20, 39]], line_txt_len=80.0)
    read_whole = SimpleNamespace(word_cols=[[0, 30, 60, 75]], line_txt_len=80.0)
    read_from_the_second_glyph = SimpleNamespace(word_cols=[[8, 30, 60, 75]], line_txt_len=80.0)
    assert ink_beside_text(crop, read_to_half) == (pytest.approx((379 - 200) / 40), 0.0)
    assert ink_beside_text(crop, read_whole) == (0.0, 0.0)
    assert ink_beside_text(crop, read_from_the_second_glyph) == (0.0, pytest.approx((40 - 20) / 40))


def test_ink_after_a_name_is_a_doubt_that_the_name_may_have_lost_its_last_glyph():
    dropped = {"drawer": [Token("开票人：刘", 300, 360, 366, 376, 0.9919, weakest=0.97, ink_after=0.74)]}
    [check] = weak_character_checks(dropped, {"drawer": "刘"}, [])
    assert check.message.startswith("开票人末尾似乎还有字没有读出")
    whole = {"drawer": [Token("开票人：刘萱", 300, 360, 377, 376, 0.99, weakest=0.97, ink_after=0.3)]}
    assert weak_character_checks(whole, {"drawer": "刘萱"}, []) == []


def test_where_the_guessed_characters_stand_is_kept_word_by_word():
    assert guessed_characters("账号：12", [0.99, 0.99, 0.40, 0.97, 0.63]) == (4,)  # the colon aside
    assert guessed_characters("12", [0.5]) is None  # no confidence for each character: not known
    box = TextBox(((0, 0), (90, 0), (90, 10), (0, 10)), "2 14.7735849056604", 0.97, weakest=0.7, guessed=(4,))
    quantity, price = box_tokens(box)
    assert (quantity.text, quantity.guessed) == ("2", ())
    assert (price.text, price.guessed) == ("14.7735849056604", (2,))
    assert [t.guessed for t in box_tokens(replace(box, guessed=None))] == [None, None]


def _price_row(price: str, guessed: tuple[int, ...] | None, quantity: str = "1") -> str | None:
    row = RowCells({
        "quantity": [Token(quantity, 255, 50, 270, 60, 0.99)],
        "unit_price": [Token(price, 290, 50, 340, 60, 0.97, weakest=0.73, guessed=guessed)],
    })
    return _unproven_figure({"quantity": quantity, "unit_price": price}, row)


def test_a_guessed_digit_the_product_would_show_is_proven_by_it():
    # measured on fresh 300 dpi scans (seed 2026120804): 410000.00 with a 0 of its hundreds read
    # at 0.73, 1202.78 with its tens at 0.78: one unit of either moves 数量 x 单价 by 10 or more
    assert _price_row("410000.00", (3,)) is None
    assert _price_row("1202.78", (2,)) is None
    # a guessed last digit moves it by a cent: the check lets that pass, so it is a doubt
    assert _price_row("1202.78", (6,)) == "unit_price"
    # where the guess stands is not known (a cut or changed line): as if it were the last digit
    assert _price_row("410000.00", None) == "unit_price"
    # a 单价 to 13 decimals times 3: its guessed 7th decimal moves the product by 0.000003
    assert _price_row("3.2033333333333", (8,), quantity="3") == "unit_price"


def test_a_figure_that_is_its_amount_divided_by_the_other_to_every_printed_place_is_proven():
    # seed 2026120806: a 单价 printed to 13 decimals, one of them guessed: 586.00 / 109 gives it
    def row(price: str, amount: str) -> str | None:
        cells = RowCells({
            "quantity": [Token("109", 255, 50, 270, 60, 0.99)],
            "unit_price": [Token(price, 290, 50, 340, 60, 0.97, weakest=0.7, guessed=(12,))],
        })
        return _unproven_figure({"quantity": "109", "unit_price": price, "amount": amount}, cells)

    assert row("5.3761467889908", "586.00") is None
    assert row("5.3761467889903", "586.00") == "unit_price"  # a digit off: no quotient, a doubt again
    assert row("5.3761467889908", None) == "unit_price"  # no 金额 read: nothing to divide


def test_a_run_of_like_digits_short_of_one_divides_back_but_stays_a_doubt():
    # fresh 300 dpi scan (seed 2026120809, 0029 page 2): 19.5833333333333 read with one 3 lost,
    # at full confidence; 470.00 / 24 to its 12 places gives the short reading back
    def row(weakest: float, guessed: tuple[int, ...] | None, ink_after: float = 0.0) -> str | None:
        cells = RowCells({
            "quantity": [Token("24", 255, 50, 270, 60, 0.99)],
            "unit_price": [Token("19.583333333333", 290, 50, 340, 60, 0.97, weakest=weakest, guessed=guessed, ink_after=ink_after)],
        })
        return _unproven_figure({"quantity": "24", "unit_price": "19.583333333333", "amount": "470.00"}, cells)

    assert row(1.0, ()) is None  # nothing says a digit is missing: the quotient stands
    assert row(0.5, None) == "unit_price"  # the stretched second read counted its digits otherwise
    assert row(1.0, (), ink_after=0.9) == "unit_price"  # ink after its last digit read


def test_a_run_of_like_digits_is_read_again_stretched_and_its_count_kept_or_doubted():
    from capture.read.scan.page import _second_read_of_digit_runs

    engine = get_engine()
    width, height = 900, 60
    image = np.full((height, width, 3), 255, np.uint8)
    cv2.putText(image, "19.5833333333333", (10, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (0, 0, 0), 3)
    polygon = ((0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height)))
    right = TextBox(polygon, "19.5833333333333", 0.99)
    short = TextBox(polygon, "19.583333333333", 0.99)  # as a merging read gives it
    kept, doubted = _second_read_of_digit_runs(image, [right, short], engine)
    assert kept == right
    assert (doubted.weakest, doubted.guessed) == (0.5, None)
    plain = TextBox(polygon, "470.00", 0.99)  # no run of like digits after a point: not read again
    assert _second_read_of_digit_runs(image, [plain], engine) == [plain]


#: The 开票人 line of a fresh photo (seed 2026120812, photo_real 0004), cut from its flattened
#: sheet: 蔡萱梅 is printed; OCR reads 蔡蓝梅 with 蓝 at 0.44.
DRAWER_LINE = Path(__file__).parent.parent / "fixtures" / "scanned" / "photo_drawer_line.png"


def test_a_weak_character_the_margin_read_repeats_but_the_doubled_read_changes_stays_a_guess():
    # the same misreading twice is one view of the pixels; the crop doubled in size reads 篮
    page = cv2.imread(str(DRAWER_LINE))
    engine = get_engine()
    (box,) = [box for box in engine.read(page) if box.text.startswith("开票人")]
    assert box.weakest < 0.8 and "蓝" in box.text
    (kept,) = _second_read_of_weak_lines(page, [box], engine, ProvenValues())
    assert kept.weakest < 0.8  # the 开票人 goes to review with the character named
