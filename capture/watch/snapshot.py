"""How the drop folder is doing at one moment: the inbox's waiting files, the store's counts and
writability, free disk space, and what the loop reported. The alerts, `/healthz`, `/metrics` and
`capture status` all read it from here.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from capture.intake.sniff import collect_inputs

#: Short, stable labels for why a file failed (a metric label must not carry file names).
FAILURE_REASONS = (
    ("crashed", ("reader crashed",)),
    ("empty", ("file is empty",)),
    ("encrypted", ("encrypted",)),
    ("not_an_invoice", ("not an invoice", "not an ofd", "only pdfs and images")),
    ("too_large", ("at most",)),
    ("damaged", ("truncated or damaged", "cannot be decoded", "cannot be opened", "xml", "has no pages")),
    ("not_a_file", ("symbolic link", "not a regular file")),
    ("unreadable", ("permission denied", "cannot read the file")),
    ("vanished", ("vanished",)),
    ("no_text", ("ocr found no text",)),
    ("internal", ("internal error",)),
)


def failure_reason(error: str) -> str:
    """A file's error message as one of a few labels (FAILURE_REASONS), else `other`."""
    lowered = error.lower()
    for label, needles in FAILURE_REASONS:
        if any(needle in lowered for needle in needles):
            return label
    return "other"


@dataclass(frozen=True)
class Waiting:
    """Files waiting in the inbox: how many, and the oldest (by when it arrived) and its age."""

    count: int
    oldest: str | None
    oldest_seconds: float
    names: frozenset[str] = frozenset()


def waiting_files(inbox: Path, now: float) -> Waiting:
    """The inbox's files the loop would read, aged by their inode change time (when they arrived:
    a copy that keeps an old modification time is not old here)."""
    names, oldest, oldest_time = set(), None, now
    for path, name in collect_inputs([inbox]):
        try:
            arrived = os.lstat(path).st_ctime
        except OSError:
            continue  # moved away since it was listed
        names.add(name)
        if arrived < oldest_time or oldest is None:
            oldest, oldest_time = name, min(arrived, now)
    return Waiting(len(names), oldest, max(0.0, now - oldest_time) if oldest else 0.0, frozenset(names))


@dataclass(frozen=True)
class DiskSpace:
    """Free space of the file system that holds `path`."""

    path: str
    free_bytes: int
    total_bytes: int

    @property
    def free_fraction(self) -> float:
        return self.free_bytes / self.total_bytes if self.total_bytes else 1.0


DiskUsage = Callable[[Path], tuple[int, int]]  # path -> (free bytes, total bytes)


def disk_usage(path: Path) -> tuple[int, int]:
    usage = shutil.disk_usage(path)
    return usage.free, usage.total


def disk_spaces(paths: Iterable[Path], usage: DiskUsage = disk_usage) -> list[DiskSpace]:
    """Free space per file system (one entry per device) of the folders that must take writes."""
    seen, spaces = set(), []
    for path in paths:
        folder = path if path.is_dir() else path.parent
        try:
            device = os.stat(folder).st_dev
            if device in seen:
                continue
            seen.add(device)
            free, total = usage(folder)
        except OSError:
            continue
        spaces.append(DiskSpace(str(folder), free, total))
    return spaces


@dataclass
class Snapshot:
    """One look at the drop folder, at `now` (seconds since the epoch)."""

    now: float
    waiting: Waiting
    records_by_status: dict[str, int]
    review_backlog: int
    store_problem: str | None
    loop_problem: str | None
    quiet_since: float  # the last batch, or when the loop started if that is later
    unread: int  # waiting files the loop has not read (not counting files it read but could not move)
    disks: list[DiskSpace] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # files failed in this run, still in failed/: name -> error


def epoch(iso_time: str | None) -> float | None:
    """Seconds since the epoch of a stored UTC ISO time."""
    return dt.datetime.fromisoformat(iso_time).timestamp() if iso_time else None
