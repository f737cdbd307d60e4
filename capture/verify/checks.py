"""Verification rules. Each rule is a small pure function named after what it proves.

A rule takes the invoice and its witnesses (QR payloads, today's date) and returns `Check`s:
`ok=False` with severity "error" keeps the record out of `ready`; "warning" is only reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from capture.contract.fields import field_value, label
from capture.contract.kinds import TRAVEL_KINDS
from capture.contract.money import parse_decimal, parse_money, price_tolerance, words_to_amount
from capture.contract.qr import QrPayload
from capture.contract.record import Check, Invoice
from capture.contract.taxid import is_legacy_tax_id, is_resident_id, is_valid_uscc
from capture.contract.values import NO_TAX_RATES, UNDISCLOSED_RATES
from capture.verify.deduction import difference_tax, is_difference_taxed
from capture.verify.travel import travel_required, travel_sums

DIGITAL_KINDS = {"digital_special", "digital_normal", "digital_toll", "digital_railway", "digital_air"}
LEGACY_KINDS = {"vat_special", "vat_normal", "vat_electronic_special", "vat_electronic_normal", "vat_electronic_toll"}
SPECIAL_KINDS = {"digital_special", "vat_special", "vat_electronic_special"}
CHECK_CODE_KINDS = {"vat_normal", "vat_electronic_normal", "vat_electronic_special", "vat_electronic_toll"}
#: Kinds whose QR code carries the type of the family they belong to (a toll e-invoice's QR says 10).
QR_FAMILY = {"vat_electronic_toll": "vat_electronic_normal", "digital_toll": "digital_normal"}
RATES = {Decimal(r) for r in ("0.13", "0.09", "0.06", "0.05", "0.03", "0.01", "0", "0.17", "0.16", "0.11", "0.10")}
LINE_TAX_TOLERANCE = Decimal("0.06")
INVOICE_TAX_TOLERANCE = Decimal("1.27")
EARLIEST_DATE = dt.date(2000, 1, 1)

@dataclass
class Witnesses:
    """What a rule may compare the printed fields with."""

    qr: list[QrPayload] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)


Rule = Callable[[Invoice, Witnesses], list[Check]]


def _check(rule: str, field_name: str, ok: bool, message: str, severity: str = "error") -> Check:
    return Check(rule=rule, field=field_name, ok=ok, message=message, severity=severity)


def required_fields(invoice: Invoice, _: Witnesses) -> list[Check]:
    """Every field this kind of invoice prints was read (travel e-invoices: verify/travel.py)."""
    if invoice.kind in TRAVEL_KINDS:
        return travel_required(invoice)
    needed = ["kind", "number", "date", "buyer.name", "seller.name", "seller.tax_id", "amount", "total", "total_in_words"]
    if not tax_undisclosed(invoice):
        needed.insert(7, "tax")
    if invoice.kind in LEGACY_KINDS:
        needed.append("code")
    if invoice.kind in CHECK_CODE_KINDS:
        needed.append("check_code")
    if invoice.kind in SPECIAL_KINDS:
        needed.append("buyer.tax_id")
    checks = [
        _check("field_present", name, False, f"{label(name)} could not be read")
        for name in needed
        if field_value(invoice, name) is None
    ]
    if not invoice.items:
        checks.append(_check("field_present", "items", False, "no line items could be read"))
    checks += [
        _check("field_present", f"items[{index}].amount", False, f"第{index + 1}行金额未能读出 (line {index + 1} amount could not be read)")
        for index, item in enumerate(invoice.items)
        if item.amount is None
    ]
    return checks or [_check("field_present", "*", True, "all fields this invoice type prints were read")]


def tax_id_check_digit(invoice: Invoice, _: Witnesses) -> list[Check]:
    """Tax IDs: an 18-character code must pass its GB 32100-2015 check digit (or be a resident
    ID card number, as individual businesses use); 15/17/20-character legacy IDs are accepted as
    such when their own check digits hold (organisation code, identity card number)."""
    checks = []
    for side in ("buyer", "seller"):
        name = f"{side}.tax_id"
        tax_id = field_value(invoice, name)
        if tax_id is None:
            continue
        if len(tax_id) == 18:
            ok = is_valid_uscc(tax_id) or is_resident_id(tax_id)
            message = f"{label(name)} {tax_id} " + ("passes its check digit" if ok else "fails its check digit (GB 32100-2015): a character is misread or mistyped")
        else:
            ok = is_legacy_tax_id(tax_id)
            message = f"{label(name)} {tax_id} " + ("is a legacy taxpayer ID, accepted as such" if ok else "is not a valid taxpayer ID: a character is misread, missing or extra")
        checks.append(_check("uscc_check_digit", name, ok, message))
    return checks


def number_format(invoice: Invoice, _: Witnesses) -> list[Check]:
    """Code and number have the shape the invoice type prints: 数电票 20 digits and no code;
    legacy invoices an 8-digit number and a 10- or 12-digit code."""
    checks = []
    number, code = invoice.number, invoice.code
    if invoice.kind in DIGITAL_KINDS:
        if number is not None:
            ok = len(number) == 20 and number.isdigit()
            checks.append(_check("number_format", "number", ok, f"{label('number')} {number} " + ("has 20 digits" if ok else "should have 20 digits on a 数电票")))
        if code is not None:
            checks.append(_check("number_format", "code", False, f"a 数电票 has no invoice code, but {code} was read"))
    elif invoice.kind in LEGACY_KINDS:
        if number is not None:
            ok = len(number) == 8 and number.isdigit()
            checks.append(_check("number_format", "number", ok, f"{label('number')} {number} " + ("has 8 digits" if ok else "should have 8 digits")))
        if code is not None:
            ok = len(code) in (10, 12) and code.isdigit()
            checks.append(_check("number_format", "code", ok, f"{label('code')} {code} " + ("has 10 or 12 digits" if ok else "should have 10 or 12 digits")))
    if invoice.check_code is not None:
        ok = len(invoice.check_code) == 20 and invoice.check_code.isdigit()
        checks.append(_check("number_format", "check_code", ok, f"{label('check_code')} " + ("has 20 digits" if ok else f"{invoice.check_code} should have 20 digits")))
    return checks


#: The last two digits of a 12-digit 发票代码 that name an electronic invoice type.
ELECTRONIC_CODE_SUFFIX = {"11": "vat_electronic_normal", "12": "vat_electronic_toll", "13": "vat_electronic_special"}


def code_matches_kind(invoice: Invoice, _: Witnesses) -> list[Check]:
    """The 发票代码 agrees with the type in the title: codes of 电子普票 end in 11, of 电子普票
    (通行费) in 12 and of 电子专票 in 13; 10-digit codes belong to paper invoices."""
    code, kind = invoice.code, invoice.kind
    if code is None or kind not in LEGACY_KINDS or not code.isdigit():
        return []
    electronic = len(code) == 12 and ELECTRONIC_CODE_SUFFIX.get(code[-2:])
    ok = electronic == kind if kind in ELECTRONIC_CODE_SUFFIX.values() else not electronic
    message = f"{label('code')} {code} " + ("fits the invoice type" if ok else f"does not fit a {kind} invoice")
    return [_check("code_matches_kind", "code", ok, message)]


#: When each historical VAT rate applied (general rates; 1%/3%/5%/6% and 0 always).
RATE_PERIODS = {
    Decimal("0.17"): (dt.date.min, dt.date(2018, 4, 30)),
    Decimal("0.11"): (dt.date.min, dt.date(2018, 4, 30)),
    Decimal("0.16"): (dt.date(2018, 5, 1), dt.date(2019, 3, 31)),
    Decimal("0.10"): (dt.date(2018, 5, 1), dt.date(2019, 3, 31)),
    Decimal("0.13"): (dt.date(2019, 4, 1), dt.date.max),
    Decimal("0.09"): (dt.date(2019, 4, 1), dt.date.max),
}


def rate_in_period(invoice: Invoice, _: Witnesses) -> list[Check]:
    """A rate that changed in 2018/2019 (17/11 → 16/10 → 13/9) was in force on the issue date;
    red invoices may correct older ones and are exempt."""
    if invoice.date is None or (invoice.total or "").startswith("-"):
        return []
    try:
        date = dt.date.fromisoformat(invoice.date)
    except ValueError:
        return []
    checks = []
    for index, item in enumerate(invoice.items):
        if item.tax_rate in (None, *NO_TAX_RATES, *UNDISCLOSED_RATES):
            continue
        period = RATE_PERIODS.get(Decimal(item.tax_rate))
        if period and not period[0] <= date <= period[1]:
            checks.append(_check("rate_in_period", f"items[{index}].tax_rate", False, f"line {index + 1} tax rate {Decimal(item.tax_rate):.0%} was not in force on {invoice.date}"))
    return checks


def date_valid(invoice: Invoice, witnesses: Witnesses) -> list[Check]:
    """The issue date is a real date, not in the future and not before 2000."""
    if invoice.date is None:
        return []
    try:
        date = dt.date.fromisoformat(invoice.date)
    except ValueError:
        return [_check("date_valid", "date", False, f"{label('date')} {invoice.date} is not a real date")]
    if date > witnesses.today:
        return [_check("date_valid", "date", False, f"{label('date')} {invoice.date} is in the future")]
    if date < EARLIEST_DATE:
        return [_check("date_valid", "date", False, f"{label('date')} {invoice.date} is implausibly old")]
    return [_check("date_valid", "date", True, f"{label('date')} {invoice.date} is a real past date")]


def tax_undisclosed(invoice: Invoice) -> bool:
    """No line prints a tax: each prints its rate as *** (toll invoices), or is 免税/不征税 with its
    tax printed as ***. The invoice then prints no 合计税额 either (*** there): null, not a number."""
    return bool(invoice.items) and all(
        item.tax_rate in UNDISCLOSED_RATES or (item.tax_rate in NO_TAX_RATES and item.tax is None) for item in invoice.items
    )


def _money(value: str | None) -> Decimal | None:
    return parse_money(value) if value is not None else None


def items_sum(invoice: Invoice, _: Witnesses) -> list[Check]:
    """Σ item amounts = 合计金额 and Σ item tax = 合计税额, exact to the cent."""
    if not invoice.items:
        return []
    checks = []
    for column, rule in (("amount", "items_sum_amount"), ("tax", "items_sum_tax")):
        printed = _money(getattr(invoice, column))
        values = [_money(getattr(item, column)) for item in invoice.items]
        if printed is None:
            continue
        if column == "amount" and any(v is None for v in values):
            continue
        total = sum((v or Decimal(0) for v in values), Decimal(0))
        ok = total == printed
        message = f"line items add up to {total}" + (f", matching {label(column)}" if ok else f" but {label(column)} reads {printed}")
        checks.append(_check(rule, column, ok, message))
    return checks


def amount_plus_tax(invoice: Invoice, _: Witnesses) -> list[Check]:
    """合计金额 + 合计税额 = 价税合计, exact to the cent."""
    amount, tax, total = _money(invoice.amount), _money(invoice.tax), _money(invoice.total)
    if tax is None and tax_undisclosed(invoice) and amount is not None and total is not None:
        ok = amount == total
        message = f"发票未列税额(***)：金额 {amount} " + ("= 价税合计" if ok else f"≠ 价税合计 {total}") + " (no tax printed: amount = total)"
        return [_check("amount_plus_tax", "total", ok, message)]
    if amount is None or tax is None or total is None:
        return []
    ok = amount + tax == total
    message = f"amount {amount} + tax {tax} = {amount + tax}" + (" = total" if ok else f", but the total reads {total}")
    return [_check("amount_plus_tax", "total", ok, message)]


def line_tax(invoice: Invoice, _: Witnesses) -> list[Check]:
    """Per line |amount × rate − tax| ≤ 0.06, and over the invoice ≤ 1.27 (the issuing software's
    tolerances); 免税/不征税 lines carry no tax. A 差额征税 invoice is taxed on the difference
    (capture/verify/deduction.py)."""
    if is_difference_taxed(invoice):
        return difference_tax(invoice)
    checks = []
    expected_total = Decimal(0)
    for index, item in enumerate(invoice.items):
        amount, tax = _money(item.amount), _money(item.tax)
        if amount is None or item.tax_rate is None:
            continue
        if item.tax_rate in UNDISCLOSED_RATES:
            if tax is not None:
                checks.append(_check("line_tax", f"items[{index}].tax", False, f"第{index + 1}行税率未披露(***)，却读出税额 {tax}"))
            continue
        if item.tax_rate in NO_TAX_RATES:
            ok = tax in (None, Decimal(0))
            if not ok:
                checks.append(_check("line_tax", f"items[{index}].tax", False, f"line {index + 1} is {item.tax_rate} but shows tax {tax}"))
            continue
        rate = Decimal(item.tax_rate)
        if rate not in RATES:
            checks.append(_check("tax_rate_allowed", f"items[{index}].tax_rate", False, f"line {index + 1} tax rate {rate:%} is not a VAT rate"))
            continue
        expected = amount * rate
        expected_total += expected
        if tax is None:
            continue
        ok = abs(expected - tax) <= LINE_TAX_TOLERANCE
        if not ok:
            checks.append(_check("line_tax", f"items[{index}].tax", False, f"line {index + 1}: {amount} × {rate} = {expected:.2f}, but the tax reads {tax}"))
    tax = _money(invoice.tax)
    if tax is not None and invoice.items:
        ok = abs(expected_total - tax) <= INVOICE_TAX_TOLERANCE
        checks.append(_check("invoice_tax", "tax", ok, f"tax {tax} " + ("agrees with amount × rate" if ok else f"differs from amount × rate ({expected_total:.2f}) by more than 1.27")))
    return checks


def quantity_price(invoice: Invoice, _: Witnesses) -> list[Check]:
    """quantity × unit price ≈ amount (prices are printed with up to 13 decimals)."""
    checks = []
    for index, item in enumerate(invoice.items):
        quantity, price, amount = parse_decimal(item.quantity), parse_decimal(item.unit_price), _money(item.amount)
        if quantity is None or price is None or amount is None:
            continue
        product = quantity * price
        ok = abs(product - amount) <= price_tolerance(quantity)
        if not ok:
            checks.append(_check("quantity_price", f"items[{index}].amount", False, f"line {index + 1}: {quantity} × {price} = {product:.2f}, but the amount reads {amount}"))
    return checks


def total_in_words(invoice: Invoice, _: Witnesses) -> list[Check]:
    """价税合计（大写）parses and spells the same amount as 价税合计（小写）."""
    if invoice.total_in_words is None:
        return []
    try:
        spelled = words_to_amount(invoice.total_in_words)
    except ValueError:
        return [_check("total_in_words", "total_in_words", False, f"total in words {invoice.total_in_words} is not a valid amount in 大写")]
    total = _money(invoice.total)
    if total is None:
        return []
    ok = spelled == total
    message = f"total in words spells {spelled}" + (", matching the total" if ok else f", but the total reads {total}")
    return [_check("total_in_words", "total" if ok else "total_in_words", ok, message)]


def qr_agreement(invoice: Invoice, witnesses: Witnesses) -> list[Check]:
    """The QR code witnesses number, code, date, check code and amount (数电票: the total)."""
    if not witnesses.qr:
        return [_check("qr_present", "number", False, "no QR code was decoded, so nothing witnesses the number and amounts", "warning")]
    qr = witnesses.qr[0]
    checks = []
    pairs = [
        ("number", qr.number, invoice.number),
        ("code", qr.code, invoice.code),
        ("date", qr.date, invoice.date),
        ("check_code", qr.check_code, invoice.check_code),
    ]
    money_field = "total" if qr.amount_is_total else "amount"
    qr_money = str(qr.amount) if qr.amount is not None else None
    pairs.append((money_field, qr_money, invoice.total if qr.amount_is_total else invoice.amount))
    for name, witnessed, printed in pairs:
        if witnessed is None and printed is None:
            continue
        if name == "check_code" and witnessed is None:
            continue  # many QRs leave the check code out
        if name in ("amount", "total"):
            ok = witnessed is not None and printed is not None and abs(Decimal(witnessed)) == abs(Decimal(printed))
        else:
            ok = witnessed == printed
        message = f"QR code agrees on {label(name)}" if ok else f"QR code says {label(name)} is {witnessed}, the invoice reads {printed}"
        checks.append(_check("qr_agreement", name, ok, message))
    crc = qr.crc_ok()
    if crc is not None:
        checks.append(_check("qr_crc", "qr", crc, "QR CRC-16 " + ("verifies" if crc else "does not verify (the QR may be from an unusual issuer)"), "warning"))
    return checks


def kind_consistent(invoice: Invoice, witnesses: Witnesses) -> list[Check]:
    """The invoice type from the title agrees with the QR type."""
    if invoice.kind is None or not witnesses.qr or witnesses.qr[0].kind is None:
        return []
    witnessed = witnesses.qr[0].kind
    ok = witnessed == QR_FAMILY.get(invoice.kind, invoice.kind)
    message = f"invoice type {invoice.kind} " + ("agrees with the QR code" if ok else f"disagrees with the QR code ({witnessed})")
    return [_check("kind_consistent", "kind", ok, message)]


def travel_arithmetic(invoice: Invoice, _: Witnesses) -> list[Check]:
    """A travel e-invoice's fare, surcharges, total and tax agree (capture/verify/travel.py)."""
    return travel_sums(invoice) if invoice.kind in TRAVEL_KINDS else []


RULES: list[Rule] = [
    required_fields,
    tax_id_check_digit,
    number_format,
    code_matches_kind,
    date_valid,
    rate_in_period,
    items_sum,
    amount_plus_tax,
    line_tax,
    quantity_price,
    total_in_words,
    qr_agreement,
    kind_consistent,
    travel_arithmetic,
]


def run_checks(invoice: Invoice, witnesses: Witnesses) -> list[Check]:
    """Every rule over the invoice, in a stable order."""
    return [check for rule in RULES for check in rule(invoice, witnesses)]
