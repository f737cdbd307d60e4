"""Invoices of structured files: an OFD document's page drafts overlaid with the data its parts
name, and a 数电 XML's data as a draft."""

from __future__ import annotations

from collections.abc import Iterable

from capture.contract.draft import Draft, empty_invoice
from capture.contract.qr import QrPayload
from capture.contract.structured import InvoiceData, StructuredDocument, apply
from capture.extract.join import group_pages


def document_drafts(document: StructuredDocument, page_drafts: list[Draft]) -> list[Draft]:
    """The invoices of one document, from the drafts of its pages (one per page, in order): the
    pages joined into invoices. A document with tag or embedded data holds one invoice, overlaid
    with the meta, tag and embedded data in turn (later wins); meta data alone goes into a
    document's only invoice. Every invoice carries the document's notes."""
    if not page_drafts:
        return []
    invoices = group_pages(page_drafts)
    if document.tags or document.embedded:
        draft = _one_invoice(
            invoices, [p.number for p in document.pages], [q for p in document.pages for q in p.qr]
        )
        layers = ((document.meta, False), (document.tags, False), (document.embedded, True))
        invoices = [_overlaid(draft, layers, document.kind)]
    elif document.meta and len(invoices) == 1:
        apply(invoices[0], document.meta, authoritative=False)
    for draft in invoices:
        draft.notes += document.notes
    return invoices


def xml_draft(data: InvoiceData, kind: str | None) -> Draft:
    """The draft of an invoice XML file (source kind "xml"): its data, authoritative."""
    draft = Draft(invoice=empty_invoice(), pages=[1], source_kind="xml")
    return _overlaid(draft, [(data, True)], kind)


def _one_invoice(invoices: list[Draft], numbers: list[int], qr: list[QrPayload]) -> Draft:
    """A document with invoice data holds one invoice: the (first) text draft, over all pages."""
    draft = invoices[0]
    draft.pages = numbers
    for payload in qr:
        if all(payload.raw != known.raw for known in draft.qr):
            draft.qr.append(payload)
    return draft


def _overlaid(
    draft: Draft, layers: Iterable[tuple[InvoiceData, bool]], kind: str | None
) -> Draft:
    """The draft with each (data, authoritative) layer applied in turn, and the kind the data
    states where no layer gave one."""
    for data, authoritative in layers:
        apply(draft, data, authoritative=authoritative)
    if draft.invoice["kind"] is None and kind is not None:
        draft.put("kind", kind, [])
    return draft
