"""Item rows whose fast readings prove each other by their arithmetic, so those lines need no
second read (capture/read/ocr/settle.py keeps a fast reading only where it is proven).

On one row of the goods table, 金额 × 税率 = 税额 to the cent: when the three fast readings
multiply out, the rate and the tax stand (a misread digit of either breaks the product). The
amount's last digits can hide in the rounding, so the amounts stand only when those of every
row that multiplies out add up to a proven 合计金额 (the QR's, or the totals', totals.py; a row
that charges no tax, 免税 or 0%, adds its amount to the sum unproven by a product), or
when the row's own 数量 × 单价 gives the amount to the cent as well: a misread digit of the
amount breaks that product unless one of the factors was misread to match it, and only a
quantity of 1 (or 10, 100…) prints the amount's digits again in the 单价, where one misreading
of a glyph could be made twice, so such a row waits for the sum (a page of a 清单 without its
totals, a scan whose QR is lost).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from capture.contract.money import CENT, money, parse_money
from capture.contract.values import NO_TAX_RATES
from capture.read.ocr.settle import ARITHMETIC_CONFIDENCE, ProvenValues, fold, words_value
from capture.read.ocr.totals import money_figure

#: The VAT rates (percent) an invoice prints, then and now.
RATES = frozenset(Decimal(r) for r in ("1", "1.5", "3", "5", "6", "9", "10", "11", "13", "16", "17"))
_RATE = re.compile(r"^(\d{1,2}(?:\.\d)?)%$")
_PLAIN_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_AMOUNT_RATE = re.compile(r"^(-?\d+\.\d{2})\s*(\d{1,2}(?:\.\d)?%)$")
#: What a row prints for a rate where no tax is charged: 免税, 不征税, or 0% (an export's).
_NO_TAX = frozenset((*NO_TAX_RATES, "0%"))
#: A 金额 and such a word read as one box (805.94免税).
_AMOUNT_NO_TAX = re.compile(r"^(-?\d+\.\d{2})\s*(?:" + "|".join(_NO_TAX) + ")$")

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


def amount_and_rate(text: str) -> tuple[Decimal, Decimal] | None:
    """The 金额 and 税率 of a line that reads them as one box (727.91 1%, or glued: 31.551%:
    money has two decimals, so the cut is known); None for anything else."""
    match = _AMOUNT_RATE.match(fold(text))
    if not match or (rated := rate(match[2])) is None:
        return None
    return Decimal(match[1]), rated


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


def plain_number(text: str) -> Decimal | None:
    """The number of a line that is a plain figure alone (a quantity or a unit price)."""
    folded = fold(text)
    return Decimal(folded) if _PLAIN_NUMBER.match(folded) else None


def is_figure(text: str) -> bool:
    """Whether a line reads as something the page's arithmetic could prove: a row's figure, a
    rate, an amount and rate in one box, a ¥ figure, or 大写 words."""
    parsers = (plain_number, plain_money, rate, amount_and_rate, money_figure, words_value)
    return any(parse(text) is not None for parse in parsers)


def row_settled(readings: list[tuple[str, float]], polygons: list[Polygon], proven: ProvenValues, standing: frozenset[int] = frozenset()) -> set[int]:
    """The lines (indices) whose fast readings the rows' arithmetic proves; `standing`: the
    lines already proven otherwise."""
    found: set[int] = set()
    amounts: list[tuple[int, Decimal]] = []
    rows = _rows(polygons)
    for row in rows:
        confident = [i for i in row if readings[i][1] >= ARITHMETIC_CONFIDENCE]
        figures = [(i, v) for i in confident if (v := plain_money(readings[i][0])) is not None]
        rates = [(i, r) for i in confident if (r := rate(readings[i][0])) is not None]
        joined = [(i, *both) for i in confident if (both := amount_and_rate(readings[i][0])) is not None]
        for (ir, r), (ia, a), (it, t) in ((x, y, z) for x in rates for y in figures for z in figures):
            if row.index(ia) < row.index(ir) < row.index(it) and _signed_alike(a, t) and (a * r).quantize(CENT, ROUND_HALF_UP) == t:
                found.update((ir, it))
                amounts.append((ia, a))
                if _multiplies_out(readings, row, ia, a):
                    found.add(ia)
                break
        # one box holding 金额 and 税率: the tax stands by the product; the box, amount and all,
        # only with the amounts' sum (its amount's last digit can hide in the rounding)
        for (ij, a, r), (it, t) in ((x, y) for x in joined for y in figures):
            if row.index(ij) < row.index(it) and _signed_alike(a, t) and (a * r).quantize(CENT, ROUND_HALF_UP) == t:
                found.add(it)
                amounts.append((ij, a))
                if _multiplies_out(readings, row, ij, a):
                    found.add(ij)
                break
        amounts += _untaxed_amounts(readings, row, confident)
    if amounts and proven.proves(money(sum(a for _, a in amounts))):
        found.update(i for i, _ in amounts)
    for row in rows:
        found.update(_factors(readings, row, standing | found))
    return found


def _factors(readings: list[tuple[str, float]], row: list[int], standing: set[int]) -> set[int]:
    """The 数量 and 单价 just before a standing 金额 that multiply out to it, where a misread
    last digit would move the product by a cent or more."""
    found: set[int] = set()
    for place in range(2, len(row)):
        amount = row[place]
        if amount not in standing or (total := _amount(readings[amount][0])) is None:
            continue
        if (factors := _sure_factors(readings, row, place)) is None or _product(factors) != total:
            continue
        (quantity, price), (q, p) = row[place - 2 : place], factors
        found.update(index for index, own, other in ((quantity, q, p), (price, p, q)) if _last_digit(own) * other >= CENT)
    return found


def _sure_factors(readings: list[tuple[str, float]], row: list[int], place: int) -> tuple[Decimal, Decimal] | None:
    """The 数量 and 单价 just before the box at `place` of a row, read surely as plain numbers."""
    if place < 2 or min(readings[i][1] for i in row[place - 2 : place]) < ARITHMETIC_CONFIDENCE:
        return None
    quantity, price = (plain_number(readings[i][0]) for i in row[place - 2 : place])
    return None if quantity is None or price is None else (quantity, price)


def _product(factors: tuple[Decimal, Decimal]) -> Decimal:
    """数量 × 单价 to the cent, as the 金额 prints it."""
    quantity, price = factors
    return (quantity * price).quantize(CENT, ROUND_HALF_UP)


def _untaxed_amounts(readings: list[tuple[str, float]], row: list[int], confident: list[int]) -> list[tuple[int, Decimal]]:
    """The 金额 of a row that charges no tax (免税, 不征税, 0%: no product proves it), for the
    amounts' sum alone: the figure just before the word, or one box holding both."""
    found = []
    for index in confident:
        folded = fold(readings[index][0])
        if (joined := _AMOUNT_NO_TAX.match(folded)) is not None:
            found.append((index, Decimal(joined[1])))
        elif folded in _NO_TAX and (before := _before(row, index)) in confident and (amount := plain_money(readings[before][0])) is not None:
            found.append((before, amount))
    return found


