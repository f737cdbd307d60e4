"""OCR confidence in the decision: a key field read with low confidence goes to `review`
unless a check proves it (the QR, a check digit, the arithmetic with the 大写 total).

Text layers, OFD and XML read every field with confidence 1.0, so this rule only ever
speaks for scans and photos.
"""

from __future__ import annotations

from capture.contract.fields import chinese_label, field_value, label
from capture.contract.money import LEADING_UNITS
from capture.contract.record import Check
from capture.contract.tokens import SCANNED_KINDS, UNREAD_END, WEAK_CHARACTER, Token

#: Below this OCR confidence a field needs a proof to be `ready`.
LOW_CONFIDENCE = 0.85
KEY_FIELDS = (
    "kind", "code", "number", "date", "check_code",
    "buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id",
    "amount", "tax", "total", "items",
)
#: field -> the (rule, field) checks any one of which proves it when ok.
PROOFS: dict[str, tuple[tuple[str, str], ...]] = {
    "kind": (("kind_consistent", "kind"),),
    "code": (("qr_agreement", "code"),),
    "number": (("qr_agreement", "number"),),
    "date": (("qr_agreement", "date"),),
    "check_code": (("qr_agreement", "check_code"),),
    "buyer.tax_id": (("uscc_check_digit", "buyer.tax_id"),),
    "seller.tax_id": (("uscc_check_digit", "seller.tax_id"),),
    "amount": (("qr_agreement", "amount"),),
    "total": (("qr_agreement", "total"), ("total_in_words", "total")),
}


def _proven(name: str, passed: set[tuple[str, str]]) -> bool:
    if ("repaired", name) in passed:
        return True
    if name == "tax":  # amount + tax = total, with both ends proven
        return ("amount_plus_tax", "total") in passed and _proven("amount", passed) and _proven("total", passed)
    return any(proof in passed for proof in PROOFS.get(name, ()))


def confidence_checks(confidence: dict[str, float], checks: list[Check]) -> list[Check]:
    """One `ocr_confidence` check per key field read with low confidence that no check proves."""
    passed = {(c.rule, c.field) for c in checks if c.ok}
    found = []
    for name in KEY_FIELDS:
        score = confidence.get(name)
        if score is None or score >= LOW_CONFIDENCE or _proven(name, passed):
            continue
        found.append(
            Check(
                rule="ocr_confidence",
                field=name,
                ok=False,
                message=(
                    f"{label(name)} could not be read from the scan: type it from the paper"
                    if score == 0
                    else f"{label(name)} was read with low confidence ({score:.2f}) and nothing proves it: compare it with the paper"
                ),
            )
        )
    return found


#: Fields the weak-character rule leaves alone: the title's kind is checked against the QR and
#: the code; line items have their own doubts (capture/extract/scan_table.py).
NOT_CHARACTER_CHECKED = ("kind", "items")
#: Readings the page's own arithmetic ties to others, so one misread character in them would
#: break it: amount + tax = total, and the 大写 words spell the figures.
TIED: dict[str, tuple[str, str]] = {
    "amount": ("amount_plus_tax", "total"),
    "tax": ("amount_plus_tax", "total"),
    "total": ("amount_plus_tax", "total"),
    "total_in_words": ("total_in_words", "total"),
}


def weak_character_checks(sources: dict[str, list[Token]], invoice: dict, checks: list[Check]) -> list[Check]:
    """One `ocr_character` check per OCR-read field still set that no check proves and whose
    reading holds a guess: a character below WEAK_CHARACTER that a second read did not repeat
    (capture/read/scan/page.py), or ink running on past its last character read (UNREAD_END).
    A line read at 0.99 on the whole may still hold one guessed digit (a photo's bank account
    went out `ready` with a 6 read 5 at 0.63), or have dropped its last glyph (开票人 刘 for 刘萱)."""
    passed = {(c.rule, c.field) for c in checks if c.ok}
    found = []
    for name, tokens in sources.items():
        value = field_value(invoice, name)
        if name in NOT_CHARACTER_CHECKED or value is None or _proven(name, passed) or TIED.get(name) in passed:
            continue
        giving = [t for t in tokens if _gives(t.text, str(value))]
        if not giving:
            continue
        weakest = min(t.weakest for t in giving)
        if weakest < WEAK_CHARACTER:
            why = (f"{chinese_label(name)}有一个字识别把握不大（{weakest:.2f}），没有校验能证明：请对照原件 "
                   f"({label(name)}: one character was read with low confidence ({weakest:.2f}) and nothing proves it: compare it with the paper)")
        elif max(giving, key=lambda t: t.x1).ink_after >= UNREAD_END:
            why = (f"{chinese_label(name)}末尾似乎还有字没有读出：请对照原件 "
                   f"({label(name)}: the scan shows ink after its last character read, so one may be missing: compare it with the paper)")
        else:
            continue
        found.append(Check(rule="ocr_character", field=name, ok=False, message=why))
    return found


def _gives(text: str, value: str) -> bool:
    """Whether a source token holds (part of) the value, its label aside: a party line's tokens
    run on into the 密码区 beside it, whose cipher is no part of the value."""
    token, value = "".join(text.split()), "".join(value.split())
    after_label = token.split("：")[-1].split(":")[-1]
    return bool(token) and (token in value or value in token or bool(after_label) and after_label in value)


WORDS_UNENDED = (
    "价税合计（大写）以“圆”结尾，没有读出“整”字：可能漏读，请对照原件 "
    "(total in words (价税合计大写) ends at 圆 without its 整: it may have been lost in reading: compare it with the paper)"
)


WORDS_UNSTARTED = (
    "价税合计（大写）以单位字开头（如“佰”），前面的“壹”没有读出：请对照原件 "
    "(total in words (价税合计大写) starts with a unit such as 佰: the 壹 before it was not read: compare it with the paper)"
)


def incomplete_words_checks(source_kind: str, words: str | None, repaired: set[str]) -> list[Check]:
    """A doubt on 大写 words an OCR read ending at 圆: a whole amount's words end 圆整, so the 整
    was lost (a photo's 肆万陆仟玖佰陆拾捌圆 spelled the total and went out `ready`); and on words
    starting with a unit (佰叁拾壹圆伍角伍分: the 壹 the form prints before it lost, and the words
    still spell the total), unless the QR and the sums proved the total and the words were
    repaired (capture/verify/repair.py)."""
    if source_kind not in SCANNED_KINDS or not words or "total_in_words" in repaired:
        return []
    checks = []
    if words.endswith(("圆", "元")):
        checks.append(Check(rule="ocr_character", field="total_in_words", ok=False, message=WORDS_UNENDED))
    if words[:1] in LEADING_UNITS:
        checks.append(Check(rule="ocr_character", field="total_in_words", ok=False, message=WORDS_UNSTARTED))
    return checks
