"""Taxpayer IDs: the 18-character unified social credit code (GB 32100-2015) and legacy IDs."""

from __future__ import annotations

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
    """15/17/20-character taxpayer IDs issued before the unified code (accepted as such)."""
    return bool(_LEGACY_ID.match(code))


_ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
#: First two characters of a unified code: registration authority and organisation type.
USCC_PREFIXES = {
    "11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51", "52",
    "53", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9", "N1",
    "N2", "N3", "N9", "Y1",
}


def is_resident_id(code: str) -> bool:
    """An 18-character resident identity card number (ISO 7064 MOD 11-2), which individual
    businesses use as their taxpayer ID."""
    if len(code) != 18 or not code[:17].isdigit() or code[17] not in "0123456789X":
        return False
    total = sum(int(c) * w for c, w in zip(code[:17], _ID_CARD_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == code[17]


def looks_like_damaged_uscc(code: str) -> bool:
    """A 17-character ID that reads like a unified code with one character lost: its prefix is
    a registration-authority code and an administrative region code follows."""
    return len(code) == 17 and code[:2] in USCC_PREFIXES and code[2:8].isdigit()