def _before(row: list[int], index: int) -> int | None:
    """The box just left of `index` on its row; None for the first."""
    place = row.index(index)
    return row[place - 1] if place else None


def _signed_alike(amount: Decimal, tax: Decimal) -> bool:
    """Whether a tax can be its amount's (a discount row's both negative); a tax of 0.00 proves
    no rate."""
    return tax != 0 and (amount < 0) == (tax < 0)


def _multiplies_out(readings: list[tuple[str, float]], row: list[int], amount: int, value: Decimal) -> bool:
    """Whether the 数量 and 单价 just before a row's 金额 multiply out to it to the cent, read
    surely, with a quantity that is no power of ten (its 单价 would print the amount's digits)."""
    factors = _sure_factors(readings, row, row.index(amount))
    return factors is not None and bool(factors[0]) and not _power_of_ten(factors[0]) and _product(factors) == value


def _power_of_ten(value: Decimal) -> bool:
    """Whether a number is 1, 10, 100, 0.1 … (its digits a single 1 among zeros)."""
    return value.normalize().as_tuple().digits == (1,)


def _amount(text: str) -> Decimal | None:
    """The 金额 a line reads: a figure alone, or the first of an amount and a rate in one box."""
    both = amount_and_rate(text)
    return both[0] if both is not None else plain_money(text)


def _last_digit(value: Decimal) -> Decimal:
    """What one unit of a number's last printed digit is worth (0.01 for 12.34, 1 for 12)."""
    return Decimal(1).scaleb(value.as_tuple().exponent)
