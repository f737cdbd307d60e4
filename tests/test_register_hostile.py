"""Hostile register exports and stores: every row problem is a line-numbered error and the good
rows load; an XLSX that inflates without bound is refused or read within bounds; ledger export
neutralises formula-looking cells; two processes opening a new store at once both succeed; the
review desk refuses a non-loopback --host (it has no login)."""

from __future__ import annotations

import csv
import multiprocessing
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

from capture.emit import spreadsheet_cell
from capture.errors import UsageError
from capture.register import sheets
from capture.register.imports import read_register_file
from capture.register.store import MIGRATIONS, Ledger
from tests.conftest import ROOT

HEADER = "发票代码,发票号码,开票日期,销售方名称,销售方纳税人识别号,金额,税额,价税合计\n"


def _row(number: str, seller: str = "甲公司") -> str:
    return f"041001900111,{number},2019-09-19,{seller},91410100MA44HUD80N,91.59,11.91,103.50\n"


def test_a_field_over_128_kb_is_one_bad_row(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + _row("32321709") + _row("32321710", "乙" * 140_000) + _row("32321711"), encoding="utf-8")
    parsed = read_register_file(path)
    assert [e.number for e in parsed.entries] == ["32321709", "32321711"]
    assert [line for line, _ in parsed.errors] == [3]
    assert "field" in parsed.errors[0][1]


def test_a_utf8_file_with_one_gbk_row_reads_every_row(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes((HEADER + _row("32321709", "甲公司")).encode() + _row("32321710", "乙公司").encode("gbk")
                     + _row("32321711", "丙公司").encode())
    parsed = read_register_file(path)
    assert [(e.number, e.seller_name) for e in parsed.entries] == [
        ("32321709", "甲公司"), ("32321710", "乙公司"), ("32321711", "丙公司")]
    assert parsed.errors == []


def test_a_bom_followed_by_gbk_reads(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + _row("32321709", "甲公司")).encode("gbk"))
    parsed = read_register_file(path)
    assert [(e.number, e.seller_name) for e in parsed.entries] == [("32321709", "甲公司")]


def test_undecodable_and_overlong_lines_are_bad_rows_by_number(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_LINE_BYTES", 4096)
    path = tmp_path / "register.csv"
    path.write_bytes(
        HEADER.encode() + _row("32321709").encode()
        + b"041001900111,32321710,2019-09-19,\xff\xfe\x80\xff,x\n"  # neither UTF-8 nor GB18030
        + b"041001900111,32321711," + b"9" * 10_000 + b"\n"  # longer than the line bound
        + b"041001900111,32321712,2019-09-19,\x00,x\n"
        + _row("32321713").encode()
    )
    parsed = read_register_file(path)
    assert [e.number for e in parsed.entries] == ["32321709", "32321712", "32321713"]  # a NUL is text
    problems = dict(parsed.errors)
    assert sorted(problems) == [3, 4]
    assert "neither UTF-8 nor GBK" in problems[3] and "longer than" in problems[4]


def test_ledger_import_of_a_hostile_csv_reports_lines_and_loads_the_rest(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(HEADER.encode() + _row("32321709").encode() + b"\xff\xfe\xfa\n"
                     + _row("32321710", "乙" * 140_000).encode() + _row("32321711", "丙公司").encode("gbk"))
    done = subprocess.run([sys.executable, "-m", "capture.cli", "ledger", "import", str(path),
                           "--store", str(tmp_path / "c.db")], cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stderr.decode("utf-8")
    assert "2 rows added" in text and "2 bad rows" in text
    assert "line 3:" in text and "line 4:" in text
    assert len(done.stderr) < 2000  # the raw bytes of the file are not on the terminal


def _xlsx_with_far_cells(path, rows: int) -> None:
    """A small XLSX whose rows reach the last column (XFD): read naively, every row is 16384 wide."""
    book = Workbook()
    sheet = book.active
    sheet.append(["发票号码", "价税合计"])
    sheet.append(["32321709", "103.50"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    body = "".join(f'<row r="{n}"><c r="XFD{n}" t="n"><v>1</v></c></row>' for n in range(3, rows + 3))
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace("</sheetData>", body + "</sheetData>")
    xml = xml.replace('<dimension ref="A1:B2"/>', f'<dimension ref="A1:XFD{rows + 2}"/>')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_an_xlsx_reaching_the_last_column_is_read_within_bounds(tmp_path):
    path = tmp_path / "wide.xlsx"
    _xlsx_with_far_cells(path, 20_000)
    parsed = read_register_file(path)
    assert [e.number for e in parsed.entries] == ["32321709"]
    assert parsed.errors == []  # the far cells are beyond the columns read: empty rows


def test_an_xlsx_that_inflates_past_the_bound_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    _xlsx_with_far_cells(path, 10)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 3_000_000 + b"</sst>")
    monkeypatch.setattr(sheets, "MAX_XLSX_SHARED_STRINGS_BYTES", 1_000_000)
    with pytest.raises(UsageError, match="inflates"):
        read_register_file(path)


def test_ledger_export_neutralises_formula_cells(tmp_path):
    register = tmp_path / "register.csv"
    with register.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER.strip().split(","))
        for number, seller in (("32321709", '=HYPERLINK("http://evil","点击")'), ("32321710", "+cmd|' /C calc'!A0"),
                               ("32321711", "@SUM(A1)")):
            writer.writerow(["041001900111", number, "2019-09-19", seller, "91410100MA44HUD80N", "91.59", "11.91", "103.50"])
        writer.writerow(["041001900111", "32321712", "2019-09-19", "-2+3", "91410100MA44HUD80N", "-91.59", "-11.91", "-103.50"])
    store, out = tmp_path / "c.db", tmp_path / "export.csv"
    cli = [sys.executable, "-m", "capture.cli", "ledger"]
    assert subprocess.run([*cli, "import", str(register), "--store", str(store)], cwd=ROOT, timeout=120).returncode == 0
    assert subprocess.run([*cli, "export", "--store", str(store), "--out", str(out)], cwd=ROOT, timeout=120).returncode == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    sellers = [row[3] for row in rows[1:]]
    assert sellers == ["'=HYPERLINK(\"http://evil\",\"点击\")", "'+cmd|' /C calc'!A0", "'@SUM(A1)", "'-2+3"]
    assert rows[4][7:10] == ["-91.59", "-11.91", "-103.50"]  # negative amounts stay numbers
    assert spreadsheet_cell(42) == 42 and spreadsheet_cell("甲") == "甲"


def _open_store(path: str, start: multiprocessing.synchronize.Event) -> None:
    start.wait()
    Ledger(path).close()


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path):
    for attempt in range(3):
        path = str(tmp_path / f"new{attempt}.db")
        context = multiprocessing.get_context("spawn")
        start = context.Event()
        workers = [context.Process(target=_open_store, args=(path, start)) for _ in range(6)]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=120)
        assert [w.exitcode for w in workers] == [0] * 6
        with Ledger(path) as ledger:
            assert ledger.schema_version == len(MIGRATIONS)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_review_refuses_a_non_loopback_host_without_a_login(tmp_path, host):
    store = tmp_path / "c.db"
    Ledger(store).close()
    done = subprocess.run([sys.executable, "-m", "capture.cli", "review", "--store", str(store), "--host", host],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing --host" in done.stderr and "no login" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("error:")]) == 1


def test_loopback_hosts_are_loopback():
    from capture.review.serve import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "evil.localhost.example"))
