"""A scan's table read by its cells: the printed rules part the text cells, an OCR box across a
rule is a doubt, 数量 and 单价 read as one number are cut where the arithmetic proves it, and a
lone figure the detector passed over is read on its own."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from capture.contract.draft import Draft, empty_invoice
from capture.contract.tokens import Token
from capture.extract.items import RowCells, unglue_quantity_price
from capture.extract.lines import build_lines
from capture.extract.page import read_table

SCANNED = Path(__file__).resolve().parents[1] / "fixtures" / "scanned"

HEADER = [
    ("货物或应税劳务名称", 40, 130), ("规格型号", 150, 190), ("单位", 210, 230), ("数量", 250, 270),
    ("单价", 300, 320), ("金额", 360, 380), ("税率", 410, 430), ("税额", 470, 490),
]
#: The table's vertical rules, as a scan's ruled lines (x0 == x1), from the header down.
RULES = [(x, 95.0, x, 200.0) for x in (15, 140, 200, 240, 280, 340, 400, 440, 500)]


def _table(rows: list[Token]) -> list:
    header = [Token(text, x0, 100, x1, 110, 0.99) for text, x0, x1 in HEADER]
    total = [Token("合计", 60, 180, 80, 190, 0.99)]
    return build_lines(header + rows + total)


def _read(rows: list[Token], rules=RULES) -> Draft:
    draft = Draft(empty_invoice(), source_kind="image")
    read_table(_table(rows), draft, [], rules)
    return draft


def _numbers(y: float) -> list[Token]:
    """The rest of a row, each cell its own OCR box (own score)."""
    return [
        Token("箱", 212, y, 222, y + 10, 0.981), Token("2", 262, y, 270, y + 10, 0.982),
        Token("50.00", 300, y, 320, y + 10, 0.983), Token("100.00", 355, y, 380, y + 10, 0.984),
        Token("13%", 412, y, 430, y + 10, 0.985), Token("13.00", 470, y, 490, y + 10, 0.986),
    ]


def _milk(wrapped: tuple[float, float]) -> list[Token]:
    """An item whose name wraps: 伊利纯牛 | 奶 on the next line, with the box 250ml*24盒 beside the
    奶 at `wrapped` (x0, x1); its 规格型号 250ml*24 at x=145."""
    return [
        Token("*乳制品*伊利纯牛", 20, 120, 130, 130, 0.991), Token("250ml*24", 145, 120.5, 185, 130, 0.992), *_numbers(120),
        Token("奶", 20, 133, 30, 143, 0.993), Token("250ml*24盒", wrapped[0], 133.5, wrapped[1], 143, 0.994),
    ]


def _tissues(y: float) -> list[Token]:
    """An item on one line, its 规格型号 at x=145."""
    return [Token("*日用杂品*清风抽纸", 20, y, 110, y + 10, 0.995), Token("BR38SC8", 145, y + 0.5, 180, y + 10, 0.996), *_numbers(y)]


def test_a_wrapped_name_beside_a_wrapped_spec_is_read_by_the_printed_rules():
    # the name's second line starts in its cell and the spec's second line in its own: the rule
    # between them says which is which, whatever the gaps between the boxes
    rows = [*_milk(wrapped=(36, 95)), Token("/箱", 145, 133, 160, 143.5, 0.995)]
    draft = _read(rows)
    (item,) = draft.invoice["items"]
    assert item["name"] == "*乳制品*伊利纯牛奶 250ml*24盒"
    assert item["spec"] == "250ml*24/箱"
    assert item["quantity"] == "2" and item["unit_price"] == "50.00"
    assert not [why for name, why in draft.doubts if name == "items"]


def test_without_the_rules_the_same_wrapped_line_is_read_by_where_the_spec_starts():
    # no rule is printed, but the 规格型号 starts at x=145 on both lines (left-aligned in its
    # column): the box ending far left of it is the name's, the one starting on it the spec's
    rows = [*_milk(wrapped=(36, 95)), Token("/箱", 145, 133, 160, 143.5, 0.995)]
    draft = _read(rows, rules=[])
    (item,) = draft.invoice["items"]
    assert item["name"] == "*乳制品*伊利纯牛奶 250ml*24盒"
    assert item["spec"] == "250ml*24/箱"
    assert not [why for name, why in draft.doubts if name == "items"]


def test_without_the_rules_a_wrapped_spec_starting_off_the_edge_is_a_doubt():
    # the wrapped line's 规格型号 starts well right of where the first line's starts: which cell
    # its words are in is not shown, and it stays a doubt
    rows = [*_milk(wrapped=(36, 95)), Token("/箱", 160, 133, 175, 143.5, 0.995)]
    doubts = [why for name, why in _read(rows, rules=[]).doubts if name == "items"]
    assert any("wraps over 2 lines" in why for why in doubts)


def test_one_box_across_name_and_spec_is_cut_at_its_one_space_where_the_spec_starts():
    # 数电 table, no rules: the detector boxed "…戴尔(DELL 7090MT" as one line; the recogniser read
    # the column gap as its only space, and the word after it starts where 规格型号 starts (x=145,
    # as on the row below): the cut can be nowhere else
    dell = [Token("*电子计算机*戴尔台式机", 20, 120, 143, 130, 0.991), Token("7090MT", 147, 120, 180, 130, 0.991), *_numbers(120)]
    draft = _read([*dell, *_tissues(135)], rules=[])
    first, _ = draft.invoice["items"]
    assert (first["name"], first["spec"]) == ("*电子计算机*戴尔台式机", "7090MT")
    assert not [why for name, why in draft.doubts if name == "items"]


def test_one_box_across_name_and_spec_with_a_second_space_near_the_edge_is_a_doubt():
    # "…戴尔 OP 7090MT": a second space just before the edge, so which one is the column gap
    # is a guess (the words' places inside one box are estimates)
    dell = [
        Token("*电子计算机*戴尔", 20, 120, 128, 130, 0.991), Token("OP", 132, 120, 143, 130, 0.991),
        Token("7090MT", 147, 120, 180, 130, 0.991), *_numbers(120),
    ]
    doubts = [why for name, why in _read([*dell, *_tissues(135)], rules=[]).doubts if name == "items"]
    assert any("spans two columns" in why for why in doubts)


def test_a_name_box_ending_before_the_measured_spec_edge_is_no_doubt():
    # a 销货清单 page: names fill their column up to the 规格型号 edge the rows show (x=145); a
    # name box ending within its padding of it holds no 规格型号 text. One reaching past it does.
    near = [Token("*计算机配套产品*罗技(Logitech)", 20, 120, 146, 130, 0.99), *_numbers(120)]
    draft = _read([*near, *_tissues(135), *_tissues(150)], rules=[])
    assert not [why for name, why in draft.doubts if name == "items"]
    past = [Token("*计算机配套产品*罗技(LogitechM3", 20, 120, 158, 130, 0.99), *_numbers(120)]
    doubts = [why for name, why in _read([*past, *_tissues(135), *_tissues(150)], rules=[]).doubts if name == "items"]
    assert any("罗技" in why and "spans two columns" in why for why in doubts)


def test_a_dash_read_beside_a_chinese_character_is_a_doubt():
    # the recogniser reads the 一 of 三一(SANY) as — at full confidence
    rows = [Token("*机械设备*三—(SANY)挖掘机", 20, 120, 130, 130, 0.999), *_numbers(120)]
    doubts = [why for name, why in _read(rows).doubts if name == "items"]
    assert any("dash" in why for why in doubts)


def test_an_ocr_box_across_the_rule_between_name_and_spec_is_a_doubt():
    # the detector joined "(片碱) 99%" and "25kg/袋" across the printed rule at x=140
    rows = [Token("*化学原料*工业级氢氧化钠(片碱)99%25kg/袋", 20, 120, 180, 130, 0.99), *_numbers(120)]
    draft = _read(rows)
    doubts = [why for name, why in draft.doubts if name == "items"]
    assert any("runs across the printed line between 名称 and 规格型号" in why for why in doubts)


def test_quantity_and_price_read_as_one_number_are_cut_where_the_arithmetic_proves_it():
    # measured on 300 dpi scans (seed 20261301): "3 1818.83185840708" and "10 17.915…" read as one box
    assert unglue_quantity_price("31818.83185840708", Decimal("5456.50")) == ("3", "1818.83185840708")
    assert unglue_quantity_price("1017.9150943396226", Decimal("179.15")) == ("10", "17.9150943396226")
    assert unglue_quantity_price("-2437.1584158415842", Decimal("-891.80")) == ("-24", "37.1584158415842")
    assert unglue_quantity_price("5 89.14", Decimal("445.70")) == ("5", "89.14")  # the gap was read: cut there
    # a price alone (数量 not printed) has no cut that multiplies back to its amount
    assert unglue_quantity_price("1200.00", Decimal("1200.00")) is None
    assert unglue_quantity_price("89.14", Decimal("445.70")) is None
    assert unglue_quantity_price("1 2 3", Decimal("6.00")) is None  # two gaps: no single cut


def test_a_glued_quantity_and_price_read_in_a_table_row():
    rows = [
        Token("*修理修配劳务*车辆维修费", 20, 120, 130, 130, 0.99), Token("次", 212, 120, 222, 130, 0.99),
        Token("31818.83185840708", 255, 120, 330, 130, 0.99), Token("5456.50", 355, 120, 380, 130, 0.99),
        Token("13%", 412, 120, 430, 130, 0.99), Token("709.35", 470, 120, 490, 130, 0.99),
    ]
    (item,) = _read(rows).invoice["items"]
    assert (item["quantity"], item["unit_price"], item["amount"]) == ("3", "1818.83185840708", "5456.50")


def _scan(name: str) -> tuple[dict, Draft]:
    """A committed scan read and laid out, with its truth."""
    from capture.extract.page import extract_page
    from capture.read.images import read_image_pages
    from capture.read.scan.page import read_scan_page

    truth = json.loads((SCANNED / name.replace(".jpg", ".truth.json")).read_text(encoding="utf-8"))
    (image,) = read_image_pages(SCANNED / name)
    return truth, extract_page(read_scan_page(image, 1, "image"))


def test_an_ocr_box_across_a_printed_rule_is_read_cell_by_cell():
    # the detector boxed "(片碱) 99%" and "25kg/袋" as one line across the rule between the
    # cells (150 dpi scan, seed 20261301): cut at the rule, each side reads as its own cell
    truth, draft = _scan("syn_20261301_0032_scan150.jpg")
    want = truth["invoices"][0]["invoice"]["items"]
    texts = ("name", "spec", "unit", "quantity", "unit_price", "amount")

    def cells(items: list[dict]) -> list[list[str]]:  # spaces folded, as `capture eval` scores a scan
        return [["".join(str(item[k]).split()) for k in texts] for item in items]

    assert cells(draft.invoice["items"]) == cells(want)
    assert any(item["spec"] == "25kg/袋" for item in want)
    assert not [why for field, why in draft.doubts if field == "items"]


def test_a_lone_quantity_the_detector_passes_over_is_read_on_its_own():
    truth, draft = _scan("syn_20261301_0004_scan150.jpg")
    want = truth["invoices"][0]["invoice"]["items"]
    assert "1" in [item["quantity"] for item in want]
    numbers = ("quantity", "unit_price", "amount")
    assert [[item[k] for k in numbers] for item in draft.invoice["items"]] == [[item[k] for k in numbers] for item in want]
    assert not [why for field, why in draft.doubts if field == "items"]


def test_a_table_without_column_rules_finds_the_spec_edge_where_its_rows_start_it():
    # a 数电 table prints no column rules: 规格型号 starts at one edge row after row (x=145), so a
    # wrapped name's words set apart by the gap between two OCR boxes (奶 | 250ml*24盒) are the name's
    rows = [*_milk(wrapped=(40, 99)), *_tissues(150)]
    draft = _read(rows, rules=[])
    first, second = draft.invoice["items"]
    assert first["name"] == "*乳制品*伊利纯牛奶 250ml*24盒" and first["spec"] == "250ml*24"
    assert second["name"] == "*日用杂品*清风抽纸" and second["spec"] == "BR38SC8"
    assert not [why for name, why in draft.doubts if name == "items"]


def test_text_reaching_the_spec_edge_is_not_moved_into_the_name():
    # the same table, but the box after the name ends at the 规格型号 edge: which cell it is
    # in is not known, and it stays a doubt
    rows = [*_milk(wrapped=(90, 143)), *_tissues(150)]
    draft = _read(rows, rules=[])
    assert draft.invoice["items"][0]["name"] == "*乳制品*伊利纯牛奶"
    assert [why for name, why in draft.doubts if name == "items"]


def test_only_a_mark_inside_the_printed_frame_is_read_as_a_figure():
    # a real photo's perforated margin and QR gave figure-shaped marks outside the form: a 1 read
    # there joined the title's line; inside the frame, a lone 1 is a 数量 the detector passed over
    from capture.read.ocr import TextBox
    from capture.read.scan.marks import _framed

    frame = [(10.0, 10.0, 10.0, 200.0), (500.0, 10.0, 500.0, 200.0), (10.0, 10.0, 500.0, 10.0), (10.0, 200.0, 500.0, 200.0)]
    assert _framed((260.0, 100.0, 266.0, 118.0), frame, [], 28.0)
    assert not _framed((560.0, 100.0, 566.0, 118.0), frame, [], 28.0)  # right of the frame
    assert not _framed((260.0, 2.0, 266.0, 8.0), frame, [], 28.0)  # above it
    # a 数电 table prints no rules between its columns (fresh photo_real seed 2026120837, 0001):
    # a figure between its row's cells is framed by them; a piece of the outer rule at the row's
    # end, with nothing beyond it, is not
    rows_only = [(10.0, 10.0, 500.0, 10.0), (10.0, 200.0, 500.0, 200.0)]
    line = [TextBox(((x0, 98.0), (x1, 98.0), (x1, 120.0), (x0, 120.0)), text, 0.99) for x0, x1, text in ((200, 220, "次"), (300, 380, "8183.78"), (420, 480, "8183.78"))]
    assert _framed((260.0, 100.0, 266.0, 118.0), rows_only, line, 28.0)
    assert not _framed((490.0, 100.0, 496.0, 118.0), rows_only, line, 28.0)
    assert not _framed((260.0, 100.0, 266.0, 118.0), rows_only, [], 28.0)
    # a sliver of an unfound column rule between two cells is no figure (seed 2026120839, 0022)
    assert not _framed((280.0, 100.0, 282.0, 118.0), rows_only, line, 28.0)


def test_a_prefix_star_the_first_read_lost_and_the_second_has_is_read():
    # 150 dpi scan (seed 16161): the first read gave 天然气*管道天然气, the second read of the line
    # *天然气*管道天然气: the prefix every item prints proves the *, and the reads agree on the rest
    lost = Token("天然气*管道天然气", 20, 120, 110, 130, 0.99, second_read="*天然气*管道天然气")
    draft = _read([lost, *_numbers(120)])
    (item,) = draft.invoice["items"]
    assert item["name"] == "*天然气*管道天然气"
    assert not [why for name, why in draft.doubts if name == "items"]
    # a second read that differs elsewhere too stays a doubt, showing both
    other = Token("天然气*管道天然气", 20, 120, 110, 130, 0.99, second_read="*天然气*管道天燃气")
    doubts = [why for name, why in _read([other, *_numbers(120)]).doubts if name == "items"]
    assert any("second read" in why for why in doubts)


def test_a_header_read_with_one_glyph_lost_is_found_in_its_place():
    # a photo read 数量 as 数 (or 数攝): between 单位 and 单价, the form's order places it
    from capture.extract.items import find_columns

    for read in ("数", "数攝", "量"):
        header = [Token(read if text == "数量" else text, x0, 100, x0 + 10 * len(read) if text == "数量" else x1, 110, 0.99) for text, x0, x1 in HEADER]
        (line,) = build_lines(header)
        columns = find_columns(line)
        assert columns is not None and columns.spans["quantity"][0] == 250
    # a word that holds none of the label's characters is not taken for it
    header = [Token("合" if text == "数量" else text, x0, 100, x1, 110, 0.99) for text, x0, x1 in HEADER]
    assert "quantity" not in find_columns(build_lines(header)[0]).spans


def test_a_half_read_amount_or_tax_header_still_finds_the_table():
    # fresh photo_real seed 2026120704 (0098): 税额 read 税蔡 (金额 at 0.605), and the table was
    # not found at all: "no line items could be read". 税额 is the last column: alone right of 税率
    from capture.extract.items import find_columns

    for label, read in (("税额", "税蔡"), ("金额", "金颜")):
        header = [Token(read if text == label else text, x0, 100, x1, 110, 0.99) for text, x0, x1 in HEADER]
        columns = find_columns(build_lines(header)[0])
        assert columns is not None
        assert columns.spans["tax" if label == "税额" else "amount"] == next((x0, x1) for text, x0, x1 in HEADER if text == label)
    # a line of two labels alone is no header
    assert find_columns(build_lines([Token("单价", 300, 100, 320, 110), Token("税蔡", 470, 100, 490, 110)])[0]) is None


def test_a_word_past_the_name_columns_end_makes_the_row_a_doubt():
    # fresh 300 dpi scan (seed 2026120702): a 数电 table without rules, 规格型号 70g 500张/包 printed
    # beside a wrapped name; 70g starts past where the centred 项目名称 header says 名称 ends,
    # yet joined the name: the row is not parted as read, and the record waits for a person
    from capture.extract.scan_table import _parted_at

    name = [Token("*办公用品*得力(deli)A4", 17, 120, 114, 130, 0.99), Token("70g", 118, 120, 132, 130, 0.99)]
    spec = [Token("500张/包", 137, 120, 172, 130, 0.99)]
    row = RowCells()
    row.cells.update({"name": name, "spec": spec})
    assert _parted_at(row, 137.0)  # without the name column's end, the row looks parted
    assert not _parted_at(row, 137.0, name_end=116.1)


def test_a_price_alone_whose_last_digit_is_the_quantity_is_not_cut():
    # fresh photo_real seed 2026120827 (0026): 数量 2 not read, 单价 18.7256637168142 alone in its
    # cell; cut before its last digit it multiplies out to the 金额 37.45 all the same, and the
    # row went out ready with 数量 18.725663716814 and 单价 2. The cut lies at the box's right
    # end, far from where the 数量 cells end: the row keeps only its 单价, and is not ready.
    rows = [
        Token("*办公用品*中性笔", 20, 120, 130, 130, 0.99), Token("盒", 212, 120, 222, 130, 0.99),
        Token("18.7256637168142", 283, 120, 338, 130, 0.99), Token("37.45", 355, 120, 380, 130, 0.99),
        Token("13%", 412, 120, 430, 130, 0.99), Token("4.87", 470, 120, 490, 130, 0.99),
    ]
    draft = _read(rows)
    (item,) = draft.invoice["items"]
    assert (item["quantity"], item["unit_price"]) == (None, "18.7256637168142")
    assert [name for name, _ in draft.doubts] == ["items"]
