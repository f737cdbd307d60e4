"""The tax platform's invoice list in the store (table `platform`, migration 4), and what
reconciliation reads from the store: platform rows, register rows, captured records.

One row per invoice key and direction: re-importing a newer export updates a row (its status
above all), never adds a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from capture.register.platform_export import PlatformEntry
from capture.register.store import Ledger, prefetch_batches, utc_now

_ENTRY_COLUMNS = (
    "key", "code", "number", "date", "seller_tax_id", "seller_name", "buyer_tax_id", "buyer_name",
    "amount", "tax", "total", "origin", "kind", "status", "status_text", "positive", "risk", "drawer",
    "remarks", "items", "line",
)
_ROW_COLUMNS = ("direction", *_ENTRY_COLUMNS, "file", "imported_at")


class PlatformRow(NamedTuple):
    """An invoice of the platform's list as stored."""

    direction: str
    key: str
    code: str | None
    number: str
    date: str | None
    seller_tax_id: str | None
    seller_name: str | None
    buyer_tax_id: str | None
    buyer_name: str | None
    amount: str | None
    tax: str | None
    total: str | None
    origin: str | None
    kind: str | None
    status: str
    status_text: str | None
    positive: int | None
    risk: str | None
    drawer: str | None
    remarks: str | None
    items: int
    line: int
    file: str
    imported_at: str


class BookRow(NamedTuple):
    """A register row as reconciliation reads it."""

    key: str
    code: str | None
    number: str
    date: str | None
    seller_tax_id: str | None
    seller_name: str | None
    buyer_tax_id: str | None
    amount: str | None
    tax: str | None
    total: str | None
    source: str
    line: int


class CapturedRow(NamedTuple):
    """A record `capture` emitted (ready or review), as reconciliation reads it."""

    record_id: str
    key: str
    status: str
    code: str | None
    number: str
    date: str | None
    seller_tax_id: str | None
    amount: str | None
    tax: str | None
    total: str | None
    check_code: str | None
    file: str | None


@dataclass(frozen=True)
class PlatformImport:
    added: int
    updated: int
    unchanged: int
    status_changes: list[tuple[str, str, str]]  # key, old status, new status
    bad_rows: list[tuple[int, str]]


def import_platform(
    ledger: Ledger, entries: Iterable[PlatformEntry], file: str, file_sha256: str, direction: str,
    bad_rows: list[tuple[int, str]],
) -> PlatformImport:
    """Upsert a platform export's invoices in one transaction; a changed row (a newer status) is
    updated, an identical one left alone."""
    db = ledger.db
    before = dict(db.execute("SELECT key, status FROM platform WHERE direction = ?", (direction,)))
    now = utc_now()
    names = ", ".join(_ROW_COLUMNS)
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in _ENTRY_COLUMNS[1:20])
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*_ENTRY_COLUMNS[1:], "file", "imported_at"))
    sql = (
        f"INSERT INTO platform ({names}) VALUES ({', '.join('?' * len(_ROW_COLUMNS))}) "
        f"ON CONFLICT (key, direction) DO UPDATE SET {updates} WHERE {changed}"
    )
    count, added, status_changes = 0, 0, []
    start = db.total_changes
    with db:
        for batch in prefetch_batches((direction, *values, file, now) for values in _keyed(entries)):
            count += len(batch)
            for row in batch:
                old = before.get(row[1])
                if old is None:
                    added += 1
                elif old != row[14]:
                    status_changes.append((row[1], old, row[14]))
            db.executemany(sql, batch)
        written = db.total_changes - start
        db.execute(
            "INSERT INTO platform_imports (sha256, file, direction, rows_added, rows_updated, rows_bad, imported_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (file_sha256, file, direction, added, written - added, len(bad_rows), now),
        )
    return PlatformImport(added, written - added, count - written, status_changes, bad_rows)


def _keyed(entries: Iterable[PlatformEntry]) -> Iterable[tuple]:
    """Entries in the column order of `_ENTRY_COLUMNS` (key first, line last)."""
    for e in entries:
        yield (e.key, e.code, e.number, e.date, e.seller_tax_id, e.seller_name, e.buyer_tax_id,
               e.buyer_name, e.amount, e.tax, e.total, e.origin, e.kind, e.status, e.status_text,
               None if e.positive is None else int(e.positive), e.risk, e.drawer, e.remarks, e.items, e.line)


def platform_by_key(ledger: Ledger, key: str) -> list[PlatformRow]:
    """The platform's rows for one invoice key (received and issued)."""
    rows = ledger.db.execute(f"SELECT {', '.join(_ROW_COLUMNS)} FROM platform WHERE key = ?", (key,)).fetchall()
    return [PlatformRow(*r) for r in rows]


def platform_count(ledger: Ledger) -> int:
    return ledger.db.execute("SELECT COUNT(*) FROM platform").fetchone()[0]


def _window(since: str | None, until: str | None) -> tuple[str, list[str]]:
    clauses, values = [], []
    if since:
        clauses.append("date >= ?")
        values.append(since)
    if until:
        clauses.append("date <= ?")
        values.append(until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


def platform_rows(ledger: Ledger, since: str | None = None, until: str | None = None) -> list[PlatformRow]:
    where, values = _window(since, until)
    sql = f"SELECT {', '.join(_ROW_COLUMNS)} FROM platform{where} ORDER BY key, direction"
    return [PlatformRow(*r) for r in ledger.db.execute(sql, values)]


def book_rows(ledger: Ledger, since: str | None = None, until: str | None = None) -> list[BookRow]:
    where, values = _window(since, until)
    sql = (
        "SELECT key, code, number, date, seller_tax_id, seller_name, buyer_tax_id, amount, tax, total, source, line "
        f"FROM register{where} ORDER BY source, line"
    )
    return [BookRow(*r) for r in ledger.db.execute(sql, values)]


def captured_rows(ledger: Ledger, since: str | None = None, until: str | None = None) -> list[CapturedRow]:
    """Emitted records still ready or in review (a `duplicate` is in the books already)."""
    where, values = _window(since, until)
    where = (where + " AND" if where else " WHERE") + " status IN ('ready', 'review') AND key IS NOT NULL"
    sql = (
        "SELECT record_id, key, status, json_extract(record, '$.invoice.code'), number, date, seller_tax_id, amount, "
        "json_extract(record, '$.invoice.tax'), total, json_extract(record, '$.invoice.check_code'), "
        f"json_extract(record, '$.source.file') FROM emitted{where} ORDER BY emitted_at, record_id"
    )
    return [CapturedRow(*r) for r in ledger.db.execute(sql, values)]
