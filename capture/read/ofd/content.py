"""Page content: text objects as glyphs placed on the page, and the page as contract tokens."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from capture.contract.qr import QrPayload
from capture.contract.tokens import Page, Token, clean_text
from capture.read.words import OFD_WORDS, group_words

MM_TO_PT = 72 / 25.4
MAX_GLYPHS = 20_000  # per text code
ASCENT, DESCENT = 0.85, 0.15  # of the font size, above and below the baseline


@dataclass
class Glyph:
    """One character placed on the page: baseline origin, advance and size in mm."""

    char: str
    x: float
    y: float
    width: float
    size: float


@dataclass
class TextObject:
    """A TextObject: its ID, glyphs and Boundary (x, y, w, h) on the page, in mm."""

    id: str | None
    glyphs: list[Glyph]
    box: tuple[float, float, float, float]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    def lines(self) -> list[list[Glyph]]:
        """Glyphs grouped by baseline (a TextCode may wrap with DeltaY)."""
        lines: list[list[Glyph]] = []
        for glyph in self.glyphs:
            if lines and abs(glyph.y - lines[-1][0].y) <= 0.5 * max(glyph.size, 0.1):
                lines[-1].append(glyph)
            else:
                lines.append([glyph])
        return lines


@dataclass
class OfdPage:
    """A page: number (1-based, across documents), its ID, size in mm, text objects (template
    objects first) and its own text objects by ID, and the QR payloads of its images."""

    number: int
    id: str | None
    width: float
    height: float
    texts: list[TextObject]
    objects: dict[str, TextObject]
    qr: list[QrPayload] = field(default_factory=list)

    def holds(self, obj: TextObject) -> bool:
        """Whether the object starts on the page (issuers park copies off the page)."""
        x, y = obj.box[:2]
        return x >= -1 and y >= -1 and x <= self.width and y <= self.height


def floats(text: str | None, count: int) -> tuple[float, ...] | None:
    """`count` numbers separated by spaces (an OFD box or matrix); None when it is not that."""
    try:
        values = tuple(float(v) for v in (text or "").split())
    except ValueError:
        return None
    if len(values) != count or any(v != v or abs(v) > 1e6 for v in values):
        return None
    return values


def _deltas(spec: str | None, needed: int) -> list[float]:
    """Expand a DeltaX/DeltaY list ("g 3 1.5 2" = 1.5 1.5 1.5 2), at most `needed` values."""
    values: list[float] = []
    words = (spec or "").split()
    index = 0
    try:
        while index < len(words) and len(values) < needed:
            if words[index] == "g" and index + 2 < len(words):
                values += [float(words[index + 2])] * min(
                    int(words[index + 1]), needed - len(values)
                )
                index += 3
            else:
                values.append(float(words[index]))
                index += 1
    except ValueError:
        pass
    return values


def _advance(char: str) -> float:
    """The default advance of a character, in font sizes (wide CJK 1, others 0.5)."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.5


def parse_text_object(element: Element) -> TextObject | None:
    """A TextObject's glyphs in page coordinates; None when it has no box or is rotated."""
    box = floats(element.get("Boundary"), 4)
    ctm = floats(element.get("CTM"), 6) if element.get("CTM") else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if box is None or ctm is None or abs(ctm[1]) > 1e-6 or abs(ctm[2]) > 1e-6:
        return None
    scale_x, scale_y, shift_x, shift_y = ctm[0], ctm[3], ctm[4], ctm[5]
    size = (floats(element.get("Size"), 1) or (3.5,))[0]
    glyphs: list[Glyph] = []
    x = y = 0.0
    for code in element.iter("TextCode"):
        chars = (code.text or "")[:MAX_GLYPHS]
        start = floats(code.get("X"), 1), floats(code.get("Y"), 1)
        x = start[0][0] if start[0] else x
        y = start[1][0] if start[1] else y
        dx, dy = _deltas(code.get("DeltaX"), len(chars)), _deltas(code.get("DeltaY"), len(chars))
        for index, char in enumerate(chars):
            if index:
                x += dx[index - 1] if index - 1 < len(dx) else _advance(chars[index - 1]) * size
                y += dy[index - 1] if index - 1 < len(dy) else 0.0
            glyphs.append(
                Glyph(
                    char,
                    box[0] + shift_x + scale_x * x,
                    box[1] + shift_y + scale_y * y,
                    _advance(char) * size * abs(scale_x),
                    size * abs(scale_y),
                )
            )
        if chars:
            x += _advance(chars[-1]) * size
    return (
        TextObject(element.get("ID"), glyphs, (box[0], box[1], box[2], box[3])) if glyphs else None
    )


def text_objects(content: Element | None) -> list[TextObject]:
    if content is None:
        return []
    parsed = (parse_text_object(e) for e in content.iter("TextObject"))
    return [obj for obj in parsed if obj is not None]


def object_tokens(obj: TextObject) -> list[Token]:
    """Words of a text object's first line, in points; the text of wrapped lines (DeltaY inside
    one object: a long address or name) is appended to its last word, so a value stays whole,
    and the words sit at the middle of the lines, where the value's label is printed."""
    lines = [line for line in obj.lines() if "".join(g.char for g in line).strip()]
    if not lines:
        return []
    shift = sum(line[0].y for line in lines) / len(lines) - lines[0][0].y  # centre a wrapped value
    chars = [
        (
            g.char,
            g.x * MM_TO_PT,
            (g.y + shift - ASCENT * g.size) * MM_TO_PT,
            (g.x + g.width) * MM_TO_PT,
            (g.y + shift + DESCENT * g.size) * MM_TO_PT,
        )
        for g in lines[0]
    ]
    tokens = group_words(chars, OFD_WORDS)
    tail = "".join(g.char for line in lines[1:] for g in line).rstrip()
    if tail and tokens:
        last = tokens[-1]
        tokens[-1] = Token(
            clean_text(last.text + tail), last.x0, last.y0, last.x1, last.y1, last.confidence
        )
    return tokens


def page_view(page: OfdPage, with_text: bool = True) -> Page:
    """The page as tokens in points, top-left origin: what `extract_page` reads; without its
    text (`with_text` False) it keeps only its size and QR payloads."""
    tokens = (
        [token for obj in page.texts if page.holds(obj) for token in object_tokens(obj)]
        if with_text
        else []
    )
    return Page(
        page.number, page.width * MM_TO_PT, page.height * MM_TO_PT, tokens, "ofd", list(page.qr)
    )
