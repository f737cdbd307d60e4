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
