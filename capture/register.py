"""The existing invoice register (CSV export) and the exact-match duplicate check.

A later version keeps the register in an embedded store with near-match logic; this module reads
a CSV export (UTF-8, UTF-8 with BOM, or GB18030) with Chinese or English headers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from capture.amounts import parse_money
from capture.errors import UsageError
from capture.records import Record

HEADERS = {
    "code": ("发票代码", "code", "invoice_code"),
    "number": ("发票号码", "number", "invoice_number", "数电票号码"),
    "date": ("开票日期", "date", "issue_date"),
    "seller_name": ("销售方名称", "seller_name", "seller"),
    "seller_tax_id": ("销售方纳税人识别号", "销售方税号", "seller_tax_id"),
    "amount": ("金额", "amount", "合计金额"),
    "tax": ("税额", "tax", "合计税额"),
    "total": ("价税合计", "total"),
}


@dataclass(frozen=True)
class RegisterRow:
    """One invoice already in the books."""

    line: int
    code: str | None
    number: str
    date: str | None
    seller_tax_id: str | None
    total: str | None
    amount: str | None

    @property
    def ref(self) -> str:
        return f"register:line {self.line}"


def invoice_key(code: str | None, number: str | None) -> str | None:
    """The identity of an invoice: 20-digit number, or code + number."""
    if not number:
        return None
    return number if len(number) == 20 or not code else f"{code}-{number}"


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError("the register is neither UTF-8 nor GB18030 text")


def _normal_date(text: str) -> str | None:
    digits = "".join(c if c.isdigit() else " " for c in text).split()
    if len(digits) == 1 and len(digits[0]) == 8:
        digits = [digits[0][:4], digits[0][4:6], digits[0][6:]]
    if len(digits) < 3:
        return None
    return f"{int(digits[0]):04d}-{int(digits[1]):02d}-{int(digits[2]):02d}"


class Register:
    """Register rows indexed by invoice key."""

    def __init__(self, rows: list[RegisterRow]) -> None:
        self.rows = {}
        for row in rows:
            key = invoice_key(row.code, row.number)
            if key:
                self.rows.setdefault(key, row)

    @classmethod
    def empty(cls) -> Register:
        return cls([])

    @classmethod
    def from_csv(cls, path: Path) -> Register:
        """Read a register CSV export; rows without a number are skipped."""
        try:
            text = _decode(path.read_bytes())
        except OSError as error:
            raise UsageError(f"cannot read the register {path}: {error.strerror}") from error
        reader = csv.DictReader(io.StringIO(text))
        columns = {name: _find_column(reader.fieldnames or [], options) for name, options in HEADERS.items()}
        if columns["number"] is None:
            raise UsageError(f"the register {path} has no 发票号码/number column")
        rows = []
        for line, row in enumerate(reader, start=2):
            def cell(name: str, row: dict = row) -> str | None:
                column = columns[name]
                value = (row.get(column) or "").strip() if column else ""
                return value or None

            number = cell("number")
            if not number:
                continue
            total = parse_money(cell("total"))
            amount = parse_money(cell("amount"))
            date = cell("date")
            rows.append(
                RegisterRow(
                    line=line,
                    code=cell("code"),
                    number=number,
                    date=_normal_date(date) if date else None,
                    seller_tax_id=cell("seller_tax_id"),
                    total=str(total) if total is not None else None,
                    amount=str(amount) if amount is not None else None,
                )
            )
        return cls(rows)

    def find(self, record: Record) -> RegisterRow | None:
        key = invoice_key(record.invoice.code, record.invoice.number)
        return self.rows.get(key) if key else None


def _find_column(fieldnames: list[str], options: tuple[str, ...]) -> str | None:
    normal = {name.strip().lower(): name for name in fieldnames if name}
    for option in options:
        if option.lower() in normal:
            return normal[option.lower()]
    return None


def conflicts(record: Record, row: RegisterRow) -> list[str]:
    """How a register row with the same key differs from the record."""
    invoice = record.invoice
    found = []
    if row.total and invoice.total and row.total != invoice.total:
        found.append(f"total {row.total} in the register, {invoice.total} on the invoice")
    elif row.amount and invoice.amount and row.amount != invoice.amount:
        found.append(f"amount {row.amount} in the register, {invoice.amount} on the invoice")
    if row.date and invoice.date and row.date != invoice.date:
        found.append(f"date {row.date} in the register, {invoice.date} on the invoice")
    if row.seller_tax_id and invoice.seller.tax_id and row.seller_tax_id != invoice.seller.tax_id:
        found.append(f"seller {row.seller_tax_id} in the register, {invoice.seller.tax_id} on the invoice")
    return found


def apply_duplicates(records: list[Record], register: Register) -> None:
    """Mark records already in the register, or earlier in this batch, as duplicates; a register
    row with the same number but different facts sends the record to review."""
    seen: dict[str, str] = {}
    for record in records:
        if record.status == "rejected":
            continue
        key = invoice_key(record.invoice.code, record.invoice.number)
        if key is None:
            continue
        row = register.find(record)
        if row is not None:
            differences = conflicts(record, row)
            record.duplicate_of = row.ref
            if differences:
                record.status = "review"
                record.reasons = [*record.reasons, "the register holds this invoice number with different facts: " + "; ".join(differences)]
            else:
                record.status = "duplicate"
                record.reasons = [*record.reasons, f"already in the register ({row.ref})"]
        elif key in seen:
            record.duplicate_of = seen[key]
            record.status = "duplicate"
            record.reasons = [*record.reasons, f"the same invoice appears earlier in this batch ({seen[key]})"]
        else:
            seen[key] = record.id
