"""Backups of the store: consistent while `watch` writes, verified, restored (a drill: nothing is
imported twice), refused over a newer store, rotated on a schedule."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capture.errors import UsageError
from capture.register.backup import backup_store, list_backups, verify_store
from capture.register.health import StoreHealth
from capture.watch.alerts import Alerter, Thresholds
from capture.watch.metrics import WatchMetrics
from capture.watch.monitor import BackupPlan, Monitor
from capture.watch.operate import parse_duration
from tests.conftest import INBOX
from tests.operations_support import FakeClock, drop_folder

FILES = 24
TEXT_PDFS = ("02_legacy_e_normal.pdf", "05_digital_red.pdf", "10_legacy_normal.pdf", "06_legacy_discount.pdf")


def capture(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True, timeout=600)


def _consistent(path: Path) -> dict:
    """A backup passes its check and is one committed state: every stored batch has exactly its
    records and its processed files (a torn copy would not)."""
    check = verify_store(path)
    assert check.ok, check.problems
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
        reports = [json.loads(text) for (text,) in db.execute("SELECT report FROM runs")]
    assert check.counts["emitted"] == sum(r["invoices"] for r in reports)
    assert check.counts["processed_files"] == sum(r["files_read"] - len(r["errors"]) for r in reports)
    return check.counts


def test_a_backup_taken_while_watch_writes_is_consistent(tmp_path):
    layout, store = drop_folder(tmp_path)
    for number in range(FILES):  # distinct files (a PDF reads the same with bytes after its end)
        source = INBOX / TEXT_PDFS[number % len(TEXT_PDFS)]
        (layout.inbox / f"{number:02d}_{source.name}").write_bytes(source.read_bytes() + f"\n% copy {number}\n".encode())
    watch = subprocess.Popen(
        [sys.executable, "-m", "capture.cli", "watch", str(layout.inbox), "--settle", "0", "--workers", "1",
         "--batch", "1", "--exit-when-idle"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    taken = []
    try:
        while watch.poll() is None:
            backup = backup_store(store, tmp_path / "backups")
            taken.append(_consistent(backup))
            backup.unlink()
            time.sleep(0.05)  # leave the (shared) cores to the watcher
    finally:
        watch.wait(timeout=600)
    assert watch.returncode == 0, watch.stderr.read() if watch.stderr else ""
    quiesced = verify_store(store)
    final = _consistent(backup_store(store, tmp_path / "backups"))
    assert final == quiesced.counts and final["emitted"] == FILES and final["runs"] == FILES
    during = {counts["emitted"] for counts in taken if 0 < counts["emitted"] < FILES}
    assert len(during) >= 3, f"too few backups landed while watch wrote: {sorted(during)}"


def test_restore_drill_nothing_is_imported_twice(tmp_path):
    inbox, store, backups = tmp_path / "inbox", tmp_path / "store" / "capture.db", tmp_path / "backups"
    inbox.mkdir()
    for name in TEXT_PDFS:
        shutil.copy(INBOX / name, inbox / name)
    first = capture("run", inbox, "--store", store, "--out", tmp_path / "out1", "--workers", "1")
    assert first.returncode == 0, first.stderr
    assert json.loads((tmp_path / "out1" / "import.json").read_text(encoding="utf-8"))["count"] == 4

    backed = capture("ledger", "backup", "--store", store, "--to", backups)
    assert backed.returncode == 0, backed.stderr
    (backup,) = list_backups(backups)
    verified = capture("ledger", "verify", backup, "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["counts"]["processed_files"] == 4

    for leftover in store.parent.iterdir():  # the disk died
        leftover.unlink()
    restored = capture("ledger", "restore", backup, "--store", store)
    assert restored.returncode == 0, restored.stderr
    rerun = capture("run", inbox, "--store", store, "--out", tmp_path / "out2", "--workers", "1")
    assert rerun.returncode == 0, rerun.stderr
    again = json.loads((tmp_path / "out2" / "import.json").read_text(encoding="utf-8"))
    assert again["count"] == 0 and again["records"] == []
    assert json.loads((tmp_path / "out2" / "report.json").read_text(encoding="utf-8"))["skipped_already_processed"] == 4


def test_restore_refuses_a_newer_store_without_force(tmp_path):
    store, backups = tmp_path / "capture.db", tmp_path / "backups"
    assert capture("run", INBOX / "02_legacy_e_normal.pdf", "--store", store, "--out", tmp_path / "o1").returncode == 0
    backup = backup_store(store, backups, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with sqlite3.connect(store) as db:  # a later write (stored times have one-second resolution)
        db.execute("UPDATE processed_files SET processed_at = '2099-01-01T00:00:00+00:00'")
    assert capture("run", INBOX / "05_digital_red.pdf", "--store", store, "--out", tmp_path / "o2").returncode == 0
    refused = capture("ledger", "restore", backup, "--store", store)
    assert refused.returncode == 2 and "newer than the backup" in refused.stderr and "--force" in refused.stderr
    assert verify_store(store).counts["emitted"] == 2  # untouched
    forced = capture("ledger", "restore", backup, "--store", store, "--force")
    assert forced.returncode == 0, forced.stderr
    assert verify_store(store).counts["emitted"] == 1
    (saved,) = list_backups(tmp_path / "before-restore")
    assert verify_store(saved).counts["emitted"] == 2 and str(saved) in forced.stderr


def test_verify_finds_a_damaged_backup_and_restore_refuses_it(tmp_path):
    store = tmp_path / "capture.db"
    assert capture("run", *(INBOX / name for name in TEXT_PDFS), "--store", store, "--out", tmp_path / "o").returncode == 0
    backup = backup_store(store, tmp_path / "backups")
    data = bytearray(backup.read_bytes())
    page = 4096
    data[2 * page : 4 * page] = b"\xff" * (2 * page)  # two pages of garbage, as a dying disk writes
    backup.write_bytes(bytes(data))
    result = capture("ledger", "verify", backup)
    assert result.returncode == 1 and "FAILED" in result.stdout and "problem:" in result.stdout
    refused = capture("ledger", "restore", backup, "--store", tmp_path / "new.db")
    assert refused.returncode == 2 and "fails its check" in refused.stderr
    assert capture("ledger", "verify", tmp_path / "nothing.db").returncode == 2


def test_watch_backups_every_interval_keep_the_newest(tmp_path):
    layout, store = drop_folder(tmp_path)
    clock = FakeClock()
    folder = tmp_path / "backups"
    with StoreHealth(store) as health:
        metrics = WatchMetrics(layout.inbox, health, clock)
        plan = BackupPlan(folder, parse_duration("1h"), keep=2)
        monitor = Monitor(metrics, Alerter([], clock), Thresholds(), [layout.out], plan, every=3600)
        names = []
        for minutes in (0, 30, 31, 30, 31, 60):  # backups due at 0, 61, 122 and 182 minutes
            clock.advance(minutes)
            monitor.tick()
            names.append([p.name for p in list_backups(folder)])
    assert [len(n) for n in names] == [1, 1, 2, 2, 2, 2]
    assert names[4][0] == names[2][1]  # the oldest went first
    assert names[5] != names[4] and all(verify_store(folder / n).ok for n in names[5])


def test_a_failing_backup_alerts_once_and_resolves(tmp_path):
    layout, store = drop_folder(tmp_path)
    clock = FakeClock()
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be")
    with StoreHealth(store) as health:
        metrics = WatchMetrics(layout.inbox, health, clock)
        monitor = Monitor(metrics, Alerter([], clock), Thresholds(), [layout.out],
                          BackupPlan(blocked, dt.timedelta(hours=1)), every=3600)
        alerts = monitor.tick()
        assert [(a.kind, a.state) for a in alerts] == [("backup_failed", "firing")] and "备份失败" in alerts[0].message
        assert monitor.tick() == []
        blocked.unlink()
        assert [(a.kind, a.state) for a in monitor.tick()] == [("backup_failed", "resolved")]


def test_durations(tmp_path):
    assert parse_duration("24h") == dt.timedelta(hours=24)
    assert parse_duration("90m") == dt.timedelta(minutes=90)
    assert parse_duration("1d") == dt.timedelta(days=1) and parse_duration("45") == dt.timedelta(seconds=45)
    for bad in ("", "0h", "-1h", "1w", "soon"):
        with pytest.raises(UsageError):
            parse_duration(bad)
    (tmp_path / "inbox").mkdir()
    result = capture("watch", tmp_path / "inbox", "--backup-every", "weekly")
    assert result.returncode == 2 and "not a duration" in result.stderr
