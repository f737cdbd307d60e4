"""The invoice QR code's payload: its fields, parsed, and its CRC (decoding pixels is
capture/read/qr.py).

Payload: ``ver,type,code,number,amount,YYYYMMDD,check,CRC,`` e.g.
``01,32,,24312000000136634917,0.01,20240514,,1DD6``. Types 01/04/10/20 carry the amount
*excluding* tax; 31/32 (数电票) carry the total *including* tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from capture.contract.money import parse_money

#: QR invoice type -> record kind.
QR_TYPE_KINDS = {
    "01": "vat_special",
    "04": "vat_normal",
    "10": "vat_electronic_normal",
    "20": "vat_electronic_special",
    "31": "digital_special",
    "32": "digital_normal",
}
TOTAL_INCLUDING_TAX_TYPES = {"31", "32"}


@dataclass(frozen=True)
class QrPayload:
    """The fields of an invoice QR code."""

    raw: str
    version: str
    type: str
    code: str | None
    number: str | None
    amount: Decimal | None
    date: str | None  # YYYY-MM-DD
    check_code: str | None
    crc: str | None

    @property
    def amount_is_total(self) -> bool:
        """True when the QR amount includes tax (数电票), False when it is 合计金额."""
        return self.type in TOTAL_INCLUDING_TAX_TYPES

    @property
    def kind(self) -> str | None:
        return QR_TYPE_KINDS.get(self.type)

    def crc_ok(self) -> bool | None:
        """None when the QR has no CRC field."""
        if not self.crc:
            return None
        return f"{qr_crc16(self.raw):04X}" == self.crc.upper()


def crc16_buypass(data: bytes) -> int:
    """CRC-16 with polynomial 0x8005, initial value 0, not reflected (CRC-16/BUYPASS)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def qr_crc16(raw: str) -> int:
    """The CRC an invoice QR carries: over its first seven fields, each followed by a comma."""
    fields = raw.strip().split(",")
    return crc16_buypass((",".join(fields[:7]) + ",").encode("ascii", "replace"))


def _blank(value: str) -> str | None:
    value = value.strip()
    return value or None


def parse_qr(raw: str) -> QrPayload | None:
    """Parse an invoice QR payload; None when the text is not one."""
    text = raw.strip()
    fields = text.split(",")
    if len(fields) < 7 or not fields[0].isdigit() or not fields[1].strip().isdigit():
        return None
    date = fields[5].strip()
    if len(date) != 8 or not date.isdigit():
        return None
    return QrPayload(
        raw=text,
        version=fields[0].strip(),
        type=fields[1].strip(),
        code=_blank(fields[2]),
        number=_blank(fields[3]),
        amount=parse_money(fields[4].strip()),
        date=f"{date[:4]}-{date[4:6]}-{date[6:]}",
        check_code=_blank(fields[6]),
        crc=_blank(fields[7]) if len(fields) > 7 else None,
    )


def make_qr_payload(
    kind_type: str,
    code: str | None,
    number: str,
    amount: str,
    date: str,
    check_code: str | None,
) -> str:
    """Build a payload with its CRC, as issuing software does (used by the fixture generator)."""
    head = ",".join(["01", kind_type, code or "", number, amount, date.replace("-", ""), check_code or ""])
    crc = f"{crc16_buypass((head + ',').encode('ascii')):04X}"
    return f"{head},{crc}," if kind_type not in TOTAL_INCLUDING_TAX_TYPES else f"{head},{crc}"
