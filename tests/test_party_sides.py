"""Which party a 名称/地址、电话/开户行 label belongs to: the 购买方 or 销售方 column nearest on
its left, as a photo places them."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def test_a_party_label_beside_a_buyer_column_that_reaches_past_its_start_is_the_buyers():
    # fresh photo_real seed 2026120704 (0064): the photo's 购买方 column ends 4 units right of
    # where the buyer's 地址、电话 label starts; the buyer's address and bank went to the seller
    # (销售方 far below was the nearest marker wholly left of it) and out ready
    tokens = [
        Token("购买方", 78, 67, 103, 112, 0.99),
        Token("名称：宇航星辰(兰州)物流有限公司", 104, 70, 260, 80, 0.99),
        Token("地址、电话：兰州市七里河区黄河路236号 0931-1308235", 99, 92, 317, 102, 0.99),
        Token("开户行及账号：北京银行兰州工业大道支行 27873783199925235208", 95, 104, 332, 116, 0.99),
        Token("销售方", 22, 283, 53, 347, 0.99),
        Token("名称：成都盛世菜篮子工程有限公司", 60, 290, 240, 300, 0.99),
        Token("地址、电话：成都市锦江区中山路688号 028-62222232", 47, 317, 326, 333, 0.99),
        Token("开户行及账号：中国民生银行成都分行营业部 920274784905827", 44, 339, 295, 354, 0.99),
    ]
    invoice = extract_page(Page(1, 610, 400, tokens, "image")).invoice
    assert invoice["buyer"]["address_phone"].startswith("兰州市") and invoice["buyer"]["bank_account"].startswith("北京银行")
    assert invoice["seller"]["address_phone"].startswith("成都市") and invoice["seller"]["bank_account"].startswith("中国民生银行")


def _legacy_parties(buyer_marker: str, seller_marker: str) -> list[Token]:
    """A photo's two party blocks of a paper-style invoice, buyer above, seller below, each with
    its vertical marker read as one tall box (as fresh photo_real seed 2026120704 reads them)."""
    return [
        Token(buyer_marker, 27, 89, 43, 137, 0.9),
        Token("名称：九龙坡区蓝海百货商场", 48, 90, 200, 97, 0.99),
        Token("纳税人识别号：92500105MAN36BELCR", 48, 110, 210, 117, 0.99),
        Token("地址、电话：重庆市渝中区学府路12号 023-66221234", 48, 120, 260, 127, 0.99),
        Token("开户行及账号：重庆银行学府支行 620201234567", 48, 133, 260, 140, 0.99),
        Token(seller_marker, 28, 303, 45, 350, 0.9),
        Token("名称：重庆市新航农业发展有限公司", 49, 301, 220, 308, 0.99),
        Token("纳税人识别号：91500105887139214W", 50, 317, 210, 324, 0.99),
        Token("地址、电话：重庆市江北区建新东路8号 023-67771234", 50, 332, 260, 339, 0.99),
        Token("开户行及账号：招商银行重庆分行 123909876543", 49, 347, 260, 354, 0.99),
    ]


def test_the_buyer_block_stays_the_buyers_when_its_marker_is_misread():
    # fresh photo_real seed 2026120704 (0042): 购买方 read 陶买方, and every buyer label went to
    # 销售方, the one marker read, far below; the seller's own labels then found the seller taken
    for buyer_marker, seller_marker in (("陶买方", "销售方"), ("购买方", "销告方")):
        invoice = extract_page(Page(1, 610, 400, _legacy_parties(buyer_marker, seller_marker), "image")).invoice
        assert (invoice["buyer"]["name"], invoice["buyer"]["tax_id"]) == ("九龙坡区蓝海百货商场", "92500105MAN36BELCR")
        assert (invoice["seller"]["name"], invoice["seller"]["tax_id"]) == ("重庆市新航农业发展有限公司", "91500105887139214W")
        assert invoice["seller"]["bank_account"].startswith("招商银行")


def test_a_digital_sellers_label_is_not_claimed_across_the_buyers_block():
    # a 数电 invoice prints the two blocks side by side, each behind its vertical 信息 marker;
    # with the seller's marker unread, the buyer's 名称 label lies between the buyer's marker and
    # the seller's 名称 label, so the buyer's marker does not claim it
    tokens = [
        Token("购买方信息", 10, 60, 16, 100, 0.99),
        Token("名称：北京云帆科技有限公司", 20, 70, 150, 77, 0.99),
        Token("统一社会信用代码/纳税人识别号：91110108MA01ABCD1X", 20, 85, 200, 92, 0.99),
        Token("名称：上海申江贸易有限公司", 320, 70, 450, 77, 0.99),
        Token("统一社会信用代码/纳税人识别号：91310115MA1K2B3C4D", 320, 85, 500, 92, 0.99),
    ]
    invoice = extract_page(Page(1, 610, 400, tokens, "image")).invoice
    assert invoice["buyer"]["name"] == "北京云帆科技有限公司"
    assert invoice["seller"]["name"] == "上海申江贸易有限公司"


def test_a_long_party_label_read_with_one_character_garbled_still_finds_its_value():
    # fresh photo_real seed 2026120704: 纳税入识别号 (0047), 纳税人识期号 (0038), 开户行及张号 (0047)
    # left the tax ID and bank account unread
    tokens = _legacy_parties("购买方", "销售方")
    tokens[2] = Token("纳税入识别号：92500105MAN36BELCR", 48, 110, 210, 117, 0.99)
    tokens[4] = Token("开户行及张号：重庆银行学府支行 620201234567", 48, 133, 260, 140, 0.99)
    tokens[7] = Token("纳税人识期号：91500105887139214W", 50, 317, 210, 324, 0.99)
    invoice = extract_page(Page(1, 610, 400, tokens, "image")).invoice
    assert (invoice["buyer"]["tax_id"], invoice["seller"]["tax_id"]) == ("92500105MAN36BELCR", "91500105887139214W")
    assert invoice["buyer"]["bank_account"] == "重庆银行学府支行 620201234567"
    # its first or last character garbled, or one missing, is no label
    tokens[2] = Token("纳税人识别：92500105MAN36BELCR", 48, 110, 210, 117, 0.99)
    assert extract_page(Page(1, 610, 400, tokens, "image")).invoice["buyer"]["tax_id"] is None


def test_a_party_line_whose_label_the_scan_lost_is_a_doubt_on_a_form_that_prints_all_four():
    # fresh photo_hard seed 2026120704 (0029): the buyer's 地址、电话 line read 地址。电话 went
    # unread, and the record went out ready with the address null
    title = Token("河南增值税普通发票", 200, 20, 400, 35, 0.99)
    tokens = _legacy_parties("购买方", "销售方")
    tokens[3] = Token("地址。电话：重庆市渝中区学府路12号 023-66221234", 48, 120, 260, 127, 0.99)
    draft = extract_page(Page(1, 610, 400, [title, *tokens], "image"))
    assert draft.invoice["kind"] == "vat_normal" and draft.invoice["buyer"]["address_phone"].startswith("重庆市渝中区")
    assert not [key for key, _ in draft.doubts if key.startswith(("buyer.", "seller."))]
    del tokens[3]
    draft = extract_page(Page(1, 610, 400, [title, *tokens], "image"))
    (doubt,) = [why for key, why in draft.doubts if key == "buyer.address_phone"]
    assert doubt.startswith("购买方地址、电话的标签没有读出")
    # a 数电 invoice prints no 地址、电话 line: nothing is missed there
    digital = Token("电子发票（普通发票）", 200, 20, 400, 35, 0.99)
    draft = extract_page(Page(1, 610, 400, [digital, *tokens], "image"))
    assert not [key for key, _ in draft.doubts if key == "buyer.address_phone"]


def test_a_party_block_not_read_at_all_is_left_to_its_required_name():
    # a block none of whose labels was found is no line lost but a block unread: its 名称, a
    # required field, already sends the record to a person, and eight doubts would bury why
    title = Token("河南增值税普通发票", 200, 20, 400, 35, 0.99)
    buyer_only = _legacy_parties("购买方", "销售方")[:5]
    draft = extract_page(Page(1, 610, 400, [title, *buyer_only], "image"))
    assert not [key for key, _ in draft.doubts if key.startswith(("buyer.", "seller."))]
    assert draft.invoice["seller"]["name"] is None


def test_a_drawer_line_off_the_photo_is_a_doubt_and_a_blank_drawer_is_not():
    # fresh photo_real seed 2026120705 (0067): the 开票人 line below a tilted sheet's 备注 box
    # was never read, and the record went out ready with no drawer
    title = Token("河南增值税普通发票", 200, 20, 400, 35, 0.99)
    parties = _legacy_parties("购买方", "销售方")
    draft = extract_page(Page(1, 610, 400, [title, *parties], "image"))
    (doubt,) = [why for key, why in draft.doubts if key == "drawer"]
    assert doubt.startswith("开票人一行没有读出")
    signed = Token("开票人：王五", 300, 385, 372, 397, 0.99)
    assert not [key for key, _ in extract_page(Page(1, 610, 400, [title, *parties, signed], "image")).doubts if key == "drawer"]
    # a printed 开票人 label with nothing after it (a redacted copy) is what the paper shows
    unsigned = Token("开票人：", 300, 385, 348, 397, 0.99)
    assert not [key for key, _ in extract_page(Page(1, 610, 400, [title, *parties, unsigned], "image")).doubts if key == "drawer"]


def test_a_drawer_printed_on_the_invoices_last_page_settles_the_first_pages_doubt():
    # fresh photo_real seed 2026120705 (0002): a 数电 invoice of two pages prints 开票人 on its
    # last; its first page alone is no line lost
    from capture.extract.join import group_pages

    title = Token("电子发票（增值税专用发票）", 200, 20, 400, 35, 0.99)
    number = Token("发票号码：24442000000892920355", 420, 40, 600, 50, 0.99)
    parties = _legacy_parties("购买方", "销售方")
    first = extract_page(Page(1, 610, 400, [title, number, *parties], "image"))
    assert [key for key, _ in first.doubts if key == "drawer"] == ["drawer"]
    last = extract_page(Page(2, 610, 400, [title, number, Token("开票人：王五", 300, 385, 372, 397, 0.99)], "image"))
    (invoice,) = group_pages([first, last])
    assert invoice.invoice["drawer"] == "王五" and not [key for key, _ in invoice.doubts if key == "drawer"]
