"""A reviewer's decision applied to a record: fixes are re-verified by the pipeline's own checks
before a record may become `ready`; a fix that breaks a check is refused with the reasons.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from capture.contract.qr import QrPayload
from capture.contract.record import Check, Invoice, Record
from capture.extract.join import validated_invoice
from capture.register.dedupe import BatchIndex, check_record
from capture.register.store import Ledger
from capture.verify.checks import Witnesses, label, run_checks

PARTY_FIELDS = ("name", "tax_id", "address_phone", "bank_account")
ITEM_FIELDS = ("name", "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax")
HEADER_FIELDS = (
    "kind", "code", "number", "date", "check_code", "machine_number",
    *(f"buyer.{f}" for f in PARTY_FIELDS), *(f"seller.{f}" for f in PARTY_FIELDS),
    "amount", "tax", "total", "total_in_words", "payee", "reviewer", "drawer", "remarks",
)
#: Fields typed as digits and codes: full-width input (a Chinese IME) is folded with NFKC.
_CODED = re.compile(r"(^|\.)(code|number|date|check_code|machine_number|tax_id|amount|tax|total|quantity|unit_price|tax_rate)$")
_PATH = re.compile(r"^items\[(\d+)\]\.(\w+)$")


@dataclass
class Outcome:
    """The decided record, or the reasons it was refused."""

    record: Record | None
    refused: list[str]


def field_values(invoice: Invoice) -> dict[str, str | None]:
    """Every editable field by its dotted name (items as items[i].name)."""
    data = invoice.model_dump(mode="json")
    values: dict[str, str | None] = {}
    for name in HEADER_FIELDS:
        values[name] = _get(data, name)
    for index, item in enumerate(data["items"]):
        for leaf in ITEM_FIELDS:
            values[f"items[{index}].{leaf}"] = item[leaf]
    return values


def _get(data: dict, name: str):
    value = data
    for part in name.split("."):
        value = value[part]
    return value


def _set(data: dict, name: str, value: str | None) -> None:
    match = _PATH.match(name)
    if match:
        data["items"][int(match[1])][match[2]] = value
        return
    *parents, leaf = name.split(".")
    for part in parents:
        data = data[part]
    data[leaf] = value


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


def _failures(checks: list[Check]) -> list[str]:
    return [c.message for c in checks if not c.ok and c.severity == "error"]


def accept(
    record: Record, changes: list[dict], user: str, at: str, ledger: Ledger,
    qr: list[QrPayload] | None = None, today: dt.date | None = None,
) -> Outcome:
    """Apply the changes, re-run the checks (formats, check digits, arithmetic, 大写, QR) and the
    duplicate rules; the record becomes `ready` only when no error check fails."""
    data = record.invoice.model_dump(mode="json")
    for change in changes:
        _set(data, change["field"], change["new"])
    invoice, problems = validated_invoice(data)
    checks = run_checks(invoice, Witnesses(qr=list(qr or []), today=today or dt.date.today()))
    refused = _failures(problems) + _failures(checks)
    if refused:
        return Outcome(None, refused)
    changed = {c["field"] for c in changes}
    kept = [c for c in record.checks if c.rule == "repaired" and c.field not in changed]
    corrections = [
        Check(rule="manual_correction", field=c["field"], ok=True, severity="warning",
              message=f"{label(c['field'])} corrected by {user} at {at}: {c['old']} → {c['new']}")
        for c in changes
    ]
    cleared = {"invoice": invoice, "status": "ready", "reasons": [], "duplicate_of": None}
    if changes:
        candidate = record.model_copy(deep=True, update=cleared)
        check_record(candidate, ledger, BatchIndex.empty())
        if candidate.status == "duplicate" or (candidate.status != "ready" and candidate.duplicate_of != record.duplicate_of):
            return Outcome(None, [f"after the fix: {r}" for r in candidate.reasons])
    reviewed = Check(rule="reviewed", field="*", ok=True, severity="warning",
                     message=f"accepted by {user} at {at}" + _set_aside(record, checks))
    decided = record.model_copy(deep=True, update={**cleared, "checks": [*kept, *checks, *corrections, reviewed]})
    return Outcome(decided, [])


def _set_aside(record: Record, checks: list[Check]) -> str:
    """The reasons the reviewer overruled (a conflict, a near match, the supplier directory), as
    opposed to failed checks that now pass."""
    passing = {(c.rule, c.field) for c in checks if c.ok}
    resolved = {c.message for c in record.checks if not c.ok and (c.rule, c.field) in passing}
    kept = [r for r in record.reasons if r not in resolved]
    return f"; the reviewer set aside: {' / '.join(kept)}" if kept else ""


def close(record: Record, status: str, user: str, at: str, note: str | None) -> Record:
    """Mark a record `duplicate` (of what it was matched with) or `rejected`."""
    words = "a duplicate" if status == "duplicate" else "rejected"
    reason = f"marked {words} by {user} at {at}" + (f": {note}" if note else "")
    return record.model_copy(
        deep=True,
        update={"status": status, "reasons": [*record.reasons, reason],
                "checks": [*record.checks, Check(rule="reviewed", field="*", ok=True, severity="warning", message=reason)]},
    )
