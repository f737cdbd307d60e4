"""Doubts a scan raises where no check can prove the text: a glyph read twice."""

from pathlib import Path

import cv2

from capture.contract.tokens import Page, Token
from capture.extract.items import Columns, RowCells
from capture.extract.page import extract_page
from capture.extract.scan_table import _parted, restore_prefix_star, scan_doubts
from capture.read.ocr import TextBox, get_engine
from capture.read.ocr.settle import opens_item_name
from capture.read.scan.page import (
    LOST_STAR_INK,
    _dash_as_one,
    _doubles_a_glyph,
    _holds_in_order,
    _plus_as_star,
    _second_read_of_item_names,
    _star_read_in,
)


def test_a_name_whose_first_read_doubles_a_glyph_the_second_reads_once_is_a_doubt():
    # measured on a photo (seed 1131): 飞飞科 read at 0.994, the second read on a margin 飞科
    assert _doubles_a_glyph("*家用美容保健电器*飞飞科(FLYCO)男", "*家用美容保健电器*飞科(FLYCO)男")
    assert not _doubles_a_glyph("*石油制品*山东东营原油", "*石油制品*山东东营原油")  # printed twice, read twice
    assert not _doubles_a_glyph("*谷物*大米", "*谷物*大米")


def _seller_block(address: list[Token]) -> Page:
    tokens = [
        Token("销", 30, 318, 40, 330, 0.99),
        Token("名称:", 45.8, 314.5, 72.6, 329.9, 0.99),
        Token("东莞中盛装饰工程有限责任公司", 107.3, 316.4, 236.3, 329.1, 1.0),
        *address,
    ]
    return Page(1, 610, 400, tokens, "image")


def test_an_address_read_from_two_boxes_sharing_a_glyph_is_a_doubt():
    # measured on the same photo run: the detector boxed 地址、电话：东 and 东莞市…, each read the 东
    page = _seller_block([
        Token("地址、电话：东", 45.8, 346.8, 112.8, 361.0, 0.986),
        Token("东莞市长安镇振兴路487号青松工业园23楼0769-7143006", 105.3, 347.6, 340.1, 361.0, 1.0),
    ])
    draft = extract_page(page)
    assert draft.invoice["seller"]["address_phone"].startswith("东东莞市")
    (doubt,) = [why for name, why in draft.doubts if name == "seller.address_phone"]
    assert "“东”" in doubt and "seller address, phone (地址、电话)" in doubt


def test_a_glyph_printed_twice_in_boxes_that_do_not_overlap_is_no_doubt():
    page = _seller_block([
        Token("地址、电话：山东", 45.8, 346.8, 112.8, 361.0, 0.99),
        Token("东营市东营区府前大街55号", 115.0, 347.6, 300.0, 361.0, 0.99),
    ])
    draft = extract_page(page)
    assert draft.invoice["seller"]["address_phone"] == "山东 东营市东营区府前大街55号"
    assert not [name for name, _ in draft.doubts if name == "seller.address_phone"]


def test_two_characters_of_the_vertical_cipher_label_are_no_part_of_an_address():
    from capture.extract.page import CIPHER_TAIL

    # a photo (seed 20261205) read the 密码区 label's 码区 at the end of the buyer's address line,
    # and the record went out ready with it
    assert CIPHER_TAIL.sub("", "合肥市包河区高新大道469号青松产业园8楼0551-79858214 码区") == "合肥市包河区高新大道469号青松产业园8楼0551-79858214"
    assert CIPHER_TAIL.sub("", "北京市朝阳区建国路88号 010-12345678 密") == "北京市朝阳区建国路88号 010-12345678"
    assert CIPHER_TAIL.sub("", "成都市高新区天府大道 区") == "成都市高新区天府大道"
    assert CIPHER_TAIL.sub("", "成都市武侯区") == "成都市武侯区"  # a district is no label


