"""Repairs, made only where two independent witnesses prove the value. Never back-compute a
missing field just to make a check pass.

- number, code, date, check code: the decoded QR code gives the value, the QR demonstrably
  belongs to this invoice (the others of number, date and amount agree), and what was read is
  missing or a near miss of it (a misreading, not another invoice);
- 合计金额 from a QR that carries it, when the line items add up to it and amount + tax = total;
- 价税合计 when the 大写 words and amount + tax both give the same figure (数电票: or the QR);
- 合计税额 when the line items' taxes add up to the 大写 total less 合计金额 (itself the sum of
  the line amounts);
- 价税合计（大写）, a misread or cut-short reading of the words the total spells, when a QR
  whose CRC verifies and the sums (items, amount + tax) both prove the total: the words are the
  total spelled, and the tax system prints them from it.

Each repair is recorded as a `repaired` check naming the field, what was read and why.

A field the page does not show at all (blurred, under a seal, cut off) is no repair: where the
QR's CRC verifies and nothing read contradicts it, the QR's number, code, date, check code and
sum fill it, each with a failed `qr_only` check, so the record waits for a person with the
values in place and says where they came from.
"""

from __future__ import annotations

from decimal import Decimal

from capture.contract.fields import chinese_label, label
from capture.contract.money import LEADING_UNITS, amount_to_words, parse_money, words_to_amount
from capture.contract.qr import QrPayload
from capture.contract.record import Check, Invoice

QR_FIELDS = ("number", "code", "date", "check_code")
#: 大写 words of the spelled total's length with at most this many characters read otherwise
#: are the total's words misread (a photo read 贰佰致拾万… for 贰佰壹拾万…).
WORDS_MISREAD = 3


