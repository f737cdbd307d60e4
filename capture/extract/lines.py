"""Tokens grouped into text lines, with a map from characters back to tokens.

Labels are found with regular expressions over a line's text. Between two tokens the text holds
" " for a small gap and "\t" for a wide one (a column break), so a value stops at the next "\t".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from capture.contract.tokens import Token

#: A gap wider than this many token heights separates columns.
WIDE_GAP = 2.5
#: A gap narrower than this many token heights joins two tokens without a space.
TIGHT_GAP = 0.15


@dataclass
class Line:
    """Tokens on one text line, left to right, and their joined text."""

    tokens: list[Token]
    text: str = ""
    starts: list[int] = field(default_factory=list)  # text offset of each token

    @property
    def y0(self) -> float:
        return min(t.y0 for t in self.tokens)

    @property
    def y1(self) -> float:
        return max(t.y1 for t in self.tokens)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """The tokens that hold characters start..end of the text."""
        picked = []
        for offset, token in zip(self.starts, self.tokens, strict=True):
            if offset < end and offset + len(token.text) > start:
                picked.append(token)
        return picked

    def x_at(self, offset: int, right: bool = False) -> float:
        """Estimated x where the character at a text offset starts (proportional within its
        token); with right=True, where the character before the offset ends."""
        if right:
            offset -= 1
        for start, token in zip(self.starts, self.tokens, strict=True):
            if start <= offset < start + len(token.text):
                share = (offset - start + (1 if right else 0)) / max(len(token.text), 1)
                return token.x0 + token.width * share
        return self.tokens[-1].x1 if offset >= len(self.text) else self.tokens[0].x0


def build_lines(tokens: list[Token]) -> list[Line]:
    """Group tokens into lines by vertical overlap, then order each line left to right."""
    lines: list[list[Token]] = []
    for token in sorted(tokens, key=lambda t: (t.cy, t.x0)):
        if not token.text:
            continue
        best = None
        for candidate in reversed(lines[-4:]):
            centre = sum(t.cy for t in candidate) / len(candidate)
            height = min(min(t.height for t in candidate), token.height)
            if abs(token.cy - centre) < 0.45 * max(height, 1.0):
                best = candidate
                break
        if best is None:
            lines.append([token])
        else:
            best.append(token)
    split = [part for group in lines for part in _unstack(group)]
    return [make_line(sorted(group, key=lambda t: t.x0)) for group in split]


#: Two words of one line overlapping this share of the narrower one's width are stacked.
STACKED_OVERLAP = 0.5
#: ... when their centres differ by this many heights (a word printed twice for bold does not).
STACKED_OFFSET = 0.3


def _unstack(group: list[Token]) -> list[list[Token]]:
    """A line cut in two where two of its words stand one above the other: on tight scanned rows
    a wrapped name's last line (服务) and the next row (*建筑服务*工程款 690000.00) can fall within
    one line's reach, and words of one line never share their x."""
    for a, b in itertools.combinations(group, 2):
        overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
        narrower = min(a.width, b.width)
        if narrower > 0 and overlap > STACKED_OVERLAP * narrower and abs(a.cy - b.cy) > STACKED_OFFSET * min(a.height, b.height):
            middle = (a.cy + b.cy) / 2
            upper = [t for t in group if t.cy <= middle]
            lower = [t for t in group if t.cy > middle]
            return [*_unstack(upper), *_unstack(lower)]
    return [group]


def make_line(tokens: list[Token]) -> Line:
    """Join tokens into a line's text with gap-aware separators."""
    line = Line(tokens=tokens)
    parts: list[str] = []
    length = 0
    previous: Token | None = None
    for token in tokens:
        if previous is not None:
            gap = token.x0 - previous.x1
            height = max(min(token.height, previous.height), 1.0)
            separator = "\t" if gap > WIDE_GAP * height else " " if gap > TIGHT_GAP * height else ""
            parts.append(separator)
            length += len(separator)
        line.starts.append(length)
        parts.append(token.text)
        length += len(token.text)
        previous = token
    line.text = "".join(parts)
    return line


#: Two OCR boxes overlapping by this many token heights may both have read the glyph between them.
SHARED_GLYPH_OVERLAP = 0.25


def without_shared_glyphs(line: Line) -> Line:
    """The line with a glyph two overlapping OCR boxes both read kept once: the detector boxed
    电子发票 and 票（增值税专用发票）, or 识别号：9 and 9134…, and each box read the 票 or the 9."""
    tokens = list(line.tokens)
    changed = False
    for index, (left, right) in enumerate(itertools.pairwise(line.tokens)):
        if len(left.text) > 1 and shares_glyph(left, right):
            tokens[index] = replace(left, text=left.text[:-1], x1=right.x0)
            changed = True
    return make_line(tokens) if changed else line


def shares_glyph(left: Token, right: Token) -> bool:
    """Whether two neighbouring OCR boxes overlap where both read the same glyph (the last of
    the left one, the first of the right one): the glyph is likely printed once, read twice."""
    overlap = left.x1 - right.x0
    return bool(left.text) and left.text[-1] == right.text[:1] and overlap > SHARED_GLYPH_OVERLAP * min(left.height, right.height)


