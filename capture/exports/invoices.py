"""A batch of records as a spreadsheet: one sheet of invoices (the register's columns first, in
the register's order, so the rows paste into it), one sheet of line items. Money, quantities,
prices and rates are numbers; text that looks like a formula is made inert.
Kinds are named and coded from the one table of kinds (capture/contract/kinds.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from capture.contract.kinds import kind_code, kind_name
from capture.emit import write_atomic
from capture.exports.workbook import Sheet, csv_text, workbook_bytes

STATUS_NAMES = {"ready": "可导入", "review": "待复核", "duplicate": "重复", "rejected": "非发票"}

#: (header, how to get it from a record dict); the first ten are the register's columns in its order
INVOICE_COLUMNS: list[tuple[str, str]] = [
    ("发票代码", "invoice.code"), ("发票号码", "invoice.number"), ("开票日期", "invoice.date"),
    ("销售方名称", "invoice.seller.name"), ("销售方纳税人识别号", "invoice.seller.tax_id"),
    ("购买方名称", "invoice.buyer.name"), ("购买方纳税人识别号", "invoice.buyer.tax_id"),
    ("金额", "invoice.amount"), ("税额", "invoice.tax"), ("价税合计", "invoice.total"),
    ("发票种类", "kind_name"), ("发票种类代码", "kind_code"), ("价税合计（大写）", "invoice.total_in_words"),
    ("校验码", "invoice.check_code"), ("机器编号", "invoice.machine_number"), ("开票人", "invoice.drawer"),
    ("收款人", "invoice.payee"), ("复核", "invoice.reviewer"), ("备注", "invoice.remarks"),
    ("状态", "status_name"), ("原因", "reasons"), ("重复于", "duplicate_of"),
    ("文件", "source.file"), ("页码", "source.page"), ("记录编号", "id"),
]
ITEM_COLUMNS: list[tuple[str, str]] = [
    ("发票代码", "code"), ("发票号码", "number"), ("行号", "line"), ("项目名称", "name"), ("规格型号", "spec"),
    ("单位", "unit"), ("数量", "quantity"), ("单价", "unit_price"), ("金额", "amount"), ("税率", "tax_rate"),
    ("税额", "tax"), ("记录编号", "record_id"),
]
MONEY = {"金额", "税额", "价税合计"}
NUMBERS = MONEY | {"数量", "单价", "税率"}


def _get(data: dict, path: str) -> object:
    value: object = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _number(value: object) -> object:
    """A decimal string as a number (Decimal: exact); anything else (免税, None) as it is."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def invoice_rows(records: Iterable[dict]) -> list[list[object]]:
    rows = []
    for record in records:
        kind = record["invoice"].get("kind")
        name, code = (kind_name(kind), kind_code(kind) or "") if kind else ("", "")
        extra = {
            "kind_name": name, "kind_code": code, "status_name": STATUS_NAMES.get(record["status"], record["status"]),
            "reasons": "；".join(record.get("reasons") or []) or None,
        }
        row = [extra[key] if key in extra else _get(record, key) for _, key in INVOICE_COLUMNS]
        rows.append([_number(v) if h in NUMBERS else v for (h, _), v in zip(INVOICE_COLUMNS, row, strict=True)])
    return rows


def item_rows(records: Iterable[dict]) -> list[list[object]]:
    rows = []
    for record in records:
        invoice = record["invoice"]
        for line, item in enumerate(invoice.get("items") or [], 1):
            values = {**item, "code": invoice.get("code"), "number": invoice.get("number"), "line": line, "record_id": record["id"]}
            rows.append([_number(values.get(key)) if h in NUMBERS else values.get(key) for h, key in ITEM_COLUMNS])
    return rows


def sheets(records: list[dict]) -> tuple[Sheet, Sheet]:
    money = dict.fromkeys(MONEY, "0.00")
    return (
        Sheet("发票", [h for h, _ in INVOICE_COLUMNS], invoice_rows(records), money),
        Sheet("明细", [h for h, _ in ITEM_COLUMNS], item_rows(records), money),
    )


def spreadsheet_bytes(records: list[dict]) -> bytes:
    """The XLSX of some records: sheet 发票 (invoices), sheet 明细 (line items)."""
    return workbook_bytes(sheets(records))


def items_csv_path(path: Path) -> Path:
    """Where the line items go beside an invoices CSV: NAME.csv -> NAME-明细.csv."""
    return path.with_name(f"{path.stem}-明细{path.suffix or '.csv'}")


def write_spreadsheet(path: Path, records: list[dict], fmt: str) -> list[Path]:
    """Write records as `xlsx` (one workbook, two sheets) or `csv` (the invoices in PATH, the
    line items beside it in NAME-明细.csv), each file atomically; the paths written."""
    if fmt == "xlsx":
        write_atomic(path, spreadsheet_bytes(records))
        return [path]
    invoices, items = sheets(records)
    write_atomic(path, csv_text(invoices))
    write_atomic(items_csv_path(path), csv_text(items))
    return [path, items_csv_path(path)]
