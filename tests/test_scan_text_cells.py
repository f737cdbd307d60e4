"""The text cells of a scan's goods table, which nothing checks: a 单位 the recogniser is unsure
of is trusted when it reads as a unit word whole, a doubt otherwise (its look-alike, 干瓦时 for
千瓦时, is no unit); a 0 beside a letter and no other figure (Pr0 for Pro) is a doubt; on a
table without column rules, text that ends before the 规格型号 column can start is the name's."""

from __future__ import annotations

from capture.contract.tokens import Token
from capture.contract.units import KNOWN_UNITS
from capture.extract.items import RowCells
from capture.extract.lines import build_lines
from capture.extract.scan_table import ZERO_BESIDE_LETTER, scan_cells, scan_doubts
from tests.test_scan_layout import COLUMNS


def _electricity(unit: str, score: float) -> list[str]:
    # measured on a 300 dpi scan (seed 20261613): 千瓦时 read right at 0.91, the 千 unsure against 干
    name = Token("*供电*电费", 15, 50, 60, 60, 0.998)
    row = RowCells({
        "name": [name],
        "unit": [Token(unit, 208, 50, 232, 60, score)],
        "quantity": [Token("120", 255, 50, 270, 60, 0.99)],
        "unit_price": [Token("0.9568965517241", 290, 50, 340, 60, 0.99)],
    })
    item = {"name": name.text, "spec": None, "unit": unit, "quantity": "120", "unit_price": "0.9568965517241"}
    return scan_doubts([item], [[row]], COLUMNS)


def test_a_unit_word_read_with_some_doubt_is_trusted():
    assert _electricity("千瓦时", 0.91) == []


def test_a_unit_that_is_no_unit_word_read_with_doubt_stays_a_doubt():
    (doubt,) = _electricity("干瓦时", 0.91)
    assert "单位" in doubt and "干瓦时" in doubt and "千瓦时" in doubt
    assert "干瓦时" not in KNOWN_UNITS


def test_a_unit_word_read_with_too_little_confidence_stays_a_doubt():
    (doubt,) = _electricity("千瓦时", 0.6)
    assert "low confidence (0.60)" in doubt


def test_a_unit_word_read_sure_is_no_doubt_and_an_unsure_name_still_is():
    assert _electricity("千瓦时", 0.99) == []
    name = Token("*供电*电费", 15, 50, 60, 60, 0.9)
    row = RowCells({"name": [name], "unit": [Token("千瓦时", 208, 50, 232, 60, 0.91)]})
    item = {"name": name.text, "spec": None, "unit": "千瓦时", "quantity": None, "unit_price": None}
    (doubt,) = scan_doubts([item], [[row]], COLUMNS)
    assert "名称" in doubt and "(0.90)" in doubt


def test_a_zero_beside_a_letter_and_no_other_figure_is_a_doubt():
    # measured on a 150 dpi scan (seed 20261613): the o that starts a wrapped line read 0 at 0.96,
    # and the record went out ready with "Mate 60 Pr0"
    name = "*移动通信设备*华为(HUAWEI)Mate 60 Pr0 12GB+512GB 雅川青"
    row = RowCells({"name": [Token("*移动通信设备*华为(", 15, 50, 110, 60, 0.96)]})
    wrapped = RowCells({"name": [Token("0", 15, 62, 20, 72, 0.96), Token("12GB+512GB", 24, 62, 70, 72, 0.96)]})
    item = {"name": name, "spec": None, "unit": None, "quantity": None, "unit_price": None}
    (doubt,) = scan_doubts([item], [[row, wrapped]], COLUMNS)
    assert "Pr0" in doubt and "O" in doubt


def test_digits_of_a_model_standing_together_are_no_doubt():
    for text in ("ALN-AL00", "WDBU6Y0020BBK", "B3200内存条", "Mate 60 Pro", "X1C Gen10", "A4复印纸 70g 500张/包", "0.5mm"):
        assert not ZERO_BESIDE_LETTER.search(text), text
    for text in ("Pr0", "Y0ga", "0ffice"):
        assert ZERO_BESIDE_LETTER.search(text), text


