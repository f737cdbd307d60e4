"""`capture export`: the records accepted at the review desk since the last export, as an
import.json-shaped batch. The file is written atomically and the records are marked exported in
the same transaction, so each accepted record goes out exactly once.
"""

from __future__ import annotations

from pathlib import Path

from capture.emit import new_batch_id, write_import
from capture.register.desk import ReviewStore


def export_pending(store: ReviewStore, out: Path) -> int:
    """Write the accepted, not yet exported records to `out`; returns how many went out. With
    none pending an empty batch is written (so an importer sees the run happened)."""
    batch_id = new_batch_id("review-")
    return store.export_accepted(lambda records: write_import(out, batch_id, records), str(out), batch_id)
