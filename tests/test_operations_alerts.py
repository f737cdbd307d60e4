"""Alerts: each condition fires once and resolves once (a fake clock where time matters), told to
a real webhook server on localhost and to an --on-alert command."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time

from capture.register.desk import ReviewStore
from capture.register.health import StoreHealth
from capture.register.store import Ledger
from capture.watch.alerts import Alerter, Thresholds, command_notifier, webhook_notifier
from capture.watch.loop import Watcher, WatchOptions
from capture.watch.metrics import WatchMetrics
from capture.watch.monitor import Monitor
from tests.conftest import INBOX
from tests.operations_support import FakeClock, WebhookReceiver, drop_folder


def _fired(alerts) -> list[tuple[str, str]]:
    return [(a.key, a.state) for a in alerts]


def _monitor(layout, health, clock, limits, usage=None, notifiers=()):
    metrics = WatchMetrics(layout.inbox, health, clock)
    kwargs = {"usage": usage} if usage else {}
    monitor = Monitor(metrics, Alerter(list(notifiers), clock), limits, [layout.out], every=3600, **kwargs)
    return metrics, monitor


def test_a_failed_file_and_the_review_backlog_fire_once_and_resolve_once(tmp_path):
    layout, store = drop_folder(tmp_path, "10_legacy_normal.pdf", "14_truncated_download.pdf")
    clock = FakeClock()
    with WebhookReceiver() as receiver, StoreHealth(store) as health:
        metrics, monitor = _monitor(layout, health, clock, Thresholds(review_backlog=0),
                                    notifiers=[webhook_notifier(receiver.url)])
        assert monitor.tick() == []
        with Ledger(store) as ledger:
            Watcher(layout, ledger, WatchOptions(settle=0, batch_size=2, exit_when_idle=True), metrics).run()
        alerts = monitor.tick()
        assert _fired(alerts) == [("file_failed:14_truncated_download.pdf", "firing"), ("review_backlog", "firing")]
        assert "文件无法读取" in alerts[0].message and "could not be read" in alerts[0].message
        assert "\n" not in alerts[0].message and alerts[0].message.index("|") > 0  # one line: Chinese | English
        assert monitor.tick() == [] and monitor.tick() == []  # once per condition

        (tmp_path / "share" / "failed" / "14_truncated_download.pdf").unlink()  # a person dealt with it
        with ReviewStore(store) as desk:
            (item,) = desk.queue().items
            assert desk.decide(item.record.model_copy(update={"status": "rejected"}), "李华", "reject", [], None)
        assert _fired(monitor.tick()) == [("file_failed:14_truncated_download.pdf", "resolved"), ("review_backlog", "resolved")]
        assert monitor.tick() == []
    posted = [(body["key"], body["state"]) for body in receiver.received]
    assert posted == [("file_failed:14_truncated_download.pdf", "firing"), ("review_backlog", "firing"),
                      ("file_failed:14_truncated_download.pdf", "resolved"), ("review_backlog", "resolved")]
    first = receiver.received[0]
    assert first["schema"] == "capture.alert/1" and first["_type"] == "application/json; charset=utf-8"
    assert first["message_zh"].startswith("文件无法读取") and first["message_en"].startswith("a file could not be read")
    assert receiver.received[2]["message_zh"].startswith("已恢复") and receiver.received[2]["message_en"].startswith("resolved")


def test_a_waiting_file_and_no_batch_fire_once_and_resolve_once(tmp_path):
    layout, store = drop_folder(tmp_path, "02_legacy_e_normal.pdf")
    clock = FakeClock()
    with StoreHealth(store) as health:
        metrics, monitor = _monitor(layout, health, clock, Thresholds(waiting_minutes=10, no_batch_minutes=60))
        metrics.loop_started()
        assert monitor.tick() == []
        clock.advance(11)
        alerts = monitor.tick()
        assert _fired(alerts) == [("file_waiting", "firing")]
        assert "02_legacy_e_normal.pdf" in alerts[0].message and "等待" in alerts[0].message
        clock.advance(50)
        assert _fired(monitor.tick()) == [("no_batch", "firing")]
        assert monitor.tick() == []
        with Ledger(store) as ledger:  # the loop gets going again and reads the file
            Watcher(layout, ledger, WatchOptions(settle=0, exit_when_idle=True), metrics).run()
        assert sorted(_fired(monitor.tick())) == [("file_waiting", "resolved"), ("no_batch", "resolved")]
        assert monitor.tick() == []


def test_an_unwritable_store_and_a_full_disk_fire_once_and_resolve_once(tmp_path):
    layout, store = drop_folder(tmp_path)
    clock, free = FakeClock(), {"bytes": 50 * 2**30}
    with StoreHealth(store, busy_timeout=0.1) as health:
        metrics, monitor = _monitor(layout, health, clock, Thresholds(disk_free_percent=5),
                                    usage=lambda _path: (free["bytes"], 100 * 2**30))
        assert monitor.tick() == []
        holder = sqlite3.connect(store, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        free["bytes"] = 2**30
        alerts = monitor.tick()
        assert sorted(a.kind for a in alerts) == ["disk_full", "store_not_writable"]
        assert all(a.state == "firing" for a in alerts)
        disk = next(a for a in alerts if a.kind == "disk_full")
        assert "磁盘将满" in disk.message and "1.0 GiB, 1.0%" in disk.message
        assert monitor.tick() == []
        holder.execute("ROLLBACK")
        holder.close()
        free["bytes"] = 50 * 2**30
        assert sorted((a.kind, a.state) for a in monitor.tick()) == [("disk_full", "resolved"), ("store_not_writable", "resolved")]
        assert monitor.tick() == []


def test_on_alert_runs_the_command_with_the_alert(tmp_path):
    layout, store = drop_folder(tmp_path)
    seen = tmp_path / "seen.jsonl"
    notify = command_notifier(f'cat >> "{seen}"; echo >> "{seen}"; echo "$CAPTURE_ALERT_STATE $CAPTURE_ALERT_KIND" >> "{seen}.env"')
    clock = FakeClock()
    with StoreHealth(store) as health:
        _, monitor = _monitor(layout, health, clock, Thresholds(disk_free_percent=5), usage=lambda _p: (0, 100),
                              notifiers=[notify])
        monitor.tick()
    body = json.loads(seen.read_text(encoding="utf-8").splitlines()[0])
    assert body["kind"] == "disk_full" and body["state"] == "firing" and "disk nearly full" in body["message"]
    assert (tmp_path / "seen.jsonl.env").read_text() == "firing disk_full\n"


def test_watch_tells_a_failed_file_to_the_webhook_and_the_command(tmp_path):
    layout, _ = drop_folder(tmp_path, "14_truncated_download.pdf")
    seen = tmp_path / "alerts.log"
    with WebhookReceiver() as receiver:
        result = subprocess.run(
            [sys.executable, "-m", "capture.cli", "watch", str(layout.inbox), "--settle", "0", "--workers", "1",
             "--exit-when-idle", "--alert-webhook", receiver.url, "--on-alert", f'echo "$CAPTURE_ALERT_MESSAGE" >> "{seen}"',
             "--check-every", "3600", "--json-logs"],
            capture_output=True, text=True, timeout=300,
        )
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    assert result.returncode == 1, result.stderr  # a file failed
    assert [(b["key"], b["state"]) for b in receiver.received] == [("file_failed:14_truncated_download.pdf", "firing")]
    assert seen.read_text(encoding="utf-8").startswith("文件无法读取，已移至 failed/：14_truncated_download.pdf")
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [e["state"] for e in events if e["event"] == "alert"] == ["firing"]


def test_a_file_read_but_not_movable_is_waiting_yet_no_stalled_loop(tmp_path):
    layout, store = drop_folder(tmp_path)
    (layout.inbox / "sub").mkdir()
    shutil.copy(INBOX / "02_legacy_e_normal.pdf", layout.inbox / "sub" / "a.pdf")
    (tmp_path / "share" / "processed").mkdir()
    (tmp_path / "share" / "processed" / "sub").write_text("a file where the folder should be")
    clock = FakeClock()
    with StoreHealth(store) as health:
        metrics, monitor = _monitor(layout, health, clock, Thresholds(waiting_minutes=10, no_batch_minutes=10))
        with Ledger(store) as ledger:
            Watcher(layout, ledger, WatchOptions(settle=0, exit_when_idle=True), metrics).run()
        assert (layout.inbox / "sub" / "a.pdf").exists()  # read, records written, but it could not move
        clock.advance(61)
        assert _fired(monitor.tick()) == [("file_waiting", "firing")]  # a person must look; the loop is fine
