"""Every mistake a user can make ends in exit 2 with one clear line (Chinese first), never exit 3
with a traceback or raw bytes: a register that is an old .xls, a PDF or random bytes; a .db that
is not a store; a store missing for a read-only command (never created by it); `-` for standard
output."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INBOX, REGISTER

INVOICE = INBOX / "02_legacy_e_normal.pdf"


def capture(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and len(lines[0]) < 400 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def bad_registers(folder: Path) -> dict[str, tuple[Path, str]]:
    """Files people take for a register export, and the words their error must say."""
    old_excel = folder / "台账.xls"  # an OLE2 compound file, as Excel 97-2003 saves
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 16)
    pdf = folder / "register.pdf"
    shutil.copy(INVOICE, pdf)
    noise = folder / "register.csv"
    noise.write_bytes(random.Random(20).randbytes(20000))
    return {"xls": (old_excel, "旧版 Excel (.xls)"), "pdf": (pdf, "PDF"), "bytes": (noise, "不是 CSV 或 XLSX")}


@pytest.mark.parametrize("case", ["xls", "pdf", "bytes"])
def test_a_register_that_is_not_csv_or_xlsx_is_one_line_and_exit_2(case, tmp_path):
    path, words = bad_registers(tmp_path)[case]
    for done in (capture("ledger", "import", path, "--store", tmp_path / "s.db"),
                 capture("run", INVOICE, "--ledger", path, "--out", tmp_path / "out", "--store", tmp_path / "r.db")):
        line = one_line(done)
        assert line.startswith("error: 登记簿") and words in line
    assert not (tmp_path / "out").exists()


def test_a_db_that_is_not_a_store_is_one_line_and_exit_2_and_left_alone(tmp_path):
    foreign = tmp_path / "crm.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    text = tmp_path / "notes.db"
    text.write_text("not a database at all\n" * 100, encoding="utf-8")
    for store in (foreign, text):
        for done in (capture("ledger", "stats", "--store", store),
                     capture("run", INVOICE, "--ledger", store, "--out", tmp_path / "out")):
            assert "不是" in one_line(done)
    with sqlite3.connect(foreign) as db:  # no capture table was added to someone else's database
        assert [name for (name,) in db.execute("SELECT name FROM sqlite_master")] == ["customers"]


@pytest.mark.parametrize("command", [["ledger", "stats"], ["ledger", "export"], ["export", "--out", "x.json"],
                                     ["ledger", "forget", "a.pdf"]])
def test_read_only_commands_never_create_a_missing_store(command, tmp_path):
    line = one_line(capture(*command, "--store", tmp_path / "typo.db", cwd=tmp_path))
    assert "没有这个存储" in line and "no such ledger store" in line
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "x.json").exists()


def test_dash_means_standard_output(tmp_path):
    store = tmp_path / "s.db"
    assert capture("ledger", "import", REGISTER, "--store", store).returncode == 0
    done = capture("ledger", "export", "--store", store, "--out", "-", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.lstrip("\ufeff").startswith("发票代码,发票号码")
    assert not (tmp_path / "-").exists()
    xlsx = subprocess.run([sys.executable, "-m", "capture.cli", "export", "--store", str(store), "--out", "-",
                           "--format", "xlsx"], capture_output=True, cwd=tmp_path, timeout=300)
    assert xlsx.returncode == 0 and xlsx.stdout.startswith(b"PK\x03\x04") and not (tmp_path / "-").exists()


def test_bad_options_of_the_new_commands_are_one_line(tmp_path):
    store = tmp_path / "s.db"
    assert capture("ledger", "import", REGISTER, "--store", store).returncode == 0
    assert "--format" in one_line(capture("export", "--out", tmp_path / "x", "--format", "pdf", "--store", store))
    assert "--what" in one_line(capture("schema", "--what", "everything"))
    assert "config" in one_line(capture("--config", tmp_path / "none.toml", "ledger", "stats"))
