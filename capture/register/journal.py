"""The watch journal's tables (migration 2): the report of every committed batch (`runs`) and
the file moves still to do (`pending_moves`). capture/watch/journal.py decides the order of the
steps; this module only reads and writes the rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from capture.register.store import Ledger, utc_now

#: A file move as the journal keeps it: (name in the inbox, sha256 or None, destination).
JournaledMove = tuple[str, str | None, str]


def commit_run(
    ledger: Ledger, run_id: str, records: list[dict], files: list[tuple[str, str]], report: dict,
    moves: Iterable[JournaledMove],
) -> None:
    """A batch's records, processed files, report and pending moves, in one transaction."""
    now = utc_now()

    def journal(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO runs (run_id, report, finished, created_at) VALUES (?, ?, 0, ?)",
            (run_id, json.dumps(report, ensure_ascii=False), now),
        )
        db.executemany(
            "INSERT INTO pending_moves (run_id, source, sha256, destination) VALUES (?, ?, ?, ?)",
            [(run_id, source, sha, destination) for source, sha, destination in moves],
        )

    ledger.record_run(run_id, records, files, also=journal)


def run_outputs(ledger: Ledger, run_id: str) -> tuple[list[dict], dict]:
    """A committed run's records (in the order they were stored) and its report."""
    rows = [
        json.loads(text)
        for (text,) in ledger.db.execute("SELECT record FROM emitted WHERE run_id = ? ORDER BY rowid", (run_id,))
    ]
    (report_text,) = ledger.db.execute("SELECT report FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return rows, json.loads(report_text)


def pending_moves(ledger: Ledger, run_id: str) -> list[JournaledMove]:
    """The moves of a run still to do, in the order they were planned."""
    return ledger.db.execute(
        "SELECT source, sha256, destination FROM pending_moves WHERE run_id = ? ORDER BY rowid", (run_id,)
    ).fetchall()


def mark_finished(ledger: Ledger, run_id: str) -> None:
    """Drop a run's pending moves and mark it finished, in one transaction."""
    with ledger.db:
        ledger.db.execute("DELETE FROM pending_moves WHERE run_id = ?", (run_id,))
        ledger.db.execute("UPDATE runs SET finished = 1 WHERE run_id = ?", (run_id,))


def unfinished_runs(ledger: Ledger) -> list[str]:
    """Committed runs whose outputs or moves may not be done, oldest first."""
    return [r for (r,) in ledger.db.execute("SELECT run_id FROM runs WHERE finished = 0 ORDER BY run_id")]
