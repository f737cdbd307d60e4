"""What the store knows about how capture is doing, for /metrics, /healthz, alerts and
`capture status`: records by status, the review backlog, the last finished batch, the files that
failed (from the watch batches' reports), and whether the store still takes writes.

`StoreHealth` keeps a connection of its own (the health server and the alert thread run beside
the watch loop, which owns the `Ledger`); in WAL mode its reads never block the loop's writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from capture.errors import UsageError


@dataclass
class StoreFacts:
    """Durable counts of the store."""

    records_by_status: dict[str, int]
    review_backlog: int
    processed_files: int
    batches: int
    last_batch_at: str | None  # UTC ISO time of the newest finished batch or processed file
    failed_errors: list[str] = field(default_factory=list)  # one error per failed file, watch batches
    files_by_kind: dict[str, int] = field(default_factory=dict)
    seconds_by_kind: dict[str, float] = field(default_factory=dict)


class StoreHealth:
    """A thread-safe connection to the store for health checks and counts."""

    def __init__(self, path: Path, busy_timeout: float = 5.0) -> None:
        if not Path(path).is_file():
            raise UsageError(f"no such ledger store: {path}")
        self.path = Path(path)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> StoreHealth:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def counts(self) -> tuple[dict[str, int], int]:
        """(records by status, review backlog): cheap enough for every scrape."""
        with self._lock:
            by_status = dict(self.db.execute("SELECT status, COUNT(*) FROM emitted GROUP BY status"))
        return by_status, by_status.get("review", 0)

    def last_batch_at(self) -> str | None:
        """UTC time of the newest finished watch batch or processed file."""
        with self._lock:
            run = self.db.execute("SELECT MAX(created_at) FROM runs WHERE finished = 1").fetchone()[0]
            file = self.db.execute("SELECT MAX(processed_at) FROM processed_files").fetchone()[0]
        return max((t for t in (run, file) if t), default=None)

    def unwritable_reason(self) -> str | None:
        """None when the store takes a write transaction now; else why not, in one line."""
        if not self.path.exists():
            return f"the store file {self.path} is gone"
        try:
            with self._lock:
                self.db.execute("BEGIN IMMEDIATE")  # takes the write lock, writes nothing
                self.db.execute("ROLLBACK")
        except sqlite3.Error as error:
            return f"the store {self.path} does not take writes: {error}"
        return None

    def facts(self) -> StoreFacts:
        """Everything `capture status` shows from the store."""
        by_status, backlog = self.counts()
        with self._lock:
            processed = self.db.execute("SELECT COUNT(*) FROM processed_files").fetchone()[0]
            reports = [json.loads(text) for (text,) in self.db.execute("SELECT report FROM runs WHERE finished = 1")]
        facts = StoreFacts(by_status, backlog, processed, len(reports), self.last_batch_at())
        kinds: Counter[str] = Counter()
        seconds: Counter[str] = Counter()
        for report in reports:
            facts.failed_errors += [error["error"] for error in report.get("errors", [])]
            for kind, entry in report.get("timings", {}).get("seconds_by_kind", {}).items():
                kinds[kind] += entry["files"]
                seconds[kind] += entry["seconds"]
        facts.files_by_kind = dict(sorted(kinds.items()))
        facts.seconds_by_kind = {kind: round(seconds[kind] / kinds[kind], 3) for kind in sorted(kinds) if kinds[kind]}
        return facts
