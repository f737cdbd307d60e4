"""Reading the invoice list the national e-tax platform exports (发票查询统计 → 全量发票查询, XLSX or
CSV; the 取得 (received) and 开具 (issued) lists; one row per invoice, or one row per line item
in the 明细 export, whose rows are summed into one invoice).

Headers are found by name as in the register importer (`--map` names others); the status
(发票状态, 发票风险等级) is kept as printed and as one of `STATUSES`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from capture.contract.values import date as normal_date
from capture.errors import UsageError
from capture.register.imports import map_columns, normal_digits, normal_money
from capture.register.sheets import check_xlsx_size, csv_rows
from capture.register.store import invoice_key

PLATFORM_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("发票代码",),
    "digital_number": ("数电发票号码", "数电票号码", "全电发票号码"),
    "number": ("发票号码",),
    "seller_tax_id": ("销方识别号", "销售方识别号", "销方纳税人识别号", "销售方纳税人识别号", "销方税号"),
    "seller_name": ("销方名称", "销售方名称"),
    "buyer_tax_id": ("购方识别号", "购买方识别号", "购方纳税人识别号", "购买方纳税人识别号", "购方税号"),
    "buyer_name": ("购买方名称", "购方名称"),
    "date": ("开票日期", "开票时间"),
    "amount": ("金额", "合计金额"),
    "tax": ("税额", "合计税额"),
    "total": ("价税合计",),
    "origin": ("发票来源",),
    "kind": ("发票票种", "票种"),
    "status": ("发票状态",),
    "positive": ("是否正数发票",),
    "risk": ("发票风险等级", "风险等级"),
    "drawer": ("开票人",),
    "remarks": ("备注",),
    "item_name": ("货物或应税劳务名称", "货物或应税劳务、服务名称", "项目名称", "商品名称", "税收分类编码"),
}

#: Canonical statuses: the platform's words for each.
STATUSES: dict[str, tuple[str, ...]] = {
    "normal": ("正常", "蓝字发票", ""),
    "voided": ("已作废", "作废"),
    "red_flushed": ("已红冲", "全额红冲", "红冲", "已冲红", "全部红冲"),
    "partly_red_flushed": ("部分红冲", "部分冲红"),
    "flagged": ("失控", "异常", "异常凭证", "非正常", "疑点发票", "已失控"),
}
_STATUS_BY_WORD = {word: status for status, words in STATUSES.items() for word in words}
_QUIET_RISK = {"", "正常", "无", "无风险", "低", "低风险"}
#: Statuses whose invoice must not be booked as it stands (`partly_red_flushed`: only what remains).
NOT_BOOKABLE = ("voided", "red_flushed", "flagged")
#: Rows searched for the header below a title row.
HEADER_SEARCH = 10
DIRECTIONS = {"received": ("取得", "进项", "received", "收票"), "issued": ("开具", "销项", "issued", "开票")}


class PlatformEntry(NamedTuple):
    """One invoice of the platform's list, normalised (items: 明细 rows summed into it)."""

    line: int
    key: str
    code: str | None
    number: str
    date: str | None
    seller_tax_id: str | None
    seller_name: str | None
    buyer_tax_id: str | None
    buyer_name: str | None
    amount: str | None
    tax: str | None
    total: str | None
    origin: str | None
    kind: str | None
    status: str
    status_text: str | None
    positive: bool | None
    risk: str | None
    drawer: str | None
    remarks: str | None
    items: int


def direction_of(path: Path, given: str | None) -> str:
    """`received` or `issued`: as given, else from the file's name (取得/进项, 开具/销项)."""
    if given:
        if given not in DIRECTIONS:
            raise UsageError(f"--direction must be received (取得) or issued (开具), not {given!r}")
        return given
    found = {d for d, words in DIRECTIONS.items() if any(w in path.name.lower() for w in words)}
    if len(found) != 1:
        raise UsageError(
            f"无法从文件名 {path.name} 判断是取得还是开具发票清单: pass --direction received (取得) or issued (开具)"
        )
    return found.pop()


def status_of(text: str | None, risk: str | None) -> str:
    """The canonical status of a 发票状态 (and 发票风险等级) as the platform prints them."""
    word = (text or "").strip()
    status = _STATUS_BY_WORD.get(word)
    if status is None:
        status = next((s for w, s in _STATUS_BY_WORD.items() if w and w in word), "flagged")
    if status == "normal" and (risk or "").strip() not in _QUIET_RISK:
        return "flagged"
    return status


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