def _digital_table(name_end: float) -> tuple[list[dict], list[list[RowCells]], Columns]:
    """The goods table of a scanned 数电 普票 (shared/real-corpus, 科大讯飞 X2 笔芯, measured in
    page units): no rule between 名称 and 规格型号, the table's left rule at 96.6, the 项目名称
    header centred over its column; one item, its name wrapped, its first line's OCR box ending
    at `name_end`."""
    spans = {"name": (118.6, 147.5), "spec": (172.3, 200.2), "unit": (223.0, 245.9), "quantity": (275.3, 298.9),
             "unit_price": (326.4, 350.4), "amount": (380.5, 402.6), "tax_rate": (408.3, 448.0), "tax": (484.6, 508.6)}
    columns = Columns(spans, rules=(96.6, 509.2, 609.6))
    first = RowCells(cells={
        "name": [Token("*计算机配套产品*科大讯", 95.0, 403.0, name_end, 414.0, 0.99)],
        "unit": [Token("套", 228.0, 403.0, 239.0, 413.0, 0.99)],
        "quantity": [Token("1", 291.0, 403.0, 294.0, 413.0, 0.99)],
        "unit_price": [Token("60.7610619469027", 297.0, 403.0, 349.0, 413.0, 0.99)],
        "amount": [Token("60.76", 382.0, 403.0, 403.0, 412.0, 0.99)],
        "tax_rate": [Token("13%", 423.0, 404.0, 435.0, 412.0, 0.99)],
        "tax": [Token("7.90", 493.0, 403.0, 511.0, 413.0, 0.99)],
    })
    wrapped = RowCells(cells={"name": [Token("飞X2电磁笔笔芯套装", 97.0, 416.0, 156.0, 426.0, 0.99)]})
    item = {"name": "*计算机配套产品*科大讯飞X2电磁笔笔芯套装", "spec": None, "unit": "套", "quantity": "1",
            "unit_price": "60.7610619469027", "amount": "60.76", "tax_rate": "0.13", "tax": "7.90"}
    return [item], [[first, wrapped]], columns


def test_a_name_ending_inside_the_column_its_centred_header_shows_is_no_doubt():
    """The 名称 column of a 数电 table ends as far right of its header's centre as the table's
    left rule lies left of it (133.1 + 36.4 = 169.5): a name's box ending there, short of the
    edge guessed from the 规格型号 header (162.6), holds no 规格型号 text."""
    items, rows, columns = _digital_table(170.0)
    assert abs(columns.centred_name_end() - 169.5) < 0.2
    assert scan_doubts(items, rows, columns) == []


def test_a_name_box_running_past_the_centred_column_end_is_still_a_doubt():
    items, rows, columns = _digital_table(180.0)  # reaches into 规格型号 by more than its padding
    (doubt,) = scan_doubts(items, rows, columns)
    assert "spans two columns" in doubt


def test_a_header_not_centred_over_its_column_shows_no_column_end():
    _, _, columns = _digital_table(170.0)
    assert Columns(columns.spans, rules=(60.0, 509.2)).centred_name_end() is None  # would end past 规格型号's header
    assert Columns(columns.spans, rules=(509.2,)).centred_name_end() is None  # no left rule
    assert Columns(columns.spans, rules=(96.6, 160.0)).centred_name_end() is None  # a rule after the name: that is the edge


def test_one_box_across_name_and_spec_is_cut_where_the_name_column_ends():
    """One OCR box “*酒*贵州茅台酒 53%vol 50 500ml” (a generated 数电 scan, page units): two of its
    spaces lie near where 规格型号 starts, so the cut was a guess. The 名称 column ends at 115.7
    (its header centred between the left rule and that end): “50” starts inside it and cannot
    begin the 规格型号, so the name is “…53%vol 50” and the 规格型号 “500ml”."""
    spans = {"name": (47.7, 85.4), "spec": (130.4, 169.3), "unit": (192.2, 224.6), "quantity": (250.1, 282.5),
             "unit_price": (319.9, 351.9), "amount": (391.2, 424.7), "tax_rate": (455.2, 503.6), "tax": (539.1, 572.3)}
    columns = Columns(spans, rules=(17.3, 592.3))
    box = dict(y0=400.0, y1=412.0, confidence=0.97)  # the words of one OCR box
    row = RowCells(cells={
        "name": [Token("*酒*贵州茅台酒", 17.0, x1=74.0, **box), Token("53%vol", 78.0, x1=105.0, **box), Token("50", 109.0, x1=118.0, **box)],
        "spec": [Token("500ml", 122.0, x1=144.0, **box)],
    })
    assert _parted(row, columns, None)
    assert not _parted(row, Columns(spans, rules=(592.3,)), None)  # no left rule: the column's end is unknown


def test_a_second_read_of_a_dash_where_the_first_read_a_one_is_no_other_character():
    # 三一(SANY) read again on a white margin as 三—(SANY): the recogniser's 一 beside a Chinese
    # character, not a glyph the first read lacks; a dash where the first read 二 still is
    first = "*机械设备*三一(SANY)SY75C小型液压挖"
    assert _holds_in_order(first, _dash_as_one("*机械设备*三—(SANY)", first))
    other = "*机械设备*三二(SANY)SY75C小型液压挖"
    assert not _holds_in_order(other, _dash_as_one("*机械设备*三—(SANY)", other))
    assert _dash_as_one("*五金*M8-20螺栓", first) == "*五金*M8-20螺栓"  # a hyphen between figures stays


