"""`capture export`: the records accepted at the review desk since the last export, as an
import.json-shaped batch. The file is written atomically and the records are marked exported in
the same transaction, so each accepted record goes out exactly once.
"""

from __future__ import annotations

import json
from pathlib import Path

from capture.emit import new_batch_id, write_import
from capture.register.store import utc_now
from capture.review.store import ReviewStore


def export_pending(store: ReviewStore, out: Path) -> int:
    """Write the accepted, not yet exported records to `out`; returns how many went out. With
    none pending an empty batch is written (so an importer sees the run happened)."""
    db = store.db
    batch_id = new_batch_id("review-")
    db.execute("BEGIN IMMEDIATE")  # no decision slips in between reading and marking
    try:
        rows = db.execute(
            "SELECT x.record_id, e.record FROM review_exports x JOIN emitted e ON e.record_id = x.record_id "
            "WHERE x.exported_at IS NULL AND e.status = 'ready' ORDER BY x.decision_id"
        ).fetchall()
        records = [json.loads(text) for _, text in rows]
        write_import(out, batch_id, records)
        db.executemany(
            "UPDATE review_exports SET exported_at = ?, export_file = ? WHERE record_id = ?",
            [(utc_now(), str(out), record_id) for record_id, _ in rows],
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return len(records)
