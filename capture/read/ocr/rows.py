"""Item rows whose fast readings prove each other by their arithmetic, so those lines need no
second read (capture/read/ocr/settle.py keeps a fast reading only where it is proven).

On one row of the goods table, 金额 × 税率 = 税额 to the cent: when the three fast readings
multiply out, the rate and the tax stand (a misread digit of either breaks the product). The
amount's last digits can hide in the rounding, so the amounts stand only when those of every
row that multiplies out add up to a proven 合计金额 (the QR's, or the totals', totals.py).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from capture.contract.money import CENT, money, parse_money
from capture.read.ocr.settle import VALUE_CONFIDENCE, ProvenValues, fold

#: The VAT rates (percent) an invoice prints, then and now.
RATES = frozenset(Decimal(r) for r in ("1", "1.5", "3", "5", "6", "9", "10", "11", "13", "16", "17"))
_RATE = re.compile(r"^(\d{1,2}(?:\.\d)?)%$")
_PLAIN_MONEY = re.compile(r"^-?\d+\.\d{2}$")

Polygon = tuple[tuple[float, float], ...]


def rate(text: str) -> Decimal | None:
    """The rate (a fraction) a line that is a VAT rate alone says; None for anything else."""
    match = _RATE.match(fold(text))
    if not match or Decimal(match[1]) not in RATES:
        return None
    return Decimal(match[1]) / 100


def plain_money(text: str) -> Decimal | None:
    """The amount of a line that is a figure with two decimals alone (no ¥: a row's figure)."""
    folded = fold(text)
    return parse_money(folded) if _PLAIN_MONEY.match(folded) else None


def _rows(polygons: list[Polygon]) -> list[list[int]]:
    """The boxes (indices, left to right) on each text row: centres within half a line height."""
    spans = []
    for index, polygon in enumerate(polygons):
        ys = [y for _, y in polygon]
        spans.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(x for x, _ in polygon), index))
    rows: list[list[tuple[float, float, float, int]]] = []
    for span in sorted(spans):
        if rows and abs(span[0] - rows[-1][0][0]) <= rows[-1][0][1] / 2:
            rows[-1].append(span)
        else:
            rows.append([span])
    return [[index for *_, index in sorted(row, key=lambda s: s[2])] for row in rows]


def row_settled(readings: list[tuple[str, float]], polygons: list[Polygon], proven: ProvenValues) -> set[int]:
    """The lines (indices) whose fast readings the rows' arithmetic proves."""
    found: set[int] = set()
    amounts: list[tuple[int, Decimal]] = []
    for row in _rows(polygons):
        confident = [i for i in row if readings[i][1] >= VALUE_CONFIDENCE]
        figures = [(i, v) for i in confident if (v := plain_money(readings[i][0])) is not None]
        rates = [(i, r) for i in confident if (r := rate(readings[i][0])) is not None]
        for (ir, r), (ia, a), (it, t) in ((x, y, z) for x in rates for y in figures for z in figures):
            if row.index(ia) < row.index(ir) < row.index(it) and t > 0 and (a * r).quantize(CENT, ROUND_HALF_UP) == t:
                found.update((ir, it))
                amounts.append((ia, a))
                break
    if amounts and proven.proves(money(sum(a for _, a in amounts))):
        found.update(i for i, _ in amounts)
    return found
