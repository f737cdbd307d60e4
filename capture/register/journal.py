"""The batch journal's tables (migrations 2 and 4): the report of every committed batch (`runs`),
the file moves still to do (`pending_moves`), and for a `capture run` batch the output folder its
outputs go to (`runs.out`) on the machine that stored it (`runs.host`). capture/watch/journal.py
and capture/pipeline.py decide the order of the steps; this module only reads and writes the rows.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from capture.intake.files import name_column
from capture.register.store import Ledger, utc_now

#: A file move as the journal keeps it: (name in the inbox, sha256 or None, destination).
JournaledMove = tuple[str, str | None, str]


def commit_run(
    ledger: Ledger, run_id: str, records: list[dict], files: list[tuple[str, str]], report: dict,
    moves: Iterable[JournaledMove] = (), out: Path | None = None,
) -> None:
    """A batch's records, processed files, report and pending moves (watch) or output folder
    (run), in one transaction (joining the caller's, when one is open)."""
    now = utc_now()
    folder = None if out is None else os.fsencode(out)
    host = None if out is None else socket.gethostname()

    def journal(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO runs (run_id, report, finished, created_at, out, host) VALUES (?, ?, 0, ?, ?, ?)",
            (run_id, json.dumps(report, ensure_ascii=False), now, folder, host),
        )
        db.executemany(
            "INSERT INTO pending_moves (run_id, source, sha256, destination) VALUES (?, ?, ?, ?)",
            [(run_id, name_column(source), sha, name_column(destination)) for source, sha, destination in moves],
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
    """The moves of a run still to do, in the order they were planned (names exactly as found)."""
    rows = ledger.db.execute(
        "SELECT source, sha256, destination FROM pending_moves WHERE run_id = ? ORDER BY rowid", (run_id,)
    ).fetchall()
    return [(os.fsdecode(source), sha, os.fsdecode(destination)) for source, sha, destination in rows]


def mark_finished(ledger: Ledger, run_id: str) -> None:
    """Drop a run's pending moves and mark it finished, in one transaction."""
    with ledger.write_transaction():
        ledger.db.execute("DELETE FROM pending_moves WHERE run_id = ?", (run_id,))
        ledger.db.execute("UPDATE runs SET finished = 1 WHERE run_id = ?", (run_id,))


def unfinished_runs(ledger: Ledger) -> list[str]:
    """Committed watch batches whose outputs or moves may not be done, oldest first."""
    return [r for (r,) in ledger.db.execute("SELECT run_id FROM runs WHERE finished = 0 AND out IS NULL ORDER BY run_id")]


def unwritten_outputs(ledger: Ledger) -> list[tuple[str, Path]]:
    """Committed `capture run` batches of this machine whose outputs may not be written: (run id,
    output folder), oldest first. Another machine's batch goes to its own disk: that machine's
    next run writes it."""
    rows = ledger.db.execute(
        "SELECT run_id, out FROM runs WHERE finished = 0 AND out IS NOT NULL AND (host IS NULL OR host = ?) ORDER BY run_id",
        (socket.gethostname(),))
    return [(run_id, Path(os.fsdecode(out))) for run_id, out in rows]