def test_a_wrapped_name_ends_before_the_spec_column_can_start_and_reads_whole():
    # measured on a 300 dpi 数电 scan (seed 20261613): the name's second line "层120抽 24包/箱"
    # is one OCR box whose words the recogniser set apart; no row prints a 规格型号 to measure
    # the column's edge from, and the header (150-190) puts its leftmost start at 136
    first = [
        Token("*日用杂品*清风抽纸3", 20, 120, 112, 130, 0.998), Token("箱", 212, 120, 226, 130, 1.0),
        Token("5", 262, 120, 270, 130, 1.0), Token("71.64", 300, 120, 320, 130, 1.0),
        Token("358.20", 355, 120, 380, 130, 1.0), Token("13%", 412, 120, 430, 130, 1.0), Token("46.57", 470, 120, 490, 130, 1.0),
    ]
    second = [Token("层120抽", 20, 134, 48, 144, 0.96), Token("24包/箱", 53, 134, 88, 144, 0.96)]
    _, rows = scan_cells(build_lines(first + second), COLUMNS)
    assert [t.text for t in rows[1].cells["name"]] == ["层120抽", "24包/箱"] and "spec" not in rows[1].cells
    item = {"name": "*日用杂品*清风抽纸3层120抽 24包/箱", "spec": None, "unit": "箱", "quantity": "5", "unit_price": "71.64"}
    assert scan_doubts([item], [rows], COLUMNS) == []


def test_text_where_the_spec_column_can_start_stays_its_own():
    first = [Token("*计算机*联想", 20, 120, 80, 130, 0.99), Token("13.00", 470, 120, 490, 130, 0.99)]
    second = [Token("ThinkPad", 20, 134, 60, 144, 0.99), Token("21HM", 140, 134, 160, 144, 0.98)]
    _, rows = scan_cells(build_lines(first + second), COLUMNS)
    assert [t.text for t in rows[1].cells["spec"]] == ["21HM"]


def test_a_speck_read_as_an_underscore_in_a_header_label_still_finds_the_column():
    from capture.extract.items import find_columns
    from tests.test_scan_layout import HEADER

    # measured on a 300 dpi scan (seed 20261613): 单_位 at 0.91, and the 单位 元 went to 规格型号
    header = [(text.replace("单位", "单_位"), x0, x1) for text, x0, x1 in HEADER]
    line = build_lines([Token(text, x0, 100, x1, 110, 0.99) for text, x0, x1 in header])[0]
    assert "unit" in find_columns(line).spans


def _wrapped_wine(second_line: str) -> list[str]:
    first = RowCells({"name": [Token("*酒*贵州茅台酒", 17, 50, 87, 60, 0.97), Token("53%vo", 93, 50, 120, 60, 0.97)]})
    wrapped = RowCells({"name": [Token(second_line, 17, 63, 51, 73, 0.96)]})
    item = {"name": f"*酒*贵州茅台酒 53%vo{second_line}", "spec": None, "unit": None, "quantity": None, "unit_price": None}
    return scan_doubts([item], [[first, wrapped]], COLUMNS)


def test_a_wrapped_line_starting_with_a_look_alike_after_a_letter_is_a_doubt():
    # measured on a 300 dpi scan (seed 20261637): 53%vo | l500ml read 53%vo | 1500ml at 0.96,
    # and the record went out ready with "53%vo1500ml"
    (doubt,) = _wrapped_wine("1500ml")
    assert "“1500ml”" in doubt and "an l or I as 1" in doubt
    assert _wrapped_wine("瓶装500ml") == []
    assert _wrapped_wine("l 500ml") == []  # a letter read as a letter (Len | ovo, V | I)


def test_a_scan_whose_unit_the_recogniser_is_unsure_of_reads_exactly_and_goes_out_ready():
    import json
    from pathlib import Path

    from capture.pipeline import process_file

    # a 150 dpi scan (seed 20261637) whose 单位 升 is read at 0.88: it waited for a person before
    scanned = Path(__file__).resolve().parents[1] / "fixtures" / "scanned"
    name = "syn_20261637_0051_scan150.jpg"
    truth = json.loads((scanned / name.replace(".jpg", ".truth.json")).read_text(encoding="utf-8"))
    (record,) = process_file(scanned / name, name).records
    got = [item.model_dump(mode="json") for item in record.invoice.items]
    want = truth["invoices"][0]["invoice"]["items"]
    texts = ("name", "spec", "unit", "quantity", "unit_price", "amount", "tax")
    assert [["".join(str(i.get(k)).split()) for k in texts] for i in got] == [["".join(str(i.get(k)).split()) for k in texts] for i in want]
    assert "升" in [item["unit"] for item in want]
    assert record.status == "ready", record.reasons
