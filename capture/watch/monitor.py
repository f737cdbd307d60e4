"""The watcher's second thread: every `every` seconds it looks at the drop folder (snapshot),
raises and resolves alerts, and takes a backup of the store when one is due (then rotates).

It runs beside the loop, not in it, so a loop that is stuck still gets reported, and a slow
webhook or a backup never delays reading. `tick()` is one look; tests call it with a fake clock.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from capture.console import log
from capture.errors import UsageError
from capture.register.backup import BackupError, backup_due, backup_store, rotate_backups
from capture.watch.alerts import Alert, Alerter, Condition, Thresholds, conditions
from capture.watch.metrics import WatchMetrics
from capture.watch.snapshot import DiskUsage, disk_spaces, disk_usage


@dataclass(frozen=True)
class BackupPlan:
    """`watch --backup-every 24h --keep 7 [--backup-to DIR]`."""

    folder: Path
    every: dt.timedelta
    keep: int = 7


class Monitor:
    """Alerts and scheduled backups, one `tick` at a time."""

    def __init__(
        self, metrics: WatchMetrics, alerter: Alerter, limits: Thresholds, folders: list[Path],
        backups: BackupPlan | None = None, every: float = 30.0, usage: DiskUsage = disk_usage,
    ) -> None:
        self.metrics, self.alerter, self.limits = metrics, alerter, limits
        self.folders, self.backups, self.every, self.usage = folders, backups, every, usage
        self.backup_problem: str | None = None
        self.last_backup: Path | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="capture-monitor", daemon=True)

    def tick(self) -> list[Alert]:
        """One look: a backup if due, then the alerts of what is wrong now."""
        if self.backups is not None:
            self._backup_if_due(self.backups)
        snapshot = self.metrics.snapshot(self.metrics.store.unwritable_reason(), disk_spaces(self.folders, self.usage))
        wrong = conditions(snapshot, self.limits)
        if self.backup_problem:
            wrong["backup_failed"] = Condition(
                "backup_failed", f"台账库备份失败：{self.backup_problem}", f"the store backup failed: {self.backup_problem}")
        return self.alerter.update(wrong)

    def _backup_if_due(self, plan: BackupPlan) -> None:
        now = dt.datetime.fromtimestamp(self.metrics.clock(), dt.UTC)
        if not backup_due(plan.folder, plan.every, now):
            return
        try:
            self.last_backup = backup_store(self.metrics.store.path, plan.folder, now)
        except (BackupError, UsageError) as error:
            self.backup_problem = str(error)
            return
        self.backup_problem = None
        removed = rotate_backups(plan.folder, plan.keep)
        log("backup", f"backed up the store to {self.last_backup} ({len(removed)} old backups removed)",
            backup=str(self.last_backup), removed=[p.name for p in removed])

    def start(self) -> Monitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread, after one last look (so a run with --exit-when-idle still tells)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        try:
            self.tick()
        except Exception as error:  # noqa: BLE001 - stopping goes on
            log("monitor_failed", f"the last health check failed: {error!r}")

    def _run(self) -> None:
        while True:
            try:
                self.tick()
            except Exception as error:  # noqa: BLE001 - the monitor must outlive one bad look
                log("monitor_failed", f"the health check failed: {error!r}")
            if self._stop.wait(self.every):
                return
