"""Invoice fields read from structured data (invoice XML, OFD tags), and how they enter a draft.

Structured sources name their fields, so no layout rule is needed: values are only normalised
to the record's conventions (money with two decimals, rates as "0.13", dates YYYY-MM-DD).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from capture.contract.draft import Draft
from capture.contract.money import money, parse_decimal, parse_money, strip_words_marks
from capture.contract.qr import parse_qr

_DATE = re.compile(r"(\d{4})\s*[年\-/.]?\s*(\d{1,2})\s*[月\-/.]?\s*(\d{1,2})")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_CENT = Decimal("0.01")
NO_TAX_RATES = ("免税", "不征税")


@dataclass
class InvoiceData:
    """Fields by dotted SPEC name; a name present with None means the source has the field and it
    is empty. `items` is None when the source has no item data."""

    fields: dict[str, str | None] = field(default_factory=dict)
    items: list[dict] | None = None
    qr: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.items or self.qr)


def text(value: str | None) -> str | None:
    """Printed text with runs of whitespace collapsed; None when empty."""
    if value is None:
        return None
    clean = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value).replace("\u3000", " ")).strip()
    return clean or None


def joined(*parts: str | None) -> str | None:
    """Parts joined by one space (address + phone, bank + account); None when all are empty."""
    return text(" ".join(p for p in parts if p and p.strip()))


def code(value: str | None) -> str | None:
    """A number, code or tax ID: NFKC, no whitespace."""
    if value is None:
        return None
    clean = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    return clean or None


def words(value: str | None) -> str | None:
    """价税合计（大写） without the ⊗ mark and spaces."""
    if value is None:
        return None
    return strip_words_marks(value) or None


def date(value: str | None) -> str | None:
    """2022年05月05日, 2022-05-05 10:11:12, 20220505 -> 2022-05-05."""
    if value is None:
        return None
    match = _DATE.search(unicodedata.normalize("NFKC", value))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def amount(value: str | None) -> str | None:
    """Money with two decimals (¥, commas and spaces removed)."""
    if value is None:
        return None
    clean = re.sub(r"[\s¥￥,]", "", unicodedata.normalize("NFKC", value))
    parsed = parse_money(clean)
    return money(parsed) if parsed is not None else None


def number(value: str | None) -> str | None:
    """A quantity or unit price as printed (commas and spaces removed)."""
    if value is None:
        return None
    clean = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", value))
    if _NUMBER.fullmatch(clean):
        return clean
    parsed = parse_decimal(clean)
    return format(parsed, "f") if parsed is not None else None


def rate(value: str | None) -> str | None:
    """13%, 0.13, 13 -> "0.13"; 10% -> "0.10"; 0% -> "0"; 免税 and 不征税 as printed."""
    if value is None:
        return None
    clean = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    for word in NO_TAX_RATES:
        if word in clean:
            return word
    percent = clean.endswith("%")
    parsed = parse_decimal(clean.rstrip("%"))
    if parsed is None:
        return None
    if percent or parsed >= 1:
        parsed /= 100
    if parsed == 0:
        return "0"
    return format(
        parsed.quantize(_CENT) if parsed == parsed.quantize(_CENT) else parsed.normalize(), "f"
    )


def item(
    name: str | None = None,
    spec: str | None = None,
    unit: str | None = None,
    quantity: str | None = None,
    unit_price: str | None = None,
    amount_: str | None = None,
    tax_rate: str | None = None,
    tax: str | None = None,
) -> dict:
    """A SPEC item from raw texts."""
    return {
        "name": text(name),
        "spec": text(spec),
        "unit": text(unit),
        "quantity": number(quantity),
        "unit_price": number(unit_price),
        "amount": amount(amount_),
        "tax_rate": rate(tax_rate),
        "tax": amount(tax),
    }


def apply(draft: Draft, data: InvoiceData, *, authoritative: bool) -> None:
    """Put the data's fields into the draft (confidence 1.0). An authoritative source also
    clears the fields it has as empty; its QR payloads come first."""
    for name, value in data.fields.items():
        if value is not None:
            draft.put(name, value, [])
        elif authoritative:
            _clear(draft, name)
    if data.items:
        draft.invoice["items"] = data.items
        draft.confidence["items"] = 1.0
        draft.sources["items"] = []
    known = {payload.raw for payload in draft.qr}
    payloads = [
        p for p in (parse_qr(raw) for raw in data.qr) if p is not None and p.raw not in known
    ]
    draft.qr = payloads + draft.qr


def _clear(draft: Draft, name: str) -> None:
    target = draft.invoice
    *parents, leaf = name.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = None
    draft.confidence.pop(name, None)
    draft.sources.pop(name, None)
