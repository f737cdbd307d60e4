"""The drop-folder loop: wait for files to settle, read them in small batches, finish each batch
crash-safely (capture/watch/journal.py), and stop cleanly on Ctrl-C or SIGTERM after the current batch.

Change events come from watchfiles (inotify/FSEvents/ReadDirectoryChanges through the Rust
`notify` crate); `poll=True` uses its polling watcher instead, for network shares where events do
not arrive. Events only wake the loop: every pass rescans the inbox, so a missed event costs
at most one wait.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from capture.console import log
from capture.intake.files import shown_name
from capture.intake.sniff import collect_inputs
from capture.pipeline import CRASHED, BatchResult, FileResult, run_batch, settle_batch
from capture.register.store import Ledger
from capture.watch.claims import InboxClaims
from capture.watch.folders import Layout
from capture.watch.journal import Move, commit_batch, finish_run, plan_moves, recover
from capture.workers import make_pool


@dataclass
class WatchOptions:
    settle: float = 2.0  # seconds a file must stay unchanged before it is read
    batch_size: int = 1  # files per batch (one run id, one batches/<run_id>/ folder)
    workers: int = 1
    poll: bool = False
    exit_when_idle: bool = False
    idle_wait: float = 5.0  # longest wait between rescans


@dataclass
class WatchStats:
    batches: int = 0
    files: int = 0
    failed: int = 0
    recovered: list[str] = field(default_factory=list)


class WatchObserver(Protocol):
    """Who watches the loop (capture/watch/metrics.py): told when it starts and stops, on every
    pass, after every file and after every finished batch."""

    def loop_started(self) -> None: ...
    def loop_finished(self) -> None: ...
    def beat(self) -> None: ...
    def file_done(self, result: FileResult) -> None: ...
    def batch_done(self, result: BatchResult, moves: list[Move], root: Path) -> None: ...


class Unobserved:
    """The observer when nobody watches."""

    def loop_started(self) -> None: ...
    def loop_finished(self) -> None: ...
    def beat(self) -> None: ...
    def file_done(self, result: FileResult) -> None: ...
    def batch_done(self, result: BatchResult, moves: list[Move], root: Path) -> None: ...


class SettledFiles:
    """Files of the inbox whose size and modification time have not changed for `settle` s."""

    def __init__(self, inbox: Path, settle: float) -> None:
        self.inbox, self.settle = inbox, settle
        self.seen: dict[str, tuple[tuple[int, int], float]] = {}

    def scan(self) -> tuple[list[tuple[Path, str]], int]:
        """(files ready to read, how many are still changing)."""
        now = time.monotonic()
        ready, current = [], {}
        for path, name in collect_inputs([self.inbox]):
            signature = _signature(path)
            if signature is None:
                continue  # vanished since it was listed
            previous = self.seen.get(name)
            since = previous[1] if previous and previous[0] == signature else now
            current[name] = (signature, since)
            if now - since >= self.settle:
                ready.append((path, name))
        self.seen = current
        return ready, len(current) - len(ready)


def _signature(path: Path) -> tuple[int, int] | None:
    """Size and modification time (of the link itself, for a link); None when it is gone."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class Watcher:
    """Watch one inbox until stopped (or idle, with exit_when_idle)."""

    def __init__(self, layout: Layout, ledger: Ledger, options: WatchOptions, observer: WatchObserver | None = None) -> None:
        self.layout, self.ledger, self.options = layout, ledger, options
        self.observer = observer or Unobserved()
        self.stop = threading.Event()
        self.stats = WatchStats()
        self._pool: Executor | None = None
        self._stuck: dict[str, tuple[int, int]] = {}  # files that could not be moved, until they change
        self.claims = InboxClaims(ledger, layout)  # one watcher among several over one inbox

    def request_stop(self, signum: int, _frame: object = None) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: stop now (still crash-safe)
        log("stopping", f"{signal.Signals(signum).name}: stopping after the current batch", signal=signum)
        self.stop.set()

    def run(self) -> WatchStats:
        for folder in ("processed", "review", "failed"):
            self.layout.folder(folder).mkdir(parents=True, exist_ok=True)
        self.stats.recovered = recover(self.ledger, self.layout, busy=self.claims.busy_runs())
        if self.stats.recovered:
            log("recovered", f"finished {len(self.stats.recovered)} interrupted batches", runs=self.stats.recovered)
        settled = SettledFiles(self.layout.inbox, self.options.settle)
        wake = self._wake_ups()
        self.observer.loop_started()
        try:
            while not self.stop.is_set():
                self.observer.beat()
                ready, changing = settled.scan()
                ready = [(path, name) for path, name in ready if self._stuck.get(name) != _signature(path)]
                if ready and self._read(ready):
                    continue
                if not ready and changing == 0 and self.options.exit_when_idle:
                    log("idle", "the inbox is empty: exiting")
                    break
                next(wake)
        finally:
            self.observer.loop_finished()
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
        return self.stats

    def _read(self, ready: list[tuple[Path, str]]) -> bool:
        """Read the files in batches; False when another watcher holds every one of them."""
        size, read = max(1, self.options.batch_size), False
        for start in range(0, len(ready), size):
            if self.stop.is_set():
                return True
            files = self.claims.take(ready[start : start + size])
            if files:
                with self.claims.held(files):
                    self._batch(files)
                read = True
        return read

    def _batch(self, files: list[tuple[Path, str]]) -> None:
        try:
            result = run_batch([], self.ledger, self.options.workers, files=files, pool=self._workers(),
                               on_file=self.observer.file_done, decide=False)
        except BrokenProcessPool:  # a file killed its reader (crash, out of memory)
            self._pool = None
            result = self._isolate(files)
        with self.ledger.write_transaction():  # decided against the store as it is, stored with the claims' note
            settle_batch(result, self.ledger, skip_stored=False)
            moves = plan_moves(result, self.layout)
            commit_batch(self.ledger, result, moves)
            self.claims.note(files, result.run_id)
        for name, place in finish_run(self.ledger, self.layout, result.run_id):
            if place is None and (signature := _signature(self.layout.inbox / name)) is not None:
                self._stuck[name] = signature  # not read again until it changes
        self.observer.batch_done(result, moves, self.layout.inbox.parent)
        self.stats.batches += 1
        self.stats.files += len(files)
        errors = {f.file: f.error for f in result.files if f.error}
        self.stats.failed += len(errors)
        for move in moves:
            name, to = shown_name(move.source), shown_name(move.destination)
            if move.source in errors:
                log("failed", f"failed {name}: {errors[move.source]}", logging.ERROR, file=name,
                    error=errors[move.source], to=to, run_id=result.run_id)
            else:
                statuses = [r.status for r in result.records if r.source.file == name]
                log("file", f"{name}: {', '.join(statuses) or 'already processed'} -> {to}",
                    file=name, statuses=statuses, to=to, run_id=result.run_id)

    def _workers(self) -> Executor:
        """The pool, started once: files are always read in worker processes, so a file that
        crashes its reader cannot take the watcher down."""
        if self._pool is None:
            self._pool = make_pool(self.options.workers)
        return self._pool

    def _isolate(self, files: list[tuple[Path, str]]) -> BatchResult:
        """After a worker died: read each file alone to find the one(s) that kill a reader; those
        fail, the others are read as a batch."""
        crashed = []
        for path, name in files:
            with make_pool(1) as alone:
                try:
                    run_batch([], self.ledger, 1, files=[(path, name)], pool=alone)
                except BrokenProcessPool:
                    crashed.append(name)
        shown = [shown_name(name) for name in crashed]
        log("crashed", f"a reader crashed on {', '.join(shown) or 'no file when read alone'}", files=shown)
        rest = [(path, name) for path, name in files if name not in crashed]
        result = run_batch([], self.ledger, self.options.workers, files=rest, pool=self._workers(), decide=False)
        result.files += [FileResult(file=name, error=CRASHED) for name in crashed]
        return result

    def _wake_ups(self) -> Iterator[object]:
        """Yields when the inbox may have changed, or after a short wait."""
        wait = min(self.options.idle_wait, max(0.05, self.options.settle / 2 or 0.05))
        try:
            from watchfiles import watch

            yield from watch(
                self.layout.inbox, stop_event=self.stop, rust_timeout=int(wait * 1000), yield_on_timeout=True,
                debounce=200, step=50, force_polling=self.options.poll or None, poll_delay_ms=500,
                raise_interrupt=False,
            )
        except (OSError, RuntimeError) as error:  # no change notifications here: poll
            log("polling", f"watching for changes failed ({error}); polling every {wait:.1f} s")
        while True:
            self.stop.wait(wait)
            yield None
