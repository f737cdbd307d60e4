"""`watch --metrics-port`: /healthz and /metrics after a real batch with ready, review, duplicate
and failed files, a real HTTP server on localhost; `capture status` shows the same numbers."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time

from capture.register.health import StoreHealth
from capture.register.store import Ledger
from capture.watch.health import HealthServer
from capture.watch.loop import Watcher, WatchOptions
from capture.watch.metrics import WatchMetrics
from capture.watch.operate import OperationsOptions, operations
from tests.operations_support import drop_folder, get, scrape

FILES = ("02_legacy_e_normal.pdf", "10_legacy_normal.pdf", "01_digital_normal.pdf", "14_truncated_download.pdf")


def test_healthz_and_metrics_after_a_batch(tmp_path):
    layout, store = drop_folder(tmp_path, *FILES)
    options = OperationsOptions(metrics_port=0, check_every=3600)
    with operations(layout, store, options) as running:
        base = f"http://127.0.0.1:{running.server.port}"
        assert get(f"{base}/healthz") == (503, json.dumps({"status": "unhealthy", "reasons": ["the watch loop has not started"]}))
        stop, stats = threading.Event(), []

        def watch() -> None:  # the loop owns its store connection, in its own thread
            with Ledger(store) as ledger:
                watcher = Watcher(layout, ledger, WatchOptions(settle=0, batch_size=4, poll=True, idle_wait=0.2), running.metrics)
                watcher.stop = stop
                stats.append(watcher.stats)
                watcher.run()

        loop = threading.Thread(target=watch)
        loop.start()
        deadline = time.monotonic() + 120
        while not (stats and stats[0].batches) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stats[0].files == 4 and stats[0].failed == 1
        status, body = get(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        metrics = scrape(f"{base}/metrics")
        assert metrics[("capture_files_seen_total", ())] == 4
        assert metrics[("capture_files_read_total", (("kind", "pdf"),))] == 3
        assert metrics[("capture_files_failed_total", (("reason", "damaged"),))] == 1
        assert metrics[("capture_file_seconds_count", (("kind", "pdf"),))] == 4
        assert metrics[("capture_file_seconds_sum", (("kind", "pdf"),))] > 0
        for status_name, count in {"ready": 1, "review": 1, "duplicate": 1, "rejected": 0}.items():
            assert metrics[("capture_records", (("status", status_name),))] == count
        assert metrics[("capture_review_backlog", ())] == 1
        assert metrics[("capture_batches_total", ())] == 1
        assert abs(metrics[("capture_last_batch_timestamp_seconds", ())] - running.metrics.clock()) < 60
        assert metrics[("capture_inbox_waiting_files", ())] == 0
        assert metrics[("capture_loop_alive", ())] == 1 and metrics[("capture_store_writable", ())] == 1
        assert get(f"{base}/nothing")[0] == 404

        stop.set()
        loop.join(timeout=60)
        assert json.loads(get(f"{base}/healthz")[1])["reasons"] == ["the watch loop has stopped"]

    assert (tmp_path / "share" / "failed" / "14_truncated_download.pdf").exists()
    result = subprocess.run([sys.executable, "-m", "capture.cli", "status", "--store", str(store), "--inbox",
                             str(layout.inbox), "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["records_by_status"] == {"ready": 1, "review": 1, "duplicate": 1, "rejected": 0}
    assert facts["review_backlog"] == 1 and facts["files_failed_by_reason"] == {"damaged": 1}
    assert facts["files_by_kind"] == {"pdf": 4} and facts["seconds_per_file_by_kind"]["pdf"] > 0
    assert facts["store_writable"] is True and facts["inbox_waiting_files"] == 0
    table = subprocess.run([sys.executable, "-m", "capture.cli", "status", "--store", str(store)], capture_output=True, text=True)
    assert table.returncode == 0 and "待复核积压 / review backlog" in table.stdout and "damaged 1" in table.stdout


def test_healthz_is_503_with_the_reason_while_the_store_takes_no_writes(tmp_path):
    layout, store = drop_folder(tmp_path, "02_legacy_e_normal.pdf")
    with StoreHealth(store, busy_timeout=0.1) as health:
        metrics = WatchMetrics(layout.inbox, health)
        metrics.loop_started()
        server = HealthServer(metrics, 0).start()
        try:
            url = f"http://127.0.0.1:{server.port}/healthz"
            assert get(url)[0] == 200
            holder = sqlite3.connect(store, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")  # another process holds the store
            status, body = get(url)
            assert status == 503 and "does not take writes: database is locked" in json.loads(body)["reasons"][0]
            assert scrape(url.replace("healthz", "metrics"))[("capture_store_writable", ())] == 0
            holder.execute("ROLLBACK")
            holder.close()
            assert get(url)[0] == 200
        finally:
            server.stop()


def test_status_of_a_missing_store_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "capture.cli", "status", "--store", str(tmp_path / "none.db")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no such ledger store" in result.stderr
