"""The last touches on a page's draft, once every field is read: the toll kinds and vehicle
remarks (toll.py), what the page is (document.py), the travel e-invoices' own layouts
(travel.py), the seal's text taken out of 备注, and the notes a form prints after a value
(agency.py)."""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.contract.kinds import TRAVEL_KINDS
from capture.contract.tokens import SCANNED_KINDS
from capture.extract.agency import drop_printed_notes
from capture.extract.document import read_document
from capture.extract.lines import Line
from capture.extract.toll import read_toll
from capture.extract.travel import read_travel

#: What a 发票专用章 prints: the seller's name, its tax ID and the words 发票专用章.
SEAL_WORDS = re.compile(r"发\s*票\s*专\s*用\s*章|[（(]?\s*章\s*[)）]?")


def finish_draft(lines: list[Line], draft: Draft) -> None:
    """Toll invoices, the document a page is, and 备注 without the seal's text."""
    read_toll(draft)
    read_document(lines, draft)
    if draft.invoice["kind"] in TRAVEL_KINDS:
        read_travel(lines, draft)
    drop_seal_text(draft)
    drop_printed_notes(draft)


def drop_seal_text(draft: Draft) -> None:
    """The seller's 发票专用章 sits over the 备注 box and prints the seller's tax ID: OCR reads it
    as remarks. 备注 that holds nothing but the seal's words (the tax ID, 发票专用章) is empty."""
    remarks, tax_id = draft.invoice["remarks"], draft.invoice["seller"]["tax_id"]
    if not remarks or not tax_id or draft.source_kind not in SCANNED_KINDS:
        return
    left = SEAL_WORDS.sub("", remarks.replace(tax_id, "")).strip(" :：;；,，.")
    if not left:
        draft.invoice["remarks"] = None
        draft.confidence.pop("remarks", None)
        draft.sources.pop("remarks", None)
