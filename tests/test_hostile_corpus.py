"""Acceptance (issue 21): the hostile corpus (fixtures/hostile.py) through `capture run --workers
1`: every file gets a per-file error naming its bound, or a record; never exit 3; the good files
beside them are read. The registers of the corpus import with line-numbered errors. The per-file
wall-time limit abandons a slow file and the batch goes on. Time and memory per file are
measured by benchmarks/hostile.py, not asserted here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from capture.intake.files import shown_name
from capture.pipeline import process_file
from capture.register.imports import read_register_file
from fixtures import hostile
from tests.conftest import INBOX, ROOT

GOOD = ("02_legacy_e_normal.pdf", "12_legacy_e_special.pdf")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    expect = hostile.write_corpus(folder)
    for name in GOOD:
        shutil.copy(INBOX / name, folder / "inbox" / name)
    return folder, expect


def test_the_corpus_covers_every_case_of_the_issue(corpus):
    _, expect = corpus
    assert len(expect) >= 16 and len(hostile.REGISTERS) >= 4


def test_every_hostile_file_is_reported_and_the_good_files_are_read(corpus, tmp_path):
    folder, expect = corpus
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "capture.cli", "run", str(folder / "inbox"), "--out", str(out),
         "--store", str(tmp_path / "c.db"), "--workers", "1"],
        cwd=ROOT, capture_output=True, timeout=900,
    )
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    errors = {e["file"]: e["error"] for e in report["errors"]}
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    by_file = {r["source"]["file"]: r for r in records}
    for name, phrase in expect.items():
        shown = shown_name(name)
        assert "internal error" not in errors.get(shown, ""), f"{name}: {errors[shown]}"
        if phrase == "OK":
            assert shown in by_file and shown not in errors, name
        elif phrase is None:
            assert shown in errors or by_file[shown]["status"] != "ready", name
        else:
            assert phrase in errors.get(shown, ""), f"{name}: {errors.get(shown)!r} lacks {phrase!r}"
    for name in GOOD:
        assert by_file[name]["status"] in ("ready", "review") and name not in errors
    assert by_file["invoice utf16.xml"]["invoice"]["number"] == "24322000000489101796"


def test_the_hostile_registers_load_their_good_rows(corpus):
    folder, _ = corpus
    for name, (_, bad_lines, good_rows) in hostile.REGISTERS.items():
        parsed = read_register_file(folder / "register" / name)
        assert [line for line, _ in parsed.errors] == bad_lines, name
        assert len(parsed.entries) == good_rows, name


def test_a_file_over_the_time_limit_is_abandoned_and_reported(corpus, monkeypatch):
    folder, _ = corpus
    monkeypatch.setenv("CAPTURE_FILE_SECONDS", "1")
    slow = process_file(folder / "inbox" / "white 8000x9900.png", "white.png")
    assert slow.records == [] and "longer than 1 s" in (slow.error or "")
    monkeypatch.setenv("CAPTURE_FILE_SECONDS", "60")
    fast = process_file(INBOX / GOOD[0], GOOD[0])
    assert fast.error is None and fast.records


def test_watch_abandons_a_slow_file_in_its_worker_and_goes_on(corpus, tmp_path):
    folder, _ = corpus
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(folder / "inbox" / "white 8000x9900.png", inbox / "white.png")
    shutil.copy(INBOX / GOOD[0], inbox / GOOD[0])
    done = subprocess.run(
        [sys.executable, "-m", "capture.cli", "watch", str(inbox), "--out", str(tmp_path / "out"), "--settle", "0",
         "--workers", "1", "--exit-when-idle", "--json-logs"],
        cwd=ROOT, capture_output=True, timeout=300, env=os.environ | {"CAPTURE_FILE_SECONDS": "2"},
    )
    assert done.returncode == 1, done.stderr.decode(errors="replace")
    assert (tmp_path / "failed" / "white.png").exists()
    assert (tmp_path / "processed" / GOOD[0]).exists() or (tmp_path / "review" / GOOD[0]).exists()
    failed = [json.loads(line) for line in done.stderr.decode().splitlines() if '"event": "failed"' in line]
    assert [e["file"] for e in failed] == ["white.png"] and "longer than 2 s" in failed[0]["error"]
