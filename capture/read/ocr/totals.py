"""Totals the fast readings of a page prove among themselves, so the lines that print them need
no second read (capture/read/ocr/settle.py keeps a fast reading only where it is proven).

- 价税合计 is printed twice: in 大写 words and in figures after ¥. When the fast readings of
  both say the same amount, each proves the other (one misread character spoils the words'
  spelling or changes their amount; both misread to the same amount does not happen).
- A 数电票's QR (its CRC holding) proves 价税合计 on its own.
- With 价税合计 proven: the tax is 价税合计 less the QR's 合计金额 (a legacy invoice's QR), or
  the two ¥ figures that add up to 价税合计 are 合计金额 and 合计税额 (a 数电票).
"""

from __future__ import annotations

from decimal import Decimal

from capture.contract.money import parse_money
from capture.read.ocr.settle import (
    ARITHMETIC_CONFIDENCE,
    SMALL_LETTERS,
    ProvenValues,
    fold,
    words_value,
)


def money_figure(text: str) -> Decimal | None:
    """The amount of a line that is a ¥ figure alone (after 小写 or not), to the cent."""
    folded = fold(text).removeprefix(SMALL_LETTERS)
    if not folded.startswith(("¥", "￥")):
        return None
    return parse_money(folded)


def proven_totals(readings: list[tuple[str, float]], proven: ProvenValues) -> ProvenValues:
    """`proven` with the totals the page's fast readings (text, confidence) prove together."""
    confident = [text for text, score in readings if score >= ARITHMETIC_CONFIDENCE]
    figures = {value for value in map(money_figure, confident) if value is not None}
    spelt = {value for value in map(words_value, confident) if value is not None}
    totals = spelt & figures
    if proven.gross is not None:
        totals.add(proven.gross)
    if not totals:
        return proven
    found = set(totals)
    for total in totals:
        if proven.net is not None and Decimal(0) <= total - proven.net < total:
            found.add(total - proven.net)
        parts = figures - {total}
        found.update(part for part in parts if part > 0 and total - part in parts)
    return proven.adding(found)