def _near(read: str | None, witnessed: str) -> bool:
    """Missing, or a misreading: same length with at most two characters different, or one
    character dropped or doubled."""
    if read is None:
        return True
    if len(read) == len(witnessed):
        return sum(a != b for a, b in zip(read, witnessed, strict=True)) <= 2
    shorter, longer = sorted((read, witnessed), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _money(value: str | None) -> Decimal | None:
    return parse_money(value) if value is not None else None


def _items_sum(invoice: Invoice, column: str) -> Decimal | None:
    """The line items' column added up; None without items or when one is unread."""
    values = [_money(getattr(item, column)) for item in invoice.items]
    return sum(values, Decimal(0)) if values and None not in values else None


def _qr_values(qr: QrPayload) -> dict[str, str | None]:
    return {"number": qr.number, "code": qr.code, "date": qr.date, "check_code": qr.check_code}


def _belongs(invoice: Invoice, qr: QrPayload, skip: str) -> bool:
    """The QR is this invoice's: of number, date and amount, all but the field being repaired
    agree with what was read."""
    printed = invoice.total if qr.amount_is_total else invoice.amount
    agree = {
        "number": qr.number is not None and invoice.number == qr.number,
        "date": qr.date is not None and invoice.date == qr.date,
        "amount": qr.amount is not None and _money(printed) == qr.amount,
    }
    return all(ok for name, ok in agree.items() if name != skip)


def _repaired(name: str, read: str | None, value: str, why: str) -> Check:
    shown = "nothing" if read is None else read
    return Check(
        rule="repaired", field=name, ok=True, severity="warning",
        message=f"{label(name)} repaired: read {shown}, {why} {value}",
    )


def repair_from_qr(invoice: Invoice, qr: QrPayload) -> tuple[Invoice, list[Check]]:
    """Identity fields the QR proves (see module docstring)."""
    changes: dict[str, str] = {}
    checks = []
    for name, witnessed in _qr_values(qr).items():
        read = getattr(invoice, name)
        if witnessed is None or read == witnessed or not _near(read, witnessed):
            continue
        if _belongs(invoice, qr, skip=name):
            changes[name] = witnessed
            checks.append(_repaired(name, read, witnessed, "the QR code gives"))
    return (invoice.model_copy(update=changes) if changes else invoice), checks


def fill_from_qr(invoice: Invoice, qr: QrPayload) -> tuple[Invoice, list[Check]]:
    """The fields the page did not show, from a QR whose CRC verifies and which nothing read
    contradicts (see module docstring)."""
    if qr.crc_ok() is not True:
        return invoice, []
    money_field = "total" if qr.amount_is_total else "amount"
    witnessed = {**_qr_values(qr), money_field: str(qr.amount) if qr.amount is not None else None}
    read = {name: getattr(invoice, name) for name in witnessed}
    if any(
        value is not None and read[name] is not None and (_money(read[name]) != qr.amount if name == money_field else read[name] != value)
        for name, value in witnessed.items()
    ):
        return invoice, []
    changes = {name: value for name, value in witnessed.items() if value is not None and read[name] is None}
    checks = [
        Check(
            rule="qr_only", field=name, ok=False,
            message=f"{chinese_label(name)}只从二维码读出（{value}），票面上没能读出：请对照原件 "
            f"({label(name)} taken from the QR code alone ({value}): the printed one could not be read: compare it with the paper)",
        )
        for name, value in changes.items()
    ]
    return (invoice.model_copy(update=changes) if changes else invoice), checks


def repair_amounts(invoice: Invoice, qr: QrPayload | None) -> tuple[Invoice, list[Check]]:
    """合计金额, 价税合计 and 合计税额 where two witnesses agree on the value."""
    checks: list[Check] = []
    amount, tax, total = _money(invoice.amount), _money(invoice.tax), _money(invoice.total)
    items_sum = _items_sum(invoice, "amount")
    witnessed = qr.amount if qr is not None and not qr.amount_is_total else None
    proven = witnessed is not None and items_sum == witnessed and tax is not None and witnessed + tax == total
    if proven and amount != witnessed:
        checks.append(_repaired("amount", invoice.amount, str(witnessed), "the QR code and the line items give"))
        invoice = invoice.model_copy(update={"amount": str(witnessed)})
        amount = witnessed
    try:
        spelled = words_to_amount(invoice.total_in_words) if invoice.total_in_words else None
    except ValueError:
        spelled = None
    if spelled is not None and total != spelled and amount is not None and tax is not None and amount + tax == spelled:
        checks.append(_repaired("total", invoice.total, str(spelled), "the 大写 words and amount + tax both give"))
        invoice = invoice.model_copy(update={"total": str(spelled)})
    taxes_sum = _items_sum(invoice, "tax")
    if (
        taxes_sum is not None and tax != taxes_sum and spelled is not None and spelled == _money(invoice.total)
        and amount is not None and amount == items_sum and spelled - amount == taxes_sum
    ):
        checks.append(_repaired("tax", invoice.tax, str(taxes_sum), "the line items and the 大写 total less the amount both give"))
        invoice = invoice.model_copy(update={"tax": str(taxes_sum)})
    total = _money(invoice.total)
    words = amount_to_words(total) if total is not None else ""
    # words cut short of the closing 整 spell the total still, but are not what the form prints
    # (a whole amount's words end 圆整): a photo's 肆万陆仟玖佰陆拾捌圆 went out `ready` so. After
    # 角 the 整 is the writer's choice (a real e-invoice prints 壹佰零叁圆伍角): kept as read
    read = invoice.total_in_words or ""
    cut_short = spelled == total and read.endswith("圆") and f"{read}整" == words
    if (spelled != total and _words_near(invoice.total_in_words, words, spelled) or cut_short) and _total_witnessed(invoice, qr):
        checks.append(_repaired("total_in_words", invoice.total_in_words, words, "the QR code and the sums prove the total, which spells"))
        invoice = invoice.model_copy(update={"total_in_words": words})
    # words that lost their leading 壹 (佰叁拾壹圆伍角伍分 on a photo) spell the total too, as 大写
    # words are read with an unwritten 壹 before a unit, but the form always prints it: the 壹 is
    # put back (the rest kept as read: after 角 the 整 is the writer's choice)
    elif spelled == total and read[:1] in LEADING_UNITS and _total_witnessed(invoice, qr):
        checks.append(_repaired("total_in_words", read, f"壹{read}", "the QR code and the sums prove the total, whose words print 壹 before"))
        invoice = invoice.model_copy(update={"total_in_words": f"壹{read}"})
    return invoice, checks


def _total_witnessed(invoice: Invoice, qr: QrPayload | None) -> bool:
    """Whether the 价税合计 figure has two witnesses besides its 大写 words: a QR whose CRC
    verifies giving it (or 合计金额), and the sums: items add up to 合计金额 and 合计税额, and
    amount + tax = total."""
    amount, tax, total = _money(invoice.amount), _money(invoice.tax), _money(invoice.total)
    if qr is None or qr.crc_ok() is not True or qr.amount is None or None in (amount, tax, total):
        return False
    added_up = _items_sum(invoice, "amount") == amount and _items_sum(invoice, "tax") == tax and amount + tax == total
    return added_up and qr.amount == (total if qr.amount_is_total else amount)


def _words_near(read: str | None, spelled: str, read_value: Decimal | None) -> bool:
    """Whether 大写 words read are the spelled words misread: cut short (a run of them), or of
    their length with at most WORDS_MISREAD characters read as others that spell no amount (words
    that spell another amount whole contradict the figures: a person decides)."""
    if not read or len(read) < 2:
        return False
    if read in spelled:
        return True
    return read_value is None and len(read) == len(spelled) and sum(a != b for a, b in zip(read, spelled, strict=True)) <= WORDS_MISREAD


def repair(invoice: Invoice, qr: list[QrPayload]) -> tuple[Invoice, list[Check]]:
    """Apply every provable repair and fill what only the QR shows; returns the invoice and the
    `repaired` and `qr_only` checks."""
    payload = qr[0] if qr else None
    checks: list[Check] = []
    if payload is not None:
        invoice, checks = repair_from_qr(invoice, payload)
        invoice, filled = fill_from_qr(invoice, payload)
        checks += filled
    invoice, more = repair_amounts(invoice, payload)
    return invoice, checks + more
