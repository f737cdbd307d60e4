"""Import batches in the store, so none is ever lost: the desk's exports (each accepted record
goes out once, under the export's batch id, migration 7) and any batch written before, found again
by its id (`capture export --again BATCH_ID`).

A `run` or `watch` batch is the run's ready records as first written: a record the review desk
accepted later goes out in a desk export, never in the run's batch again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from capture.register.store import Ledger, utc_now


@dataclass(frozen=True)
class StoredBatch:
    """A batch found again: its id, what wrote it (`run` or `export`), its import records, every
    record of a run as it stands now, and its report (None for a desk export)."""

    batch_id: str
    origin: str
    ready: list[dict]
    records: list[dict]
    report: dict | None


def export_accepted(ledger: Ledger, write: Callable[[list[dict]], None], batch_id: str, export_file: str) -> int:
    """Run `write` on the accepted, not yet exported records (oldest decision first) and mark them
    exported in batch `batch_id` to `export_file`, in one transaction: when `write` fails nothing
    is marked, so each record goes out exactly once. Returns how many went out."""
    with ledger.write_transaction():
        rows = ledger.db.execute(
            "SELECT x.record_id, e.record FROM review_exports x JOIN emitted e ON e.record_id = x.record_id "
            "WHERE x.exported_at IS NULL AND e.status = 'ready' ORDER BY x.decision_id"
        ).fetchall()
        records = [json.loads(text) for _, text in rows]
        write(records)
        ledger.db.executemany(
            "UPDATE review_exports SET exported_at = ?, export_file = ?, batch_id = ? WHERE record_id = ?",
            [(utc_now(), export_file, batch_id, record_id) for record_id, _ in rows],
        )
    return len(records)


def find_batch(ledger: Ledger, batch_id: str) -> StoredBatch | None:
    """A batch written before, by its id: a run's (or watcher's) batch, or a desk export."""
    run = ledger.db.execute("SELECT report FROM runs WHERE run_id = ?", (batch_id,)).fetchone()
    if run is not None:
        current = [json.loads(text) for (text,) in ledger.db.execute(
            "SELECT record FROM emitted WHERE run_id = ? ORDER BY rowid", (batch_id,))]
        first_ready = [json.loads(text) for (text,) in ledger.db.execute(
            "SELECT e.record FROM emitted e WHERE e.run_id = ? AND e.status = 'ready' AND NOT EXISTS "
            "(SELECT 1 FROM review_exports x WHERE x.record_id = e.record_id) ORDER BY e.rowid", (batch_id,))]
        replaced = [json.loads(text) for (text,) in ledger.db.execute(
            "SELECT record FROM superseded WHERE run_id = ? AND status = 'ready' AND accepted_at_desk = 0 "
            "ORDER BY emitted_at, record_id", (batch_id,))]
        return StoredBatch(batch_id, "run", first_ready + replaced, current, json.loads(run[0]))
    rows = ledger.db.execute(
        "SELECT e.record FROM review_exports x JOIN emitted e ON e.record_id = x.record_id "
        "WHERE x.batch_id = ? ORDER BY x.decision_id", (batch_id,)
    ).fetchall()
    if not rows and not ledger.db.execute("SELECT 1 FROM review_exports WHERE batch_id = ?", (batch_id,)).fetchone():
        return None
    records = [json.loads(text) for (text,) in rows]
    return StoredBatch(batch_id, "export", records, records, None)


def recent_batches(ledger: Ledger, limit: int = 5) -> list[str]:
    """The ids of the latest batches, newest first (to name in an error)."""
    ids = {run_id for (run_id,) in ledger.db.execute("SELECT run_id FROM runs")}
    ids |= {b for (b,) in ledger.db.execute("SELECT DISTINCT batch_id FROM review_exports WHERE batch_id IS NOT NULL")}
    return sorted(ids, key=lambda b: b.removeprefix("review-"), reverse=True)[:limit]
