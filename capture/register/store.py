"""The embedded ledger store (SQLite): the imported register, every record `capture` emitted, and
the sha256 of every processed file. The schema is versioned; migrations run on open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from threading import Thread

from capture.errors import UsageError
from capture.register.faults import (
    raise_store_error,
    retry_busy,
    split_statements,
    store_wait_seconds,
)
from capture.register.imports import RegisterEntry
from capture.register.migrations import MIGRATIONS
from capture.register.postgres import (
    PostgresConnection,
    is_postgres,
    postgres_url,
    raise_postgres_error,
    safe_url,
)
from capture.register.postgres import schema as postgres_schema

DEFAULT_STORE = Path("capture.db")
STORE_SUFFIXES = {".db", ".sqlite", ".sqlite3"}


def invoice_key(code: str | None, number: str | None) -> str | None:
    """The identity of an invoice: the 20-digit number, or code + number."""
    if not number:
        return None
    return number if len(number) == 20 or not code else f"{code}-{number}"


#: The columns of `emitted` derived from a record, in the order `emitted_values` gives them.
EMITTED_COLUMNS = ("key", "status", "seller_tax_id", "date", "total", "amount", "number", "record")


def emitted_values(record: dict) -> tuple:
    """A record's `EMITTED_COLUMNS` values, from its JSON dict (`Record.to_json_dict`)."""
    invoice = record["invoice"]
    return (
        invoice_key(invoice["code"], invoice["number"]), record["status"], invoice["seller"]["tax_id"],
        invoice["date"], invoice["total"], invoice["amount"], invoice["number"], json.dumps(record, ensure_ascii=False),
    )


@dataclass(frozen=True)
class LedgerRow:
    """A register row or an emitted record, as the duplicate rules see it."""

    ref: str
    key: str
    number: str
    date: str | None
    seller_tax_id: str | None
    seller_name: str | None
    total: str | None
    amount: str | None
    #: the number came from a text layer or structured data (pdf_text, ofd, xml): no OCR misreading
    exact: bool = False


#: Source kinds whose invoice number is read as written, never by OCR.
EXACT_KINDS = ("pdf_text", "ofd", "xml")


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_present: int
    bad_rows: list[tuple[int, str]]
    skipped_file: bool = False


