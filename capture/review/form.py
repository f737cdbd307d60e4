"""The desk's form: every editable field of a record by its dotted name, and the changes a
submitted form makes (typed digits folded, so a Chinese IME's full-width input counts)."""

from __future__ import annotations

import re
import unicodedata

from capture.contract.fields import field_value
from capture.contract.record import Invoice

PARTY_FIELDS = ("name", "tax_id", "address_phone", "bank_account")
ITEM_FIELDS = ("name", "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax")
HEADER_FIELDS = (
    "kind", "code", "number", "date", "check_code", "machine_number",
    *(f"buyer.{f}" for f in PARTY_FIELDS), *(f"seller.{f}" for f in PARTY_FIELDS),
    "amount", "tax", "total", "total_in_words", "payee", "reviewer", "drawer", "remarks",
)
#: Fields typed as digits and codes: full-width input (a Chinese IME) is folded with NFKC.
_CODED = re.compile(r"(^|\.)(code|number|date|check_code|machine_number|tax_id|amount|tax|total|quantity|unit_price|tax_rate)$")


def field_values(invoice: Invoice) -> dict[str, str | None]:
    """Every editable field by its dotted name (items as items[i].name)."""
    data = invoice.model_dump(mode="json")
    values: dict[str, str | None] = {name: field_value(data, name) for name in HEADER_FIELDS}  # type: ignore[misc]
    for index, item in enumerate(data["items"]):
        for leaf in ITEM_FIELDS:
            values[f"items[{index}].{leaf}"] = item[leaf]
    return values


def _clean(name: str, value: str) -> str | None:
    value = value.strip()
    if _CODED.search(name):
        value = unicodedata.normalize("NFKC", value).replace(" ", "")
    return value or None


def changes_from_form(invoice: Invoice, form: dict[str, str]) -> list[dict]:
    """The fields a submitted form changed, as {field, old, new}; unknown names are ignored."""
    current = field_values(invoice)
    changes = []
    for name, old in current.items():
        if name not in form:
            continue
        new = _clean(name, form[name])
        if new != old:
            changes.append({"field": name, "old": old, "new": new})
    return changes
