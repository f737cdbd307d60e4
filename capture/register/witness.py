"""The tax platform as a witness: a captured invoice compared with the platform's row for its
number. capture/decide.py applies what `platform_witness` finds.

- every compared field agrees, status 正常: a `platform_match` check per field (an independent
  proof of number, date, seller tax ID, amount, tax and total);
- the number is there with other values: `review`, naming each field;
- the platform lists it 已作废, 已红冲, 部分红冲 or 失控/异常: `review` with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from capture.contract.record import Check, Record
from capture.register.platform import PlatformRow, platform_by_key
from capture.register.store import Ledger, invoice_key

#: record field -> (platform column, Chinese label)
COMPARED: dict[str, tuple[str, str]] = {
    "number": ("number", "发票号码"),
    "code": ("code", "发票代码"),
    "date": ("date", "开票日期"),
    "seller.tax_id": ("seller_tax_id", "销方识别号"),
    "amount": ("amount", "金额"),
    "tax": ("tax", "税额"),
    "total": ("total", "价税合计"),
}
STATUS_WORDS = {
    "voided": "已作废", "red_flushed": "已红冲", "partly_red_flushed": "部分红冲", "flagged": "失控/异常",
}


@dataclass
class Witness:
    """What the platform says of one record: passing checks, or reasons for `review`."""

    checks: list[Check] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _value(record: Record, name: str) -> str | None:
    invoice = record.invoice
    return invoice.seller.tax_id if name == "seller.tax_id" else getattr(invoice, name)


def platform_witness(record: Record, ledger: Ledger) -> Witness | None:
    """The platform's word on a record; None when the platform does not list its number."""
    key = invoice_key(record.invoice.code, record.invoice.number)
    rows = platform_by_key(ledger, key) if key else []
    if not rows:
        return None
    row = _best(record, rows)
    found = Witness()
    number = record.invoice.number
    if row.status != "normal":
        words = STATUS_WORDS.get(row.status, row.status)
        found.reasons.append(
            f"税务平台上发票 {number} 的状态为{row.status_text or words}，不可按原票入账"
            f" (the tax platform lists invoice {number} as {row.status}: do not book it as it stands)"
        )
    differing = []
    for name, (column, chinese) in COMPARED.items():
        mine, theirs = _value(record, name), getattr(row, column)
        if theirs is None or mine is None:
            continue
        if mine != theirs:
            differing.append(f"{chinese} 平台 {theirs}，本发票 {mine}")
    if differing:
        found.reasons.append(
            f"税务平台上发票 {number} 的信息不同：" + "；".join(differing)
            + f" (the tax platform holds invoice {number} with other values)"
        )
    if not found.reasons:
        found.checks = [
            Check(rule="platform_match", field=name, ok=True, severity="error",
                  message=f"{chinese}与税务平台发票清单一致 ({row.file}) / agrees with the tax platform's list")
            for name, (column, chinese) in COMPARED.items()
            if getattr(row, column) is not None and _value(record, name) is not None
        ]
    return found


def _best(record: Record, rows: list[PlatformRow]) -> PlatformRow:
    """The row of the direction that fits: the one whose seller is this invoice's seller."""
    seller = record.invoice.seller.tax_id
    return next((r for r in rows if r.seller_tax_id == seller), rows[0])
