"""收款人, 复核 and 开票人, with their colons or, on the signature line, without them."""

from capture.contract.tokens import Page, Token
from capture.extract.page import extract_page


def _page(*lines: list[tuple[str, float]]) -> Page:
    tokens = [Token(text, x, 20.0 * row, x + 14.0 * len(text), 20.0 * row + 12, 0.99)
              for row, line in enumerate(lines, 1) for text, x in line]
    return Page(1, 610, 400, tokens, "image")


TITLE = [("浙江增值税专用发票", 200)]


def test_a_signature_line_whose_colons_the_scan_lost_still_names_its_people():
    draft = extract_page(_page(TITLE, [("收款人系统", 30), ("复核系统", 190), ("开票人：任温柔", 310)]))
    assert (draft.invoice["payee"], draft.invoice["reviewer"], draft.invoice["drawer"]) == ("系统", "系统", "任温柔")


def test_labels_with_colons_read_as_before():
    draft = extract_page(_page(TITLE, [("收款人：张三", 30), ("复核：李四", 190), ("开票人：王五", 310)]))
    assert (draft.invoice["payee"], draft.invoice["reviewer"], draft.invoice["drawer"]) == ("张三", "李四", "王五")


def test_a_label_without_a_value_gives_no_value():
    draft = extract_page(_page(TITLE, [("收款人", 30), ("复核", 190), ("开票人：王五", 310)]))
    assert (draft.invoice["payee"], draft.invoice["reviewer"], draft.invoice["drawer"]) == (None, None, "王五")


def test_a_lone_word_without_a_colon_off_the_signature_line_is_no_label():
    draft = extract_page(_page(TITLE, [("收款人开户行变更请通知", 30)], [("开票人：王五", 310)]))
    assert draft.invoice["payee"] is None and draft.invoice["drawer"] == "王五"


def test_a_colon_read_twice_is_no_part_of_the_name():
    # fresh scan150 seed 2026120828 (0023): 开票人:： read as one box, 曹刚浩 after it; the record
    # went out ready with 开票人 “： 曹刚浩”
    draft = extract_page(_page(TITLE, [("收款人：曹涵勇", 30), ("复核:", 190), ("开票人:：", 310), ("曹刚浩", 360)]))
    assert (draft.invoice["payee"], draft.invoice["drawer"]) == ("曹涵勇", "曹刚浩")
