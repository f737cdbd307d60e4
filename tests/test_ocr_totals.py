"""Totals the fast readings prove among themselves: 价税合计 in words and figures read alike,
and the tax that follows from it with the QR's amount — and nothing where a reading is off."""

from decimal import Decimal

from capture.contract.qr import make_qr_payload, parse_qr
from capture.read.ocr.settle import ProvenValues, settled, words_value
from capture.read.ocr.totals import money_figure, proven_totals

#: A legacy e-invoice's QR (type 10: its amount is 合计金额, before tax), its CRC holding.
LEGACY = ProvenValues.of([parse_qr(make_qr_payload("10", "032002300211", "73037267", "1883.78", "20230116", "88821254591766094936"))])
#: A 数电票's QR (type 32: its amount is 价税合计).
DIGITAL = ProvenValues.of([parse_qr(make_qr_payload("32", "", "25322000000239088269", "22872.51", "20251214", ""))])


def test_words_are_read_only_when_spelt_as_invoices_spell_them():
    assert words_value("⊗贰万贰仟捌佰柒拾贰圆伍角壹分") == Decimal("22872.51")
    assert words_value("壹仟玖佰肆拾伍圆叁角贰分") == Decimal("1945.32")
    assert words_value("参叁佰伍拾玖圆柒角整") is None  # a misread glyph spoils the words
    assert words_value("贰万贰仟捌佰柒拾贰元伍角壹分") is None  # 元 for 圆: not how it is printed
    assert words_value("价税合计（大写）") is None
    assert money_figure("(小写）￥22872.51") == Decimal("22872.51")
    assert money_figure("22872.51") is None  # no ¥: an item's figure, not a total's


def test_words_and_figures_that_agree_prove_the_total_and_the_tax():
    readings = [("壹仟玖佰肆拾伍圆叁角贰分", 0.97), ("(小写)¥1945.32", 0.96), ("¥1883.78", 0.95), ("¥61.54", 0.95), ("61.54", 0.99)]
    proven = proven_totals(readings, LEGACY)
    assert all(settled(text, score, proven) for text, score in readings)
    assert not settled("¥61.55", 0.99, proven)
    # without the QR's 合计金额 the tax is still the other ¥ figure that adds up to the total
    assert settled("¥61.54", 0.95, proven_totals(readings, ProvenValues()))


def test_words_and_figures_that_disagree_prove_nothing():
    readings = [("壹仟玖佰肆拾伍圆叁角贰分", 0.97), ("(小写)¥1945.82", 0.96), ("¥61.54", 0.95)]
    proven = proven_totals(readings, LEGACY)
    assert proven == LEGACY
    assert not any(settled(text, score, proven) for text, score in readings)
    unsure = [("壹仟玖佰肆拾伍圆叁角贰分", 0.8), ("(小写)¥1945.32", 0.96)]
    assert proven_totals(unsure, LEGACY) == LEGACY  # a reading the model doubts proves nothing
    sure = proven_totals([("壹仟玖佰肆拾伍圆叁角贰分", 0.97), ("(小写)¥1945.32", 0.96)], LEGACY)
    assert settled("¥61.54", 0.95, sure) and not settled("¥61.54", 0.8, sure)  # nor stands by it


def test_a_digital_invoice_qr_proves_the_total_and_its_two_parts():
    readings = [("￥22646.05", 0.93), ("￥226.46", 0.93), ("(小写）￥22872.51", 0.93), ("￥226.47", 0.93), ("22646.05", 1.0)]
    proven = proven_totals(readings, DIGITAL)
    assert [settled(text, score, proven) for text, score in readings] == [True, True, True, False, True]
