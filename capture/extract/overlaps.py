"""Doubts about free-text fields a scan read from overlapping OCR boxes.

The detector can box the same printed glyph twice, at the end of one box and the start of the
next (地址、电话：东 | 东莞市…), and each box then reads it: joined, the value reads 东东莞市. On a
title or a tax ID the QR type and the check digit prove which reading is right (capture/extract/
lines.py keeps the glyph once there); on names, addresses, bank accounts, remarks and people
nothing does, and a glyph may truly be printed twice (山东东营), so the field is a doubt.
"""

from __future__ import annotations

import itertools

from capture.contract.draft import Draft
from capture.contract.fields import label
from capture.extract.lines import build_lines, shares_glyph

#: The fields no check proves (the line items have their own scan doubts).
UNPROVEN_TEXT = (
    "buyer.name", "buyer.address_phone", "buyer.bank_account",
    "seller.name", "seller.address_phone", "seller.bank_account",
    "remarks", "payee", "reviewer", "drawer",
)


def shared_glyph_doubts(draft: Draft) -> list[tuple[str, str]]:
    """(field, why) for each unproven field read across two OCR boxes that share a glyph."""
    doubts = []
    for name in UNPROVEN_TEXT:
        for line in build_lines(draft.sources.get(name, [])):
            shared = next((left.text[-1] for left, right in itertools.pairwise(line.tokens) if shares_glyph(left, right)), None)
            if shared is not None:
                doubts.append((name, f"{label(name)}: two OCR boxes on the scan overlap on “{shared}”, which may be read twice: compare it with the paper"))
                break
    return doubts
