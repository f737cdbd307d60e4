"""`capture platform import`: the platform's export in XLSX and CSV (GBK too), per invoice and per
item (明细), statuses kept, a newer export updating rows, bad rows reported by line."""

import subprocess
import sys
from pathlib import Path

import pytest

from capture.errors import UsageError
from capture.register.platform import import_platform, platform_by_key, platform_rows
from capture.register.platform_export import PlatformReader, direction_of, status_of
from capture.register.store import Ledger
from fixtures.platform import PLATFORM_HEADERS, n, write_csv
from fixtures.platform import platform_rows as scenario_rows

SCENARIO = Path(__file__).resolve().parent.parent / "fixtures" / "platform"


def capture(*args):
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True)


def load(ledger, path: Path, direction: str = "received"):
    reader = PlatformReader(path)
    return import_platform(ledger, reader, path.name, path.name.ljust(64, "0"), direction, reader.errors)


def test_xlsx_and_gbk_csv_read_the_same_invoices():
    from_xlsx = list(PlatformReader(SCENARIO / "platform-received.xlsx"))
    from_csv = list(PlatformReader(SCENARIO / "platform-received.csv"))
    assert from_xlsx == from_csv and len(from_xlsx) == 14
    first = from_xlsx[0]
    assert (first.key, first.code, first.date, first.seller_tax_id, first.total) == (
        n("0101"), None, "2025-07-01", "91320200796148368W", "1130.00")
    legacy = next(e for e in from_xlsx if e.number == "12345678")
    assert legacy.key == "3100251130-12345678" and legacy.code == "3100251130"
    assert {e.number: e.status for e in from_xlsx if e.status != "normal"} == {
        n("0109"): "voided", n("0110"): "red_flushed", n("0111"): "partly_red_flushed", n("0112"): "voided"}
    assert first.origin == "电子发票服务平台" and first.positive is True and first.risk == "正常" and first.drawer == "王会计"


def test_item_rows_are_summed_into_one_invoice():
    reader = PlatformReader(SCENARIO / "platform-received-items.csv")
    entries = list(reader)
    assert reader.itemised and not reader.errors
    assert [(e.number, e.items, e.amount, e.tax, e.total) for e in entries] == [
        (n("0115"), 3, "2500.00", "325.00", "2825.00"), (n("0116"), 2, "2600.00", "338.00", "2938.00")]


def test_a_newer_export_updates_statuses_and_never_duplicates(tmp_path):
    with Ledger(tmp_path / "capture.db") as ledger:
        first = load(ledger, SCENARIO / "platform-received.xlsx")
        assert (first.added, first.updated, first.unchanged) == (14, 0, 0)
        rows = scenario_rows("received")
        for row in rows:
            if row[3] == n("0103"):
                row[PLATFORM_HEADERS.index("发票状态")] = "已作废"
        newer = tmp_path / "platform-received-2025-08.csv"
        write_csv(newer, PLATFORM_HEADERS, rows)
        second = load(ledger, newer)
        assert (second.added, second.updated, second.unchanged) == (0, 1, 13)
        assert second.status_changes == [(n("0103"), "normal", "voided")]
        assert len(platform_rows(ledger)) == 14
        (row,) = platform_by_key(ledger, n("0103"))
        assert row.status == "voided" and row.status_text == "已作废" and row.file == newer.name
        again = load(ledger, newer)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 14)
        load(ledger, SCENARIO / "platform-issued.csv", "issued")
        assert len(platform_rows(ledger)) == 16 and ledger.stats()["platform_invoices"] == 16


