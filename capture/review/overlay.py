"""What was read where, as a picture a person checks at a glance (`capture show`): the page as
read (a scan or photo upright, level and at OCR scale), its ruled grid in blue, every word's box
in grey, the words each field was read from in green and labelled with the field, and what is
in doubt in red (the line items a scan's layout leaves in doubt, ink no OCR box covers).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from capture.contract.draft import Draft
from capture.contract.tokens import Box, Page, Token
from capture.errors import InputError
from capture.extract.items import HEADER
from capture.extract.lines import build_lines
from capture.extract.page import extract_page
from capture.intake.sniff import sniff
from capture.read.images import read_image_pages
from capture.read.pdf import open_pdf, read_pdf_page
from capture.read.pdfminer_text import PdfminerText
from capture.read.scan.page import render_page, scan_page, text_layer_is_garbage

#: A text-layer PDF page is drawn at this many pixels per point.
PDF_SCALE = 2.0
GRID = (30, 90, 220)
WORD = (175, 175, 175)
FIELD = (20, 150, 60)
DOUBT = (220, 30, 30)


@dataclass
class Reading:
    """One page as read: the picture it was read from, the page (words, rules, marks in page
    units) and the draft the layout rules made of it."""

    image: Image.Image
    page: Page
    draft: Draft

    @property
    def scale(self) -> float:
        """Image pixels per page unit."""
        return self.image.width / self.page.width

    def table_cells(self) -> int:
        """How many cells the ruled grid draws across the goods table's header line (0 where the
        page draws no rules between its columns)."""
        header = next((line for line in build_lines(self.page.tokens) if HEADER.search(line.text)), None)
        if header is None:
            return 0
        left, right = min(t.x0 for t in header.tokens), max(t.x1 for t in header.tokens)
        edges = sorted({round(x0) for x0, y0, x1, y1 in self.page.rules if x0 == x1 and y0 <= header.cy <= y1})
        inside = [x for x in edges if left < x < right]
        return len(inside) + 1 if inside else 0


def read_page(path: Path, number: int = 1) -> Reading:
    """Read one page of a PDF or image file as the pipeline does, keeping its picture."""
    kind = sniff(path)
    if kind == "pdf":
        page, image = _pdf_page(path, number)
    elif kind == "image":
        (frame,) = read_image_pages(path, only=number)
        page, pixels = scan_page(frame, number, "image", level_image=True)
        image = Image.fromarray(pixels[:, :, ::-1])
    else:
        raise InputError(f"only PDFs and images have a page to draw; this file is {kind}")
    return Reading(image, page, extract_page(page))


def _pdf_page(path: Path, number: int) -> tuple[Page, Image.Image]:
    document = open_pdf(path)
    fallback = PdfminerText(path)
    try:
        if not 1 <= number <= len(document):
            raise InputError(f"the PDF has {len(document)} pages; there is no page {number}")
        pdf_page = document[number - 1]
        page = read_pdf_page(pdf_page, number, fallback)
        if text_layer_is_garbage(page):
            page, pixels = scan_page(render_page(pdf_page), number, "pdf_scan", level_image=True)
            return page, Image.fromarray(pixels[:, :, ::-1])
        return page, pdf_page.render(scale=PDF_SCALE).to_pil().convert("RGB")
    finally:
        fallback.close()
        document.close()


def draw(reading: Reading) -> Image.Image:
    """The page with what was read drawn over it."""
    image = reading.image.convert("RGB")
    pen = ImageDraw.Draw(image)
    scale = reading.scale
    font = ImageFont.load_default(size=max(10, round(6 * scale)))

    def box(area: Box) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = area
        return x0 * scale, y0 * scale, max(x1, x0) * scale, max(y1, y0) * scale

    def word(token: Token) -> tuple[float, float, float, float]:
        return box((token.x0, token.y0, token.x1, token.y1))

    for x0, y0, x1, y1 in reading.page.rules:
        pen.line([(x0 * scale, y0 * scale), (x1 * scale, y1 * scale)], fill=GRID, width=2)
    for token in reading.page.tokens:
        pen.rectangle(word(token), outline=WORD, width=1)
    doubted = {name for name, _ in reading.draft.doubts}
    for name, tokens in reading.draft.sources.items():
        colour = DOUBT if name in doubted else FIELD
        for token in tokens:
            pen.rectangle(word(token), outline=colour, width=2)
        if tokens:
            x0, y0, _, _ = word(tokens[0])
            pen.text((x0, max(0.0, y0 - font.size - 1)), name, fill=colour, font=font)
    for mark in reading.page.unread:
        pen.rectangle(box(mark), outline=DOUBT, width=2)
    return image


def overlay_png(reading: Reading) -> bytes:
    """The drawn page as PNG bytes."""
    buffer = io.BytesIO()
    draw(reading).save(buffer, format="PNG")
    return buffer.getvalue()
