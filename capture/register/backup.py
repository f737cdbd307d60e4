"""Backups of the ledger store: taken with SQLite's online backup API (a consistent snapshot while
`watch` writes: in WAL mode the copy reads one snapshot and never blocks the writer), verified
(`PRAGMA integrity_check` and counts), restored (refusing to overwrite a newer store unless
forced), and rotated (`watch --backup-every 24h --keep 7`).

A backup is one SQLite file, `capture-<UTC time>.db`, in rollback-journal mode, written beside
its final name as a hidden `.partial` file, fsynced and renamed: complete or absent.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from capture.errors import UsageError


class BackupError(Exception):
    """A backup could not be taken (the store unreadable, the folder not writable, disk full)."""

BACKUP_PREFIX = "capture-"
BACKUP_SUFFIX = ".db"
STAMP = "%Y%m%dT%H%M%SZ"

#: Columns that hold the time of a write, per table: the newest of them dates a store.
WRITE_TIMES = {
    "emitted": ("emitted_at",),
    "processed_files": ("processed_at",),
    "imports": ("imported_at",),
    "runs": ("created_at",),
    "review_decisions": ("at",),
    "review_exports": ("accepted_at", "exported_at"),
    "register_corrections": ("at",),
}


@dataclass
class StoreCheck:
    """What verifying a store or a backup found."""

    path: str
    ok: bool
    problems: list[str] = field(default_factory=list)
    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    records_by_status: dict[str, int] = field(default_factory=dict)
    latest_write: str | None = None

    def as_dict(self) -> dict:
        return {
            "path": self.path, "ok": self.ok, "problems": self.problems, "schema_version": self.schema_version,
            "counts": self.counts, "records_by_status": self.records_by_status, "latest_write": self.latest_write,
        }


def backup_name(when: dt.datetime) -> str:
    return f"{BACKUP_PREFIX}{when.astimezone(dt.UTC).strftime(STAMP)}{BACKUP_SUFFIX}"


def backup_store(store: Path, folder: Path, when: dt.datetime | None = None) -> Path:
    """Copy the store into folder/capture-<UTC time>.db (online, consistent), verified and
    fsynced before it appears under its name. Returns the backup's path."""
    if not store.is_file():
        raise UsageError(f"no such ledger store: {store}")
    try:
        return _backup(store, folder, when)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"cannot back up {store} into {folder}: {error}") from error


def _backup(store: Path, folder: Path, when: dt.datetime | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_backup_path(folder, backup_name(when or dt.datetime.now(dt.UTC)))
    partial = folder / f".{target.name}.partial"
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(str(store), timeout=30)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy)  # all pages in one step: one read snapshot of the store
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, readable read-only
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    check = verify_store(partial)
    if not check.ok:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup of {store} failed its check: {'; '.join(check.problems)}")
    _fsync(partial)
    os.rename(partial, target)
    _fsync(folder)
    return target


def verify_store(path: Path) -> StoreCheck:
    """Open a store or backup read-only: PRAGMA integrity_check, the schema version and the
    row counts of each table. A file that is not a SQLite database is a failed check."""
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    check = StoreCheck(str(path), ok=False)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as error:
        check.problems.append(f"cannot open it: {error}")
        return check
    try:
        results = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if results != ["ok"]:
            check.problems += [f"integrity_check: {line}" for line in results[:20]]
        check.schema_version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        check.counts = {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                        for table in tables if not table.startswith("sqlite_")}
        if "emitted" in tables:
            check.records_by_status = dict(db.execute("SELECT status, COUNT(*) FROM emitted GROUP BY status ORDER BY status"))
        check.latest_write = _latest_write(db, tables)
        if check.schema_version == 0 or "emitted" not in tables:
            check.problems.append("not a capture ledger store (no schema version or no emitted table)")
    except sqlite3.Error as error:
        check.problems.append(f"cannot read it: {error}")
    finally:
        db.close()
    check.ok = not check.problems
    return check


def restore_store(backup: Path, store: Path, force: bool = False) -> tuple[StoreCheck, Path | None]:
    """Replace the store's content by a verified backup's, through the backup API (a process that
    has the store open sees the restored content, never a half-copied file). Refuses a backup that
    fails its check, and a store with writes newer than the backup's unless `force`; the store
    being overwritten then is backed up beside it first. Returns the backup's check and where
    that copy of the overwritten store went (None when there was none)."""
    check = verify_store(backup)
    if not check.ok:
        raise UsageError(f"the backup {backup} fails its check: {'; '.join(check.problems)}")
    saved = None
    if store.exists():
        current = verify_store(store) if store.is_file() else None
        if current is None:
            raise UsageError(f"{store} is not a file")
        newer = current.latest_write is not None and (check.latest_write or "") < current.latest_write
        if newer and not force:
            raise UsageError(
                f"the store {store} has writes up to {current.latest_write}, newer than the backup's "
                f"({check.latest_write or 'none'}); restore with --force to overwrite it"
            )
        if newer:
            saved = backup_store(store, store.parent / "before-restore", dt.datetime.now(dt.UTC))
    else:
        for stale in (Path(f"{store}-wal"), Path(f"{store}-shm"), Path(f"{store}-journal")):
            stale.unlink(missing_ok=True)  # left by a store that is gone; never replay them
        store.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(str(store), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return check, saved


def list_backups(folder: Path) -> list[Path]:
    """The backups in a folder, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}") if p.is_file() and backup_time(p))


def backup_time(path: Path) -> dt.datetime | None:
    """When a backup was taken, from its name; None for a name that is not a backup's."""
    stamp = path.name.removeprefix(BACKUP_PREFIX).removesuffix(BACKUP_SUFFIX).split("-")[0]
    try:
        return dt.datetime.strptime(stamp, STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def backup_due(folder: Path, every: dt.timedelta, now: dt.datetime) -> bool:
    """True when the folder holds no backup younger than `every`."""
    backups = list_backups(folder)
    newest = backup_time(backups[-1]) if backups else None
    return newest is None or now - newest >= every


def rotate_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    backups = list_backups(folder)
    doomed = backups[: max(0, len(backups) - max(1, keep))]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def _latest_write(db: sqlite3.Connection, tables: list[str]) -> str | None:
    times = [
        db.execute(f'SELECT MAX("{column}") FROM "{table}"').fetchone()[0]
        for table, columns in WRITE_TIMES.items() if table in tables for column in columns
    ]
    return max((t for t in times if t), default=None)


def _free_backup_path(folder: Path, name: str) -> Path:
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / name.replace(BACKUP_SUFFIX, f"-{number}{BACKUP_SUFFIX}")
    return target


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
