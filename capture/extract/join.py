"""Joining pages: continuation pages and 销货清单 list pages become part of their invoice."""

from __future__ import annotations

from capture.contract.draft import Draft
from capture.extract.items import LIST_PLACEHOLDER
from capture.extract.people import DRAWER_LOST


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
    if invoice.invoice["drawer"] is not None:  # the page that prints 开票人 settles the others
        invoice.doubts = [doubt for doubt in invoice.doubts if doubt != DRAWER_LOST]
    invoice.pages.extend(page.pages)
    invoice.has_totals = invoice.has_totals or page.has_totals
