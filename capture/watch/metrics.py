"""The watch loop's live counters and the Prometheus registry of `/metrics`.

Live (this process, from the loop): files seen, read (by kind), skipped, failed (by reason),
seconds per file (by kind), batches, the last successful batch, the loop's heartbeat. Durable
(from the store at each scrape): records by status, the review backlog. At each scrape too: files
waiting in the inbox and the oldest one's age, whether the store takes writes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from capture.pipeline import BatchResult, FileResult
from capture.register.health import StoreHealth
from capture.watch.journal import Move
from capture.watch.snapshot import Snapshot, epoch, failure_reason, waiting_files

Clock = Callable[[], float]

#: Upper bounds of the seconds-per-file histogram: text PDFs take tenths, scans seconds.
FILE_SECONDS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, float("inf"))
STATUSES = ("ready", "review", "duplicate", "rejected")


class WatchMetrics:
    """What the loop tells (it is the loop's observer) and what a scrape reads."""

    def __init__(self, inbox: Path, store: StoreHealth, clock: Clock = time.time, stall_after: float = 600.0) -> None:
        self.inbox, self.store, self.clock, self.stall_after = inbox, store, clock, stall_after
        self.registry = CollectorRegistry(auto_describe=True)
        self._lock = threading.Lock()
        self.started_at: float | None = None
        self.finished = False
        self.last_beat = 0.0
        self.last_batch: float | None = epoch(store.last_batch_at())
        self.failed: dict[str, tuple[str, Path]] = {}  # name -> (error, where it went), this run
        self.unmovable: set[str] = set()  # read, but could not be moved out of the inbox
        r = self.registry
        self.seen = Counter("capture_files_seen", "Files taken from the inbox into a batch.", registry=r)
        self.read = Counter("capture_files_read", "Files read into records, by kind.", ["kind"], registry=r)
        self.skipped = Counter("capture_files_skipped", "Files skipped: their content was read before.", registry=r)
        self.failures = Counter("capture_files_failed", "Files that could not be read, by reason.", ["reason"], registry=r)
        self.seconds = Histogram("capture_file_seconds", "Seconds to read one file, by kind.", ["kind"],
                                 buckets=FILE_SECONDS_BUCKETS, registry=r)
        self.batches = Counter("capture_batches", "Batches finished (committed, written, moved).", registry=r)
        self.last_batch_gauge = Gauge("capture_last_batch_timestamp_seconds",
                                      "When the last batch finished (seconds since the epoch; 0: never).", registry=r)
        self.last_batch_gauge.set(self.last_batch or 0)
        r.register(_ScrapeCollector(self))

    # the loop's observer ---------------------------------------------------------------------

    def loop_started(self) -> None:
        self.started_at = self.last_beat = self.clock()

    def loop_finished(self) -> None:
        self.finished = True

    def beat(self) -> None:
        """The loop is alive (called on every pass and after every file)."""
        self.last_beat = self.clock()

    def file_done(self, result: FileResult) -> None:
        self.beat()
        self.seconds.labels(result.kind).observe(result.timings.get("total", 0.0))
        if result.error is None:
            self.read.labels(result.kind).inc()

    def batch_done(self, result: BatchResult, moves: list[Move], root: Path) -> None:
        """After a batch is committed, written and moved; root is the share (the inbox's parent)."""
        self.seen.inc(len(result.files) + len(result.skipped))
        self.skipped.inc(len(result.skipped))
        errors = {f.file: f.error for f in result.files if f.error}
        with self._lock:
            for move in moves:
                if move.source in errors:
                    self.failures.labels(failure_reason(errors[move.source])).inc()
                    self.failed[move.source] = (errors[move.source], root / move.destination)
            stayed = {move.source for move in moves if (self.inbox / move.source).exists()}
            self.unmovable = (self.unmovable - {move.source for move in moves}) | stayed
        self.last_batch = self.clock()
        self.last_batch_gauge.set(self.last_batch)
        self.batches.inc()
        self.beat()

    # what is read ---------------------------------------------------------------------------

    def loop_problem(self) -> str | None:
        """None while the loop is alive; else why not, in one line."""
        if self.started_at is None:
            return "the watch loop has not started"
        if self.finished:
            return "the watch loop has stopped"
        quiet = self.clock() - self.last_beat
        if quiet > self.stall_after:
            return f"the watch loop has not moved for {quiet:.0f} s (a batch stuck?)"
        return None

    def still_failed(self) -> dict[str, str]:
        """Files that failed in this run and are still in failed/ (name -> error)."""
        with self._lock:
            return {name: error for name, (error, place) in self.failed.items() if place.exists()}

    def snapshot(self, store_problem: str | None = None, disks: list | None = None) -> Snapshot:
        now = self.clock()
        by_status, backlog = self.store.counts()
        quiet_since = max(self.last_batch or 0.0, self.started_at or now)
        waiting = waiting_files(self.inbox, now)
        with self._lock:
            unread = len(waiting.names - self.unmovable)
        return Snapshot(now, waiting, by_status, backlog, store_problem, self.loop_problem(), quiet_since, unread,
                        disks or [], self.still_failed())

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


class _ScrapeCollector:
    """Metrics read at each scrape: the store's counts, the inbox, health."""

    def __init__(self, metrics: WatchMetrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []  # no fixed description: collected at each scrape only

    def collect(self) -> Iterator[Metric]:
        metrics = self.metrics
        by_status, backlog = metrics.store.counts()
        records = GaugeMetricFamily("capture_records", "Records in the store, by status.", labels=["status"])
        for status in sorted(set(STATUSES) | set(by_status)):
            records.add_metric([status], by_status.get(status, 0))
        yield records
        yield GaugeMetricFamily("capture_review_backlog", "Records waiting in review.", value=backlog)
        waiting = waiting_files(metrics.inbox, metrics.clock())
        yield GaugeMetricFamily("capture_inbox_waiting_files", "Files waiting in the inbox.", value=waiting.count)
        yield GaugeMetricFamily("capture_inbox_oldest_waiting_seconds",
                                "Age of the oldest file waiting in the inbox (0: none).", value=waiting.oldest_seconds)
        yield GaugeMetricFamily("capture_loop_alive", "1 while the watch loop is alive.",
                                value=0 if metrics.loop_problem() else 1)
        yield GaugeMetricFamily("capture_store_writable", "1 while the store takes writes.",
                                value=0 if metrics.store.unwritable_reason() else 1)
