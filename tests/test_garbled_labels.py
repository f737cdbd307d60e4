"""Labels and titles a photo reads with one glyph garbled, lost or in a variant form: the form's
words are still found, and the values after them keep their own checks."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def _header(title: str, labels: tuple[str, str, str, str]) -> Page:
    code, number, date, check = labels
    tokens = [
        Token(title, 246, 31, 361, 47, 0.95),
        Token(f"{code}：014002300404", 391, 24, 464, 34, 0.94),
        Token(f"{number}：84093865", 392, 36, 452, 46, 0.97),
        Token(f"{date}：2023年03月31日", 392, 48, 474, 59, 0.95),
        Token(f"{check}：71198 06969 50525 09859", 393, 61, 503, 72, 0.94),
    ]
    return Page(1, 610, 400, tokens, "image")


def test_a_header_read_with_garbled_labels_and_a_variant_title_is_read():
    # fresh photo_real seed 2026120704 (0002): 山西增值稅普通发票 (稅, the traditional form),
    # 发源代码, 发号码, 开架日期, 校赖码: the page had no kind, code, number, date or check code
    invoice = extract_page(_header("山西增值稅普通发票", ("发源代码", "发号码", "开架日期", "校赖码"))).invoice
    assert (invoice["kind"], invoice["code"], invoice["number"]) == ("vat_normal", "014002300404", "84093865")
    assert (invoice["date"], invoice["check_code"]) == ("2023-03-31", "71198069695052509859")


def test_a_label_missing_its_first_character_or_two_of_its_own_is_not_taken():
    invoice = extract_page(_header("山西增值税普通发票", ("票代码", "发票号", "开架目期", "校验码"))).invoice
    assert invoice["number"] is None and invoice["date"] is None
    assert invoice["check_code"] == "71198069695052509859"


def test_a_goods_list_title_read_with_two_glyphs_garbled_is_still_a_list_page():
    # fresh photo_hard seed 2026120704 (0044, page 2): 销售务物或者提供版税劳务清单; the page was
    # rejected as "not an invoice" and its items never joined the invoice
    page = Page(2, 610, 400, [Token("销售务物或者提供版税劳务清单", 187, 16, 420, 30, 0.86)], "image")
    assert extract_page(page).is_list_page
    assert not extract_page(Page(2, 610, 400, [Token("销售合同清单", 187, 16, 420, 30, 0.9)], "image")).is_list_page


def _parties(buyer_label: str) -> Page:
    tokens = [
        Token("电子发票（增值税专用发票）", 200, 20, 400, 36, 0.99),
        Token("销售方信息", 308, 92, 322, 147, 0.9),
        Token(f"{buyer_label}：昆明市卓越实业股份有限公司", 31, 93, 183, 108, 0.96),
        Token("名称：联创(昆明)新能源科技有限公司", 326, 95, 482, 109, 1.0),
        Token("统一社会信用代码/纳税人识别号：91530100MAY8EN6B27", 31, 125, 303, 140, 0.98),
        Token("统一社会信用代码/纳税人识别号：91530100333927962A", 326, 127, 595, 140, 0.99),
    ]
    return Page(1, 610, 400, tokens, "image")


def test_a_name_label_a_photo_left_one_character_of_still_labels_the_name():
    # fresh photo_real seed 2026120826 (0037): 名：昆明市卓越… (称 lost in blur); the buyer's name
    # was null
    for label in ("名", "称", "名称"):
        invoice = extract_page(_parties(label)).invoice
        assert invoice["buyer"]["name"] == "昆明市卓越实业股份有限公司", label
        assert invoice["seller"]["name"] == "联创(昆明)新能源科技有限公司"


def test_half_a_name_label_inside_a_word_is_no_label():
    invoice = extract_page(_parties("项目称")).invoice
    assert invoice["buyer"]["name"] is None