def prefetch_batches(rows: Iterable[tuple], size: int = 5000, depth: int = 8) -> Iterator[list[tuple]]:
    """Batches of rows produced by a background thread, so parsing overlaps SQLite's inserts
    (sqlite3 releases the GIL while it writes). Errors in the producer surface here."""
    queue: Queue = Queue(maxsize=depth)
    done = object()

    def produce() -> None:
        try:
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= size:
                    queue.put(batch)
                    batch = []
            if batch:
                queue.put(batch)
            queue.put(done)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            queue.put(error)

    Thread(target=produce, daemon=True).start()
    while True:
        item = queue.get()
        if item is done:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def utc_now() -> str:
    """The time of a write: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """The store: SQLite (a file, the default) or PostgreSQL (`postgresql://user@host/db`, shared
    by several machines: register/postgres.py). Every write is one transaction."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = path
        self.wait = store_wait_seconds()
        self._depth = 0
        if is_postgres(path):
            self.path = postgres_url(path)
            self.db = PostgresConnection(self.path, self.wait)
            self.is_postgres = True
            self._guard(self._migrate)
            return
        self.is_postgres = False
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=self.wait)
        except (sqlite3.Error, OSError) as error:
            raise UsageError(f"cannot open the ledger store {path}: {error}") from error
        try:
            retry_busy(lambda: self.db.execute(
                "PRAGMA journal_mode=WAL" if str(path) != ":memory:" else "PRAGMA journal_mode=MEMORY"), self.wait, path)
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-262144")  # 256 MiB: bulk imports touch four indexes
            self._migrate()
        except sqlite3.DatabaseError as error:
            self.db.close()
            raise_store_error(error, self.path)

    def _guard(self, step: Callable[[], None]) -> None:
        """Run a PostgreSQL step; its failures become the errors a person can act on."""
        try:
            step()
        except self.db.errors.Error as error:
            self.db.rollback()
            raise_postgres_error(error, str(self.path))

    def close(self) -> None:
        self.db.close()

    def sync_fully(self) -> None:
        """Make every commit durable on disk before it returns, not only in the WAL (power cuts);
        a PostgreSQL commit is durable already."""
        if not self.is_postgres:
            self.db.execute("PRAGMA synchronous=FULL")

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        if self.is_postgres:
            return self.db.schema_version()
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, begun IMMEDIATE (the write lock first, so two processes never
        both read then write; on PostgreSQL a store-wide advisory lock); nested uses join the
        outer one. A store held by another process longer than the bounded wait raises
        StoreBusy; a full disk or I/O error, StoreError."""
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        if self.is_postgres:
            with self._postgres_transaction():
                yield self.db
            return
        try:  # short waits inside the bounded retry, so the wait is said in the log once
            self.db.execute(f"PRAGMA busy_timeout = {int(min(self.wait, 2.0) * 1000)}")
            retry_busy(lambda: self.db.execute("BEGIN IMMEDIATE"), self.wait, self.path)
        except sqlite3.DatabaseError as error:
            raise_store_error(error, self.path)
        finally:  # other statements (the desk's) wait the whole bound in SQLite itself
            self.db.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")
        self._depth = 1
        try:
            yield self.db
            self.db.commit()
        except sqlite3.DatabaseError as error:
            self.db.rollback()
            raise_store_error(error, self.path)
        except BaseException:
            self.db.rollback()
            raise
        finally:
            self._depth = 0

    @contextlib.contextmanager
    def _postgres_transaction(self) -> Iterator[None]:
        self._guard(self.db.begin)
        self._depth = 1
        try:
            yield
            self._guard(self.db.commit)
        except self.db.errors.Error as error:
            self.db.rollback()
            raise_postgres_error(error, str(self.path))
        except BaseException:
            self.db.rollback()
            raise
        finally:
            self._depth = 0

    def _migrate(self) -> None:
        """Each missing migration in its own IMMEDIATE transaction, the version read inside it
        (two processes opening a new store at once: the second waits, then finds it done)."""
        while True:
            with self.write_transaction():
                version = self.schema_version
                if version > len(MIGRATIONS):
                    raise UsageError(f"the ledger store {self.path} is from a newer capture (schema {version})")
                if version == len(MIGRATIONS):
                    return
                if self.is_postgres:
                    for statement in split_statements(postgres_schema(MIGRATIONS[version])):
                        self.db.execute(statement)
                    self.db.set_schema_version(version + 1)
                    continue
                if version == 0 and self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                    raise UsageError(
                        f"{self.path} 不是 capture 的存储：它是另一个程序的 SQLite 数据库 (not a capture store: another "
                        "program's SQLite database; give the store capture made, or a new file name)"
                    )
                for statement in split_statements(MIGRATIONS[version]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    # register -------------------------------------------------------------------------------

    def import_register(self, entries: Iterable[RegisterEntry], source: str, file_sha256: str, bad_rows: list[tuple[int, str]]) -> ImportResult:
        """Add register rows in one transaction; rows already present (same key) add nothing."""
        if self.db.execute("SELECT 1 FROM imports WHERE sha256 = ?", (file_sha256,)).fetchone():
            return ImportResult(0, 0, bad_rows, skipped_file=True)
        before = self.db.total_changes
        rows = (
            (invoice_key(e.code, e.number), e.code, e.number, e.date, e.seller_name, e.seller_tax_id,
             e.buyer_name, e.buyer_tax_id, e.amount, e.tax, e.total, source, e.line)
            for e in entries
        )
        count = 0
        with self.write_transaction():
            for batch in prefetch_batches(rows):
                count += len(batch)
                self.db.executemany(
                    "INSERT OR IGNORE INTO register (key, code, number, date, seller_name, seller_tax_id, "
                    "buyer_name, buyer_tax_id, amount, tax, total, source, line) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    batch,
                )
            added = self.db.total_changes - before
            self.db.execute(
                "INSERT INTO imports (sha256, file, rows_added, rows_bad, imported_at) VALUES (?,?,?,?,?)",
                (file_sha256, source, added, len(bad_rows), utc_now()),
            )
        return ImportResult(added, count - added, bad_rows)

    def register_by_key(self, key: str) -> LedgerRow | None:
        row = self.db.execute(
            "SELECT source, line, key, number, date, seller_tax_id, seller_name, total, amount FROM register WHERE key = ?",
            (key,),
        ).fetchone()
        return _register_row(row) if row else None

    def register_block(self, seller_tax_id: str, date: str, total: str) -> list[LedgerRow]:
        """Register rows with the same seller, date and total (the near-match block)."""
        rows = self.db.execute(
            "SELECT source, line, key, number, date, seller_tax_id, seller_name, total, amount FROM register "
            "WHERE seller_tax_id = ? AND date = ? AND total = ?",
            (seller_tax_id, date, total),
        ).fetchall()
        return [_register_row(r) for r in rows]

    def register_near(self, seller_tax_id: str, dates: list[str], total: str) -> list[LedgerRow]:
        """Register rows with the same seller and total, dated on one of `dates` (the typing rule)."""
        marks = ",".join("?" * len(dates))
        rows = self.db.execute(
            "SELECT source, line, key, number, date, seller_tax_id, seller_name, total, amount FROM register "
            f"WHERE seller_tax_id = ? AND date IN ({marks}) AND total = ?",
            (seller_tax_id, *dates, total),
        ).fetchall()
        return [_register_row(r) for r in rows]

    def supplier_names(self, tax_id: str) -> set[str]:
        """Seller names the register holds for a tax ID (the supplier directory)."""
        rows = self.db.execute(
            "SELECT DISTINCT seller_name FROM register WHERE seller_tax_id = ? AND seller_name IS NOT NULL", (tax_id,)
        ).fetchall()
        return {r[0] for r in rows}

    # emitted records and processed files ----------------------------------------------------

    def emitted_by_key(self, key: str) -> LedgerRow | None:
        row = self.db.execute(
            "SELECT record_id, key, number, date, seller_tax_id, total, amount, json_extract(record, '$.source.kind') "
            "FROM emitted WHERE key = ? AND status IN ('ready', 'review') ORDER BY emitted_at LIMIT 1",
            (key,),
        ).fetchone()
        return _emitted_row(row) if row else None

    def emitted_block(self, seller_tax_id: str, date: str, total: str) -> list[LedgerRow]:
        rows = self.db.execute(
            "SELECT record_id, key, number, date, seller_tax_id, total, amount, json_extract(record, '$.source.kind') "
            "FROM emitted WHERE seller_tax_id = ? AND date = ? AND total = ? AND status IN ('ready', 'review')",
            (seller_tax_id, date, total),
        ).fetchall()
        return [_emitted_row(r) for r in rows]

    def is_processed(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM processed_files WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def record_run(
        self, run_id: str, records: list[dict], files: list[tuple[str, str]],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        """Store a run's records and processed files in one transaction (with `also`'s writes)."""
        now = utc_now()
        with self.write_transaction():
            if also is not None:
                also(self.db)
            self.db.executemany(
                f"INSERT OR REPLACE INTO emitted (record_id, {', '.join(EMITTED_COLUMNS)}, run_id, emitted_at) "
                f"VALUES ({', '.join('?' * (len(EMITTED_COLUMNS) + 3))})",
                [(r["id"], *emitted_values(r), run_id, now) for r in records],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO processed_files (sha256, file, run_id, processed_at) VALUES (?,?,?,?)",
                [(sha, name, run_id, now) for sha, name in files],
            )
            self.db.executemany(  # no OR IGNORE: the unique key refuses a second import of an invoice
                "INSERT INTO imported_keys (key, record_id, run_id) VALUES (?,?,?)",
                [(key, r["id"], run_id) for r in records if r["status"] == "ready" and (key := emitted_values(r)[0])
                 and not self._holds(key, r["id"])],
            )

    def _holds(self, key: str, record_id: str) -> bool:
        """Whether this very record already holds the key (a record stored again)."""
        row = self.db.execute("SELECT record_id FROM imported_keys WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] == record_id

    # reporting ------------------------------------------------------------------------------

    def stats(self) -> dict:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "store": safe_url(str(self.path)),
            "schema_version": self.schema_version,
            "register_rows": one("SELECT COUNT(*) FROM register"),
            "register_imports": one("SELECT COUNT(*) FROM imports"),
            "suppliers": one("SELECT COUNT(DISTINCT seller_tax_id) FROM register"),
            "emitted_records": dict(self.db.execute("SELECT status, COUNT(*) FROM emitted GROUP BY status").fetchall()),
            "processed_files": one("SELECT COUNT(*) FROM processed_files"),
            "platform_invoices": one("SELECT COUNT(*) FROM platform"),
        }

    def register_rows(self) -> Iterator[tuple]:
        yield from self.db.execute(
            "SELECT code, number, date, seller_name, seller_tax_id, buyer_name, buyer_tax_id, amount, tax, total, source, line "
            "FROM register ORDER BY source, line"
        )


def _register_row(row: tuple) -> LedgerRow:
    source, line, key, number, date, tax_id, name, total, amount = row
    return LedgerRow(f"register:{source}:{line}", key, number, date, tax_id, name, total, amount)


def _emitted_row(row: tuple) -> LedgerRow:
    record_id, key, number, date, tax_id, total, amount, kind = row
    return LedgerRow(f"record:{record_id}", key, number, date, tax_id, None, total, amount, kind in EXACT_KINDS)
