"""Exports that cannot be lost: every run's batch kept under batches/<id>/, import.json the latest,
`capture export --again` writing any batch again, files made with the process umask, and the
XLSX/CSV of a batch read back with openpyxl and csv."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from capture.contract.record import Record
from capture.exports.invoices import INVOICE_COLUMNS, write_spreadsheet
from capture.register.desk import ReviewStore
from tests.conftest import INBOX, REGISTER

REGISTER_ORDER = ["发票代码", "发票号码", "开票日期", "销售方名称", "销售方纳税人识别号", "购买方名称",
                  "购买方纳税人识别号", "金额", "税额", "价税合计"]


def capture(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@contextlib.contextmanager
def umask(mask: int):
    """The test process's umask (the capture processes it starts inherit it)."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def inbox_of(tmp_path: Path, name: str, *files: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in files:
        shutil.copy(INBOX / file, folder / file)
    return folder


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def two_runs(tmp_path):
    """Two runs into the same --out under umask 022: 02 (ready) first, then 04 and 10 (ready)."""
    out, store = tmp_path / "out", tmp_path / "s.db"
    with umask(0o022):
        first = capture("run", inbox_of(tmp_path, "a", "02_legacy_e_normal.pdf"), "--out", out, "--store", store, "--workers", 1)
        second = capture("run", inbox_of(tmp_path, "b", "04_legacy_special.pdf", "10_legacy_normal.pdf"), "--out", out,
                         "--store", store, "--workers", 1, "--xlsx")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    ids = sorted(p.name for p in (out / "batches").iterdir())
    return out, store, ids


def test_a_second_run_keeps_the_first_batch_and_import_json_is_the_latest(two_runs):
    out, _, ids = two_runs
    assert len(ids) == 2
    first = json.loads((out / "batches" / ids[0] / "import.json").read_text(encoding="utf-8"))
    second = json.loads((out / "batches" / ids[1] / "import.json").read_text(encoding="utf-8"))
    assert first["run_id"] == ids[0] and [r["source"]["file"] for r in first["records"]] == ["02_legacy_e_normal.pdf"]
    assert second["count"] == 2
    assert json.loads((out / "import.json").read_text(encoding="utf-8")) == second
    for name in ("records.jsonl", "report.json"):
        assert (out / "batches" / ids[0] / name).is_file()
    assert (out / "batches" / ids[1] / "records.xlsx").is_file() and (out / "records.xlsx").is_file()
    assert not [p for p in (out / "batches").iterdir() if p.name.startswith(".")]  # no partial folder left


def test_outputs_are_made_with_the_umask(two_runs, tmp_path):
    out, store, ids = two_runs
    assert set(modes(out).values()) == {0o644}, modes(out)
    with umask(0o027):
        done = capture("export", "--again", ids[0], "--out", tmp_path / "private" / "again.json", "--store", store)
        assert done.returncode == 0, done.stderr
        capture("ledger", "export", "--store", store, "--out", tmp_path / "private" / "register.csv")
    assert set(modes(tmp_path / "private").values()) == {0o640}, modes(tmp_path / "private")


