"""The one place a record's status is set: `ready`, `review`, `duplicate` or `rejected`, with the
reasons a person reads.

- a page that is no invoice: `rejected`, naming what it is when it is another document (a
  railway ticket, a taxi receipt, a 财政票据: capture/extract/document.py); a page with an
  invoice's signs but no title, number or QR read: `review`, never `rejected`;
- an invoice with a failed error check (capture/verify/): `review`, each failure a reason;
- the duplicate rules (capture/register/dedupe.py): `duplicate`, or `review` for a conflict or a
  near match, naming what it duplicates;
- the supplier directory (capture/verify/suppliers.py): `review` when the register knows the
  seller's tax ID under another name;
- the tax platform's list (capture/register/witness.py): `platform_match` checks when it agrees,
  `review` when it holds the number with other values or as voided / red-flushed / flagged;
- a reviewer's decision at the desk (capture/review/): `ready` once the fixed record passes
  every check again, or `duplicate` / `rejected`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from capture.contract.draft import Draft
from capture.contract.fields import field_value, label, set_field
from capture.contract.qr import QrPayload
from capture.contract.record import Check, Invoice, Record, Source
from capture.register.dedupe import BatchIndex, find_duplicate
from capture.register.store import Ledger, invoice_key
from capture.register.witness import platform_witness
from capture.verify.checks import Witnesses, run_checks
from capture.verify.invoice import validated_invoice, verify_draft
from capture.verify.suppliers import supplier_check

#: The OCR doubts a field's platform_match settles: a low-confidence line, one guessed character.
OCR_DOUBTS = ("ocr_confidence", "ocr_character")
NOT_AN_INVOICE = "not an invoice: no invoice title, number or QR code was found on this page"
CONFLICT_AS_IS = (
    "冲突的发票不能原样接受：请选择“接受（登记簿那一行有误）”，或改正读错的发票代码/号码后“作为另一张发票接受”，"
    "或标为重复、拒绝 (a conflict cannot be accepted as it is: that would export the invoice twice): {reason}"
)
SEPARATE_NEEDS_KEY = (
    "作为另一张发票接受，需要与冲突的那一张不同的发票代码或号码：号码仍是 {number}，请改正读错的字符 "
    "(accepting as a separate invoice needs a differing invoice code or number; it is still {number})"
)
NOT_A_REGISTER_CONFLICT = "此记录没有与登记簿的某一行冲突 (this record does not conflict with a register row)"
REGISTER_KEY_DIFFERS = (
    "发票代码/号码已与登记簿那一行不同：请用“作为另一张发票接受” "
    "(the invoice code or number no longer matches the register row: accept it as a separate invoice)"
)
REGISTER_AGREES = "登记簿那一行与本发票一致，没有要更正的 (the register row agrees with this invoice: nothing to correct)"


def is_invoice(draft: Draft) -> bool:
    """A page is an invoice when it has a title, a number or an invoice QR code."""
    return bool(draft.invoice["kind"] or draft.invoice["number"] or draft.qr or draft.is_list_page)


def looks_like_an_invoice(draft: Draft) -> str:
    """The reason a page with an invoice's signs, but no title, number or QR read, waits for a person."""
    signs = "、".join(draft.invoice_signs)
    return (
        f"看起来是发票（有{signs}），但未能读出发票标题、号码或二维码：请对照原件 "
        f"(looks like an invoice, but no title, number or QR code could be read: check it against the paper)"
    )


def record_id(sha256: str, page: int) -> str:
    """Stable id: the same file and page give the same id."""
    return f"{sha256[:16]}-p{page}"


def failures(checks: list[Check]) -> list[str]:
    """The messages of the failed error checks: the reasons a record waits for a person."""
    return [c.message for c in checks if not c.ok and c.severity == "error"]


def build_record(draft: Draft, file: str, sha256: str, today: dt.date | None = None) -> Record:
    """The record of one invoice draft: verified, and `ready` when no error check fails."""
    page = draft.pages[0] if draft.pages else 1
    source = Source(file=file, sha256=sha256, page=page, kind=draft.source_kind)
    if draft.not_vat or not (is_invoice(draft) or draft.invoice_signs):
        return Record(
            id=record_id(sha256, page), source=source, invoice=Invoice(), status="rejected",
            reasons=[draft.not_vat or NOT_AN_INVOICE],
        )
    invoice, checks = verify_draft(draft, today)
    reasons = failures(checks)
    if not is_invoice(draft):  # never reject an invoice: its signs send it to a person
        reasons = [looks_like_an_invoice(draft), *reasons]
    return Record(
        id=record_id(sha256, page),
        source=source,
        invoice=invoice,
        confidence={k: round(v, 4) for k, v in sorted(draft.confidence.items())},
        checks=checks,
        status="review" if reasons else "ready",
        reasons=reasons,
    )


