"""The drop folder: settling, moves without overwriting, recovery of an interrupted batch, a clean
stop on SIGTERM, polling, usage errors."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capture import pipeline
from capture.pipeline import run_batch
from capture.register.store import Ledger
from capture.watch.folders import Layout, move_file
from capture.watch.journal import commit_batch, plan_moves
from capture.watch.loop import CRASHED, SettledFiles, Watcher, WatchOptions
from tests.conftest import INBOX, ROOT

SAMPLE = INBOX / "02_legacy_e_normal.pdf"


def _share(tmp_path: Path, *names: str) -> Layout:
    inbox = tmp_path / "inbox"
    for name in names:
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(INBOX / Path(name).name if (INBOX / Path(name).name).exists() else SAMPLE, inbox / name)
    inbox.mkdir(exist_ok=True)
    return Layout(inbox, tmp_path / "out")


def _batch_records(layout: Layout) -> list[dict]:
    rows = []
    for batch in sorted(layout.batches.iterdir()):
        rows += [json.loads(line) for line in (batch / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows


def test_a_file_is_read_only_once_it_stops_changing(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7 part")
    settled = SettledFiles(tmp_path, settle=0.3)
    assert settled.scan() == ([], 1)
    time.sleep(0.15)
    with (tmp_path / "a.pdf").open("ab") as growing:
        growing.write(b" more")
    assert settled.scan() == ([], 1)
    time.sleep(0.35)
    assert settled.scan() == ([(tmp_path / "a.pdf", "a.pdf")], 0)


def test_moves_never_overwrite_and_repeat_safely(tmp_path):
    source, target = tmp_path / "inbox" / "x.pdf", tmp_path / "processed" / "x.pdf"
    source.parent.mkdir()
    target.parent.mkdir()
    target.write_bytes(b"someone else's file")
    shutil.copy(SAMPLE, source)
    sha = __import__("hashlib").sha256(SAMPLE.read_bytes()).hexdigest()
    assert move_file(source, target, sha) == tmp_path / "processed" / "x (1).pdf"
    assert target.read_bytes() == b"someone else's file" and not source.exists()
    # interrupted after the hard link: both names exist; repeating the move finishes it
    shutil.copy(SAMPLE, source)
    os.link(source, tmp_path / "processed" / "y.pdf")
    assert move_file(source, tmp_path / "processed" / "y.pdf", sha) == tmp_path / "processed" / "y.pdf"
    assert not source.exists()
    assert move_file(source, tmp_path / "processed" / "y.pdf", sha) is None  # nothing left to do


def test_a_batch_committed_before_a_crash_is_finished_on_restart(tmp_path):
    layout = _share(tmp_path, "02_legacy_e_normal.pdf", "14_truncated_download.pdf", "sub/02_legacy_e_normal.pdf")
    files = [(layout.inbox / n, n) for n in ("02_legacy_e_normal.pdf", "14_truncated_download.pdf", "sub/02_legacy_e_normal.pdf")]
    with Ledger(tmp_path / "c.db") as ledger:
        result = run_batch([], ledger, workers=1, files=files)
        commit_batch(ledger, result, plan_moves(result, layout))  # ... and the process dies here
    (layout.batches / ".20990101T000000Z.partial").mkdir(parents=True)  # a half-written batch
    with Ledger(tmp_path / "c.db") as ledger:
        stats = Watcher(layout, ledger, WatchOptions(settle=0, exit_when_idle=True)).run()
    assert stats.recovered == [result.run_id] and stats.files == 0
    assert sorted(p.name for p in layout.batches.iterdir()) == [result.run_id]
    assert (tmp_path / "processed" / "02_legacy_e_normal.pdf").exists()
    assert (tmp_path / "processed" / "sub" / "02_legacy_e_normal.pdf").exists()  # same content: skipped, moved
    assert (tmp_path / "failed" / "14_truncated_download.pdf").exists()
    assert not [p for p in layout.inbox.rglob("*") if p.is_file()]
    assert [r["source"]["file"] for r in _batch_records(layout)] == ["02_legacy_e_normal.pdf"]
    report = json.loads((layout.batches / result.run_id / "report.json").read_text(encoding="utf-8"))
    assert report["errors"][0]["file"] == "14_truncated_download.pdf"
    assert {m["to"] for m in report["moves"]} >= {"failed/14_truncated_download.pdf"}


def test_sigterm_stops_cleanly_and_polling_sees_new_files(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    command = [sys.executable, "-m", "capture.cli", "watch", str(inbox), "--settle", "0.2", "--poll",
               "--workers", "1", "--json-logs"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        shutil.copy(SAMPLE, inbox / ".copying.tmp")
        os.rename(inbox / ".copying.tmp", inbox / "发票 one.pdf")
        deadline = time.monotonic() + 30
        while not (tmp_path / "processed" / "发票 one.pdf").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    events = [json.loads(line)["event"] for line in stderr.splitlines() if line.startswith("{")]
    # the signal may land between the move and its "file" line, so only the order around it is fixed
    assert events[-1] == "stopped" and "stopping" in events and "file" in events
    assert events.index("file") < events.index("stopped")
    assert (tmp_path / "processed" / "发票 one.pdf").exists() and not list(inbox.iterdir())


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "inbox").mkdir()
    watch = [sys.executable, "-m", "capture.cli", "watch"]
    missing = subprocess.run([*watch, str(tmp_path / "nope")], capture_output=True, text=True)
    inside = subprocess.run([*watch, str(tmp_path / "inbox"), "--out", str(tmp_path / "inbox" / "out")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    assert inside.returncode == 2 and "inside the inbox" in inside.stderr


def test_a_file_that_cannot_be_moved_stays_and_is_not_read_again(tmp_path):
    layout = _share(tmp_path, "sub/02_legacy_e_normal.pdf")
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "sub").write_text("a file where the folder should be")
    with Ledger(tmp_path / "c.db") as ledger:
        stats = Watcher(layout, ledger, WatchOptions(settle=0, exit_when_idle=True)).run()
    assert stats.files == 1 and stats.batches == 1  # read once, not again and again
    assert (layout.inbox / "sub" / "02_legacy_e_normal.pdf").exists()
    assert [r["source"]["file"] for r in _batch_records(layout)] == ["sub/02_legacy_e_normal.pdf"]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="patches the reader in forked workers")
def test_a_file_that_crashes_its_reader_fails_and_the_watcher_goes_on(tmp_path, monkeypatch):
    original = pipeline.process_file

    def crashing(path, name, *args, **kwargs):
        if name == "poison.pdf":
            os._exit(9)  # as a segfault or the OOM killer would
        return original(path, name, *args, **kwargs)

    monkeypatch.setattr(pipeline, "process_file", crashing)
    layout = _share(tmp_path, "02_legacy_e_normal.pdf")
    shutil.copy(INBOX / "05_digital_red.pdf", layout.inbox / "poison.pdf")
    with Ledger(tmp_path / "c.db") as ledger:
        stats = Watcher(layout, ledger, WatchOptions(settle=0, exit_when_idle=True, batch_size=2)).run()
    assert stats.failed == 1
    assert (tmp_path / "failed" / "poison.pdf").exists() and (tmp_path / "processed" / "02_legacy_e_normal.pdf").exists()
    (batch,) = layout.batches.iterdir()
    assert json.loads((batch / "report.json").read_text(encoding="utf-8"))["errors"] == [{"file": "poison.pdf", "error": CRASHED}]
