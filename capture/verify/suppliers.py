"""The supplier directory: seller names the register holds for each tax ID, as a witness.

A seller name that matches the register's name for its tax ID is proven; a different name is a
reason for review (a misread name, a misread tax ID, or a supplier that renamed itself). The
names are handed in (capture/decide.py asks the store for them).
"""

from __future__ import annotations

import re
import unicodedata

from capture.contract.record import Check, Record


def normal_name(name: str) -> str:
    """Names compare without spaces and with full-width brackets folded: （有限公司） = (有限公司)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def supplier_check(record: Record, known: set[str]) -> Check:
    """The `supplier_directory` check of one record against the names known for its tax ID."""
    seller = record.invoice.seller
    ok = normal_name(seller.name or "") in {normal_name(n) for n in known}
    listed = "、".join(sorted(known))
    message = (
        f"seller name matches the register's name for {seller.tax_id}"
        if ok
        else f"the register knows seller {seller.tax_id} as {listed}, but this invoice reads {seller.name}"
    )
    return Check(rule="supplier_directory", field="seller.name", ok=ok, message=message)