def test_export_again_writes_an_earlier_batch_in_each_format(two_runs, tmp_path):
    out, store, ids = two_runs
    kept = json.loads((out / "batches" / ids[0] / "import.json").read_text(encoding="utf-8"))
    again = tmp_path / "again.json"
    done = capture("export", "--again", ids[0], "--out", again, "--store", store)
    assert done.returncode == 0, done.stderr
    assert json.loads(again.read_text(encoding="utf-8")) == kept
    stdout = capture("export", "--again", ids[0], "--out", "-", "--store", store, cwd=tmp_path)
    assert stdout.returncode == 0 and json.loads(stdout.stdout) == kept and not (tmp_path / "-").exists()

    assert capture("export", "--again", ids[1], "--format", "xlsx", "--out", tmp_path / "b.xlsx", "--store", store).returncode == 0
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert book.sheetnames == ["发票", "明细"]
    invoices = list(book["发票"].values)
    assert list(invoices[0][:10]) == REGISTER_ORDER
    batch = json.loads((out / "batches" / ids[1] / "import.json").read_text(encoding="utf-8"))
    for row, record in zip(invoices[1:], batch["records"], strict=True):
        assert row[1] == record["invoice"]["number"]
        total = row[INVOICE_COLUMNS.index(("价税合计", "invoice.total"))]
        assert isinstance(total, int | float) and Decimal(str(total)) == Decimal(record["invoice"]["total"])
    items = list(book["明细"].values)
    assert len(items) - 1 == sum(len(r["invoice"]["items"]) for r in batch["records"])
    assert all(isinstance(row[8], int | float) for row in items[1:])  # 金额 of each line, a number

    assert capture("export", "--again", ids[1], "--format", "csv", "--out", tmp_path / "b.csv", "--store", store).returncode == 0
    rows = list(csv.reader((tmp_path / "b.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:10] == REGISTER_ORDER and len(rows) == 3
    lines = list(csv.reader((tmp_path / "b-明细.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(lines) - 1 == len(items) - 1


def test_export_again_of_an_unknown_batch_is_one_line_and_exit_2(two_runs, tmp_path):
    _, store, ids = two_runs
    done = capture("export", "--again", "20990101T000000000000Z", "--out", tmp_path / "x.json", "--store", store)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "没有批次" in done.stderr and ids[1] in done.stderr and not (tmp_path / "x.json").exists()


def test_desk_exports_are_kept_under_their_batch_id_and_can_be_written_again(tmp_path):
    store = tmp_path / "s.db"
    done = capture("run", inbox_of(tmp_path, "in", "03_digital_special.pdf", "02_legacy_e_normal.pdf"), "--ledger", REGISTER,
                   "--out", tmp_path / "out", "--store", store, "--workers", 1)
    assert done.returncode == 0, done.stderr
    assert "张待复核：capture review --out" in done.stdout  # the next step, said after the run
    with ReviewStore(store) as desk:
        (waiting,) = desk.queue().items
        accepted = waiting.record.model_copy(update={"status": "ready", "reasons": []})
        assert desk.decide(accepted, "测试", "accept", [], "the register row was keyed wrong")
    exports = tmp_path / "exports"
    first = capture("export", "--out", exports / "accepted.json", "--store", store)
    second = capture("export", "--out", exports / "accepted.json", "--store", store)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    kept = sorted((exports / "batches").iterdir())
    assert len(kept) == 2
    batches = [json.loads((folder / "import.json").read_text(encoding="utf-8")) for folder in kept]
    assert [b["count"] for b in batches] == [1, 0] and batches[0]["records"][0]["id"] == waiting.record.id
    assert json.loads((exports / "accepted.json").read_text(encoding="utf-8"))["count"] == 0  # the latest
    again = capture("export", "--again", batches[0]["run_id"], "--out", tmp_path / "again.json", "--store", store)
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["records"] == batches[0]["records"]
    run_id = json.loads((tmp_path / "out" / "import.json").read_text(encoding="utf-8"))["run_id"]
    rerun = capture("export", "--again", run_id, "--out", tmp_path / "run.json", "--store", store)
    assert rerun.returncode == 0
    ids = [r["id"] for r in json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["records"]]
    assert waiting.record.id not in ids  # accepted later at the desk: it went out in the desk's batch only


def test_a_spreadsheet_makes_formula_text_inert_and_keeps_numbers(tmp_path):
    done = capture("run", inbox_of(tmp_path, "in", "02_legacy_e_normal.pdf"), "--out", tmp_path / "out",
                   "--store", tmp_path / "s.db", "--workers", 1)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record["invoice"]["seller"]["name"] = '=HYPERLINK("http://evil","点击")'
    record["invoice"]["items"][0]["name"] = "@SUM(A1)"
    Record.model_validate(record)  # still a valid record
    write_spreadsheet(tmp_path / "x.xlsx", [record], "xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    invoice = list(book["发票"].values)[1]
    assert invoice[3] == '\'=HYPERLINK("http://evil","点击")'
    assert list(book["明细"].values)[1][3] == "'@SUM(A1)"
    assert invoice[7] == float(record["invoice"]["amount"]) and book["发票"].cell(2, 8).number_format == "0.00"
