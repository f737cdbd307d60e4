"""Taxpayer IDs: the 18-character unified social credit code (GB 32100-2015) and legacy IDs."""

from __future__ import annotations

import datetime as dt
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_LEGACY_ID = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{17}$|^[0-9A-Z]{20}$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code for its first 17."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code over the GB 32100 alphabet whose check digit agrees."""
    if len(code) != 18 or any(c not in _USCC_VALUE for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def is_legacy_tax_id(code: str) -> bool:
    """A taxpayer ID issued before the unified code, accepted as such when its own check digits
    hold: 15 characters (region code + organisation code, GB 11714), 17 digits (a 15-digit
    identity card number + 2) or 20 characters (an 18-character identity card number + 2)."""
    if not _LEGACY_ID.match(code) or code[:2] not in PROVINCES:
        return False
    if len(code) == 15:
        return code[:6].isdigit() and is_org_code(code[6:])
    if len(code) == 17:
        return code.isdigit() and _is_birth_date("19" + code[6:12])
    return is_resident_id(code[:18]) and code[18:].isdigit()


_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
#: Province-level codes that begin every administrative region code (GB/T 2260).
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
}


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714) for its first 8."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def is_org_code(code: str) -> bool:
    """A 9-character organisation code whose check character agrees."""
    if len(code) != 9 or not code[:8].isalnum() or not code[:8].isascii():
        return False
    return org_code_check_char(code[:8].upper()) == code[8]


def _is_birth_date(text: str) -> bool:
    try:
        dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


_ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id_check_char(first17: str) -> str:
    """The 18th character of a resident identity card number (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_CARD_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def is_resident_id(code: str) -> bool:
    """An 18-character resident identity card number with a valid birth date and check
    character, which individual businesses use as their taxpayer ID."""
    if len(code) != 18 or not code[:17].isdigit() or code[17] not in "0123456789X":
        return False
    return code[:2] in PROVINCES and _is_birth_date(code[6:14]) and resident_id_check_char(code[:17]) == code[17]


