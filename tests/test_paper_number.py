"""A paper invoice's number where its QR cannot be read: the pre-printed № and its 8 digits at
the top of the page (tokens as OCR read a real 深圳 代开 普票 photo whose QR is blurred)."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def _header(number_tokens: list[Token], title: str = "深圳增值税普通发票") -> Page:
    tokens = [
        Token(title, 229.5, 7.2, 380.5, 32.8, 0.997),
        Token("044032100104", 114.8, 21.7, 222.7, 37.7, 1.0),
        *number_tokens,
        Token("开票日期：", 422.4, 48.8, 468.9, 61.8, 0.994),
        Token("2022年01月05日", 476.9, 49.9, 545.6, 62.9, 1.0),
    ]
    return Page(1, 610, 400, tokens, "image")


def test_the_printed_number_sign_and_its_eight_digits_give_a_paper_invoice_s_number():
    draft = extract_page(_header([Token("No", 405.7, 18.3, 420.6, 37.4, 0.992), Token("27852341", 428.0, 18.3, 487.6, 37.4, 0.992)]))
    assert draft.invoice["kind"] == "vat_normal"
    assert draft.invoice["code"] == "044032100104"
    assert draft.invoice["number"] == "27852341"
    assert extract_page(_header([Token("№27852341", 405.7, 18.3, 487.6, 37.4, 0.99)])).invoice["number"] == "27852341"


def test_eight_digits_without_the_sign_or_on_a_digital_invoice_are_no_number():
    assert extract_page(_header([Token("27852341", 428.0, 18.3, 487.6, 37.4, 0.99)])).invoice["number"] is None
    digital = _header([Token("No", 405.7, 18.3, 420.6, 37.4, 0.99), Token("27852341", 428.0, 18.3, 487.6, 37.4, 0.99)], "电子发票（普通发票）")
    assert extract_page(digital).invoice["number"] is None
