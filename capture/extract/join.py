"""From page drafts to records: join pages of one invoice, validate, verify, decide the status."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from capture.contract.draft import Draft
from capture.contract.record import Check, Invoice, Record, Source
from capture.extract.items import LIST_PLACEHOLDER
from capture.verify.checks import Witnesses, label, run_checks
from capture.verify.confidence import confidence_checks
from capture.verify.repair import repair


def group_pages(drafts: list[Draft]) -> list[Draft]:
    """Join drafts of consecutive pages that belong to one invoice (continuation pages with the
    same number, or a 销货清单 after its invoice); other pages stay separate invoices."""
    invoices: list[Draft] = []
    for draft in drafts:
        previous = invoices[-1] if invoices else None
        if previous is not None and draft.is_list_page and _same_or_unknown(previous, draft):
            _attach_list(previous, draft)
        elif previous is not None and _continues(previous, draft):
            _attach_continuation(previous, draft)
        else:
            invoices.append(draft)
    return invoices


def _same_or_unknown(previous: Draft, draft: Draft) -> bool:
    number = draft.invoice["number"]
    return number is None or number == previous.invoice["number"]


def _continues(previous: Draft, draft: Draft) -> bool:
    number = _page_value(draft, "number")
    if number is None or number != _page_value(previous, "number"):
        return False
    return _page_value(draft, "code") == _page_value(previous, "code")


def _page_value(draft: Draft, name: str) -> str | None:
    """The number or code a page printed, else the one its own QR code carries: a scan can
    misread the number on one page of a two-page invoice, and its pages still belong together."""
    if draft.invoice[name] is not None:
        return draft.invoice[name]
    values = {getattr(qr, name) for qr in draft.qr}
    return values.pop() if len(values) == 1 else None


def _attach_list(invoice: Draft, list_page: Draft) -> None:
    kept = [i for i in invoice.invoice["items"] if (i.get("name") or "").strip() not in LIST_PLACEHOLDER]
    invoice.invoice["items"] = kept + list_page.invoice["items"]
    invoice.pages.extend(list_page.pages)
    invoice.sources.setdefault("items", []).extend(list_page.sources.get("items", []))
    invoice.doubts.extend(list_page.doubts)


def _attach_continuation(invoice: Draft, page: Draft) -> None:
    invoice.invoice["items"].extend(page.invoice["items"])
    for name in ("amount", "tax", "total", "total_in_words", "payee", "reviewer", "drawer", "remarks"):
        if invoice.invoice[name] is None and page.invoice[name] is not None:
            invoice.invoice[name] = page.invoice[name]
            invoice.confidence[name] = page.confidence.get(name, 1.0)
            invoice.sources[name] = page.sources.get(name, [])
    invoice.qr = invoice.qr or page.qr
    invoice.doubts.extend(page.doubts)
    invoice.pages.extend(page.pages)
    invoice.has_totals = invoice.has_totals or page.has_totals


def is_invoice(draft: Draft) -> bool:
    """A page is an invoice when it has a title, a number or an invoice QR code."""
    return bool(draft.invoice["kind"] or draft.invoice["number"] or draft.qr or draft.is_list_page)


def validated_invoice(data: dict) -> tuple[Invoice, list[Check]]:
    """Validate the draft fields; a value that breaks the contract is nulled, with a failed
    `field_valid` check naming it."""
    problems: list[Check] = []
    for _ in range(50):
        try:
            return Invoice.model_validate(data), problems
        except ValidationError as error:
            for problem in error.errors():
                location = problem["loc"]
                target = data
                for part in location[:-1]:
                    target = target[part]
                name = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in location).replace(".[", "[")
                message = f"{label(name)} could not be read: {target[location[-1]]!r} is not valid"
                problems.append(Check(rule="field_valid", field=name, ok=False, message=message))
                target[location[-1]] = None
    raise RuntimeError("draft could not be validated")


def record_id(sha256: str, page: int) -> str:
    """Stable id: the same file and page give the same id."""
    return f"{sha256[:16]}-p{page}"


def build_record(draft: Draft, file: str, sha256: str, today: dt.date | None = None) -> Record:
    """Validate, verify and decide one invoice draft."""
    page = draft.pages[0] if draft.pages else 1
    source = Source(file=file, sha256=sha256, page=page, kind=draft.source_kind)
    if not is_invoice(draft):
        return Record(
            id=record_id(sha256, page),
            source=source,
            invoice=Invoice(),
            status="rejected",
            reasons=["not an invoice: no invoice title, number or QR code was found on this page"],
        )
    if draft.invoice["kind"] is None and draft.qr and draft.qr[0].kind:
        draft.invoice["kind"] = draft.qr[0].kind
    invoice, problems = validated_invoice(draft.invoice)
    invoice, repairs = repair(invoice, draft.qr)
    repaired = {c.field for c in repairs}
    witnesses = Witnesses(qr=draft.qr, today=today or dt.date.today())
    checks = [c for c in problems if c.field not in repaired] + repairs + run_checks(invoice, witnesses)
    checks += confidence_checks(draft.confidence, checks)
    checks += [Check(rule="scan_layout", field=name, ok=False, message=why) for name, why in draft.doubts]
    reasons = [c.message for c in checks if not c.ok and c.severity == "error"]
    return Record(
        id=record_id(sha256, page),
        source=source,
        invoice=invoice,
        confidence={k: round(v, 4) for k, v in sorted(draft.confidence.items())},
        checks=checks,
        status="review" if reasons else "ready",
        reasons=reasons,
    )