def test_bad_rows_are_reported_by_line_and_the_rest_loads(tmp_path):
    export = tmp_path / "platform-received.csv"
    export.write_text(
        "数电发票号码,发票代码,发票号码,开票日期,价税合计,发票状态\n"
        f"{n('0001')},,,2025-07-01,113.00,正常\n"
        "123,,,2025-07-01,113.00,正常\n"
        f"{n('0003')},,,2025-13-45,113.00,正常\n"
        ",,87654321,2025-07-01,113.00,正常\n"
        f"{n('0005')},,,2025-07-01,一百,正常\n"
        f"{n('0006')},,,2025-07-01,113.00,失控\n",
        encoding="utf-8",
    )
    reader = PlatformReader(export)
    entries = list(reader)
    assert [e.number for e in entries] == [n("0001"), n("0006")] and entries[1].status == "flagged"
    assert [line for line, _ in reader.errors] == [3, 4, 5, 6]
    assert "不是8位或20位数字" in reader.errors[0][1] and "缺少10或12位发票代码" in reader.errors[2][1]


def test_statuses_and_risk_levels():
    assert status_of("正常", "正常") == "normal"
    assert status_of(None, None) == "normal"
    assert status_of("已作废", None) == "voided"
    assert status_of("已红冲", None) == "red_flushed" and status_of("全额红冲", None) == "red_flushed"
    assert status_of("部分红冲", None) == "partly_red_flushed"
    assert status_of("失控", None) == "flagged" and status_of("异常凭证", None) == "flagged"
    assert status_of("正常", "疑点发票") == "flagged"


def test_direction_from_the_name_or_the_option(tmp_path):
    assert direction_of(Path("全量发票查询_取得.xlsx"), None) == "received"
    assert direction_of(Path("全量发票查询_开具.csv"), None) == "issued"
    assert direction_of(Path("export.csv"), "issued") == "issued"
    with pytest.raises(UsageError, match="--direction"):
        direction_of(Path("export.csv"), None)
    unclear = tmp_path / "export.csv"
    unclear.write_text("数电发票号码\n" + n("0001") + "\n", encoding="utf-8")
    result = capture("platform", "import", unclear, "--store", tmp_path / "c.db")
    assert result.returncode == 2 and "--direction" in result.stderr
    assert capture("platform", "import", unclear, "--store", tmp_path / "c.db", "--direction", "received").returncode == 0


def test_map_names_other_headers(tmp_path):
    export = tmp_path / "received.csv"
    export.write_text("票号,日子,状态\n" + n("0001") + ",2025-07-01,已红冲\n", encoding="utf-8")
    result = capture("platform", "import", export, "--store", tmp_path / "c.db")
    assert result.returncode == 2 and "--map" in result.stderr
    result = capture("platform", "import", export, "--store", tmp_path / "c.db", "--map", "票号=digital_number,日子=date,状态=status")
    assert result.returncode == 0, result.stderr
    with Ledger(tmp_path / "c.db") as ledger:
        (row,) = platform_by_key(ledger, n("0001"))
    assert (row.date, row.status, row.direction) == ("2025-07-01", "red_flushed", "received")
    wrong = capture("platform", "import", export, "--store", tmp_path / "c.db", "--map", "票号=numero")
    assert wrong.returncode == 2 and "unknown column" in wrong.stderr


def test_a_title_row_above_the_header_and_a_damaged_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["全量发票查询导出结果（取得）"])
    sheet.append([])
    sheet.append(["数电发票号码", "开票日期", "价税合计", "发票状态"])
    sheet.append([n("0001"), "2025-07-01 08:00:00", 113.0, "已作废"])
    sheet.append([n("0002"), "2025/07/02", "bad", "正常"])
    export = tmp_path / "received.xlsx"
    book.save(export)
    reader = PlatformReader(export)
    (entry,) = list(reader)
    assert (entry.number, entry.date, entry.total, entry.status, entry.line) == (n("0001"), "2025-07-01", "113.00", "voided", 4)
    assert reader.errors == [(5, "total 'bad' 不是金额 (not an amount)")]
    damaged = tmp_path / "damaged-received.xlsx"
    damaged.write_bytes(export.read_bytes()[:300])
    result = capture("platform", "import", damaged, "--store", tmp_path / "c.db")
    assert result.returncode == 2 and "not a readable XLSX file" in result.stderr
