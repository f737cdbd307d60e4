"""Checks of the 数电 travel e-invoices (digital_railway, digital_air; capture/extract/travel.py).

They print no seller tax ID, no amount before tax, no 大写 total and no goods table, so they need
fields of their own: number, date, buyer, passenger, a trip and the total; a flight also its
issuer (填开单位) and 增值税税额. Their arithmetic is their own: a train ticket's 票价 is its total;
a flight's 合计 is 票价 + 燃油附加费 + 民航发展基金 + 其他税费, and its 增值税税额 is the VAT in
票价 + 燃油附加费 at the printed rate: (票价 + 燃油附加费) × r / (1 + r), to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from capture.contract.fields import field_value, label
from capture.contract.money import parse_money
from capture.contract.record import Check, Invoice

NEEDED = {
    "digital_railway": ("kind", "number", "date", "buyer.name", "total", "travel.passenger", "travel.fare"),
    "digital_air": (
        "kind", "number", "date", "buyer.name", "seller.name", "tax", "total", "travel.passenger",
        "travel.fare", "travel.tax_rate",
    ),
}
CENT = Decimal("0.01")


def _check(rule: str, field: str, ok: bool, message: str) -> Check:
    return Check(rule=rule, field=field, ok=ok, message=message)


def _money(value: str | None) -> Decimal:
    return parse_money(value) if value is not None else Decimal(0)


def travel_required(invoice: Invoice) -> list[Check]:
    """Every field this travel e-invoice prints was read, and at least one trip."""
    checks = [
        _check("field_present", name, False, f"{label(name)} could not be read")
        for name in NEEDED[invoice.kind or "digital_railway"]
        if field_value(invoice, name) is None
    ]
    travel = invoice.travel
    if travel is None or not travel.trips or any(trip.service is None or trip.date is None for trip in travel.trips):
        checks.append(_check("field_present", "travel.trips", False, "行程（车次/航班、日期）未能读出 (the trip could not be read)"))
    return checks or [_check("field_present", "*", True, "all fields this invoice type prints were read")]


def travel_sums(invoice: Invoice) -> list[Check]:
    """A train's 票价 is its total; a flight's parts add up to 合计 and its tax is the VAT in
    fare and surcharge at the printed rate."""
    travel = invoice.travel
    if travel is None or travel.fare is None or invoice.total is None:
        return []
    fare, total = _money(travel.fare), _money(invoice.total)
    if invoice.kind == "digital_railway":
        ok = fare == total
        return [_check("travel_sum", "total", ok, f"票价 {fare} " + ("= 价税合计" if ok else f"≠ 价税合计 {total}"))]
    surcharge = _money(travel.fuel_surcharge)
    parts = fare + surcharge + _money(travel.development_fund) + _money(travel.other_taxes)
    ok = parts == total
    checks = [_check("travel_sum", "total", ok, "票价 + 燃油附加费 + 民航发展基金 + 其他税费 = " + f"{parts}" + (" = 合计" if ok else f", 但合计为 {total}"))]
    if travel.tax_rate is None or invoice.tax is None or not travel.tax_rate[0].isdigit():
        return checks
    rate = Decimal(travel.tax_rate)
    expected = ((fare + surcharge) * rate / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    tax = _money(invoice.tax)
    ok = abs(expected - tax) <= CENT
    message = f"(票价 + 燃油附加费) × {rate} / (1 + {rate}) = {expected}" + ("，与增值税税额一致" if ok else f"，但增值税税额为 {tax}")
    return [*checks, _check("travel_tax", "tax", ok, message)]
