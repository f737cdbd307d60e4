"""The invoice kinds of a record (`kind`), in the words accountants use and with the official
发票种类 code: one table for the review desk, the docs and the exports.

`code` is the 发票种类代码 the tax platform's invoice lists and the 查验 service use (01 专票,
04 普票, 08 电子专票, 10 电子普票, 81/82 数电票); `qr_type` is the type the invoice's QR code
carries (capture/contract/qr.py reads it), which differs for the electronic special invoice (20)
and 数电票 (31/32). `other` has neither.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One invoice kind: the record's `kind`, its Chinese name, English name and codes."""

    kind: str
    chinese: str
    english: str
    code: str | None
    qr_type: str | None


KINDS: tuple[Kind, ...] = (
    Kind("digital_special", "数电票（增值税专用发票）", "fully digital e-invoice (special VAT)", "81", "31"),
    Kind("digital_normal", "数电票（普通发票）", "fully digital e-invoice (normal)", "82", "32"),
    Kind("vat_special", "增值税专用发票", "special VAT invoice (paper)", "01", "01"),
    Kind("vat_normal", "增值税普通发票", "normal VAT invoice (paper)", "04", "04"),
    Kind("vat_electronic_special", "增值税电子专用发票", "electronic special VAT invoice", "08", "20"),
    Kind("vat_electronic_normal", "增值税电子普通发票", "electronic normal VAT invoice", "10", "10"),
    Kind("vat_electronic_toll", "增值税电子普通发票（通行费）", "electronic normal VAT invoice (toll)", "14", "10"),
    # 数电 toll invoices are 数电票（普通发票） with the 特定业务 通行费: the platform lists them as 82
    Kind("digital_toll", "数电票（普通发票·通行费）", "fully digital e-invoice (toll)", "82", "32"),
    Kind("digital_railway", "电子发票（铁路电子客票）", "e-invoice (railway e-ticket)", "51", None),
    Kind("digital_air", "电子发票（航空运输电子客票行程单）", "e-invoice (air e-ticket itinerary)", "61", None),
    Kind("other", "其他发票", "other invoice", None, None),
)
BY_KIND = {k.kind: k for k in KINDS}
#: The 数电 travel e-invoices, read and checked by their own layouts (extract/ and verify/travel.py).
TRAVEL_KINDS = ("digital_railway", "digital_air")


def kind_name(kind: str | None, lang: str = "zh") -> str:
    """A record's kind as a person reads it (`vat_special` -> 增值税专用发票); an unknown kind as given."""
    if not kind:
        return ""
    found = BY_KIND.get(kind)
    if found is None:
        return kind
    return found.chinese if lang == "zh" else f"{found.english} ({found.chinese})"


def kind_code(kind: str | None) -> str | None:
    """The official 发票种类 code of a record's kind (`vat_special` -> "01"), None for `other`."""
    found = BY_KIND.get(kind or "")
    return found.code if found else None
