"""Numbers keyed in by hand: how one invoice number becomes another under one slip of the
fingers, and an indexed search for such pairs among many rows.

A typing slip is one keystroke: any one digit changed, two neighbouring digits swapped, one
digit dropped or one doubled. Such a pair is only a candidate: the callers ask for the same
seller tax ID and total and a date within a day, and set aside a number that another invoice
holds exactly (toll and fuel invoices come in runs: …581, …587, one seller, date and amount).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import NamedTuple, TypeVar

Row = TypeVar("Row")


class Slip(NamedTuple):
    """How one number was keyed as another: in Chinese and in English."""

    chinese: str
    english: str

    def __str__(self) -> str:
        return f"{self.chinese} ({self.english})"

#: Above this many rows in one (seller, total) block, pairs are found through keys, not pairwise.
PAIRWISE_LIMIT = 48


def typing_slip(a: str, b: str) -> Slip | None:
    """How `b` differs from `a` when one keystroke turns one into the other, else None."""
    if a == b:
        return None
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            i = diff[0]
            return Slip(f"一位数字不同（第{i + 1}位 {a[i]}/{b[i]}）", "one digit apart")
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return Slip(f"相邻两位颠倒（第{diff[0] + 1}、{diff[1] + 1}位）", "two neighbouring digits swapped")
        return None
    if abs(len(a) - len(b)) != 1:
        return None
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    i = next((k for k in range(len(shorter)) if longer[k] != shorter[k]), len(shorter))
    if longer[i + 1:] != shorter[i:]:
        return None
    doubled = i > 0 and longer[i] == longer[i - 1] or i + 1 < len(longer) and longer[i] == longer[i + 1]
    if doubled and len(b) > len(a):
        return Slip(f"多录一位（{longer[i]} 重复）", "one digit doubled")
    if len(b) < len(a):
        return Slip(f"漏录一位（第{i + 1}位 {longer[i]}）", "one digit dropped")
    return Slip(f"多录一位（第{i + 1}位 {longer[i]}）", "one digit added")


def within_a_day(a: str | None, b: str | None) -> bool:
    """Two ISO dates at most one day apart (an invoice keyed in with the next day's date)."""
    if not a or not b:
        return False
    if a == b:
        return True
    try:
        return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) <= 1
    except ValueError:
        return False


def neighbour_dates(date: str) -> list[str]:
    """The date, the day before and the day after (ISO); only the date when it is no real date."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return [date]
    return [(day + dt.timedelta(days=d)).isoformat() for d in (0, -1, 1)]


def _slip_keys(number: str) -> Iterable[tuple]:
    """Keys two numbers share when one keystroke apart: a digit masked, a neighbouring pair
    sorted, a digit deleted (the shorter number of a dropped/doubled pair is its own key)."""
    yield ("del", number)
    for i in range(len(number)):
        yield ("sub", i, number[:i] + number[i + 1:])
        yield ("del", number[:i] + number[i + 1:])
        if i + 1 < len(number):
            yield ("swap", i, number[:i] + "".join(sorted(number[i:i + 2])) + number[i + 2:])


def slip_pairs(
    rows: Sequence[Row], block: Callable[[Row], Hashable | None], number: Callable[[Row], str],
    date: Callable[[Row], str | None],
) -> Iterable[tuple[Row, Row, Slip]]:
    """Pairs of rows (each once, in row order) in the same block (seller tax ID and total) whose
    numbers are one typing slip apart and whose dates are within a day, with how they differ.

    Rows are bucketed by block; a big block is searched through shared keys, so 100,000 rows
    take well under a second whatever their spread."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        key = block(row)
        if key is not None:
            blocks[key].append(index)
    for members in blocks.values():
        if len(members) < 2:
            continue
        for i, j in _candidate_pairs(members, [number(rows[m]) for m in members]):
            first, second = rows[i], rows[j]
            how = typing_slip(number(first), number(second))
            if how and within_a_day(date(first), date(second)):
                yield first, second, how


def _candidate_pairs(members: list[int], numbers: list[str]) -> Iterable[tuple[int, int]]:
    if len(members) <= PAIRWISE_LIMIT:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield members[x], members[y]
        return
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for position, text in enumerate(numbers):
        for key in set(_slip_keys(text)):
            buckets[key].append(position)
    seen: set[tuple[int, int]] = set()
    for positions in buckets.values():
        for x in range(len(positions)):
            for y in range(x + 1, len(positions)):
                pair = (members[positions[x]], members[positions[y]])
                if pair not in seen:
                    seen.add(pair)
                    yield pair
