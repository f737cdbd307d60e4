"""差额征税 (VAT on the difference): the tax is levied on the amount less a deduction.

Such an invoice prints 差额征税 and the deducted amount in 备注 (差额征税：3000.00。, or
扣除额：3000.00), and its tax is (金额 − 扣除额) × rate, not 金额 × rate: with 价税合计 T,
deduction D and rate r the issuing software prints tax (T − D) × r / (1 + r) and amount T − tax,
so (amount − D) × r = tax.
"""

from __future__ import annotations

import re
from decimal import Decimal

from capture.contract.money import parse_money
from capture.contract.record import Check, Invoice

DIFFERENCE = re.compile(r"差\s*额\s*征\s*税")
DEDUCTION = re.compile(r"(?:差\s*额\s*征\s*税|扣\s*除\s*额)\s*[:：]?\s*[¥￥]?\s*(-?[\d,]+\.\d{2})")


def deduction_of(invoice: Invoice) -> Decimal | None:
    """The deducted amount a 差额征税 invoice prints in 备注; None on other invoices."""
    remarks = invoice.remarks or ""
    if not DIFFERENCE.search(remarks):
        return None
    found = DEDUCTION.search(remarks)
    return parse_money(found.group(1).replace(",", "")) if found else None


def is_difference_taxed(invoice: Invoice) -> bool:
    """The invoice says 差额征税 in 备注 (whether or not its deduction could be read)."""
    return bool(DIFFERENCE.search(invoice.remarks or ""))


#: What the issuing software's rounding leaves between (amount − deduction) × rate and the tax.
TOLERANCE = Decimal("0.06")


def difference_tax(invoice: Invoice) -> list[Check]:
    """The tax of a 差额征税 invoice is (Σ 金额 − 扣除额) × rate; a deduction that cannot be read,
    or lines at several rates, leave the tax unproven."""
    deduction = deduction_of(invoice)
    rates = {item.tax_rate for item in invoice.items}
    amounts = [parse_money(item.amount) if item.amount else None for item in invoice.items]
    tax = parse_money(invoice.tax) if invoice.tax else None
    if deduction is None:
        return [_failed("备注写明差额征税，但扣除额未能读出 (差额征税 invoice: the deduction in 备注 could not be read)")]
    if len(rates) != 1 or None in amounts or tax is None or not re.fullmatch(r"0(\.\d+)?", next(iter(rates)) or ""):
        return [_failed("差额征税：各行税率不一或金额未读出，税额无法验证 (差额征税 with unread amounts or several rates)")]
    rate = Decimal(next(iter(rates)))
    expected = (sum(amounts, Decimal(0)) - deduction) * rate
    ok = abs(expected - tax) <= TOLERANCE
    message = f"差额征税：(金额 {sum(amounts, Decimal(0))} − 扣除额 {deduction}) × {rate} = {expected:.2f}，" + (
        "与税额相符 (tax on the difference agrees)" if ok else f"但税额为 {tax} (tax on the difference disagrees)"
    )
    return [Check(rule="difference_tax", field="tax", ok=ok, message=message)]


def _failed(message: str) -> Check:
    return Check(rule="difference_tax", field="tax", ok=False, message=message)
