"""Running capture for real: `capture status` (what /metrics shows, as a table or JSON) and the
store's backups: `capture ledger backup | verify | restore`."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capture.cli.app import app, ledger_app
from capture.cli.options import EXIT_FILES_FAILED, EXIT_USAGE, StoreOption, fail
from capture.errors import UsageError
from capture.register.backup import (
    BackupError,
    StoreCheck,
    backup_store,
    restore_store,
    verify_store,
)
from capture.register.health import StoreHealth
from capture.register.store import DEFAULT_STORE, Ledger
from capture.watch.snapshot import epoch, failure_reason, waiting_files

if TYPE_CHECKING:
    from capture.watch.operate import OperationsOptions

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def status_facts(store: Path, inbox: Path | None, now: float) -> dict:
    """What `capture status` shows: the store's counts (and the inbox's waiting files)."""
    with StoreHealth(store) as health:
        facts = health.facts()
        problem = health.unwritable_reason()
    last = epoch(facts.last_batch_at)
    status = {
        "store": str(store),
        "store_writable": problem is None,
        "store_problem": problem,
        "records_by_status": {s: facts.records_by_status.get(s, 0) for s in ("ready", "review", "duplicate", "rejected")},
        "review_backlog": facts.review_backlog,
        "files_processed": facts.processed_files,
        "watch_batches": facts.batches,
        "files_by_kind": facts.files_by_kind,
        "files_failed_by_reason": dict(sorted(Counter(failure_reason(e) for e in facts.failed_errors).items())),
        "seconds_per_file_by_kind": facts.seconds_by_kind,
        "last_batch_at": facts.last_batch_at,
        "last_batch_seconds_ago": round(now - last) if last is not None else None,
    }
    if inbox is not None:
        waiting = waiting_files(inbox, now)
        status |= {"inbox": str(inbox), "inbox_waiting_files": waiting.count, "inbox_oldest_waiting": waiting.oldest,
                   "inbox_oldest_waiting_seconds": round(waiting.oldest_seconds)}
    return status


#: Table rows: (Chinese label / English label, key in status_facts).
STATUS_ROWS = (
    ("台账库 / store", "store"),
    ("可写入 / store writable", "store_writable"),
    ("记录（按状态）/ records by status", "records_by_status"),
    ("待复核积压 / review backlog", "review_backlog"),
    ("已处理文件 / files processed", "files_processed"),
    ("监视批次 / watch batches", "watch_batches"),
    ("文件（按类型）/ files by kind", "files_by_kind"),
    ("失败文件（按原因）/ files failed by reason", "files_failed_by_reason"),
    ("每文件秒数（按类型）/ seconds per file by kind", "seconds_per_file_by_kind"),
    ("最近批次（UTC）/ last batch (UTC)", "last_batch_at"),
    ("距最近批次秒数 / seconds since last batch", "last_batch_seconds_ago"),
    ("收件箱等待文件 / files waiting in the inbox", "inbox_waiting_files"),
    ("最早等待文件 / oldest waiting file", "inbox_oldest_waiting"),
    ("最早文件等待秒数 / its wait (s)", "inbox_oldest_waiting_seconds"),
)


def _cell(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "—"
    if isinstance(value, bool):
        return "是 / yes" if value else "否 / no"
    return "—" if value is None else str(value)


@app.command()
def status(
    store: StoreOption = None,
    inbox: Annotated[Path | None, typer.Option("--inbox", help="The watched drop folder, to count its waiting files.")] = None,
    as_json: JsonOption = False,
) -> None:
    """How capture is doing, from the store: records by status, review backlog, files read and
    failed, seconds per file, the last batch (what `watch --metrics-port` serves, as a table)."""
    path = store or DEFAULT_STORE
    if inbox is not None and not inbox.is_dir():
        fail(f"no such folder: {inbox}", EXIT_USAGE)
    try:
        facts = status_facts(path, inbox, time.time())
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        return
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2))
        if facts["store_problem"]:
            typer.echo(f"error: {facts['store_problem']}", err=True)
        return
    rows = [(label, _cell(facts[key])) for label, key in STATUS_ROWS if key in facts]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        typer.echo(f"{label.ljust(width)}  {value}")


@ledger_app.command("backup")
def ledger_backup(
    to: Annotated[Path, typer.Option("--to", help="Folder for the backup (best on another disk).")],
    store: StoreOption = None,
) -> None:
    """Back up the store with SQLite's online backup API: consistent while `watch` writes."""
    try:
        path = backup_store(store or DEFAULT_STORE, to)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        return
    except BackupError as error:
        fail(str(error), EXIT_FILES_FAILED)
        return
    _print_check(verify_store(path), f"backed up to {path}")


