"""What a form prints beside a value, not as part of it: the notes of an invoice the tax office
issued on a seller's behalf (代开), and the seal's words that OCR reads onto the signature line.

A 代开 invoice prints the tax office as 销售方, with (代开机关) after its 名称 and its 纳税人识别号,
and (完税凭证号) after the tax receipt number it prints as 开户行及账号. The note says what the
value is; it is no part of it (the real seller is named in 备注, which is kept as printed).
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.extract.people import LABEL_WORDS

#: A printed note after a value: (代开机关), (完税凭证号); OCR may lose its closing bracket.
PRINTED_NOTE = re.compile(r"\s*[（(]\s*(?:代\s*开\s*机\s*关|完\s*税\s*凭\s*证\s*号)\s*[)）]?\s*$")
#: The seller's seal read onto the signature line after a person's name (福田自助13 销代开发票专用章):
#: the seal's words, what OCR read of the 销售方 label it covers, and anything after them.
SEAL_AFTER_NAME = re.compile(r"\s*(?:[销购]\s*)?(?:(?:代\s*开\s*)?发\s*票\s*专\s*用\s*章|[（(]\s*章\s*[)）]).*$")
PARTY_FIELDS = ("name", "tax_id", "address_phone", "bank_account")


def drop_printed_notes(draft: Draft) -> None:
    """Values without the notes printed after them, and people without the seal's words."""
    for party in ("buyer", "seller"):
        for name in PARTY_FIELDS:
            _cut(draft, f"{party}.{name}", draft.invoice[party], name, PRINTED_NOTE)
    for name in LABEL_WORDS:
        _cut(draft, name, draft.invoice, name, SEAL_AFTER_NAME)


def _cut(draft: Draft, dotted: str, holder: dict, name: str, pattern: re.Pattern[str]) -> None:
    value = holder.get(name)
    if not value:
        return
    kept = pattern.sub("", value).strip()
    if kept == value:
        return
    holder[name] = kept or None
    if not kept:
        draft.confidence.pop(dotted, None)
        draft.sources.pop(dotted, None)
