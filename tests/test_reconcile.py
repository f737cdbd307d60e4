"""`capture reconcile` on the committed scenario (fixtures/platform): the five lists exactly, the
verification list, the spreadsheet read back, the period and the grace days."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from capture.register.store import Ledger
from fixtures.platform import EXPECTED, TODAY, n

SCENARIO = Path(__file__).resolve().parent.parent / "fixtures" / "platform"
EXPORTS = ["platform-received.xlsx", "platform-received-items.csv", "platform-issued.csv", "platform-issued-items.xlsx"]


def capture(*args):
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True)


def load_scenario(store: Path) -> None:
    for name in EXPORTS:
        result = capture("platform", "import", SCENARIO / name, "--store", store)
        assert result.returncode == 0, result.stderr
    assert capture("ledger", "import", SCENARIO / "register.csv", "--store", store).returncode == 0
    records = [json.loads(line) for line in (SCENARIO / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    with Ledger(store) as ledger:
        ledger.record_run("run-1", records, [])


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reconcile")
    store, out = folder / "capture.db", folder / "out"
    load_scenario(store)
    result = capture("reconcile", "--store", store, "--out", out, "--today", TODAY)
    assert result.returncode == 0, result.stderr
    return result, out, store


def numbers(items, key="number"):
    return [item[key] for item in items]


def test_the_five_lists_exactly(reconciled):
    _, out, _ = reconciled
    report = json.loads((out / "reconcile.json").read_text(encoding="utf-8"))
    lists = report["lists"]
    assert report["schema"] == "capture.reconcile/1" and report["today"] == TODAY and report["grace"] == 3
    assert numbers(lists["to_back_enter"]) == EXPECTED["to_back_enter"]
    assert numbers(lists["not_on_platform"]) == EXPECTED["not_on_platform"]
    assert numbers(lists["differences"]) == EXPECTED["differences"]
    assert numbers(lists["not_bookable"]) == EXPECTED["not_bookable"]
    assert numbers(lists["keyed_twice"], "copy_number") == EXPECTED["keyed_twice"]
    assert report["summary"] == {
        "platform_invoices": 19, "register_rows": 15, "captured_records": 3, "to_back_enter": 4, "not_on_platform": 2,
        "differences": 5, "not_bookable": 3, "keyed_twice": 1, "to_verify": 3,
    }


def test_each_list_says_what_to_do(reconciled):
    _, out, _ = reconciled
    lists = json.loads((out / "reconcile.json").read_text(encoding="utf-8"))["lists"]
    captured, *no_file = lists["to_back_enter"]
    assert captured["record"] == {"id": "00000102-p1", "file": "mail/0102.pdf", "status": "ready"}
    assert all(item["record"] is None and "no file yet" in item["note"] and "税务平台下载" in item["note"] for item in no_file)
    by_number = {item["number"]: item for item in lists["to_back_enter"]}
    assert by_number[n("0116")]["total"] == "2938.00"  # two 明细 rows summed into one invoice
    assert by_number[n("0118")]["direction"] == "issued"
    recent, old = lists["not_on_platform"]
    assert recent["reason"] == "not_synced" and "possibly not synced yet" in recent["note"]
    assert old["reason"] == "not_on_platform" and "possibly mistyped or not genuine" in old["note"]
    amount, changed, swapped, dropped, doubled = lists["differences"]
    assert amount["fields"] == [{"field": "amount", "label": "金额", "platform": "1100.00", "book": "4100.00"}]
    assert amount["slip"] is None
    assert changed["book_number"] == n("0165") and changed["slip"].endswith("(one digit apart)")
    assert changed["fields"] == [{"field": "number", "label": "发票号码", "platform": n("0105"), "book": n("0165")}]
    assert "two neighbouring digits swapped" in swapped["slip"] and swapped["book_number"] == n("1006")
    assert "one digit dropped" in dropped["slip"] and dropped["book_number"] == "2532700000000000017"
    assert "one digit doubled" in doubled["slip"] and doubled["book_number"] == n("01088")
    voided, red, partly = lists["not_bookable"]
    assert voided["status"] == "voided" and voided["register"] == "register:register.csv:8" and "不得入账" in voided["note"]
    assert red["status"] == "red_flushed" and red["register"] is None and red["record"]["id"] == "00000110-p1"
    assert partly["status"] == "partly_red_flushed" and "余额" in partly["note"]
    (twice,) = lists["keyed_twice"]
    assert (twice["number"], twice["register"], twice["copy_register"]) == (n("0114"), "register:register.csv:11", "register:register.csv:12")


def test_verify_list_has_the_fields_the_verification_service_asks_for(reconciled):
    _, out, _ = reconciled
    with (out / "verify-list.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["发票代码", "发票号码", "开票日期", "金额", "校验码后6位"],
        ["", n("0201"), "20250730", "3390.00", ""],
        ["", n("0202"), "20250602", "3503.00", ""],
        ["", n("0301"), "20250720", "3616.00", "567890"],
    ]
    assert [row[1] for row in rows[1:]] == EXPECTED["verify"]


def test_the_spreadsheet_reads_back_with_chinese_headers_and_a_summary(reconciled):
    _, out, _ = reconciled
    book = load_workbook(out / "reconcile.xlsx")
    assert book.sheetnames == ["汇总", "1 待补录", "2 账上有平台无", "3 信息不一致", "4 作废红冲异常", "5 重复录入"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["1 待补录"] == 4 and summary["3 信息不一致"] == 5 and summary["对账日"] == TODAY
    sheet = book["1 待补录"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["发票代码", "发票号码", "开票日期"] and headers[-1] == "说明"
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == EXPECTED["to_back_enter"]
    differences = list(book["3 信息不一致"].iter_rows(min_row=2, values_only=True))
    assert differences[0][-1] == "金额 平台 1100.00 / 账上 4100.00"
    assert [row[2] for row in book["5 重复录入"].iter_rows(min_row=2, values_only=True)] == EXPECTED["keyed_twice"]


def test_a_period_and_the_grace_days(reconciled, tmp_path):
    _, _, store = reconciled
    out = tmp_path / "july"
    assert capture("reconcile", "--store", store, "--out", out, "--since", "2025-07-01", "--until", "2025-07-31",
                   "--today", TODAY, "--grace", "0").returncode == 0
    report = json.loads((out / "reconcile.json").read_text(encoding="utf-8"))
    (row,) = report["lists"]["not_on_platform"]  # June's row is outside the period
    assert row["number"] == n("0201") and row["reason"] == "not_on_platform"  # no grace: 07-30 is not recent
    assert report["since"] == "2025-07-01" and report["until"] == "2025-07-31"


def test_formula_looking_cells_are_inert(tmp_path):
    store, out = tmp_path / "capture.db", tmp_path / "out"
    export = tmp_path / "platform-received.csv"
    export.write_text(
        "发票号码,数电发票号码,销方识别号,销方名称,开票日期,金额,税额,价税合计,发票状态\n"
        f",{n('0901')},91320200796148368W,\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",2025-07-01,100.00,13.00,113.00,正常\n",
        encoding="utf-8",
    )
    assert capture("platform", "import", export, "--store", store).returncode == 0
    assert capture("reconcile", "--store", store, "--out", out, "--today", TODAY).returncode == 0
    sheet = load_workbook(out / "reconcile.xlsx")["1 待补录"]
    name = sheet.cell(row=2, column=5)
    assert name.data_type == "s" and name.value == "'=HYPERLINK(\"http://x\",\"点我\")"


def test_reconcile_without_a_platform_list_is_a_usage_error(tmp_path):
    result = capture("reconcile", "--store", tmp_path / "capture.db", "--out", tmp_path / "out")
    assert result.returncode == 2 and "capture platform import" in result.stderr
    assert not (tmp_path / "out" / "reconcile.json").exists()
    bad = capture("reconcile", "--store", tmp_path / "capture.db", "--out", tmp_path / "out", "--since", "July")
    assert bad.returncode == 2 and "--since" in bad.stderr
