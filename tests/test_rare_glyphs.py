"""A character outside GB 2312 read off a scan in an unchecked field is a doubt; text layers are exact."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def _page(kind, drawer):
    texts = [("河北增值税电子普通发票", 200, 20), ("收款人：张三", 40, 385), (f"开票人：{drawer}", 300, 385)]
    tokens = [Token(text, x, y, x + 12.0 * len(text), y + 12, 0.99) for text, x, y in texts]
    return Page(1, 610, 400, tokens, kind)


def test_a_traditional_glyph_read_off_a_scan_is_a_doubt_that_names_it():
    draft = extract_page(_page("image", "黃博梅"))
    assert draft.invoice["drawer"] == "黃博梅"
    [(field, why)] = draft.doubts
    assert field == "drawer" and why.startswith("开票人读出“黃”")


def test_common_glyphs_and_text_layers_raise_no_doubt():
    assert extract_page(_page("image", "黄博梅")).doubts == []
    assert extract_page(_page("pdf_text", "黃博梅")).doubts == []
