"""`failed/NAME.error.txt`: beside each file the watcher could not read, one line why, Chinese first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from capture.watch.failed_notes import chinese_first
from tests.conftest import INBOX, ROOT


def test_each_failed_file_gets_a_one_line_note_beside_it(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(INBOX / "14_truncated_download.pdf", inbox / "sub" / "下载.pdf")
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "letter.pdf").write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    shutil.copy(INBOX / "02_legacy_e_normal.pdf", inbox / "02_legacy_e_normal.pdf")
    done = subprocess.run([sys.executable, "-m", "capture.cli", "watch", str(inbox), "--settle", "0", "--workers", "1",
                           "--exit-when-idle"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    failed = tmp_path / "failed"
    notes = {p.relative_to(failed).as_posix(): p.read_text(encoding="utf-8") for p in failed.rglob("*.error.txt")}
    assert set(notes) == {"sub/下载.pdf.error.txt", "empty.pdf.error.txt", "letter.pdf.error.txt"}
    for note in notes.values():
        summary = note.split(" (", 1)[0]  # the Chinese summary, then the English error in brackets
        assert note.endswith("\n") and note.count("\n") == 1 and any("\u4e00" <= c <= "\u9fff" for c in summary), note
    assert notes["empty.pdf.error.txt"].startswith("文件为空 (the file is empty")
    assert notes["sub/下载.pdf.error.txt"].startswith("PDF 无法打开")
    assert notes["letter.pdf.error.txt"].startswith("不是发票的 XML 文件")
    assert not list((tmp_path / "processed").rglob("*.error.txt"))


def test_the_chinese_summary_comes_first_and_chinese_errors_stay_as_they_are():
    assert chinese_first("the PDF is encrypted (password protected);\nsave it") == (
        "PDF 已加密（有密码保护）：请另存为无密码的 PDF (the PDF is encrypted (password protected); save it)")
    assert chinese_first("不支持的格式 HEIC：请转换为 JPEG 或 PDF") == "不支持的格式 HEIC：请转换为 JPEG 或 PDF"
    assert chinese_first("something new").startswith("无法读取此文件 (something new)")


def test_a_note_that_cannot_be_written_does_not_stop_the_watcher(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "sub" / "empty.pdf").write_bytes(b"")
    (tmp_path / "failed").mkdir()
    (tmp_path / "failed" / "sub").write_text("a file where the folder should be", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "capture.cli", "watch", str(inbox), "--settle", "0", "--workers", "1",
                           "--exit-when-idle", "--json-logs"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # some files failed; not 3
    events = [json.loads(line)["event"] for line in done.stderr.splitlines()]
    assert "note_failed" in events and "move_failed" in events and events[-1] == "stopped"
