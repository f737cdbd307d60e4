"""Invoice fields read from structured data (invoice XML, OFD tags), the documents they come in,
and how they enter a draft.

Structured sources name their fields, so no layout rule is needed: values are only normalised
to the record's conventions (capture/contract/values.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.contract.draft import Draft
from capture.contract.fields import set_field
from capture.contract.qr import parse_qr
from capture.contract.tokens import Page


@dataclass
class InvoiceData:
    """Fields by dotted SPEC name; a name present with None means the source has the field and it
    is empty. `items` is None when the source has no item data."""

    fields: dict[str, str | None] = field(default_factory=dict)
    items: list[dict] | None = None
    qr: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.items or self.qr)


@dataclass
class StructuredDocument:
    """One document of a structured file (an OFD's DocBody) as read: its pages, as tokens for the
    layout rules, and the invoice data its parts name, from least to most reliable: `meta`
    (CustomDatas), `tags` (CustomTag references) and `embedded` (an attached invoice XML, with
    the `kind` it states). `notes` name parts of the file that were skipped."""

    pages: list[Page]
    meta: InvoiceData = field(default_factory=InvoiceData)
    tags: InvoiceData = field(default_factory=InvoiceData)
    embedded: InvoiceData = field(default_factory=InvoiceData)
    kind: str | None = None
    notes: list[str] = field(default_factory=list)


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
    set_field(draft.invoice, name, None)
    draft.confidence.pop(name, None)
    draft.sources.pop(name, None)
