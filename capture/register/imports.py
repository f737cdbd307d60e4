"""Reading register exports from accounting and tax systems: CSV (UTF-8, UTF-8 with BOM, GBK /
GB18030, decided line by line) and XLSX, Chinese or English headers, amounts and dates in their
common printed forms. The files are read as rows by capture/register/sheets.py, within bounds.

Bad rows are reported with their line numbers; good rows still load.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from capture.contract.money import parse_money
from capture.contract.values import date as normal_date
from capture.errors import UsageError
from capture.register.sheets import csv_rows, refuse_non_text, shown_headers, xlsx_rows

#: Canonical column -> header names as exported by common systems (compared normalised).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("发票代码", "code", "invoicecode", "fpdm"),
    "number": ("发票号码", "数电票号码", "数电发票号码", "全电发票号码", "number", "invoiceno", "invoicenumber", "fphm"),
    "date": ("开票日期", "开票时间", "date", "issuedate", "invoicedate", "kprq"),
    "seller_name": ("销售方名称", "销方名称", "销货方名称", "sellername", "seller", "xfmc"),
    "seller_tax_id": ("销售方纳税人识别号", "销售方识别号", "销方税号", "销售方税号", "销方识别号", "sellertaxid", "xfsbh"),
    "buyer_name": ("购买方名称", "购方名称", "buyername", "buyer", "gfmc"),
    "buyer_tax_id": ("购买方纳税人识别号", "购方税号", "购买方税号", "buyertaxid", "gfsbh"),
    "amount": ("金额", "合计金额", "不含税金额", "amount", "je"),
    "tax": ("税额", "合计税额", "tax", "taxamount", "se"),
    "total": ("价税合计", "含税金额", "total", "totalamount", "jshj"),
}
REQUIRED = ("number",)
#: A 数电 number keyed one digit short or long: held as keyed, so reconciliation and the typing
#: rule (register/typos.py) can name the invoice it was meant to be.
KEYED_WIDTHS = (19, 21)
_PLAIN_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$")


class RegisterEntry(NamedTuple):
    """One invoice already in the books, normalised."""

    line: int
    code: str | None
    number: str
    date: str | None
    seller_name: str | None
    seller_tax_id: str | None
    buyer_name: str | None
    buyer_tax_id: str | None
    amount: str | None
    tax: str | None
    total: str | None


@dataclass
class ParsedRegister:
    """Good rows and the bad ones, each bad row with its line number and why."""

    entries: list[RegisterEntry] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


def normalise_header(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name or "")).strip().lower()
    text = re.sub(r"\(.*?\)|（.*?）|\[.*?\]", "", text)
    return re.sub(r"[\s_\-/:：]", "", text)


def map_columns(
    headers: list[str], overrides: dict[str, str] | None = None,
    known: dict[str, tuple[str, ...]] = HEADER_ALIASES,
) -> dict[str, str]:
    """Canonical column -> header as it appears in the file (`known`: column -> its header names)."""
    by_normal = {normalise_header(h): h for h in headers if h}
    mapping: dict[str, str] = {}
    for column, aliases in known.items():
        for alias in aliases:
            if normalise_header(alias) in by_normal:
                mapping[column] = by_normal[normalise_header(alias)]
                break
    for header, column in (overrides or {}).items():
        if column not in known:
            raise UsageError(f"--map: unknown column {column!r}; use one of {', '.join(known)}")
        if normalise_header(header) not in by_normal:
            raise UsageError(f"--map: the file has no column {header!r}")
        mapping[column] = by_normal[normalise_header(header)]
    return mapping


def parse_map_option(text: str | None) -> dict[str, str]:
    """`表头A=number,表头B=date` -> {"表头A": "number", "表头B": "date"}."""
    if not text:
        return {}
    pairs = {}
    for part in text.split(","):
        header, sep, column = part.partition("=")
        if not sep:
            raise UsageError(f"--map expects HEADER=column pairs, got {part!r}")
        pairs[header.strip()] = column.strip()
    return pairs


def normal_digits(value: object, widths: tuple[int, ...]) -> str | None:
    """An invoice number or code as digits; spreadsheet numbers lose leading zeros, restored here."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        text = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lstrip("'")
        if not text.isdigit():
            return None
    if isinstance(value, int):
        text = next((text.zfill(w) for w in widths if len(text) <= w), text)
    return text if len(text) in widths else None


