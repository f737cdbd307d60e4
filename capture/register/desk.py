"""The review desk's view of the ledger store: the `review` queue, the register row a record
conflicts with, the audit trail of decisions, and accepted records waiting for export.

Tables (migration 3 of capture/register/store.py): `review_decisions` (one row per decision,
refused fixes included) and `review_exports` (accepted records; `exported_at` is set by the export
that carried them, so each goes out exactly once).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path

from capture.contract.record import Record
from capture.register.exports import export_accepted
from capture.register.store import EMITTED_COLUMNS, Ledger, emitted_values, utc_now

#: The fields the desk shows beside a conflicting register row or record (register columns: `.` -> `_`).
COUNTERPART_FIELDS = (
    "code", "number", "date", "seller.name", "seller.tax_id", "buyer.name", "buyer.tax_id", "amount", "tax", "total",
)
REGISTER_COLUMNS = {name.replace(".", "_") for name in COUNTERPART_FIELDS}


@dataclass(frozen=True)
class QueueItem:
    """One record in the queue, with what the filters look at."""

    record: Record
    run_id: str
    emitted_at: str
    tags: tuple[str, ...]


@dataclass
class Queue:
    """The filtered queue and the counts of the whole queue."""

    items: list[QueueItem]
    total: int
    by_tag: dict[str, int] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    pending_export: int = 0


@dataclass(frozen=True)
class Decision:
    """One row of the audit trail."""

    id: int
    record_id: str
    user: str
    at: str
    action: str
    changes: list[dict]
    result: str
    note: str | None


def reason_tags(record: Record) -> tuple[str, ...]:
    """Why a record waits, as short filterable tags: failing rule names, plus `conflict` and
    `near_match` for the duplicate rules (a typing slip against the register too), `platform`
    for the tax platform's word."""
    tags = {c.rule for c in record.checks if not c.ok and c.severity == "error"}
    for reason in record.reasons:
        if "with different facts" in reason:
            tags.add("conflict")
        elif reason.startswith(("possible duplicate", "登记簿中有发票")):
            tags.add("near_match")
        elif reason.startswith("税务平台上发票"):
            tags.add("platform")
    return tuple(sorted(tags)) or ("other",)