def test_a_second_read_of_a_plus_where_the_first_read_the_prefix_star_is_no_other_character():
    # fresh photo_real seeds 2026120826 (0002) and 2026120827 (0033): *天然气*管道天然气 and
    # *运输服务*客运服务费 read again as *天然气+管道天然气 and *运输服务+客运服务费 (blur makes the
    # * a +); both records were right and went to review for it
    for first, second in (("*天然气*管道天然气", "*天然气+管道天然气"), ("*运输服务*客运服务费", "+运输服务+客运服务费")):
        assert _holds_in_order(first, _plus_as_star(second, first))
    # a + anywhere else, or another glyph than the prefix's, is still another reading
    assert not _holds_in_order("*电子元件*A*B", _plus_as_star("*电子元件*A+B", "*电子元件*A*B"))
    assert _plus_as_star("*天燃气+管道", "*天然气*管道") == "*天燃气+管道"


def test_a_first_line_that_ends_with_its_prefix_gets_back_the_opening_star_a_second_read_shows():
    # fresh photo_real seed 2026120831 (0038): a long prefix wraps the name right after it
    # (*预付卡销售和充值* / 预付卡充值); the first read lost the opening *, the second read on a white
    # margin has it: the name is read with it, and the prefix's doubt goes (the record went out ready)
    assert opens_item_name("预付卡销售和充值*") and not opens_item_name("预付卡充值")
    token = Token("预付卡销售和充值*", 30, 200, 120, 215, 0.99, second_read="*预付卡销售和充值*")
    row = restore_prefix_star(RowCells({"name": [token]}))
    assert [t.text for t in row.cells["name"]] == ["*预付卡销售和充值*"] and not row.cells["name"][0].second_read
    # a second read that differs in another character is still another reading
    other = Token("预付卡销售和充值*", 30, 200, 120, 215, 0.99, second_read="*预付卡销售和冲值*")
    assert restore_prefix_star(RowCells({"name": [other]})).cells["name"][0].text == "预付卡销售和充值*"


#: The goods table's first row of a fresh photo (seed 2026120836, photo_real 0039), cut from its
#: flattened sheet at OCR scale: *医疗服务*体检费 is printed; every read drops the blurred opening *.
LOST_STAR_ROW = Path(__file__).resolve().parents[1] / "fixtures" / "scanned" / "photo_lost_star.jpg"


def test_a_name_whose_blurred_opening_star_every_read_drops_gets_it_back_from_its_ink():
    # real OCR: the first character read stands a *'s width past where the line's ink begins,
    # and the second read on a white margin agrees with the first: the * is read in
    page = cv2.imread(str(LOST_STAR_ROW))
    engine = get_engine()
    boxes = engine.read(page)
    (name,) = [box for box in boxes if "体检费" in box.text]
    assert name.text == "医疗服务*体检费" and LOST_STAR_INK[0] <= name.ink_before <= LOST_STAR_INK[1]
    assert all(box.ink_before < LOST_STAR_INK[0] for box in boxes if box is not name)  # read from their first glyph
    (read,) = [box for box in _second_read_of_item_names(page, boxes, engine) if "体检费" in box.text]
    assert read.text == "*医疗服务*体检费" and not read.second_read


def test_a_name_that_lost_a_character_with_its_star_is_not_given_the_star():
    # a first character read a * and a character's width in (息服术服务 for *信息技术服务: seed
    # 2026120836 photo 0016) or read over the * itself (产国疗服务 for *医疗服务) keeps its doubt
    polygon = ((0.0, 0.0), (200.0, 0.0), (200.0, 30.0), (0.0, 30.0))
    assert not _star_read_in(TextBox(polygon, "息服术服务*云服务费", 0.95, ink_before=1.44), against_rule=False)
    assert not _star_read_in(TextBox(polygon, "产国疗服务*体检费", 0.95, ink_before=0.23), against_rule=False)
    assert _star_read_in(TextBox(polygon, "医疗服务*体检费", 0.95, ink_before=0.6), against_rule=False)
    assert _star_read_in(TextBox(polygon, "医疗服务*体检费", 0.95, ink_before=0.2), against_rule=True)  # the * on the rule
    assert not _star_read_in(TextBox(polygon, "*医疗服务*体检费", 0.95, ink_before=0.6), against_rule=False)