def apply_duplicates(records: list[Record], ledger: Ledger) -> None:
    """Run the duplicate rules over a batch in input order: a record is checked against the
    register, the records before it in the batch and earlier runs."""
    batch = BatchIndex.empty()
    batch.keys = {key for r in records if (key := invoice_key(r.invoice.code, r.invoice.number))}
    for record in records:
        if record.status == "rejected":
            continue
        found = find_duplicate(record, ledger, batch)
        if found is not None:
            record.status = found.status  # type: ignore[assignment]
            record.duplicate_of = found.of
            record.reasons = [*record.reasons, found.reason]
        if record.status != "duplicate":
            batch.add(record)


def apply_directory(records: list[Record], ledger: Ledger) -> None:
    """Add the supplier-directory check to each invoice whose seller the register knows."""
    for record in records:
        tax_id = record.invoice.seller.tax_id
        if record.status in ("rejected", "duplicate") or not tax_id:
            continue
        known = ledger.supplier_names(tax_id)
        if not known:
            continue
        check = supplier_check(record, known)
        record.checks = [*record.checks, check]
        if not check.ok:
            record.reasons = [*record.reasons, check.message]
            record.status = "review"


def apply_platform(records: list[Record], ledger: Ledger) -> None:
    """The tax platform as a witness for each invoice it lists (not for duplicates: those are
    in the books already, and reconciliation lists them if the platform voided them). Its
    `platform_match` proves a field a scan read with low confidence."""
    for record in records:
        if record.status in ("rejected", "duplicate"):
            continue
        found = platform_witness(record, ledger)
        if found is None:
            continue
        if found.reasons:
            record.reasons = [*record.reasons, *found.reasons]
            record.status = "review"
            continue
        proven = {c.field for c in found.checks}
        doubts = {c.message for c in record.checks if c.rule in OCR_DOUBTS and not c.ok and c.field in proven}
        record.checks = [
            c.model_copy(update={"ok": True, "message": f"{c.message}; 税务平台清单已证实 (proven by the tax platform's list)"})
            if c.message in doubts and c.rule in OCR_DOUBTS else c
            for c in record.checks
        ] + found.checks
        record.reasons = [r for r in record.reasons if r not in doubts]
        if record.status == "review" and not record.reasons:
            record.status = "ready"


def decide_batch(records: list[Record], ledger: Ledger) -> None:
    """The batch-wide decisions, in input order: duplicates, the supplier directory, then the
    tax platform's list."""
    apply_duplicates(records, ledger)
    apply_directory(records, ledger)
    apply_platform(records, ledger)


@dataclass
class Outcome:
    """A reviewer's decision: the decided record, or the reasons it was refused."""

    record: Record | None
    refused: list[str]
    failed: list[Check] = dataclass_field(default_factory=list)  # the failing checks behind `refused`


def accept(
    record: Record, changes: list[dict], user: str, at: str, ledger: Ledger,
    qr: list[QrPayload] | None = None, today: dt.date | None = None, separate: bool = False,
) -> Outcome:
    """A reviewer accepts a record, with fixes: the changes are applied, the checks (formats,
    check digits, arithmetic, 大写, QR) and the duplicate rules run again; the record becomes
    `ready` only when no error check fails, otherwise it is refused with the reasons.

    A conflict (the register or an earlier record holds the same number with other facts) is
    never accepted as it is: that would export the invoice a second time. `separate` accepts it
    as another invoice, which needs a code or number that differs from the one it conflicts with
    (a misread fixed) and no duplicate rule left standing; see also `register_wrong`."""
    if separate:
        new = {c["field"]: c["new"] for c in changes}
        key = invoice_key(new.get("code", record.invoice.code), new.get("number", record.invoice.number))
        if key == invoice_key(record.invoice.code, record.invoice.number):
            return Outcome(None, [SEPARATE_NEEDS_KEY.format(number=record.invoice.number or "")])
    invoice, checks, failed = _verified(record, changes, qr, today)
    if failed:
        return Outcome(None, [c.message for c in failed], failed)
    cleared = {"invoice": invoice, "status": "ready", "reasons": [], "duplicate_of": None}
    found = find_duplicate(record.model_copy(deep=True, update=cleared), ledger, BatchIndex.empty())
    if found is not None and (found.status == "duplicate" or found.same_key):
        prefix = "改正后 (after the fix): " if changes else ""
        return Outcome(None, [prefix + CONFLICT_AS_IS.format(reason=found.reason)])
    if found is not None and (changes or separate) and (separate or found.of != record.duplicate_of):
        return Outcome(None, [f"after the fix: {found.reason}"])
    changed = {c["field"] for c in changes}
    kept = [c for c in record.checks if c.rule == "repaired" and c.field not in changed]
    reviewed = Check(rule="reviewed", field="*", ok=True, severity="warning",
                     message=f"accepted by {user} at {at}" + (" as a separate invoice" if separate else "") + _set_aside(record, checks))
    decided = record.model_copy(
        deep=True, update={**cleared, "checks": [*kept, *checks, *_corrections(changes, user, at), reviewed]}
    )
    return Outcome(decided, [])


