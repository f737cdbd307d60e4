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
