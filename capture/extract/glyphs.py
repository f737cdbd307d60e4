"""A character an invoice seldom prints, read by OCR in a field no check covers.

Invoices in the mainland print simplified Chinese, and nearly every name, address and item is
written in the 6,763 characters of GB 2312. The recogniser now and then reads a glyph as its
traditional form (黃 for 黄) at high confidence, and nothing checks a person's or an item's name.
A character outside GB 2312 read off a scan is therefore a doubt, said with the character, so a
person compares it with the paper (a name really written with 喆 or 堃 waits for that look too).
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.contract.fields import chinese_label, label
from capture.extract.people import LABEL_WORDS

PARTY_TEXT = ("name", "address_phone", "bank_account")
ITEM_TEXT = ("name", "spec", "unit")
ITEM_WORDS = {"name": "名称", "spec": "规格型号", "unit": "单位"}


def rare_glyph_doubts(draft: Draft) -> list[tuple[str, str]]:
    """A doubt on each unchecked text field that holds a Chinese character outside GB 2312."""
    invoice = draft.invoice
    fields = [(f"{party}.{name}", invoice[party][name]) for party in ("buyer", "seller") for name in PARTY_TEXT]
    fields += [(name, invoice[name]) for name in (*LABEL_WORDS, "remarks")]
    fields += [(f"items[{index}].{name}", item.get(name)) for index, item in enumerate(invoice["items"]) for name in ITEM_TEXT]
    doubts = []
    for name, value in fields:
        rare = [char for char in value or "" if _rare(char)]
        if rare:
            doubts.append((name, (
                f"{_in_chinese(name)}读出“{''.join(rare)}”，发票上很少印这个字（可能是识别错误）：请对照原件 "
                f"({label(name)} reads “{''.join(rare)}”, a character invoices seldom print (a misreading?): check it against the paper)"
            )))
    return doubts


def _in_chinese(name: str) -> str:
    """items[0].name -> 第1行名称; seller.address_phone -> 销售方地址、电话; drawer -> 开票人."""
    if item := re.match(r"items\[(\d+)\]\.(\w+)", name):
        return f"第{int(item.group(1)) + 1}行{ITEM_WORDS[item.group(2)]}"
    return chinese_label(name)


def _rare(char: str) -> bool:
    if not "\u3400" <= char <= "\u9fff":
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False
