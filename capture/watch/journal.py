"""Crash-safe completion of a watch batch: commit, write outputs, move files, in that order.

1. One SQLite transaction stores the batch's records, the sha256 of every file read, the batch's
   report and a journal row per file move still to do (`pending_moves`).
2. The batch's outputs are written from the store into `OUT/batches/.<run_id>.partial/` and that
   folder is renamed to `OUT/batches/<run_id>/`: a batch folder is complete or absent.
3. Each file is moved out of the inbox (`dropfolder.move_file`, repeatable); a failed one gets
   `failed/NAME.error.txt` beside it, one line why.
4. The journal rows are deleted and the run is marked finished.

A crash before 1 leaves nothing: the files are still in the inbox and are read again. A crash
anywhere after 1 is finished by `recover` on the next start, before the inbox is scanned; files
whose sha256 is processed are never read twice. An integrator imports each
`batches/<run_id>/import.json` once.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from capture.console import log
from capture.emit import write_batch
from capture.intake.files import sha256_or_none, shown_name
from capture.pipeline import BatchResult
from capture.register import journal
from capture.register.store import Ledger
from capture.watch.failed_notes import write_failure_note
from capture.watch.folders import Layout, destination_folder, free_name, fsync_folder, move_file


@dataclass(frozen=True)
class Move:
    """One file to move: its name in the inbox, its sha256, its destination beside the inbox."""

    source: str
    sha256: str | None
    destination: str


def plan_moves(result: BatchResult, layout: Layout) -> list[Move]:
    """Where each file of the batch goes; names already taken get ' (n)'. A file skipped for
    content already read goes where its twin in this batch goes, else to processed/."""
    statuses: dict[str, list[str]] = {}
    for record in result.records:
        statuses.setdefault(record.source.file, []).append(record.status)
    planned = [(f.file, f.sha256, destination_folder(f.error, statuses.get(f.shown, []))) for f in result.files]
    by_sha = {sha: folder for _, sha, folder in planned if sha}
    for name in result.skipped:
        sha = sha256_or_none(layout.inbox / name)
        planned.append((name, sha, by_sha.get(sha, "processed")))
    moves, taken = [], set()
    for name, sha, folder in planned:
        target = free_name(layout.folder(folder) / name, taken)
        taken.add(target)
        moves.append(Move(name, sha, target.relative_to(layout.inbox.parent).as_posix()))
    return moves


def commit_batch(ledger: Ledger, result: BatchResult, moves: list[Move]) -> dict:
    """Step 1: records, processed files, report and pending moves in one transaction."""
    rows = [record.to_json_dict() for record in result.records]
    report = result.report() | {"moves": [{"file": shown_name(m.source), "to": shown_name(m.destination)} for m in moves]}
    journal.commit_run(ledger, result.run_id, rows, result.done_files(), report,
                       [(m.source, m.sha256, m.destination) for m in moves])
    return report


def finish_run(ledger: Ledger, layout: Layout, run_id: str) -> list[tuple[str, Path | None]]:
    """Steps 2-4 for a committed run; safe to repeat. Returns (inbox name, new place) per move."""
    write_batch_outputs(ledger, layout, run_id)
    errors = {e["file"]: e["error"] for e in journal.run_outputs(ledger, run_id)[1].get("errors", [])}
    moved, folders = [], set()
    for source, sha, destination in journal.pending_moves(ledger, run_id):
        path = layout.inbox / source
        why = errors.get(shown_name(source)) if destination.split("/", 1)[0] == "failed" else None
        if why is not None:  # the note first: a crash after the move still leaves it
            write_failure_note(layout.inbox.parent / destination, why)
        try:
            place = move_file(path, layout.inbox.parent / destination, sha)
        except OSError as error:  # e.g. no permission: the file stays; its records are committed
            log("move_failed", f"cannot move {shown_name(source)} to {shown_name(destination)}: {error.strerror or error}",
                file=shown_name(source), to=shown_name(destination), run_id=run_id)
            place = None
        moved.append((source, place))
        if why is not None and place is not None and place != layout.inbox.parent / destination:
            write_failure_note(place, why)  # the name was taken meanwhile: the note follows the file
        if place is not None:
            folders.update({path.parent, place.parent})
    for folder in folders:
        fsync_folder(folder)
    journal.mark_finished(ledger, run_id)
    return moved


def write_batch_outputs(ledger: Ledger, layout: Layout, run_id: str) -> Path:
    """records.jsonl, import.json and report.json of one run, from the store, appearing at once."""
    final = layout.batches / run_id
    if final.exists():
        return final
    partial = layout.batches / f".{run_id}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    rows, report = journal.run_outputs(ledger, run_id)
    write_batch(partial, run_id, rows, report)
    os.rename(partial, final)
    fsync_folder(layout.batches)
    return final


def recover(ledger: Ledger, layout: Layout, busy: Collection[str] = ()) -> list[str]:
    """On start: drop half-written batch folders (and failure notes), then finish every committed,
    unfinished run (but those of `busy`: runs another live watcher is finishing)."""
    if layout.batches.exists():
        for leftover in layout.batches.glob(".*"):
            if any(leftover.name == f".{run_id}.partial" for run_id in busy):
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    if layout.folder("failed").exists():  # a note's temporary file, when killed while writing it
        for leftover in layout.folder("failed").rglob(".*.error.txt.*.tmp"):
            leftover.unlink(missing_ok=True)
    runs = [run for run in journal.unfinished_runs(ledger) if run not in busy]
    for run_id in runs:
        finish_run(ledger, layout, run_id)
    return runs

