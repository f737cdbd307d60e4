"""The store on both backends, SQLite and a real PostgreSQL server: one schema and one set of
migrations, the register, a batch stored and written exactly once, and the database's own
refusal to import an invoice twice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capture.errors import StoreError
from capture.pipeline import run_batch, write_outputs
from capture.register import journal
from capture.register.imports import RegisterEntry
from capture.register.migrations import MIGRATIONS
from capture.register.postgres import postgres_url, schema, statement
from capture.register.store import Ledger
from tests.conftest import INBOX, ROOT

TEXT_PDFS = ["01_digital_normal.pdf", "02_legacy_e_normal.pdf", "07_multi.pdf", "13_not_an_invoice.pdf",
             "14_truncated_download.pdf"]


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in TEXT_PDFS:
        shutil.copy(INBOX / name, inbox / name)
    return inbox


def _entry(number: str, line: int, total: str = "113.00") -> RegisterEntry:
    return RegisterEntry(line=line, code=None, number=number, date="2024-11-20", seller_name="甲公司",
                         seller_tax_id="91310000MA1FL0001X", buyer_name=None, buyer_tax_id=None,
                         amount="100.00", tax="13.00", total=total)


def test_one_schema_and_one_set_of_migrations(store_target):
    with Ledger(store_target) as ledger:
        assert ledger.schema_version == len(MIGRATIONS)
        assert ledger.stats()["register_rows"] == 0
    with Ledger(store_target) as again:  # opening a migrated store migrates nothing
        assert again.schema_version == len(MIGRATIONS)


def test_register_rows_are_unique_by_invoice_key(store_target):
    rows = [_entry("25322000000337005189", 2), _entry("25322000000337005190", 3)]
    with Ledger(store_target) as ledger:
        first = ledger.import_register(rows, "register.csv", "a" * 64, [])
        again = ledger.import_register(rows, "register.csv", "a" * 64, [])
        overlap = ledger.import_register([*rows, _entry("25322000000337005191", 4)], "more.csv", "b" * 64, [])
        assert (first.added, again.skipped_file, overlap.added, overlap.already_present) == (2, True, 1, 2)
        assert ledger.register_by_key("25322000000337005190").ref == "register:register.csv:3"
        assert len(ledger.register_block("91310000MA1FL0001X", "2024-11-20", "113.00")) == 3
        assert ledger.supplier_names("91310000MA1FL0001X") == {"甲公司"}


def test_a_batch_is_stored_once_and_read_back_in_order(store_target, tmp_path):
    inbox = _inbox(tmp_path)
    with Ledger(store_target) as ledger:
        result = run_batch([inbox], ledger, workers=1, decide=False)
        report = write_outputs(result, tmp_path / "out", ledger)
        written = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in written] == [r.id for r in result.records]
        stored, stored_report = journal.run_outputs(ledger, result.run_id)
        assert stored == written and stored_report == report
        assert report["files"] == len(TEXT_PDFS) and len(report["errors"]) == 1
        assert journal.unwritten_outputs(ledger) == []
        again = run_batch([inbox], ledger, workers=1)
        assert again.records == [] and len(again.skipped) == len(TEXT_PDFS) - 1  # the failed file is read again
        assert ledger.emitted_by_key(written[0]["invoice"]["number"]) is not None


def test_the_database_refuses_a_second_import_of_an_invoice(store_target, tmp_path):
    with Ledger(store_target) as ledger:
        result = run_batch([_inbox(tmp_path)], ledger, workers=1)
        rows = [r.to_json_dict() for r in result.records if r.status == "ready"]
        ledger.record_run("run-a", rows, result.done_files())
        before = ledger.stats()
        ledger.record_run("run-a", rows, [])  # the same records stored again: nothing new
        assert ledger.stats() == before
        twin = dict(rows[0], id="another-file-p1")  # the same invoice, found in another file
        with pytest.raises(StoreError, match="重复"):
            ledger.record_run("run-b", [twin], [("c" * 64, "another-file.pdf")])
        assert ledger.stats() == before  # the whole transaction rolled back
        assert not ledger.is_processed("c" * 64)


def test_capture_run_on_postgresql_by_option_and_by_environment(postgres_store, tmp_path):
    inbox = _inbox(tmp_path)
    command = [sys.executable, "-m", "capture.cli", "run", str(inbox), "--workers", "1", "--json-logs"]
    first = subprocess.run([*command, "--out", str(tmp_path / "out1"), "--store", postgres_store],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 1, first.stderr  # 14_truncated_download.pdf fails, the rest goes on
    environment = {**__import__("os").environ, "CAPTURE_STORE": postgres_store}
    second = subprocess.run([*command, "--out", str(tmp_path / "out2")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env=environment)
    assert second.returncode == 1, second.stderr
    report = json.loads((tmp_path / "out2" / "report.json").read_text(encoding="utf-8"))
    assert report["skipped_already_processed"] == len(TEXT_PDFS) - 1 and report["invoices"] == 0
    with Ledger(postgres_store) as ledger:
        assert ledger.stats()["processed_files"] == len(TEXT_PDFS) - 1


def test_an_unreachable_postgresql_store_is_one_line_and_exit_2(tmp_path):
    closed = "postgresql://capture@127.0.0.1:9/nothing"
    done = subprocess.run([sys.executable, "-m", "capture.cli", "run", str(_inbox(tmp_path)), "--out",
                           str(tmp_path / "out"), "--store", closed], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "无法连接 PostgreSQL" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_dialect():
    assert postgres_url("postgresql:/capture@db/books") == "postgresql://capture@db/books"  # a path option's folding
    assert postgres_url("postgresql://capture@db/books") == "postgresql://capture@db/books"
    assert statement("INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)") == "INSERT INTO t (a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    assert statement("SELECT json_extract(record, '$.source.kind') FROM emitted WHERE x LIKE '5%'") == (
        "SELECT (record::jsonb #>> '{source,kind}') FROM emitted WHERE x LIKE '5%%'"
    )
    assert "ON CONFLICT (record_id) DO UPDATE SET status = EXCLUDED.status" in statement(
        "INSERT OR REPLACE INTO emitted (record_id, status) VALUES (?, ?)")
    assert "rowid BIGINT GENERATED ALWAYS AS IDENTITY" in schema("CREATE TABLE x (a TEXT);")
    assert "rowid" not in schema("CREATE TABLE x (a TEXT PRIMARY KEY) WITHOUT ROWID;")