def normal_money(value: object) -> str | None:
    """A money cell as a two-decimal string; None when it is not an amount."""
    if isinstance(value, int | float):
        value = f"{value:.2f}"
    text = str(value).strip()
    if text.isascii() and _PLAIN_MONEY.match(text):
        return text if text[-3:-2] == "." else str(parse_money(text))
    parsed = parse_money(text)
    return str(parsed) if parsed is not None else None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text or None


class RegisterReader:
    """Streams normalised entries from a register export; bad rows collect in `errors`."""

    def __init__(self, path: Path, overrides: dict[str, str] | None = None) -> None:
        try:
            with path.open("rb") as handle:
                magic = handle.read(4)
            if magic == b"PK\x03\x04":
                headers, self._rows = xlsx_rows(path)
            else:
                refuse_non_text(path)
                headers, self._rows = csv_rows(path)
        except OSError as error:
            raise UsageError(f"cannot read the register {path}: {error.strerror}") from error
        self.columns = map_columns(headers, overrides)
        missing = [c for c in REQUIRED if c not in self.columns]
        if missing:
            raise UsageError(
                f"the register {path.name} has no 发票号码/number column (headers: {shown_headers(headers)}); "
                "name it with --map 'HEADER=number'"
            )
        self._index = {column: headers.index(header) for column, header in self.columns.items()}
        self.errors: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[RegisterEntry]:
        index = list(self._index.items())
        for line, values in self._rows:
            if isinstance(values, str):  # the row itself cannot be read (capture/register/sheets.py)
                self.errors.append((line, values))
                continue
            cells = {}
            for column, position in index:
                value = values[position] if position < len(values) else None
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    cells[column] = value
            if not cells:
                continue
            entry = _entry(line, cells)
            if isinstance(entry, str):
                self.errors.append((line, entry))
            else:
                yield entry


def _entry(line: int, cells: dict[str, object]) -> RegisterEntry | str:
    """A normalised entry, or why the row is bad."""
    raw_number = cells.get("number")
    if raw_number is None:
        return "no invoice number"
    number = normal_digits(raw_number, (8, 20)) or normal_digits(raw_number, KEYED_WIDTHS)
    if number is None:
        return f"invoice number {raw_number!r} is not 8 or 20 digits"
    code = None
    if cells.get("code") is not None:
        code = normal_digits(cells["code"], (10, 12))
        if code is None:
            return f"invoice code {cells['code']!r} is not 10 or 12 digits"
    date = None
    if cells.get("date") is not None:
        date = normal_date(cells["date"])
        if date is None:
            return f"date {cells['date']!r} is not a date"
    money: dict[str, str | None] = {}
    for column in ("amount", "tax", "total"):
        value = cells.get(column)
        money[column] = None if value is None else normal_money(value)
        if value is not None and money[column] is None:
            return f"{column} {value!r} is not an amount"
    tax_id = _text(cells.get("seller_tax_id"))
    buyer_tax_id = _text(cells.get("buyer_tax_id"))
    return RegisterEntry(
        line=line,
        code=code,
        number=number,
        date=date,
        seller_name=_text(cells.get("seller_name")),
        seller_tax_id=tax_id.upper() if tax_id else None,
        buyer_name=_text(cells.get("buyer_name")),
        buyer_tax_id=buyer_tax_id.upper() if buyer_tax_id else None,
        **money,
    )


def read_register_file(path: Path, overrides: dict[str, str] | None = None) -> ParsedRegister:
    """Parse a whole CSV or XLSX register export into memory (for small files and tests)."""
    reader = RegisterReader(path, overrides)
    return ParsedRegister(entries=list(reader), errors=reader.errors, columns=reader.columns)
