"""PDF pages: words with boxes from the text layer, and the QR from an embedded image or a render.

pypdfium2 reads the text layer (about six times faster than pdfplumber on these pages, which
matters for the batch throughput target) and renders pages. Where pdfium cannot map a font's
glyphs to text (seen on real 增值税电子普通发票 with KaiTi_GB2312 / SimSun labels), that page
is read with pdfminer instead, which decodes them (capture/read/pdfminer_text.py). Characters
become words by the rules of `PDF_WORDS` (capture/read/words.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from capture.contract.qr import QrPayload
from capture.contract.tokens import Page
from capture.errors import InputError
from capture.intake import budget
from capture.read.pdf_rules import ruled_lines
from capture.read.pdfminer_text import Char, PdfminerText
from capture.read.qr import CORNERS, decode_qr_payloads
from capture.read.words import PDF_WORDS, group_words

#: A page needs this many non-blank characters before its text layer counts as usable.
MIN_TEXT_CHARS = 20
QR_RENDER_SCALE = 3.0
MAX_PAGES = budget.MAX_PAGES


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, turning pdfium's errors into messages a user can act on."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        text = str(error).lower()
        if "password" in text:
            raise InputError("the PDF is encrypted (password protected); save an unprotected copy") from error
        raise InputError(f"the PDF cannot be opened ({error}); it may be truncated or damaged") from error


def read_pdf_pages(path: Path) -> Iterator[Page]:
    """Yield each page with its text-layer tokens and QR payloads."""
    document = open_pdf(path)
    fallback = PdfminerText(path)
    try:
        if len(document) > MAX_PAGES:
            raise InputError(f"the PDF has {len(document)} pages; at most {MAX_PAGES} are read")
        for index in range(len(document)):
            yield read_pdf_page(load_page(document, index), index + 1, fallback)
    finally:
        fallback.close()
        document.close()


def load_page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    """Page `index` (0-based), checked against the page budget (capture/intake/budget.py)
    before anything on it is read or rendered."""
    try:
        page = document[index]
    except pdfium.PdfiumError as error:  # a page tree that loops or points nowhere
        raise InputError(f"page {index + 1} of the PDF cannot be loaded ({error}); the page tree is damaged") from error
    problem = budget.page_problem(*page.get_size(), what=f"page {index + 1}") or _image_problem(page, index + 1)
    if problem:
        page.close()
        raise InputError(problem)
    return page


def _image_problem(page: pdfium.PdfPage, number: int) -> str | None:
    """An image on the page that would decode to more pixels than an image file may have
    (checked from its declared size: rendering the page would decode it)."""
    for image in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            width, height = image.get_px_size()
        except (pdfium.PdfiumError, ValueError, OSError):
            continue
        if width * height > budget.MAX_IMAGE_PIXELS:
            return (f"page {number} carries an image of {width}x{height} pixels, more than the "
                    f"{budget.MAX_IMAGE_PIXELS:,} read; refused before decoding")
    return None


def read_pdf_page(page: pdfium.PdfPage, number: int, fallback: PdfminerText) -> Page:
    """Read one PDF page: tokens from the text layer, the ruled lines, then the QR."""
    started = time.perf_counter()
    width, height = page.get_size()
    chars = pdfium_chars(page, height)
    if chars is None:  # pdfium could not map some glyphs to text: pdfminer can
        chars = fallback.chars(number - 1)
    tokens = [t for t in group_words(chars, PDF_WORDS) if t.y0 >= -1 and t.y1 <= height + 1]
    usable = sum(len(t.text) for t in tokens) >= MIN_TEXT_CHARS
    kind = "pdf_text" if usable else "pdf_scan"
    rules = ruled_lines(page, height) if usable else []
    after_rules = time.perf_counter()
    qr = find_page_qr(page, width, height) if usable else []  # a scan's QR is found on its render
    timings = {"text": after_rules - started, "qr": time.perf_counter() - after_rules}
    return Page(number, width, height, tokens if usable else [], kind, qr, timings, rules=rules)


def pdfium_chars(page: pdfium.PdfPage, page_height: float) -> list[Char] | None:
    """Characters with loose (font) boxes; None when some text object has no mappable text."""
    textpage = page.get_textpage()
    try:
        if _has_unmapped_text(page, textpage):
            return None
        chars: list[Char] = []
        for index in range(textpage.count_chars()):
            code = pdfium_raw.FPDFText_GetUnicode(textpage.raw, index)
            if pdfium_raw.FPDFText_IsGenerated(textpage.raw, index) == 1:
                code = 0x20
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            chars.append((chr(code), left, page_height - top, right, page_height - bottom))
        return chars
    finally:
        textpage.close()


def _has_unmapped_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> bool:
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT], max_depth=3):
        if pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0) <= 2:
            return True
    return False


def find_page_qr(page: pdfium.PdfPage, width: float, height: float) -> list[QrPayload]:
    """Decode the invoice QR: first from embedded images, then from a render of its corner."""
    for image in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            width, height = image.get_px_size()  # declared: nothing decoded yet
            if width * height > budget.MAX_EMBEDDED_IMAGE_PIXELS:
                continue  # no QR code is that large
            pil = image.get_bitmap(render=False).to_pil()
        except (pdfium.PdfiumError, ValueError, OSError):
            continue
        if min(pil.size) < 21:
            continue
        payloads = decode_qr_payloads(pil)
        if payloads:
            return payloads
    x0, y0, x1, y1 = CORNERS[0]  # invoices print it top left
    crop = (width * x0, height * (1 - y1), width * (1 - x1), height * y0)
    bitmap = page.render(scale=QR_RENDER_SCALE, crop=crop, grayscale=True)
    return decode_qr_payloads(bitmap.to_pil())
