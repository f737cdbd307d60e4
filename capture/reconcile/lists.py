"""The five lists of a reconciliation: the tax platform's invoice list, the books (register) and
the captured records, side by side. Plain data in, plain dicts out (reconcile.json's items).

1. `to_back_enter`: on the platform, not in the books (naming the captured record, if any);
2. `not_on_platform`: in the books, not on the platform (recent: not synced yet; older: check);
3. `differences`: in both, fields differ (a number keyed one keystroke off is matched here too);
4. `not_bookable`: booked or captured, but voided, red-flushed or flagged on the platform;
5. `keyed_twice`: two register rows that are one invoice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from capture.register.platform import BookRow, CapturedRow, PlatformRow
from capture.register.platform_export import NOT_BOOKABLE
from capture.register.typos import Slip, slip_pairs
from capture.register.witness import STATUS_WORDS

#: Fields compared between the platform and the books: column -> Chinese label.
COMPARED = {
    "number": "发票号码", "date": "开票日期", "seller_tax_id": "销方识别号", "buyer_tax_id": "购方识别号",
    "amount": "金额", "tax": "税额", "total": "价税合计",
}
NO_FILE = "尚无发票文件：请从税务平台下载或向销售方索取 (no file yet: download it from the platform or ask the seller)"
NOT_SYNCED = "近期开具，可能尚未同步到税务平台 (possibly not synced yet)"
NOT_FOUND = "税务平台上没有：请核对发票号码，可能录错或不是真票 (not on the platform: check the number; possibly mistyped or not genuine)"


@dataclass
class Lists:
    """The five lists and what was compared."""

    to_back_enter: list[dict] = field(default_factory=list)
    not_on_platform: list[dict] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)
    not_bookable: list[dict] = field(default_factory=list)
    keyed_twice: list[dict] = field(default_factory=list)
    #: captured records and register rows the platform does not list: for verify-list.csv
    unverified: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _ref(row: BookRow) -> str:
    return f"register:{row.source}:{row.line}"


def _record(row: CapturedRow | None) -> dict | None:
    return None if row is None else {"id": row.record_id, "file": row.file, "status": row.status}


def _platform_item(row: PlatformRow) -> dict:
    return {
        "key": row.key, "code": row.code, "number": row.number, "date": row.date, "direction": row.direction,
        "seller_tax_id": row.seller_tax_id, "seller_name": row.seller_name,
        "buyer_tax_id": row.buyer_tax_id, "buyer_name": row.buyer_name,
        "amount": row.amount, "tax": row.tax, "total": row.total, "kind": row.kind,
        "status": row.status, "status_text": row.status_text, "platform_file": row.file,
    }


def _book_item(row: BookRow) -> dict:
    return {
        "key": row.key, "code": row.code, "number": row.number, "date": row.date,
        "seller_tax_id": row.seller_tax_id, "seller_name": row.seller_name,
        "amount": row.amount, "tax": row.tax, "total": row.total, "register": _ref(row),
    }


def field_differences(platform: PlatformRow, book: BookRow) -> list[dict]:
    """Each field on which the books disagree with the platform (a field the books leave empty is no difference)."""
    if (platform.number, platform.date, platform.amount, platform.tax, platform.total, platform.seller_tax_id) == (
        book.number, book.date, book.amount, book.tax, book.total, book.seller_tax_id
    ) and (platform.buyer_tax_id == book.buyer_tax_id or None in (platform.buyer_tax_id, book.buyer_tax_id)):
        return []
    found = []
    for column, label in COMPARED.items():
        theirs, ours = getattr(platform, column), getattr(book, column)
        if theirs is not None and ours is not None and theirs != ours:
            found.append({"field": column, "label": label, "platform": theirs, "book": ours})
    return found


def reconcile(
    platform: list[PlatformRow], books: list[BookRow], captured: list[CapturedRow], today: dt.date, grace: int = 3,
) -> Lists:
    """The five lists for rows already restricted to the period."""
    lists = Lists()
    on_platform: dict[str, PlatformRow] = {}
    for row in platform:
        on_platform.setdefault(row.key, row)
    booked = {row.key: row for row in books}
    records: dict[str, CapturedRow] = {}
    for row in captured:
        records.setdefault(row.key, row)

    unmatched_platform: list[PlatformRow] = []
    for row in on_platform.values():
        book, record = booked.get(row.key), records.get(row.key)
        if row.status in NOT_BOOKABLE or (row.status == "partly_red_flushed" and book is not None):
            if book is not None or record is not None:
                lists.not_bookable.append(_not_bookable(row, book, record))
            continue
        if book is None:
            unmatched_platform.append(row)
            continue
        differing = field_differences(row, book)
        if differing:
            lists.differences.append(_difference(row, book, differing, None))

    unmatched_books = [row for row in books if row.key not in on_platform]
    typed = _match_typos(unmatched_platform, unmatched_books, records, lists)
    twice = _keyed_twice(books, on_platform, records, lists)

    for row in unmatched_platform:
        if row.key in typed:
            continue
        record = records.get(row.key)
        note = f"已采集：{record.file}（{record.status}）(captured)" if record else NO_FILE
        if row.status == "partly_red_flushed":
            note += "；部分红冲：按红冲后的余额补录 (partly red-flushed: book what remains)"
        lists.to_back_enter.append({**_platform_item(row), "record": _record(record), "note": note})
    cutoff = (today - dt.timedelta(days=grace)).isoformat()
    for row in unmatched_books:
        if row.key in typed or row.key in twice:
            continue
        recent = row.date is not None and row.date >= cutoff
        lists.not_on_platform.append(
            {**_book_item(row), "reason": "not_synced" if recent else "not_on_platform", "note": NOT_SYNCED if recent else NOT_FOUND}
        )
        lists.unverified.append({"code": row.code, "number": row.number, "date": row.date, "amount": row.amount,
                                 "total": row.total, "check_code": None, "source": _ref(row)})
    for row in records.values():
        if row.key not in on_platform and row.key not in booked:
            lists.unverified.append({"code": row.code, "number": row.number, "date": row.date, "amount": row.amount,
                                     "total": row.total, "check_code": row.check_code, "source": f"record:{row.record_id}"})
    lists.counts = {
        "platform_invoices": len(on_platform), "register_rows": len(books), "captured_records": len(records),
        "to_back_enter": len(lists.to_back_enter), "not_on_platform": len(lists.not_on_platform),
        "differences": len(lists.differences), "not_bookable": len(lists.not_bookable),
        "keyed_twice": len(lists.keyed_twice), "to_verify": len(lists.unverified),
    }
    return lists


def _not_bookable(row: PlatformRow, book: BookRow | None, record: CapturedRow | None) -> dict:
    words = row.status_text or STATUS_WORDS.get(row.status, row.status)
    where = "已入账" if book is not None else "已采集"
    advice = "只可按红冲后的余额入账" if row.status == "partly_red_flushed" else "不得入账"
    return {
        **_platform_item(row), "register": _ref(book) if book else None, "record": _record(record),
        "note": f"{where}，但税务平台状态为{words}：{advice} (booked or captured, but {row.status} on the platform)",
    }


def _difference(row: PlatformRow, book: BookRow, differing: list[dict], slip: Slip | None) -> dict:
    listed = "；".join(f"{d['label']} 平台 {d['platform']} / 账上 {d['book']}" for d in differing)
    return {
        "key": row.key, "number": row.number, "book_number": book.number, "date": row.date,
        "seller_tax_id": row.seller_tax_id, "seller_name": row.seller_name, "total": row.total,
        "register": _ref(book), "fields": differing, "slip": str(slip) if slip else None,
        "note": listed + (f"（号码{slip.chinese}：录入错误？a typing error?）" if slip else ""),
    }


def _match_typos(
    platform: list[PlatformRow], books: list[BookRow], records: dict[str, CapturedRow], lists: Lists,
) -> set[str]:
    """A platform invoice not in the books and a register row not on the platform, one keystroke
    apart with the same seller and total, dated within a day: the same invoice, keyed wrongly.
    A register row that a captured record holds exactly is that invoice's row, not a slip."""
    rows: list[PlatformRow | BookRow] = [*platform, *(b for b in books if b.key not in records)]
    used: set[str] = set()
    for first, second, slip in slip_pairs(rows, lambda r: (r.seller_tax_id, r.total) if r.seller_tax_id and r.total else None,
                                          lambda r: r.number, lambda r: r.date):
        if isinstance(first, PlatformRow) == isinstance(second, PlatformRow):
            continue
        theirs, ours = (first, second) if isinstance(first, PlatformRow) else (second, first)
        if theirs.key in used or ours.key in used:
            continue
        used.update((theirs.key, ours.key))
        lists.differences.append(_difference(theirs, ours, field_differences(theirs, ours), slip))  # type: ignore[arg-type]
    return used


