"""File names that are not UTF-8 (GBK bytes, as `unzip` of a Windows archive leaves them) go
through `run` and `watch`: the good files beside them are read, the odd names are reported with
their undecodable bytes escaped, moved under their real names, and the watcher keeps running."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from capture.intake.files import name_column, shown_name
from tests.conftest import INBOX, ROOT

SAMPLE = INBOX / "02_legacy_e_normal.pdf"
GBK_INVOICE = os.fsdecode("发票_七月".encode("gbk") + b".pdf")  # \xb7\xa2\xc6\xb1_\xc6\xdf\xd4\xc2.pdf
GBK_BROKEN = os.fsdecode("损坏".encode("gbk") + b".pdf")
GBK_FOLDER = os.fsdecode("供应商".encode("gbk"))


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    (inbox / GBK_FOLDER).mkdir(parents=True)
    shutil.copy(SAMPLE, inbox / "good.pdf")
    shutil.copy(INBOX / "03_digital_special.pdf", inbox / GBK_INVOICE)
    (inbox / GBK_FOLDER / GBK_BROKEN).write_bytes(b"%PDF-1.4 truncated")
    return inbox


def test_shown_names_escape_only_the_undecodable_bytes():
    assert shown_name("发票.pdf") == "发票.pdf"
    assert shown_name(os.fsdecode(b"\xb7\xa2.pdf")) == "\\xb7\\xa2.pdf"
    assert name_column("发票.pdf") == "发票.pdf"
    assert name_column(os.fsdecode(b"\xb7\xa2.pdf")) == b"\xb7\xa2.pdf"


def test_run_reads_the_good_files_and_reports_the_odd_names_escaped(tmp_path):
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "capture.cli", "run", str(inbox), "--out", str(out), "--store", str(tmp_path / "c.db"),
         "--workers", "1"], cwd=ROOT, capture_output=True, timeout=300,
    )
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    files = {r["source"]["file"] for r in records}
    assert files == {"good.pdf", shown_name(GBK_INVOICE)}
    assert "\\xb7\\xa2" in shown_name(GBK_INVOICE)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in report["errors"]] == [f"{shown_name(GBK_FOLDER)}/{shown_name(GBK_BROKEN)}"]
    assert json.loads((out / "import.json").read_text(encoding="utf-8"))["count"] == len(
        [r for r in records if r["status"] == "ready"])
    assert shown_name(GBK_BROKEN).encode() in done.stderr  # the failed file named on the terminal, escaped


def test_watch_moves_odd_names_under_their_real_names_and_keeps_running(tmp_path):
    inbox = _inbox(tmp_path)
    command = [
        sys.executable, "-m", "capture.cli", "watch", str(inbox), "--out", str(tmp_path / "out"),
        "--settle", "0", "--workers", "1", "--exit-when-idle", "--json-logs",
    ]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300)
    assert first.returncode == 1, first.stderr.decode(errors="replace")  # one file failed; no crash
    events = [json.loads(line) for line in first.stderr.decode("utf-8").splitlines() if line.startswith("{")]
    moved = {e["file"]: e["to"] for e in events if e["event"] in ("file", "failed")}
    assert moved[shown_name(GBK_INVOICE)] == f"processed/{shown_name(GBK_INVOICE)}"
    assert moved[f"{shown_name(GBK_FOLDER)}/{shown_name(GBK_BROKEN)}"].startswith("failed/")
    assert (tmp_path / "processed" / GBK_INVOICE).is_file()  # the real bytes kept
    assert (tmp_path / "failed" / GBK_FOLDER / GBK_BROKEN).is_file()
    assert (tmp_path / "processed" / "good.pdf").is_file()
    assert not [p for p in inbox.rglob("*") if p.is_file()]
    # a restart with a new odd name beside a good file: read, not jammed
    shutil.copy(INBOX / "12_legacy_e_special.pdf", inbox / os.fsdecode(b"\xd0\xc2.pdf"))
    second = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300)
    assert second.returncode == 0, second.stderr.decode(errors="replace")
    assert (tmp_path / "processed" / os.fsdecode(b"\xd0\xc2.pdf")).is_file() or (
        tmp_path / "review" / os.fsdecode(b"\xd0\xc2.pdf")).is_file()
    batches = sorted((tmp_path / "out" / "batches").iterdir())
    reports = [json.loads((b / "report.json").read_text(encoding="utf-8")) for b in batches]
    assert any(m["file"] == "\\xd0\\xc2.pdf" for r in reports for m in r["moves"])