class ReviewStore:
    """Reads and writes of the review desk; every write is one transaction."""

    def __init__(self, path: Path | str) -> None:
        self.ledger = Ledger(path)
        self.db = self.ledger.db

    def close(self) -> None:
        self.ledger.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # reading ---------------------------------------------------------------------------------

    def queue(self, reason: str | None = None, run: str | None = None, seller: str | None = None) -> Queue:
        """Records in `review`, oldest first, filtered by reason tag, run id and seller (name or
        tax ID, a substring)."""
        rows = self.db.execute(
            "SELECT record, run_id, emitted_at FROM emitted WHERE status = 'review' ORDER BY emitted_at, record_id"
        ).fetchall()
        items = []
        for text, run_id, emitted_at in rows:
            record = Record.model_validate_json(text)
            items.append(QueueItem(record, run_id, emitted_at, reason_tags(record)))
        by_tag = Counter(tag for item in items for tag in item.tags)
        runs = sorted({item.run_id for item in items})
        needle = (seller or "").strip().lower()

        def keep(item: QueueItem) -> bool:
            party = item.record.invoice.seller
            return (
                (not reason or reason in item.tags)
                and (not run or item.run_id == run)
                and (not needle or needle in f"{party.name or ''} {party.tax_id or ''}".lower())
            )

        pending = self.db.execute("SELECT COUNT(*) FROM review_exports WHERE exported_at IS NULL").fetchone()[0]
        return Queue([i for i in items if keep(i)], len(items), dict(sorted(by_tag.items())), runs, pending)

    def record(self, record_id: str) -> tuple[Record, str, str] | None:
        """A stored record with its run id and emit time, or None."""
        row = self.db.execute(
            "SELECT record, run_id, emitted_at FROM emitted WHERE record_id = ?", (record_id,)
        ).fetchone()
        return (Record.model_validate_json(row[0]), row[1], row[2]) if row else None

    def next_in_queue(self, after: str) -> str | None:
        """The oldest record in review other than `after`."""
        row = self.db.execute(
            "SELECT record_id FROM emitted WHERE status = 'review' AND record_id != ? ORDER BY emitted_at, record_id LIMIT 1",
            (after,),
        ).fetchone()
        return row[0] if row else None

    def counterpart(self, ref: str | None) -> dict | None:
        """The register row or earlier record a record conflicts with (its `duplicate_of`), as
        the fields the desk shows side by side."""
        if not ref:
            return None
        kind, _, rest = ref.partition(":")
        if kind == "register":
            source, _, line = rest.rpartition(":")
            columns = ", ".join(name.replace(".", "_") for name in COUNTERPART_FIELDS)
            row = self.db.execute(
                f"SELECT {columns} FROM register WHERE source = ? AND line = ?",
                (source, int(line) if line.isdigit() else -1),
            ).fetchone()
            if row is None:
                return None
            fields = dict(zip(COUNTERPART_FIELDS, row, strict=True))
            return {"ref": ref, "title": f"register {source}, line {line}", "fields": fields}
        if kind == "record":
            found = self.record(rest)
            if found is None:
                return None
            invoice = found[0].invoice
            fields = {name: reduce(getattr, name.split("."), invoice) for name in COUNTERPART_FIELDS}
            return {"ref": ref, "title": f"record {rest} ({found[0].source.file})", "fields": fields}
        return None

    def decisions(self, record_id: str | None = None) -> list[Decision]:
        """The audit trail, oldest first (of one record, or all)."""
        sql = "SELECT id, record_id, user, at, action, changes, result, note FROM review_decisions"
        args: tuple = ()
        if record_id is not None:
            sql, args = sql + " WHERE record_id = ?", (record_id,)
        rows = self.db.execute(sql + " ORDER BY id", args).fetchall()
        return [Decision(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7]) for r in rows]

    # writing ---------------------------------------------------------------------------------

    def log_refusal(self, record_id: str, user: str, action: str, changes: list[dict], note: str) -> None:
        """A decision the checks refused: the record is unchanged, the attempt is on the trail."""
        with self.db:
            self._log(record_id, user, action, changes, "refused", note)

    def _store_decided(self, record: Record) -> bool:
        """Write the decided record over the one in review, inside the caller's transaction;
        False when it was no longer in `review` (decided meanwhile)."""
        columns = ", ".join(f"{column} = ?" for column in EMITTED_COLUMNS)
        cursor = self.db.execute(
            f"UPDATE emitted SET {columns} WHERE record_id = ? AND status = 'review'",
            (*emitted_values(record.to_json_dict()), record.id),
        )
        return cursor.rowcount == 1

    def decide(self, record: Record, user: str, action: str, changes: list[dict], note: str | None) -> bool:
        """Store the decided record (status ready, duplicate or rejected) and its audit row in one
        transaction; an accepted record is queued for export. False when the record was no
        longer in `review` (decided meanwhile): nothing is written then."""
        with self.db:
            if not self._store_decided(record):
                return False
            decision_id = self._log(record.id, user, action, changes, record.status, note)
            if record.status == "ready":
                self.db.execute(
                    "INSERT INTO review_exports (record_id, decision_id, accepted_at) VALUES (?, ?, ?)",
                    (record.id, decision_id, utc_now()),
                )
        return True

    def correct_register(self, record: Record, corrections: list[dict], user: str, changes: list[dict], note: str | None) -> bool:
        """"The register row is wrong": store the record (now a duplicate of that row), correct
        the row's fields (`corrections`: {field, old, new}), keep each correction in
        `register_corrections` and the decision in the audit trail, in one transaction; nothing
        is queued for export. False when the record was decided meanwhile."""
        source, _, line = (record.duplicate_of or "").removeprefix("register:").rpartition(":")
        with self.db:
            if not self._store_decided(record):
                return False
            key = self.db.execute("SELECT key FROM register WHERE source = ? AND line = ?", (source, int(line))).fetchone()
            if key is None:
                raise ValueError(f"no register row {record.duplicate_of}")
            decision_id = self._log(record.id, user, "register_wrong", [*changes, *corrections], record.status, note)
            at = utc_now()
            for fix in corrections:
                column = fix["field"].replace(".", "_")
                if column not in REGISTER_COLUMNS:
                    raise ValueError(f"not a register column: {fix['field']}")
                self.db.execute(f"UPDATE register SET {column} = ? WHERE key = ?", (fix["new"], key[0]))
                self.db.execute(
                    "INSERT INTO register_corrections (key, source, line, field, old, new, record_id, decision_id, user, at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (key[0], source, int(line), fix["field"], fix["old"], fix["new"], record.id, decision_id, user, at),
                )
        return True

    def register_corrections(self) -> list[dict]:
        """Every correction of a register row made at the desk, oldest first."""
        rows = self.db.execute(
            "SELECT source, line, field, old, new, record_id, user, at FROM register_corrections ORDER BY id"
        ).fetchall()
        names = ("source", "line", "field", "old", "new", "record_id", "user", "at")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _log(self, record_id: str, user: str, action: str, changes: list[dict], result: str, note: str | None) -> int:
        cursor = self.db.execute(
            "INSERT INTO review_decisions (record_id, user, at, action, changes, result, note) VALUES (?,?,?,?,?,?,?)",
            (record_id, user, utc_now(), action, json.dumps(changes, ensure_ascii=False), result, note),
        )
        return int(cursor.lastrowid or 0)

    # exporting -------------------------------------------------------------------------------

    def export_accepted(self, write: Callable[[list[dict]], None], export_file: str, batch_id: str) -> int:
        """Run `write` on the accepted, not yet exported records and mark them exported in batch
        `batch_id`, in one transaction (register/exports.py): each goes out exactly once."""
        return export_accepted(self.ledger, write, batch_id, export_file)
