"""Raw texts to field values in the record's conventions: money with two decimals, rates as
"0.13", dates YYYY-MM-DD, codes without spaces. Used by every reader of structured data (invoice
XML, OFD) and by the register importer, so a value means the same wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from capture.contract.money import money, parse_decimal, parse_money, strip_words_marks

_DATE = re.compile(r"(\d{4})\s*[年\-/.]?\s*(\d{1,2})\s*[月\-/.]?\s*(\d{1,2})")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_CENT = Decimal("0.01")
NO_TAX_RATES = ("免税", "不征税")
#: A rate printed as asterisks: not disclosed (toll invoices, some 普票); the tax is then null.
UNDISCLOSED_RATES = ("***", "**", "*")

#: A raw text -> a field value in the record's conventions (None when empty or unreadable).
Normaliser = Callable[[str | None], str | None]


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


def date(value: object) -> str | None:
    """The one date normaliser, for invoice data and register exports alike: 2022年05月05日,
    2022-05-05 10:11:12, 2022/5/5, 20220505 or a spreadsheet date -> 2022-05-05; None when it
    is no real date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():  # the common case, fast
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    match = _DATE.search(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


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
