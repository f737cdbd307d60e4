"""Verifying one invoice draft: validate it against the record contract, make the provable
repairs, run every check, and add the doubts of its reading (OCR confidence, scan layout).

What comes out is the invoice and its checks; the status they lead to is decided in
capture/decide.py.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from capture.contract.draft import Draft
from capture.contract.fields import field_value, label, set_field
from capture.contract.record import Check, Invoice
from capture.verify.checks import Witnesses, run_checks
from capture.verify.confidence import (
    confidence_checks,
    incomplete_words_checks,
    weak_character_checks,
)
from capture.verify.repair import repair

#: Validation rounds before giving up (each nulls the values that broke the contract).
MAX_ROUNDS = 50


def validated_invoice(data: dict) -> tuple[Invoice, list[Check]]:
    """Validate the draft fields; a value that breaks the contract is nulled, with a failed
    `field_valid` check naming it."""
    problems: list[Check] = []
    for _ in range(MAX_ROUNDS):
        try:
            return Invoice.model_validate(data), problems
        except ValidationError as error:
            for problem in error.errors():
                name = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in problem["loc"]).replace(".[", "[")
                message = f"{label(name)} could not be read: {field_value(data, name)!r} is not valid"
                problems.append(Check(rule="field_valid", field=name, ok=False, message=message))
                set_field(data, name, None)
    raise RuntimeError("draft could not be validated")


def verify_draft(draft: Draft, today: dt.date | None = None) -> tuple[Invoice, list[Check]]:
    """The validated, repaired invoice of a draft and every check on it, in a stable order."""
    if draft.invoice["kind"] is None and draft.qr and draft.qr[0].kind:
        draft.invoice["kind"] = draft.qr[0].kind
    invoice, problems = validated_invoice(draft.invoice)
    invoice, repairs = repair(invoice, draft.qr)
    repaired = {c.field for c in repairs}
    from_qr = {c.field for c in repairs if c.rule == "qr_only"}  # the QR agrees with itself: no witness
    witnesses = Witnesses(qr=draft.qr, today=today or dt.date.today())
    checked = [c for c in run_checks(invoice, witnesses) if not (c.rule == "qr_agreement" and c.field in from_qr)]
    checks = [c for c in problems if c.field not in repaired] + repairs + checked
    checks += confidence_checks(draft.confidence, checks)
    checks += weak_character_checks(draft.sources, draft.invoice, checks)
    checks += incomplete_words_checks(draft.source_kind, invoice.total_in_words, repaired)
    doubts = [Check(rule="scan_layout", field=name, ok=False, message=why) for name, why in draft.doubts]
    # what the page is (an invoice of a kind this does not read) is said before what is missing
    return invoice, [c for c in doubts if c.field == "kind"] + checks + [c for c in doubts if c.field != "kind"]
