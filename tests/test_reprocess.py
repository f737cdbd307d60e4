"""Reading files again on purpose: `capture run --reprocess` and `capture ledger forget`. The
records they replace are kept as superseded, never duplicated in the store, and an invoice that
already went out in an import batch is not exported twice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capture.intake.files import file_sha256
from capture.register.store import Ledger
from tests.conftest import INBOX, REGISTER

FILES = ("02_legacy_e_normal.pdf", "03_digital_special.pdf", "10_legacy_normal.pdf")


def capture(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True, timeout=300)


def statuses(out: Path) -> dict[str, tuple[str, str | None]]:
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["source"]["file"]: (r["status"], r["duplicate_of"]) for r in rows}


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def stored(store: Path) -> tuple[list[str], list[tuple[str, int]]]:
    with Ledger(store) as book:
        emitted = [r for (r,) in book.db.execute("SELECT record_id FROM emitted ORDER BY record_id")]
        superseded = book.db.execute("SELECT record_id, exported FROM superseded ORDER BY record_id").fetchall()
    return emitted, superseded


@pytest.fixture
def without_register(tmp_path):
    """The mistake: a run without --ledger; every invoice went out ready."""
    inbox, store = tmp_path / "inbox", tmp_path / "s.db"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)
    done = capture("run", inbox, "--out", tmp_path / "first", "--store", store, "--workers", 1)
    assert done.returncode == 0, done.stderr
    assert {s for s, _ in statuses(tmp_path / "first").values()} == {"ready"}
    return inbox, store


def test_a_plain_rerun_skips_and_says_so_honestly(without_register, tmp_path):
    inbox, store = without_register
    done = capture("run", inbox, "--ledger", REGISTER, "--out", tmp_path / "again", "--store", store, "--workers", 1)
    assert done.returncode == 0, done.stderr
    counts = report(tmp_path / "again")
    assert (counts["files"], counts["files_read"], counts["skipped_already_processed"]) == (3, 0, 3)
    assert "--reprocess" in done.stdout


def test_reprocess_reads_again_supersedes_and_exports_nothing_twice(without_register, tmp_path):
    inbox, store = without_register
    first_ids, _ = stored(store)
    done = capture("run", inbox, "--ledger", REGISTER, "--out", tmp_path / "again", "--store", store, "--workers", 1,
                   "--reprocess")
    assert done.returncode == 0, done.stderr
    assert report(tmp_path / "again")["files_read"] == 3
    found = statuses(tmp_path / "again")
    # each was imported ready the first time: now a duplicate of what went out, or a conflict to review
    assert found["02_legacy_e_normal.pdf"][0] == "duplicate"
    assert found["02_legacy_e_normal.pdf"][1].startswith("superseded:")
    assert found["10_legacy_normal.pdf"] == ("review", found["10_legacy_normal.pdf"][1])
    assert found["10_legacy_normal.pdf"][1].startswith("register:")  # the register now knows it
    assert json.loads((tmp_path / "again" / "import.json").read_text(encoding="utf-8"))["count"] == 0
    emitted, superseded = stored(store)
    assert emitted == first_ids  # replaced, not duplicated
    assert superseded == [(record_id, 1) for record_id in first_ids]  # kept, each marked as exported


def test_ledger_forget_by_name_path_or_sha256_and_a_review_record_is_decided_again(tmp_path):
    inbox, store = tmp_path / "inbox", tmp_path / "s.db"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(INBOX / name, inbox / name)
    assert capture("run", inbox, "--ledger", REGISTER, "--out", tmp_path / "a", "--store", store, "--workers", 1).returncode == 0
    before = statuses(tmp_path / "a")
    assert before["03_digital_special.pdf"][0] == "review"

    forgot = capture("ledger", "forget", "03_digital_special.pdf", "--store", store)
    assert forgot.returncode == 0 and "已忘记 1 个文件" in forgot.stdout, forgot.stderr
    again = capture("run", inbox, "--out", tmp_path / "b", "--store", store, "--workers", 1)
    assert again.returncode == 0, again.stderr
    assert statuses(tmp_path / "b") == {"03_digital_special.pdf": before["03_digital_special.pdf"]}  # not a duplicate of itself

    sha = file_sha256(inbox / "02_legacy_e_normal.pdf")
    assert capture("ledger", "forget", sha, inbox / "10_legacy_normal.pdf", "--store", store).returncode == 0
    third = capture("run", inbox, "--out", tmp_path / "c", "--store", store, "--workers", 1)
    assert third.returncode == 0 and report(tmp_path / "c")["files_read"] == 2
    assert statuses(tmp_path / "c")["02_legacy_e_normal.pdf"][0] == "duplicate"  # it went out ready before

    unknown = capture("ledger", "forget", "nothing.pdf", "--store", store)
    assert unknown.returncode == 2 and "nothing.pdf" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1
