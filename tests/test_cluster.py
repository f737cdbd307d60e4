"""`capture run --cluster`: a real Dask LocalCluster of 2 worker processes reads a batch of scans
and text PDFs into the same records as a local run; a worker killed with SIGKILL mid-file has that
file read again by another worker, and the batch completes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from capture.cluster import ClusterPool
from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.scans import generate_scans
from tests.conftest import INBOX, REAL, ROOT

TEXT_PDFS = ["01_digital_normal.pdf", "02_legacy_e_normal.pdf", "07_multi.pdf", "14_truncated_download.pdf"]


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each; a file whose worker dies is retried once."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, worker_dashboard_address=None,
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def text_batch(tmp_path_factory) -> Path:
    """Text PDFs, one of them a truncated download."""
    inbox = tmp_path_factory.mktemp("cluster") / "inbox"
    inbox.mkdir()
    for name in TEXT_PDFS:
        shutil.copy(INBOX / name, inbox / name)
    return inbox


@pytest.fixture(scope="module")
def batch(text_batch) -> Path:
    """The text PDFs, a real photo and a rendered scan."""
    inbox = text_batch.parent / "mixed"
    shutil.copytree(text_batch, inbox)
    shutil.copy(REAL / "gsc_044031800104_41108527_photo.jpg", inbox / "photo.jpg")
    for scan in generate_scans(inbox.parent / "scans", 1, seed=2800, renderings=["scan300"]):
        shutil.copy(scan, inbox / scan.name)
    return inbox


def _records(inbox: Path, store: Path, pool=None) -> tuple[list[dict], list]:
    with Ledger(store) as ledger:
        result = run_batch([inbox], ledger, workers=1, pool=pool)
    return [r.to_json_dict() for r in result.records], sorted((f.file, f.error) for f in result.files)


def _on_cluster(cluster: str, inbox: Path, store: Path) -> tuple[list[dict], list]:
    pool = ClusterPool(cluster)
    try:
        return _records(inbox, store, pool)
    finally:
        pool.shutdown()


def test_the_cluster_gives_the_same_records_as_a_local_run(cluster, batch, tmp_path):
    local = _records(batch, tmp_path / "local.db")
    assert _on_cluster(cluster, batch, tmp_path / "cluster.db") == local
    assert len(local[0]) >= 6 and sum(1 for _, error in local[1] if error) == 1
    assert {r["source"]["kind"] for r in local[0]} >= {"pdf_text", "image"}


def _kill_on_first_read(name: str, marker: str) -> None:
    """On a worker: the first time `name` is read anywhere, this worker process dies (SIGKILL)."""
    import capture.cluster

    original = capture.cluster.process_file

    def process_file(path, shown, *args):
        if shown == name:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return original(path, shown, *args)
            os.kill(os.getpid(), signal.SIGKILL)
        return original(path, shown, *args)

    capture.cluster.process_file = process_file


def test_a_worker_killed_mid_file_has_the_file_read_again_elsewhere(cluster, text_batch, tmp_path):
    marker = tmp_path / "killed-once"
    with Client(cluster) as client:
        client.run(_kill_on_first_read, "02_legacy_e_normal.pdf", str(marker))
    local = _records(text_batch, tmp_path / "local.db")
    remote = _on_cluster(cluster, text_batch, tmp_path / "cluster.db")
    assert marker.exists()  # a worker died reading it
    assert remote == local  # ... and another read it: the batch is whole


def test_capture_run_with_cluster_reports_cluster_progress(cluster, text_batch, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "capture.cli", "run", str(text_batch), "--out", str(tmp_path / "out"),
         "--store", str(tmp_path / "capture.db"), "--cluster", cluster, "--json-logs"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # the truncated download fails; the rest goes on
    events = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    progress = [e for e in events if e["event"] == "cluster_progress"]
    assert [e["event"] for e in events][:1] == ["cluster"] and len(progress) == len(TEXT_PDFS)
    assert progress[-1]["done"] == len(TEXT_PDFS)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["files"] == len(TEXT_PDFS) and len(report["errors"]) == 1


def test_an_unreachable_cluster_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "capture.cli", "run", str(INBOX / "01_digital_normal.pdf"), "--out", str(tmp_path / "out"),
         "--store", str(tmp_path / "capture.db"), "--cluster", "tcp://127.0.0.1:9"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"})
    assert done.returncode == 2, done.stderr
    assert "无法连接 Dask 集群" in done.stderr
