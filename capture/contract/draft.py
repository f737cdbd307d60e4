"""The draft an extractor produces: invoice fields read from a page, with confidence and sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.contract.fields import set_field
from capture.contract.qr import QrPayload
from capture.contract.tokens import Token


@dataclass
class Draft:
    """What layout rules read from one page (or a run of pages of one invoice)."""

    invoice: dict  # SPEC invoice fields; values are strings or None
    confidence: dict[str, float] = field(default_factory=dict)
    sources: dict[str, list[Token]] = field(default_factory=dict)
    qr: list[QrPayload] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    source_kind: str = "pdf_text"
    title: str | None = None
    is_list_page: bool = False  # 销售货物或者提供应税劳务清单
    page_of: tuple[int, int] | None = None  # (this page, page count) when printed 共N页 第M页
    has_totals: bool = False
    notes: list[str] = field(default_factory=list)
    doubts: list[tuple[str, str]] = field(default_factory=list)  # (field, why) of a scan's layout guesses
    not_vat: str | None = None  # what the page is when it is a document other than a VAT invoice
    invoice_signs: list[str] = field(default_factory=list)  # an invoice's signs found on the page

    def put(self, name: str, value: str | None, tokens: list[Token]) -> None:
        """Set a field by dotted name with the confidence of the tokens it came from."""
        if value is None or value == "":
            return
        set_field(self.invoice, name, value)
        self.confidence[name] = min((t.confidence for t in tokens), default=1.0)
        self.sources[name] = tokens


def empty_invoice() -> dict:
    """An invoice dict with every SPEC field present and null."""
    party = {"name": None, "tax_id": None, "address_phone": None, "bank_account": None}
    return {
        "kind": None,
        "code": None,
        "number": None,
        "date": None,
        "check_code": None,
        "machine_number": None,
        "buyer": dict(party),
        "seller": dict(party),
        "items": [],
        "amount": None,
        "tax": None,
        "total": None,
        "total_in_words": None,
        "payee": None,
        "reviewer": None,
        "drawer": None,
        "remarks": None,
    }
