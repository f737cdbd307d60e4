"""Duplicate rules: is this invoice already in the books, earlier in this batch, or emitted by an
earlier run? Each rule is a small comparator; `find_duplicate` runs them for one record and
capture/decide.py applies what it finds, in input order.

- exact: same key (20-digit number, or code + number) and the same facts -> `duplicate`; a file
  read again on purpose is checked against its own superseded records that went out already
- conflict: same key, different total/amount, date or seller -> `review`
- near match: numbers one OCR-confusable or one transposed character apart, with the same
  seller tax ID, date and total -> `review`; not between two invoices whose numbers were both
  read as written (text layer, OFD, XML): no OCR misread them
- typing slip (register only: it was keyed in by hand): a register number one keystroke away
  (register/typos.py), same seller tax ID and total, date within a day -> `review`; a register
  row that another invoice (this batch, an earlier run, the tax platform) holds exactly is that
  invoice's row, not a slip (toll and fuel invoices come in runs of near numbers)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.contract.record import Record
from capture.register.platform import platform_by_key
from capture.register.reprocess import exported_superseded
from capture.register.store import EXACT_KINDS, Ledger, LedgerRow, invoice_key
from capture.register.typos import neighbour_dates, typing_slip

#: Characters OCR confuses, as groups; digits are compared after letters are mapped back.
CONFUSABLE_GROUPS = ["0ODQ", "1lI7", "2Z", "5S6", "8B3"]
_TO_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "Z": "2", "S": "5", "B": "8"})


def _confusable(a: str, b: str) -> bool:
    return any(a in group and b in group for group in CONFUSABLE_GROUPS)


def near_miss(a: str, b: str) -> str | None:
    """How two invoice numbers differ when one is a likely misreading of the other, else None."""
    if a == b or len(a) != len(b):
        return None
    a_digits, b_digits = a.translate(_TO_DIGIT), b.translate(_TO_DIGIT)
    diff = [i for i, (x, y) in enumerate(zip(a_digits, b_digits, strict=True)) if x != y]
    if len(diff) == 1 and _confusable(a_digits[diff[0]], b_digits[diff[0]]):
        return f"one character apart ({a_digits[diff[0]]}/{b_digits[diff[0]]}, a common misreading)"
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a_digits[diff[0]] == b_digits[diff[1]]
        and a_digits[diff[1]] == b_digits[diff[0]]
    ):
        return "two neighbouring digits swapped"
    return None


def differences(record: Record, row: LedgerRow) -> list[str]:
    """Facts on which a record and a row with the same key disagree."""
    invoice = record.invoice
    found = []
    if row.total and invoice.total and row.total != invoice.total:
        found.append(f"total {row.total} there, {invoice.total} on this invoice")
    elif not row.total and row.amount and invoice.amount and row.amount != invoice.amount:
        found.append(f"amount {row.amount} there, {invoice.amount} on this invoice")
    if row.date and invoice.date and row.date != invoice.date:
        found.append(f"date {row.date} there, {invoice.date} on this invoice")
    if row.seller_tax_id and invoice.seller.tax_id and row.seller_tax_id != invoice.seller.tax_id:
        found.append(f"seller {row.seller_tax_id} there, {invoice.seller.tax_id} on this invoice")
    return found


def _row_of(record: Record) -> LedgerRow:
    invoice = record.invoice
    key = invoice_key(invoice.code, invoice.number) or ""
    return LedgerRow(
        f"record:{record.id}", key, invoice.number or "", invoice.date, invoice.seller.tax_id,
        invoice.seller.name, invoice.total, invoice.amount, record.source.kind in EXACT_KINDS,
    )


@dataclass
class BatchIndex:
    """Records seen earlier in this batch, by key and by near-match block."""

    by_key: dict[str, LedgerRow]
    by_block: dict[tuple[str, str, str], list[LedgerRow]]
    #: the keys of every invoice of the batch, duplicates included (the typing rule's series check)
    keys: set[str] = field(default_factory=set)

    @classmethod
    def empty(cls) -> BatchIndex:
        return cls({}, {})

    def add(self, record: Record) -> None:
        row = _row_of(record)
        self.by_key.setdefault(row.key, row)
        block = _block(record)
        if block:
            self.by_block.setdefault(block, []).append(row)


def _block(record: Record) -> tuple[str, str, str] | None:
    invoice = record.invoice
    if invoice.seller.tax_id and invoice.date and invoice.total:
        return invoice.seller.tax_id, invoice.date, invoice.total
    return None


@dataclass(frozen=True)
class Duplicate:
    """What the duplicate rules found: the status it calls for (`duplicate`, or `review` for a
    conflict or a near match), the register row or record it concerns, and why. `same_key`: the
    row holds this very invoice code and number (a duplicate, or a conflict with other facts)."""

    status: str
    of: str
    reason: str
    same_key: bool = False


def find_duplicate(record: Record, ledger: Ledger, batch: BatchIndex) -> Duplicate | None:
    """The duplicate rules for one record (register, this batch, earlier runs); None when it is
    no duplicate of anything."""
    key = invoice_key(record.invoice.code, record.invoice.number)
    if key is None:
        return None
    sources = [
        ("the register", ledger.register_by_key(key)),
        ("this batch", batch.by_key.get(key)),
        ("an earlier run", ledger.emitted_by_key(key)),
        ("an import batch written before this file was read again", exported_superseded(ledger, key)),
    ]
    for where, row in sources:
        if row is None or row.ref == f"record:{record.id}":
            continue
        conflict = differences(record, row)
        if conflict:
            return Duplicate("review", row.ref, f"{where} holds invoice {record.invoice.number} with different facts ({row.ref}): " + "; ".join(conflict), True)
        return Duplicate("duplicate", row.ref, f"already in {where} ({row.ref})", True)
    block = _block(record)
    if block is None:
        return None
    slip = _typing_slip(record, ledger, batch, block)
    if slip is not None:
        return slip
    candidates = [
        ("this batch", batch.by_block.get(block, [])),
        ("an earlier run", ledger.emitted_block(*block)),
    ]
    exact = record.source.kind in EXACT_KINDS
    for where, rows in candidates:
        for row in rows:
            if exact and row.exact:  # both numbers read as written: a series (toll, fuel), not a misreading
                continue
            how = near_miss(record.invoice.number or "", row.number)
            if how:
                return Duplicate(
                    "review", row.ref,
                    f"possible duplicate: {where} holds invoice {row.number} from the same seller, date and total; "
                    f"the numbers are {how} ({row.ref})",
                )
    return None


def _typing_slip(record: Record, ledger: Ledger, batch: BatchIndex, block: tuple[str, str, str]) -> Duplicate | None:
    """A register row keyed one keystroke away from this invoice (or one OCR misreading away)."""
    seller, date, total = block
    number = record.invoice.number or ""
    for row in ledger.register_near(seller, neighbour_dates(date), total):
        how = near_miss(number, row.number) if row.date == date else None
        slip = typing_slip(number, row.number)
        if not (how or slip) or _held_by_another(row.key, ledger, batch):
            continue
        if how:
            return Duplicate(
                "review", row.ref,
                f"possible duplicate: the register holds invoice {row.number} from the same seller, date and total; "
                f"the numbers are {how} ({row.ref})",
            )
        return Duplicate(
            "review", row.ref,
            f"登记簿中有发票 {row.number}，与本发票号码{slip.chinese}，销方、价税合计相同，日期相差不超过一天：是否录入错误？"
            f" (the register holds {row.number}, {slip.english}, same seller, date and total: a typing error? {row.ref})",
        )
    return None


def _held_by_another(key: str, ledger: Ledger, batch: BatchIndex) -> bool:
    """Another invoice has exactly this number: the row is its own, not a slip."""
    return key in batch.keys or key in batch.by_key or ledger.emitted_by_key(key) is not None or bool(platform_by_key(ledger, key))