@ledger_app.command("verify")
def ledger_verify(
    backup: Annotated[Path, typer.Argument(help="A backup (or a store) to check.")],
    as_json: JsonOption = False,
) -> None:
    """Check a backup: PRAGMA integrity_check and the row counts. Exit 1 when it fails."""
    try:
        check = verify_store(backup)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        return
    if as_json:
        typer.echo(json.dumps(check.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_check(check, f"{backup}: {'ok' if check.ok else 'FAILED'}")
    if not check.ok:
        raise typer.Exit(EXIT_FILES_FAILED)


@ledger_app.command("restore")
def ledger_restore(
    backup: Annotated[Path, typer.Argument(help="The backup to restore.")],
    store: StoreOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a store with writes newer than the backup.")] = False,
) -> None:
    """Restore the store from a backup (checked first). Refuses to overwrite a store with newer
    writes without --force; with it, that store is first backed up into before-restore/."""
    path = store or DEFAULT_STORE
    try:
        check, saved = restore_store(backup, path, force)
        with Ledger(path) as book:  # migrates a backup from an older capture
            version = book.schema_version
    except (UsageError, BackupError) as error:
        fail(str(error), EXIT_USAGE)
        return
    if saved is not None:
        typer.echo(f"the store's newer content was saved to {saved}", err=True)
    _print_check(check, f"restored {path} from {backup} (schema {version})")


def _print_check(check: StoreCheck, headline: str) -> None:
    typer.echo(headline)
    for problem in check.problems:
        typer.echo(f"  problem: {problem}")
    typer.echo(f"  schema {check.schema_version}; last write {check.latest_write or '—'}")
    typer.echo(f"  records: {_cell(check.records_by_status)}")
    typer.echo(f"  rows: {_cell(check.counts)}")


# the options `capture watch` takes for running unattended (capture/cli/batch.py) ---------------

MetricsPortOption = Annotated[int | None, typer.Option(
    "--metrics-port", min=0, max=65535, help="Serve /healthz and /metrics (Prometheus) on this port (127.0.0.1).")]
MetricsHostOption = Annotated[str, typer.Option("--metrics-host", help="Address for --metrics-port (default 127.0.0.1).")]
OnAlertOption = Annotated[str | None, typer.Option(
    "--on-alert", help="Shell command run for each alert and resolution (alert JSON on stdin, CAPTURE_ALERT_* variables).")]
AlertWebhookOption = Annotated[str | None, typer.Option("--alert-webhook", help="URL each alert is POSTed to as JSON.")]
AlertBacklogOption = Annotated[int, typer.Option("--alert-backlog", min=0, help="Alert when more records than this wait in review.")]
AlertWaitingOption = Annotated[float, typer.Option(
    "--alert-waiting-minutes", min=0, help="Alert when a file has waited in the inbox longer than this.")]
AlertNoBatchOption = Annotated[float, typer.Option(
    "--alert-no-batch-minutes", min=0, help="Alert when no batch finished for this long while files wait.")]
AlertDiskOption = Annotated[float, typer.Option(
    "--alert-disk-free", min=0, max=100, help="Alert when a disk the watcher writes to has less free space (percent).")]
CheckEveryOption = Annotated[float, typer.Option("--check-every", min=0.1, help="Seconds between health checks (alerts, backups).")]
BackupEveryOption = Annotated[str | None, typer.Option(
    "--backup-every", help="Back up the store this often (e.g. 24h, 90m, 1d) into --backup-to.")]
KeepOption = Annotated[int, typer.Option("--keep", min=1, help="Backups to keep (the oldest are deleted).")]
BackupToOption = Annotated[Path | None, typer.Option("--backup-to", help="Folder for backups (default OUT/backups; best on another disk).")]


def operations_options(
    metrics_port: int | None, metrics_host: str, on_alert: str | None, alert_webhook: str | None,
    backlog: int, waiting_minutes: float, no_batch_minutes: float, disk_free: float, check_every: float,
    backup_every: str | None, keep: int, backup_to: Path | None,
) -> OperationsOptions:
    """The watch options as OperationsOptions; a bad duration is a usage error. (The watch
    modules are imported here, not above: they load the pipeline, which `status` does not need.)"""
    from capture.watch.alerts import Thresholds
    from capture.watch.operate import OperationsOptions, parse_duration

    try:
        every = parse_duration(backup_every) if backup_every else None
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        raise
    return OperationsOptions(
        metrics_port, metrics_host, on_alert, alert_webhook,
        Thresholds(backlog, waiting_minutes, no_batch_minutes, disk_free), check_every, every, keep, backup_to,
    )