def joined_text(tokens: list[Token]) -> str:
    """Tokens read left to right as one text, a space where they stand apart."""
    return make_line(sorted(tokens, key=lambda t: t.x0)).text.replace("\t", " ") if tokens else ""


def spaced(label: str) -> str:
    """A regex for a label whose characters may be spread apart: 名称 matches 名  称."""
    return r"\s*".join(re.escape(char) for char in label)


def one_garbled(label: str) -> str:
    """A regex for a label read with at most one of its inner characters garbled or lost
    (纳税人识期号, 纳税入识别号, 开户行及张号, 开架日期, 发号码 on photos): spread apart as
    `spaced`, its first and last characters kept. The value after it still has its own check
    (a tax ID's check character, a number's digits, a date's calendar, the QR)."""
    inner = range(1, len(label) - 1)
    garbled = [r"\s*".join(r"[^\s:：]" if index == at else re.escape(char) for index, char in enumerate(label)) for at in inner]
    lost = [spaced(label[:at] + label[at + 1 :]) for at in inner if len(label) > 3]
    return "(?:" + "|".join([spaced(label), *garbled, *lost]) + ")"


@dataclass(frozen=True)
class Found:
    """A regex match on a line: the line, the match, and the tokens it covers."""

    line: Line
    match: re.Match[str]

    def group_tokens(self, group: int | str = 0) -> list[Token]:
        return self.line.tokens_in(self.match.start(group), self.match.end(group))

    @property
    def x0(self) -> float:
        return self.line.x_at(self.match.start())

    @property
    def x1(self) -> float:
        return self.line.x_at(self.match.end(), right=True)

    def confidence(self, group: int | str = 1) -> float:
        tokens = self.group_tokens(group)
        return min((t.confidence for t in tokens), default=0.0)


def find_all(lines: list[Line], pattern: re.Pattern[str]) -> list[Found]:
    """Every match of a pattern, in reading order."""
    return [Found(line, m) for line in lines for m in pattern.finditer(line.text)]


def find_first(lines: list[Line], pattern: re.Pattern[str]) -> Found | None:
    for line in lines:
        match = pattern.search(line.text)
        if match:
            return Found(line, match)
    return None


#: A value may stand this many text heights right of its label; farther is another column.
VALUE_GAP = 12.0


def _moderate_gap(line: Line, offset: int) -> bool:
    gap = line.x_at(offset + 1) - line.x_at(offset, right=True)
    height = sorted(t.height for t in line.tokens)[len(line.tokens) // 2]
    return gap < VALUE_GAP * height


def value_after(
    found: Found, stop: re.Pattern[str] | None = None, right_edge: float | None = None
) -> tuple[str, list[Token]]:
    """The text after a label on its line, up to a column break, the next label or the first
    word that starts at or right of `right_edge` (the edge of a box beside the value)."""
    line = found.line
    start = found.match.end()
    while start < len(line.text) and line.text[start] == " ":
        start += 1
    if start < len(line.text) and line.text[start] == "\t" and _moderate_gap(line, start):
        start += 1  # a value set apart from its label, as some issuers print it
    end = line.text.find("\t", start)
    end = len(line.text) if end < 0 else end
    if stop is not None:
        next_label = stop.search(line.text, start, end)
        if next_label:
            end = next_label.start()
    if right_edge is not None:
        end = next((o for o, t in zip(line.starts, line.tokens, strict=True) if start <= o < end and t.x0 >= right_edge), end)
    value = line.text[start:end].strip()
    if not value:
        return "", []
    offset = line.text.index(value, start)
    return value, line.tokens_in(offset, offset + len(value))


def value_below(lines: list[Line], found: Found, stop: re.Pattern[str]) -> tuple[str, list[Token]]:
    """On a scan, a value printed a little lower than its label (a skewed or curved page) lands on
    a line of its own: the text right of the label on the next line, when that line is close
    below, holds no label of its own and has nothing under the label."""
    index = next((i for i, line in enumerate(lines) if line is found.line), None)
    if index is None or index + 1 >= len(lines):
        return "", []
    below = lines[index + 1]
    # the label's own height: a vertical 购买方 label on its line would make the line tall
    height = max((t.height for t in found.group_tokens()), default=found.line.y1 - found.line.y0)
    if below.cy - found.line.cy > height or stop.search(below.text):
        return "", []
    if any(t.x1 > found.x0 and t.x0 < found.x1 - 0.5 * height for t in below.tokens):
        return "", []  # text under the label itself: a line of its own, not this label's value
    right = [t for t in below.tokens if t.x0 >= found.x1 - 0.5 * height]
    if not right or right[0].x0 - found.x1 > VALUE_GAP * height:
        return "", []
    line = make_line(right)
    value = line.text.split("\t")[0].strip()
    return value, line.tokens_in(0, len(value))