def _keyed_twice(
    books: list[BookRow], on_platform: dict[str, PlatformRow], records: dict[str, CapturedRow], lists: Lists,
) -> set[str]:
    """Two register rows one keystroke apart (same seller and total, dated within a day) of which
    exactly one is a known invoice (on the platform or captured): the other is it, keyed twice.
    Two known invoices are a series (toll, fuel), not a slip; two unknown ones say nothing."""
    known = lambda row: row.key in on_platform or row.key in records  # noqa: E731
    found: set[str] = set()
    for first, second, slip in slip_pairs(books, lambda r: (r.seller_tax_id, r.total) if r.seller_tax_id and r.total else None,
                                          lambda r: r.number, lambda r: r.date):
        if known(first) == known(second):
            continue
        kept, copy = (first, second) if known(first) else (second, first)
        if copy.key in found:
            continue
        found.add(copy.key)
        lists.keyed_twice.append({
            "number": kept.number, "register": _ref(kept), "copy_number": copy.number, "copy_register": _ref(copy),
            "date": kept.date, "copy_date": copy.date, "seller_tax_id": kept.seller_tax_id,
            "seller_name": kept.seller_name, "total": kept.total, "slip": str(slip),
            "note": f"{_ref(copy)} 的号码 {copy.number} 与 {kept.number} {slip.chinese}：同一张发票录入两次？ (keyed in twice?)",
        })
    return found