class PlatformReader:
    """Streams normalised invoices from a platform export; bad rows collect in `errors`."""

    def __init__(self, path: Path, overrides: dict[str, str] | None = None) -> None:
        try:
            with path.open("rb") as handle:
                magic = handle.read(4)
            if magic == b"PK\x03\x04":
                headers, rows = _xlsx_rows(path)
            else:
                headers, rows = csv_rows(path)
        except OSError as error:
            raise UsageError(f"cannot read the platform export {path}: {error.strerror}") from error
        headers, self._rows = _header_row(headers, rows)
        self.columns = map_columns(headers, overrides, PLATFORM_ALIASES)
        if "number" not in self.columns and "digital_number" not in self.columns:
            raise UsageError(
                f"税务平台导出文件 {path.name} 没有 发票号码/数电发票号码 列 (headers: {', '.join(map(str, headers))}); "
                "name it with --map 'HEADER=number'"
            )
        self.itemised = "item_name" in self.columns
        self._index = {column: headers.index(header) for column, header in self.columns.items()}
        self.errors: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[PlatformEntry]:
        """One entry per invoice: a 明细 export's rows of one invoice are summed."""
        merged: dict[str, PlatformEntry] = {}
        for line, values in self._rows:
            if isinstance(values, str):  # the row itself cannot be read (capture/register/sheets.py)
                self.errors.append((line, values))
                continue
            cells = {c: values[p] for c, p in self._index.items() if p < len(values) and _text(values[p]) is not None}
            if not cells:
                continue
            entry = _entry(line, cells)
            if isinstance(entry, str):
                self.errors.append((line, entry))
                continue
            before = merged.get(entry.key)
            merged[entry.key] = _add_item(before, entry) if self.itemised and before else entry
        yield from merged.values()


def _has_number_column(headers: list[str]) -> bool:
    columns = map_columns([str(h) for h in headers if h is not None], None, PLATFORM_ALIASES)
    return "number" in columns or "digital_number" in columns


def _header_row(headers: list[str], rows: Iterator[tuple[int, Sequence]]) -> tuple[list[str], Iterator[tuple[int, Sequence]]]:
    """The header row: the first row, or one of the next few when a title (全量发票查询…) or a
    blank row stands above it; otherwise the first row, every row kept (`--map` may name it)."""
    if _has_number_column(headers):
        return headers, rows
    seen = []
    for line, values in rows:
        cells = [] if isinstance(values, str) else [str(v) if v is not None else "" for v in values]
        if _has_number_column(cells):
            return cells, rows
        seen.append((line, values))
        if len(seen) >= HEADER_SEARCH:
            break
    return headers, chain(seen, rows)


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, Sequence]]]:
    """Header and numbered rows of the first sheet, read with calamine (Rust): a 100,000-row
    export in seconds, where openpyxl takes ten times longer."""
    from python_calamine import CalamineError, CalamineWorkbook, XmlError, ZipError

    check_xlsx_size(path)  # a sheet that inflates without limit is refused before it is parsed
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        first_line = sheet.start[0] + 1 if sheet.start else 1
        values = sheet.iter_rows()
    except (CalamineError, XmlError, ZipError, ValueError, IndexError) as error:
        raise UsageError(f"the platform export {path.name} is not a readable XLSX file ({error})") from error
    headers = [str(h) for h in next(values, [])]
    return headers, enumerate(values, start=first_line + 1)


def _add_item(invoice: PlatformEntry, item: PlatformEntry) -> PlatformEntry:
    def plus(a: str | None, b: str | None) -> str | None:
        return None if a is None or b is None else str(Decimal(a) + Decimal(b))

    return invoice._replace(
        amount=plus(invoice.amount, item.amount), tax=plus(invoice.tax, item.tax),
        total=plus(invoice.total, item.total), items=invoice.items + 1,
    )


def _entry(line: int, cells: dict[str, object]) -> PlatformEntry | str:
    """A normalised invoice, or why the row is bad (Chinese first)."""
    digital = normal_digits(cells["digital_number"], (20,)) if "digital_number" in cells else None
    number = digital or (normal_digits(cells["number"], (8, 20)) if "number" in cells else None)
    if number is None:
        raw = cells.get("digital_number", cells.get("number"))
        return f"发票号码 {raw!r} 不是8位或20位数字 (invoice number is not 8 or 20 digits)"
    code = normal_digits(cells["code"], (10, 12)) if "code" in cells and len(number) == 8 else None
    if len(number) == 8 and code is None:
        return f"8位发票号码 {number} 缺少10或12位发票代码 (a legacy number needs its code)"
    raw_date = cells.get("date")
    if isinstance(raw_date, str) and len(raw_date) == 19 and raw_date[10] == " ":  # 2025-07-01 10:22:31, the usual
        raw_date = raw_date[:10]
    date = normal_date(raw_date) if raw_date is not None else None
    if "date" in cells and date is None:
        return f"开票日期 {cells['date']!r} 不是日期 (not a date)"
    money: dict[str, str | None] = {}
    for column in ("amount", "tax", "total"):
        money[column] = normal_money(cells[column]) if column in cells else None
        if column in cells and money[column] is None and _text(cells[column]) not in ("*", "***"):
            return f"{column} {cells[column]!r} 不是金额 (not an amount)"
    status_text, risk = _text(cells.get("status")), _text(cells.get("risk"))
    positive = _text(cells.get("positive"))
    seller, buyer = _text(cells.get("seller_tax_id")), _text(cells.get("buyer_tax_id"))
    return PlatformEntry(
        line=line, key=invoice_key(code, number) or number, code=code, number=number, date=date,
        seller_tax_id=seller.upper() if seller else None, seller_name=_text(cells.get("seller_name")),
        buyer_tax_id=buyer.upper() if buyer else None, buyer_name=_text(cells.get("buyer_name")),
        origin=_text(cells.get("origin")), kind=_text(cells.get("kind")),
        status=status_of(status_text, risk), status_text=status_text,
        positive=None if positive is None else positive in ("是", "Y", "y", "1", "true", "True"),
        risk=risk, drawer=_text(cells.get("drawer")), remarks=_text(cells.get("remarks")), items=1,
        **money,
    )
