"""A reviewer's decision on one record, from the submitted form to the store.

- `accept`: the fixes are applied and every check and duplicate rule runs again (capture/decide.py);
  a conflict is never accepted as it is;
- `separate` ("作为另一张发票接受"): a conflict accepted as another invoice, which needs a fixed,
  differing invoice code or number;
- `register_wrong` ("接受（登记簿那一行有误）"): the register row the conflict points to is corrected
  from the invoice (in the store, audited) and the record becomes its duplicate: nothing new is
  exported;
- `duplicate`, `reject`: closed with who and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capture import decide
from capture.contract.qr import QrPayload
from capture.contract.record import Check, Record
from capture.register.desk import ReviewStore, reason_tags
from capture.register.store import utc_now
from capture.review.form import changes_from_form

ACTIONS = ("accept", "separate", "register_wrong", "duplicate", "reject")


@dataclass
class Decided:
    """What came of a decision: the record's new status, or the reasons it was refused, or a
    problem (the record was decided meanwhile)."""

    status: str | None = None
    refused: list[str] = field(default_factory=list)
    failed: list[Check] = field(default_factory=list)
    submitted: dict[str, str] = field(default_factory=dict)
    meanwhile: bool = False


def take(book: ReviewStore, user: str, record: Record, action: str, form: dict[str, str], qr: list[QrPayload]) -> Decided:
    """Apply `action` to a record in review, with the fields the form changed; every outcome,
    a refusal too, lands in the audit trail. `qr`: the payloads read from the record's page,
    the witness the checks compare the fixed fields with."""
    note = form.get("note", "").strip() or None
    at = utc_now()
    submitted = {k[2:]: v for k, v in form.items() if k.startswith("f:")}
    changes = changes_from_form(record.invoice, submitted)
    if action in ("duplicate", "reject"):
        status = "duplicate" if action == "duplicate" else "rejected"
        closed = decide.close(record, status, user, at, note)
        return _stored(book.decide(closed, user, action, [], note), closed)
    if action == "register_wrong":
        counterpart = book.counterpart(record.duplicate_of)
        conflict = "conflict" in reason_tags(record) and (record.duplicate_of or "").startswith("register:")
        row = counterpart["fields"] if counterpart and conflict else None
        outcome, fixes = decide.register_wrong(record, row, changes, user, at, qr)
        if outcome.record is None:
            return _refused(book, record, user, action, changes, outcome, submitted)
        return _stored(book.correct_register(outcome.record, fixes, user, changes, note), outcome.record)
    separate = action == "separate"
    outcome = decide.accept(record, changes, user, at, book.ledger, qr, separate=separate)
    logged = action if separate else ("fix" if changes else "accept")
    if outcome.record is None:
        return _refused(book, record, user, logged, changes, outcome, submitted)
    return _stored(book.decide(outcome.record, user, logged, changes, note), outcome.record)


def _refused(book: ReviewStore, record: Record, user: str, action: str, changes: list[dict], outcome: decide.Outcome, submitted: dict) -> Decided:
    book.log_refusal(record.id, user, action, changes, " | ".join(outcome.refused))
    return Decided(refused=outcome.refused, failed=outcome.failed, submitted=submitted)


def _stored(written: bool, record: Record) -> Decided:
    return Decided(status=record.status) if written else Decided(meanwhile=True)
