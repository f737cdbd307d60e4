"""Words from characters with boxes: the one grouper behind PDF text layers, OFD text objects and
OCR boxes. What differs between the sources is a `WordRules`; an OCR box is first turned into
characters placed in proportion to their widths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from capture.contract.tokens import Token, clean_text

if TYPE_CHECKING:
    from capture.read.ocr import TextBox

#: text, left, top, right, bottom (top-left origin, page units)
Char = tuple[str, float, float, float, float]

#: OCR reads the ¥ before a sum as Y: Y95.22 is ¥95.22 (money always has two decimals).
MISREAD_YEN = re.compile(r"^[Yy](?=-?[\d,]*\d\.\d{2}$)")
#: With `measure="word"`, the size a gap is measured in is at least this (a point on a PDF page).
MIN_WORD_SIZE = 1.0


@dataclass(frozen=True, slots=True)
class WordRules:
    """What ends a word. Whitespace does (`spaces`: only these characters; None: any whitespace or
    an empty character), except one space between characters where `keep_single_space`. Between
    characters with no space, the next one starts a new word when its gap is wider than `gap`
    sizes, when it starts more than `overlap` sizes back, or (`line_change`) when its middle is
    half a size or more off the word's. `measure` "word": the gap from the word's right edge, in
    sizes of the word or the character, whichever is taller (at least MIN_WORD_SIZE); "char": the
    gap from the last character's right edge, in heights of the next character."""

    keep_single_space: bool = False
    spaces: str | None = None
    gap: float | None = None
    overlap: float | None = None
    line_change: bool = False
    measure: Literal["word", "char"] = "word"


#: A PDF text layer: every space ends a word, so do line changes, gaps and overlaps.
PDF_WORDS = WordRules(gap=0.3, overlap=0.5, line_change=True, measure="word")
#: One line of an OFD text object: "Mate 60 Pro" is one value, in one table column.
OFD_WORDS = WordRules(keep_single_space=True, gap=1.0, measure="char")
#: An OCR box: its text split at spaces (the engine puts them where it saw gaps).
OCR_WORDS = WordRules(spaces=" ")


def group_words(chars: Iterable[Char], rules: WordRules) -> list[Token]:
    """Words of a run of characters. A word's box runs from its first character's left to the
    furthest right and bottom and the highest top of its characters; its text is cleaned
    (`clean_text`), and a word left empty is dropped."""
    tokens: list[Token] = []
    text = ""
    box: list[float] = []
    last: Char | None = None
    spaces = 0
    kept = 1 if rules.keep_single_space else 0
    for char in chars:
        if _is_space(char[0], rules.spaces):
            spaces += 1
            continue
        _, left, top, right, bottom = char
        if last is not None and (spaces > kept or _splits(rules, box, last, char)):
            _add(tokens, text, box)
            text, box, last = "", [], None
        elif last is not None and spaces:
            text += " "
        spaces = 0
        if last is not None:
            box = [box[0], min(box[1], top), max(box[2], right), max(box[3], bottom)]
        else:
            box = [left, top, right, bottom]
        text += char[0]
        last = char
    if last is not None:
        _add(tokens, text, box)
    return tokens


def _is_space(text: str, spaces: str | None) -> bool:
    return text in spaces if spaces is not None else not text or text.isspace()


def _splits(rules: WordRules, box: list[float], last: Char, char: Char) -> bool:
    """Whether `char`, after `last` with no space between, starts a new word."""
    _, left, top, right, bottom = char
    if rules.measure == "word":
        size = max(box[3] - box[1], bottom - top, MIN_WORD_SIZE)
        gap = left - box[2]
    else:
        size = bottom - top
        gap = left - last[3]
    if rules.line_change and not abs((top + bottom) / 2 - (box[1] + box[3]) / 2) < size * 0.5:
        return True
    if rules.gap is not None and gap > size * rules.gap:
        return True
    return rules.overlap is not None and gap < -size * rules.overlap


def _add(tokens: list[Token], text: str, box: list[float]) -> None:
    text = clean_text(text)
    if text:
        tokens.append(Token(text, *box))


# --- OCR boxes -----------------------------------------------------------------------------------


def _char_width(char: str) -> float:
    """Relative printed width: CJK and full-width characters are about twice a digit."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


def box_chars(box: TextBox, scale: float = 1.0) -> list[Char]:
    """An OCR box's text as characters across its box, each as wide as its printed width; the
    characters of a word follow each other without a gap, and each space is as wide as a digit.
    Coordinates divided by `scale` (pixels -> page units)."""
    xs = [p[0] for p in box.polygon]
    ys = [p[1] for p in box.polygon]
    x0, x1, y0, y1 = min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale
    text = unicodedata.normalize("NFC", box.text).replace("\u3000", " ")
    total = sum(_char_width(c) for c in text) or 1.0
    unit = (x1 - x0) / total
    chars: list[Char] = []
    position = x0
    for part in text.split(" "):
        widths = [_char_width(c) for c in part]
        # every edge measured from the word's start, so the word ends where its width says
        edges = [position] + [position + sum(widths[: k + 1]) * unit for k in range(len(part))]
        chars += [(c, edges[k], y0, edges[k + 1], y1) for k, c in enumerate(part)]
        following = position + (sum(widths) * unit + _char_width(" ") * unit)
        chars.append((" ", edges[-1], y0, following, y1))
        position = following
    return chars[:-1]  # no space after the last word


def box_tokens(box: TextBox, scale: float = 1.0) -> list[Token]:
    """One token per space-separated word of a box, placed in proportion to character widths,
    with the box's confidence, second read and least sure character (and on the last word, the
    ink after it and where its guessed characters stand); a sum read with Y for ¥ is given its ¥."""
    words = group_words(box_chars(box, scale), OCR_WORDS)
    guesses = _guesses_by_word(box, [token.text for token in words])
    return [
        replace(
            token,
            text=MISREAD_YEN.sub("¥", token.text),
            confidence=box.confidence,
            second_read=box.second_read,
            weakest=box.weakest,
            guessed=guesses[index],
            ink_after=box.ink_after if index == len(words) - 1 else 0.0,
        )
        for index, token in enumerate(words)
    ]


def _guesses_by_word(box: TextBox, words: list[str]) -> list[tuple[int, ...] | None]:
    """For each word of a box, where its guessed characters stand in it: the box's positions
    counted again from each word's start, where the words are the box's space-separated runs as
    they are; else None for every word (not known)."""
    runs = [(match.start(), match.group()) for match in re.finditer(r"\S+", box.text)]
    if box.guessed is None or [text for _, text in runs] != words:
        return [None] * len(words)
    return [tuple(i - start for i in box.guessed if start <= i < start + len(text)) for start, text in runs]


def boxes_to_tokens(boxes: list[TextBox], scale: float = 1.0) -> list[Token]:
    return [token for box in boxes for token in box_tokens(box, scale)]
