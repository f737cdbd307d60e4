"""Decimal helpers and 大写 (capital Chinese numeral) amounts, both directions.

Money is `Decimal` from the first character read; floats never appear.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {c: i for i, c in enumerate(DIGITS)}
_DIGIT_VALUE.update({"〇": 0, "两": 2})
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}
#: What OCR reads for a 大写 character, and the character: 参 for 叁 (the recogniser's everyday
#: glyph for the financial one), and the traditional forms. None of them is a 大写 character,
#: so the fold never changes a word read as one; the words are still held to the figures.
WORDS_LOOK_ALIKES = str.maketrans("参叄貳陸圓萬億", "叁叁贰陆圆万亿")
#: Marks printed before the words on some invoices; they are not part of the amount.
WORDS_PREFIX_MARKS = "⊗ⓧ×Ⓧ⊕ "
_NEGATIVE_PREFIXES = ("(负数)", "（负数）", "负数", "负")


def parse_decimal(text: str | None) -> Decimal | None:
    """Read a printed number (¥, commas, full-width digits allowed); None when it is not one."""
    if text is None:
        return None
    clean = unicodedata.normalize("NFKC", text).strip()
    clean = clean.replace("¥", "").replace("￥", "").replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", clean):
        return None
    try:
        return Decimal(clean)
    except InvalidOperation:
        return None


def price_tolerance(quantity: Decimal) -> Decimal:
    """How far 数量 × 单价 may lie from the printed 金额: a cent, and half the last place of
    a unit price printed to five decimals (0.000005) for each unit of quantity."""
    return CENT + abs(quantity) * Decimal("0.000005")


def money(value: Decimal) -> str:
    """Format money with exactly two decimals, half-up."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def parse_money(text: str | None) -> Decimal | None:
    """Read a printed money amount; None unless it has at most two decimals."""
    value = parse_decimal(text)
    if value is None or value != value.quantize(CENT):
        return None
    return value.quantize(CENT)


def _four_digits_to_words(n: int) -> str:
    """0 < n < 10000, with inner zeros spoken as a single 零."""
    out = ""
    zero_pending = False
    for unit_value, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        out += DIGITS[digit] + unit
    return out


#: The units 大写 words never start with on an invoice: it prints 壹拾, 壹佰, 壹仟, 壹万, 壹亿.
LEADING_UNITS = "拾佰仟万亿"


def integer_to_words(n: int) -> str:
    """Spell a non-negative integer in 大写 (壹拾 keeps its 壹, as invoices print it)."""
    if n == 0:
        return "零"
    if n >= 10**8:
        high, low = divmod(n, 10**8)
        tail = "" if low == 0 else ("零" if low < 10**7 else "") + integer_to_words(low)
        return integer_to_words(high) + "亿" + tail
    high, low = divmod(n, 10**4)
    if not high:
        return _four_digits_to_words(low)
    tail = "" if low == 0 else ("零" if low < 1000 else "") + _four_digits_to_words(low)
    return _four_digits_to_words(high) + "万" + tail


def amount_to_words(value: Decimal, *, negative_prefix: str = "负") -> str:
    """Spell a money amount the way VAT invoices print 价税合计（大写）.

    12.30 -> 壹拾贰圆叁角整; 80.05 -> 捌拾圆零伍分; 0.50 -> 伍角整; 100 -> 壹佰圆整.
    """
    cents = int((abs(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = ""
    if yuan:
        out = integer_to_words(yuan) + "圆"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out = out + "整" if out else "零圆整"
    return (negative_prefix + out) if value < 0 else out


def strip_words_marks(words: str) -> str:
    """Remove the ⊗/ⓧ marks and spaces printed around the words."""
    return unicodedata.normalize("NFC", words).strip(WORDS_PREFIX_MARKS).replace(" ", "")


def _parse_integer_words(text: str) -> int:
    """Parse the integer part of 大写 words; raises ValueError on bad grammar."""
    total = 0
    section = 0  # below 万
    digit: int | None = None
    for char in text:
        if char in _DIGIT_VALUE:
            if digit is not None and digit != 0 and _DIGIT_VALUE[char] != 0:
                raise ValueError(f"two digits in a row at {char!r}")
            digit = _DIGIT_VALUE[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        elif char in _BIG_UNITS:
            section += digit or 0
            digit = None
            if char == "亿":
                total = (total + section) * _BIG_UNITS[char]
            else:
                # 万 after 亿 (…亿…万) or 万亿 (the group already multiplied).
                total = total + section * _BIG_UNITS[char] if section else total * 10**4
            section = 0
        else:
            raise ValueError(f"unexpected character {char!r}")
    return total + section + (digit or 0)


def words_to_amount(words: str) -> Decimal:
    """Parse printed 大写 words to a Decimal; raises ValueError when they do not parse.

    Accepts 圆 or 元, 整 or 正, an optional 零 before 角/分, and a 负/（负数） prefix.
    """
    text = strip_words_marks(words)
    negative = False
    for prefix in _NEGATIVE_PREFIXES:
        if text.startswith(prefix):
            negative, text = True, text[len(prefix):]
            break
    text = text.rstrip("整正")
    if not text:
        raise ValueError("no amount in words")
    match = re.fullmatch(r"(?:(.*?)[圆元])?(?:零?([^角分]*)角)?(?:零?([^角分]*)分)?", text)
    if not match or not any(match.groups()):
        raise ValueError(f"not an amount in words: {words!r}")
    yuan_text, jiao_text, fen_text = match.groups()
    yuan = _parse_integer_words(yuan_text) if yuan_text else 0
    jiao = _single_digit(jiao_text) if jiao_text is not None else 0
    fen = _single_digit(fen_text) if fen_text is not None else 0
    value = (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(CENT)
    return -value if negative else value


def _single_digit(text: str) -> int:
    if len(text) != 1 or text not in _DIGIT_VALUE:
        raise ValueError(f"not a single digit: {text!r}")
    return _DIGIT_VALUE[text]
