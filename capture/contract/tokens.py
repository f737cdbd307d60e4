"""Token and Page: the one shape that text-layer words and OCR boxes both arrive in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from capture.contract.qr import QrPayload

_CHAR_FIXES = str.maketrans({"\ufffe": "-", "\u00ad": "-", "\x02": "-", "\u3000": " "})


def clean_text(text: str) -> str:
    """Fix characters text layers mangle (soft hyphens at line ends, ideographic spaces)."""
    return text.translate(_CHAR_FIXES).strip()


#: A rectangle on a page: x0, y0, x1, y1 (top-left origin).
Box = tuple[float, float, float, float]


#: Below this confidence, a character an OCR line was read with is a guess until something proves
#: it (a second read that repeats it, a check digit, the QR, the page's arithmetic).
WEAK_CHARACTER = 0.8
#: Ink running on this many line heights past a line's last character read is a glyph the
#: recogniser dropped (measured on fresh scans and photos: text lines read whole end within
#: 0.41 of their ink; 开票人：刘 for 刘萱, 0.74).
UNREAD_END = 0.6
#: A dash (—, –, －, ‐) beside a Chinese character: the recogniser reads a 一 (三一重工) so. The
#: match is the dash alone, so it can be put back as the 一.
DASH_BESIDE_HAN = re.compile(r"(?<=[\u4e00-\u9fff])[—–－‐]|[—–－‐](?=[\u4e00-\u9fff])")


@dataclass(frozen=True, slots=True)
class Token:
    """A word with its box (top-left origin, page units) and a confidence in [0, 1]."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float = 1.0
    #: The OCR line's second read where it disagrees with the first (capture/read/scan/page.py).
    second_read: str = ""
    #: The OCR line's least sure character (capture/read/ocr/__init__.py TextBox.weakest).
    weakest: float = 1.0
    #: Where in `text` the OCR line's characters read below WEAK_CHARACTER stand; None where
    #: that is not known (the engine does not say, or the line was cut or changed).
    guessed: tuple[int, ...] | None = None
    #: Line heights of ink after the word's last character read (the last word of an OCR line).
    ink_after: float = 0.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


#: The page kinds (`Page.source_kind`) whose text OCR read, so any character may be misread.
SCANNED_KINDS = ("image", "pdf_scan")


@dataclass(slots=True)
class Page:
    """One page of a document, read: its tokens and any QR payloads found on it."""

    number: int  # 1-based
    width: float
    height: float
    tokens: list[Token]
    source_kind: str  # pdf_text | pdf_scan | image
    qr: list[QrPayload] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: On a scan: glyph-sized ink no OCR box covers (x0, y0, x1, y1; capture/read/scan/ink.py).
    unread: list[Box] = field(default_factory=list)
    #: On a text-layer PDF: the form's ruled lines, horizontal or vertical (x0, y0, x1, y1).
    rules: list[Box] = field(default_factory=list)
    #: On a scan: where a viewer's watermark lies over the page (read and left out, capture/read/scan/overprint.py).
    watermarks: list[Box] = field(default_factory=list)
