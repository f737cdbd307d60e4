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
PEOPLE = {field: re.compile(word + r"\s*[:：]") for field, word in LABEL_WORDS.items()}
#: A label of the signature line with its colon or without.
BARE_PEOPLE = {field: re.compile(word + r"\s*[:：]?") for field, word in LABEL_WORDS.items()}
ANY_PERSON_LABEL = re.compile("|".join(f"(?:{word})" for word in LABEL_WORDS.values()))
#: The 数电 kinds, which print only 开票人.
DIGITAL_KINDS = ("digital_special", "digital_normal")


def people_printed(draft: Draft) -> dict[str, re.Pattern[str]]:
    """A 数电票 prints only 开票人; a 复核人: or 收款人: on it is text in its 备注 box."""
    if draft.invoice["kind"] in DIGITAL_KINDS:
        return {"drawer": PEOPLE["drawer"]}
    return PEOPLE


def read_people(lines: list[Line], draft: Draft, stop: re.Pattern[str]) -> None:
    """收款人, 复核, 开票人: after the label (with its colon; without it on the signature line),
    up to `stop` (any label) or the next person's label."""
    signature = _signature_line(lines)
    for field, pattern in people_printed(draft).items():
        found = find_first(lines, pattern)
        bare = signature is not None and found is None
        if bare:
            match = BARE_PEOPLE[field].search(signature.text)
            found = Found(signature, match) if match else None
        if found:
            value, tokens = value_after(found, _stop_after(stop) if bare else stop)
            draft.put(field, value or None, tokens)


def _signature_line(lines: list[Line]) -> Line | None:
    """The line that prints at least two of the three people's labels."""
    return next((line for line in lines if len(set(ANY_PERSON_LABEL.findall(line.text))) >= 2), None)


def _stop_after(stop: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(f"{stop.pattern}|{ANY_PERSON_LABEL.pattern}")
