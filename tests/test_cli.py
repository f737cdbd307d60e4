"""The command line on the committed sample inbox: outputs, statuses, exit codes, re-runs."""

import json
import subprocess
import sys

import pytest

from capture.register.store import MIGRATIONS
from tests.conftest import INBOX, REGISTER


def capture(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def demo(tmp_path):
    out, store = tmp_path / "out", tmp_path / "capture.db"
    result = capture("run", INBOX, "--ledger", REGISTER, "--out", out, "--store", store)
    return result, out, store


def test_demo_run_writes_three_files_and_a_summary(demo):
    result, out, _ = demo
    assert result.returncode == 1  # the truncated download failed; everything else was read
    assert "14 files" in result.stdout and "9 ready, 2 review, 2 duplicate, 1 rejected; 1 files failed" in result.stdout
    assert "14_truncated_download.pdf" in result.stderr and "truncated or damaged" in result.stderr
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    batch = json.loads((out / "import.json").read_text(encoding="utf-8"))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(records) == 14 and batch["count"] == 9
    assert all(r["status"] == "ready" for r in batch["records"])
    assert report["by_status"] == {"ready": 9, "review": 2, "duplicate": 2, "rejected": 1}
    assert report["errors"] == [{"file": "14_truncated_download.pdf", "error": report["errors"][0]["error"]}]
    assert not list(out.glob(".*.tmp"))


def test_statuses_and_reasons(demo):
    _, out, _ = demo
    by_file = {}
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_file.setdefault(record["source"]["file"], []).append(record)
    assert by_file["01_digital_normal.pdf"][0]["status"] == "duplicate"
    assert by_file["01_digital_normal.pdf"][0]["duplicate_of"].startswith("register:register.csv:")
    near = by_file["03_digital_special.pdf"][0]
    assert near["status"] == "review" and "possible duplicate" in near["reasons"][0]
    conflict = by_file["10_legacy_normal.pdf"][0]
    assert conflict["status"] == "review" and "different facts" in conflict["reasons"][0]
    assert by_file["13_not_an_invoice.pdf"][0]["status"] == "rejected"
    assert [r["source"]["page"] for r in by_file["07_multi.pdf"]] == [1, 2]
    assert len(by_file["08_digital_continued.pdf"]) == 1


def test_rerun_imports_nothing_twice(demo, tmp_path):
    _, _, store = demo
    again = tmp_path / "again"
    result = capture("run", INBOX, "--ledger", REGISTER, "--out", again, "--store", store)
    assert "13 skipped: already processed" in result.stdout
    assert json.loads((again / "import.json").read_text(encoding="utf-8"))["count"] == 0
    assert "already imported, nothing added" in result.stderr


def test_scores_against_truth(demo, tmp_path):
    _, out, _ = demo
    result = capture("eval", INBOX, "--records", out / "records.jsonl", "--json", tmp_path / "scores.json")
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert result.returncode == 0
    assert scores["invoices"] == 13 and scores["exact"] == 13 and scores["ready_with_wrong_field"] == 0


def test_usage_errors_exit_2(tmp_path):
    missing = capture("run", tmp_path / "nowhere", "--out", tmp_path / "out", "--store", tmp_path / "s.db")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    bad_register = tmp_path / "register.csv"
    bad_register.write_text("a,b\n1,2\n", encoding="utf-8")
    result = capture("run", INBOX, "--ledger", bad_register, "--out", tmp_path / "out", "--store", tmp_path / "s.db")
    assert result.returncode == 2 and "no 发票号码/number column" in result.stderr


def test_schema_is_the_record_contract():
    schema = json.loads(capture("schema").stdout)
    assert schema["$id"] == "capture.record/1"
    assert {"schema", "id", "source", "invoice", "confidence", "checks", "status", "reasons", "duplicate_of"} <= schema["properties"].keys()
    invoice = schema["$defs"]["Invoice"]["properties"]
    assert {"kind", "code", "number", "date", "check_code", "items", "total_in_words"} <= invoice.keys()


def test_ledger_commands(tmp_path):
    store = tmp_path / "s.db"
    first = capture("ledger", "import", REGISTER, "--store", store)
    assert first.returncode == 0 and "24 rows added" in first.stderr
    stats = json.loads(capture("ledger", "stats", "--store", store).stdout)
    assert stats["register_rows"] == 24 and stats["schema_version"] == len(MIGRATIONS)
    exported = tmp_path / "export.csv"
    capture("ledger", "export", "--store", store, "--out", exported)
    text = exported.read_text(encoding="utf-8-sig")
    assert text.startswith("发票代码,发票号码") and text.count("\n") == 25
