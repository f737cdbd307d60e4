"""The people an invoice names on its signature line: 收款人, 复核 and 开票人.

Each is read after its label up to the next label or column break. A scan can lose a label's
colon (收款人系统 for 收款人：系统, a faint colon under the printer's ribbon): on the signature
line, the line that prints at least two of the three labels, a label without its colon is
still one, and the text right after it is its value.
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.extract.lines import Found, Line, find_first, spaced, value_after

#: The people's fields and the words of their labels.
LABEL_WORDS = {"payee": spaced("收款人"), "reviewer": spaced("复核") + "人?", "drawer": spaced("开票人")}
#: A label with its colon: OCR may read the colon twice (开票人:： on a 150 dpi scan), and the
#: second is no character of the name.
PEOPLE = {field: re.compile(word + r"\s*[:：](?:\s*[:：])*") for field, word in LABEL_WORDS.items()}
#: A label of the signature line with its colon (or colons) or without.
BARE_PEOPLE = {field: re.compile(word + r"(?:\s*[:：])*") for field, word in LABEL_WORDS.items()}
ANY_PERSON_LABEL = re.compile("|".join(f"(?:{word})" for word in LABEL_WORDS.values()))
#: The 数电 kinds, which print only 开票人.
DIGITAL_KINDS = ("digital_special", "digital_normal")
#: The kinds whose form prints 开票人 with a name always filled in.
DRAWER_KINDS = ("vat_special", "vat_normal", "vat_electronic_special", "vat_electronic_normal", *DIGITAL_KINDS)
#: The doubt of a 开票人 line not found; a later page of the invoice that prints it settles it
#: (a 数电 invoice of two pages prints 开票人 on its last).
DRAWER_LOST = ("drawer", "开票人一行没有读出（可能在照片之外或漏读）：请对照原件 (the 开票人 line was not found on the scan: compare it with the paper)")


def people_printed(draft: Draft) -> dict[str, re.Pattern[str]]:
    """A 数电票 prints only 开票人; a 复核人: or 收款人: on it is text in its 备注 box."""
    if draft.invoice["kind"] in DIGITAL_KINDS:
        return {"drawer": PEOPLE["drawer"]}
    return PEOPLE


def read_people(lines: list[Line], draft: Draft, stop: re.Pattern[str]) -> set[str]:
    """收款人, 复核, 开票人: after the label (with its colon; without it on the signature line),
    up to `stop` (any label) or the next person's label. Returns the fields whose label was found."""
    signature = _signature_line(lines)
    labelled: set[str] = set()
    for field, pattern in people_printed(draft).items():
        found = find_first(lines, pattern)
        bare = signature is not None and found is None
        if bare:
            match = BARE_PEOPLE[field].search(signature.text)
            found = Found(signature, match) if match else None
        if found:
            labelled.add(field)
            value, tokens = value_after(found, _stop_after(stop) if bare else stop)
            draft.put(field, value or None, tokens)
    return labelled


def lost_drawer(draft: Draft, labelled: set[str]) -> list[tuple[str, str]]:
    """A scan of a form that prints 开票人 (every VAT and 数电 invoice: the issuing software
    will not issue without one) on which neither the label nor a drawer was read: the line is
    off the photo or lost to OCR, not blank. Fresh photo_real seed 2026120705 (0067): the
    footer below a tilted sheet's 备注 box went unread and the record went out ready."""
    if draft.invoice["kind"] not in DRAWER_KINDS or "drawer" in labelled or draft.invoice["drawer"] is not None:
        return []
    return [DRAWER_LOST]


def _signature_line(lines: list[Line]) -> Line | None:
    """The line that prints at least two of the three people's labels."""
    return next((line for line in lines if len(set(ANY_PERSON_LABEL.findall(line.text))) >= 2), None)


def _stop_after(stop: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(f"{stop.pattern}|{ANY_PERSON_LABEL.pattern}")
