"""A viewer's watermark over the form sends the invoice to a person; a 备注 whose 备 was lost is read."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page

FRAME = [(20.0, 60.0, 590.0, 60.5), (20.0, 380.0, 590.0, 380.5), (20.0, 60.0, 20.5, 380.0), (590.0, 60.0, 590.5, 380.0)]


def _page(tokens, watermarks=()):
    return Page(1, 610, 400, tokens, "image", rules=list(FRAME), watermarks=list(watermarks))


def _token(text, x, y):
    return Token(text, x, y, x + 12.0 * len(text), y + 12, 0.99)


TOKENS = [
    _token("河北增值税电子普通发票", 200, 20),
    _token("价税合计（大写）", 60, 300), _token("壹佰圆整", 200, 300), _token("(小写)¥100.00", 420, 300),
    _token("注", 342, 340), _token("订单号：628203057706", 366, 330),
    _token("收款人：张三", 40, 385), _token("开票人：王五", 300, 385),
]


def test_a_watermark_over_the_frame_is_a_doubt_and_one_off_it_is_not():
    over = extract_page(_page(TOKENS, [(300.0, 200.0, 480.0, 240.0)]))
    off = extract_page(_page(TOKENS, [(300.0, 385.0, 480.0, 399.0)]))
    assert [field for field, _ in over.doubts] == ["page"] and "水印" in over.doubts[0][1]
    assert off.doubts == []


def test_remarks_are_read_beside_the_lower_glyph_of_the_upright_label():
    draft = extract_page(_page(TOKENS))
    assert draft.invoice["remarks"] == "订单号：628203057706"
