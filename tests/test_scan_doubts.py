"""Doubts a scan raises where no check can prove the text: a glyph read twice."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page
from capture.read.scan.page import _doubles_a_glyph


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
