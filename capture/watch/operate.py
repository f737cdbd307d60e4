"""Running `watch` for real: the health server, the alerts and the scheduled backups, started
beside the loop and stopped after it (`operations`), from the options of `capture watch`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from capture.console import log
from capture.errors import UsageError
from capture.register.health import StoreHealth
from capture.watch.alerts import Alerter, Thresholds, command_notifier, webhook_notifier
from capture.watch.folders import Layout
from capture.watch.health import HealthServer
from capture.watch.metrics import WatchMetrics
from capture.watch.monitor import BackupPlan, Monitor

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> dt.timedelta:
    """'24h', '90m', '1d', '3600' (seconds) as a timedelta; a usage error otherwise."""
    match = DURATION.match(text.lower())
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"not a duration: {text!r} (write e.g. 24h, 90m, 1d)")
    return dt.timedelta(seconds=float(match.group(1)) * UNITS[match.group(2)])


@dataclass
class OperationsOptions:
    """The `watch` options for running it unattended."""

    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    on_alert: str | None = None
    alert_webhook: str | None = None
    limits: Thresholds = field(default_factory=Thresholds)
    check_every: float = 30.0
    backup_every: dt.timedelta | None = None
    keep: int = 7
    backup_to: Path | None = None

    @property
    def wanted(self) -> bool:
        """Whether any of it was asked for (otherwise watch runs as before, without threads)."""
        return bool(self.metrics_port is not None or self.on_alert or self.alert_webhook or self.backup_every)


@dataclass
class Operations:
    """What `operations` started: the loop's observer, and the parts, for tests and logs."""

    metrics: WatchMetrics
    monitor: Monitor
    server: HealthServer | None


@contextlib.contextmanager
def operations(
    layout: Layout, store: Path, options: OperationsOptions, clock: Callable[[], float] = time.time,
) -> Iterator[Operations | None]:
    """Start the health server, alerts and backups for one watched inbox; stop them on exit.
    Yields None when none was asked for."""
    if not options.wanted:
        yield None
        return
    if options.alert_webhook and not options.alert_webhook.startswith(("http://", "https://")):
        raise UsageError(f"--alert-webhook must be an http:// or https:// URL, not {options.alert_webhook!r}")
    notifiers = [command_notifier(options.on_alert)] if options.on_alert else []
    notifiers += [webhook_notifier(options.alert_webhook)] if options.alert_webhook else []
    backups = None
    if options.backup_every is not None:
        backups = BackupPlan((options.backup_to or layout.out / "backups").resolve(), options.backup_every, options.keep)
    with StoreHealth(store) as health:
        metrics = WatchMetrics(layout.inbox, health, clock)
        folders = [store.parent, layout.inbox.parent, layout.out] + ([backups.folder] if backups else [])
        monitor = Monitor(metrics, Alerter(notifiers, clock), options.limits, folders, backups, options.check_every)
        server = None
        if options.metrics_port is not None:
            try:
                server = HealthServer(metrics, options.metrics_port, options.metrics_host).start()
            except OSError as error:
                raise UsageError(f"cannot serve metrics on {options.metrics_host}:{options.metrics_port}: {error.strerror or error}") from error
            log("metrics", f"health and metrics on http://{options.metrics_host}:{server.port}/healthz and /metrics",
                port=server.port)
        monitor.start()
        try:
            yield Operations(metrics, monitor, server)
        finally:
            monitor.stop()
            if server is not None:
                server.stop()
