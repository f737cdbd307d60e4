"""Writing a reconciliation: reconcile.json, reconcile.xlsx (a summary sheet, then one sheet a
list, Chinese headers) and verify-list.csv (the fields the national verification service asks
for, 查验). Every file is written atomically; a cell that a spreadsheet would take for a formula
is made inert with a leading '.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from capture.emit import write_atomic, write_json
from capture.exports.workbook import Sheet, workbook_bytes
from capture.reconcile.lists import Lists

SCHEMA = "capture.reconcile/1"
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

#: list name -> (sheet title, [(Chinese header, item key)])
SHEETS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "to_back_enter": ("1 待补录", [
        ("发票代码", "code"), ("发票号码", "number"), ("开票日期", "date"), ("销方识别号", "seller_tax_id"),
        ("销方名称", "seller_name"), ("购方名称", "buyer_name"), ("金额", "amount"), ("税额", "tax"),
        ("价税合计", "total"), ("发票票种", "kind"), ("发票状态", "status_text"), ("已采集记录", "record.id"),
        ("文件", "record.file"), ("说明", "note"),
    ]),
    "not_on_platform": ("2 账上有平台无", [
        ("发票代码", "code"), ("发票号码", "number"), ("开票日期", "date"), ("销方识别号", "seller_tax_id"),
        ("销方名称", "seller_name"), ("价税合计", "total"), ("登记簿行", "register"), ("说明", "note"),
    ]),
    "differences": ("3 信息不一致", [
        ("平台发票号码", "number"), ("账上发票号码", "book_number"), ("开票日期", "date"),
        ("销方识别号", "seller_tax_id"), ("销方名称", "seller_name"), ("价税合计", "total"),
        ("登记簿行", "register"), ("不一致之处（平台 / 账上）", "note"),
    ]),
    "not_bookable": ("4 作废红冲异常", [
        ("发票代码", "code"), ("发票号码", "number"), ("开票日期", "date"), ("销方识别号", "seller_tax_id"),
        ("销方名称", "seller_name"), ("价税合计", "total"), ("平台状态", "status_text"), ("登记簿行", "register"),
        ("已采集记录", "record.id"), ("说明", "note"),
    ]),
    "keyed_twice": ("5 重复录入", [
        ("发票号码", "number"), ("登记簿行", "register"), ("重复行号码", "copy_number"), ("重复行", "copy_register"),
        ("开票日期", "date"), ("销方识别号", "seller_tax_id"), ("销方名称", "seller_name"), ("价税合计", "total"),
        ("说明", "note"),
    ]),
}
SUMMARY_LABELS = {
    "platform_invoices": "税务平台发票数", "register_rows": "登记簿行数", "captured_records": "已采集记录数",
    "to_back_enter": "1 待补录", "not_on_platform": "2 账上有平台无", "differences": "3 信息不一致",
    "not_bookable": "4 作废红冲异常", "keyed_twice": "5 重复录入", "to_verify": "待查验（verify-list.csv）",
}
VERIFY_HEADERS = ["发票代码", "发票号码", "开票日期", "金额", "校验码后6位"]


def inert(value: object) -> object:
    """A cell value a spreadsheet shows as text, never runs: '=…', '+…', '-…', '@…' get a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _get(item: dict, path: str) -> object:
    value: object = item
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def report_json(lists: Lists, meta: dict) -> dict:
    return {
        "schema": SCHEMA, **meta, "summary": lists.counts,
        "lists": {name: getattr(lists, name) for name in SHEETS},
    }


def write_xlsx(path: Path, lists: Lists, meta: dict) -> None:
    """A summary sheet, then one sheet a list (capture/exports/workbook.py writes them)."""
    summary_rows: list[list[object]] = [[label, lists.counts.get(key, 0)] for key, label in SUMMARY_LABELS.items()]
    summary_rows.append([])
    for label, key in (("期间起", "since"), ("期间止", "until"), ("对账日", "today"), ("同步宽限天数", "grace")):
        summary_rows.append([label, inert(str(meta.get(key) or ""))])
    sheets = [Sheet("汇总", ["项目", "数量"], summary_rows)]
    for name, (title, columns) in SHEETS.items():
        rows = [[inert(_get(item, key)) for _, key in columns] for item in getattr(lists, name)]
        sheets.append(Sheet(title, [header for header, _ in columns], rows))
    write_atomic(path, workbook_bytes(sheets))


def verify_rows(lists: Lists) -> list[list[str]]:
    """One row per invoice not matched on the platform: 发票代码, 发票号码, 开票日期 (YYYYMMDD),
    金额 (不含税; 价税合计 for a 数电票, which has no code), the last 6 digits of 校验码."""
    rows = []
    for item in lists.unverified:
        digital = item["code"] is None and len(item["number"]) != 8
        money = item["total"] if digital else item["amount"]
        rows.append([
            item["code"] or "", item["number"], (item["date"] or "").replace("-", ""), money or "",
            (item["check_code"] or "")[-6:],
        ])
    return rows


def write_verify_list(path: Path, lists: Lists) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(VERIFY_HEADERS)
    writer.writerows([[inert(v) for v in row] for row in verify_rows(lists)])
    write_atomic(path, "\ufeff" + buffer.getvalue())


def write_all(out: Path, lists: Lists, meta: dict) -> dict[str, Path]:
    """reconcile.json, reconcile.xlsx and verify-list.csv in `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "reconcile.json", "xlsx": out / "reconcile.xlsx", "verify": out / "verify-list.csv"}
    write_json(paths["json"], report_json(lists, meta))
    write_xlsx(paths["xlsx"], lists, meta)
    write_verify_list(paths["verify"], lists)
    return paths
