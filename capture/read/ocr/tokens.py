"""OCR boxes as `Token`s: axis-aligned boxes split into words, confidence from the OCR score."""

from __future__ import annotations

import re
import unicodedata

from capture.contract.tokens import Token, clean_text
from capture.read.ocr import TextBox

#: OCR reads the ¥ before a sum as Y: Y95.22 is ¥95.22 (money always has two decimals).
MISREAD_YEN = re.compile(r"^[Yy](?=-?[\d,]*\d\.\d{2}$)")


def _char_width(char: str) -> float:
    """Relative printed width: CJK and full-width characters are about twice a digit."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


def box_tokens(box: TextBox, scale: float = 1.0) -> list[Token]:
    """One token per space-separated word of a box, placed in proportion to character widths;
    coordinates divided by `scale` (pixels -> page units)."""
    xs = [p[0] for p in box.polygon]
    ys = [p[1] for p in box.polygon]
    x0, x1, y0, y1 = min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale
    text = unicodedata.normalize("NFC", box.text).replace("\u3000", " ")
    total = sum(_char_width(c) for c in text) or 1.0
    unit = (x1 - x0) / total
    tokens: list[Token] = []
    position = x0
    for part in text.split(" "):
        width = sum(_char_width(c) for c in part) * unit
        word = MISREAD_YEN.sub("¥", clean_text(part))
        if word:
            tokens.append(Token(word, position, y0, position + width, y1, box.confidence, box.second_read))
        position += width + _char_width(" ") * unit
    return tokens


def boxes_to_tokens(boxes: list[TextBox], scale: float = 1.0) -> list[Token]:
    return [token for box in boxes for token in box_tokens(box, scale)]