def register_wrong(
    record: Record, row: dict[str, object] | None, changes: list[dict], user: str, at: str,
    qr: list[QrPayload] | None = None, today: dt.date | None = None,
) -> tuple[Outcome, list[dict]]:
    """A reviewer judges the register row a conflict points to wrong, not the invoice: the
    invoice (with any fixes) must pass every check; the record becomes a `duplicate` of that row
    (the invoice is in the books already, so nothing new is exported) and the row's corrections,
    {field, old, new} of each fact the row holds otherwise, are returned for the store to apply
    and audit (a column the register leaves blank is not corrected)."""
    if row is None or not (record.duplicate_of or "").startswith("register:"):
        return Outcome(None, [NOT_A_REGISTER_CONFLICT]), []
    invoice, checks, failed = _verified(record, changes, qr, today)
    if failed:
        return Outcome(None, [c.message for c in failed], failed), []
    if invoice_key(invoice.code, invoice.number) != invoice_key(row.get("code"), row.get("number")):  # type: ignore[arg-type]
        return Outcome(None, [REGISTER_KEY_DIFFERS]), []
    ours = invoice.model_dump(mode="json")
    fixes = [
        {"field": name, "old": theirs, "new": new}
        for name, theirs in row.items()
        if theirs is not None and (new := field_value(ours, name)) is not None and str(new) != str(theirs)
    ]
    if not fixes:
        return Outcome(None, [REGISTER_AGREES]), []
    reason = (f"登记簿那一行有误，已按本发票更正（{record.duplicate_of}）；本发票已在账上，不再导出 "
              f"(the register row was wrong and is corrected from this invoice; not exported again) — {user}, {at}")
    corrected = Check(rule="register_corrected", field="*", ok=True, severity="warning", message=reason)
    decided = record.model_copy(deep=True, update={
        "invoice": invoice, "status": "duplicate", "reasons": [*record.reasons, reason],
        "checks": [*record.checks, *_corrections(changes, user, at), corrected],
    })
    return Outcome(decided, []), fixes


def _verified(
    record: Record, changes: list[dict], qr: list[QrPayload] | None, today: dt.date | None
) -> tuple[Invoice, list[Check], list[str]]:
    """The invoice with the changes applied, its checks run again, and the failing error checks."""
    data = record.invoice.model_dump(mode="json")
    for change in changes:
        set_field(data, change["field"], change["new"])
    invoice, problems = validated_invoice(data)
    checks = run_checks(invoice, Witnesses(qr=list(qr or []), today=today or dt.date.today()))
    return invoice, checks, [c for c in problems + checks if not c.ok and c.severity == "error"]


def _corrections(changes: list[dict], user: str, at: str) -> list[Check]:
    return [
        Check(rule="manual_correction", field=c["field"], ok=True, severity="warning",
              message=f"{label(c['field'])} corrected by {user} at {at}: {c['old']} → {c['new']}")
        for c in changes
    ]


def _set_aside(record: Record, checks: list[Check]) -> str:
    """The reasons the reviewer overruled (a conflict, a near match, the supplier directory), as
    opposed to failed checks that now pass."""
    passing = {(c.rule, c.field) for c in checks if c.ok}
    resolved = {c.message for c in record.checks if not c.ok and (c.rule, c.field) in passing}
    kept = [r for r in record.reasons if r not in resolved]
    return f"; the reviewer set aside: {' / '.join(kept)}" if kept else ""


def close(record: Record, status: str, user: str, at: str, note: str | None) -> Record:
    """A reviewer marks a record `duplicate` (of what it was matched with) or `rejected`."""
    words = "a duplicate" if status == "duplicate" else "rejected"
    reason = f"marked {words} by {user} at {at}" + (f": {note}" if note else "")
    return record.model_copy(
        deep=True,
        update={"status": status, "reasons": [*record.reasons, reason],
                "checks": [*record.checks, Check(rule="reviewed", field="*", ok=True, severity="warning", message=reason)]},
    )
