"""Characters with boxes from pdfminer, for pages whose fonts pdfium cannot map to text.

A minimal pdfminer device: it records each character's text and box and ignores paths and
images, which pdfplumber and pdfminer's layout analyser spend most of their time building.
"""

from __future__ import annotations

from pathlib import Path

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.utils import apply_matrix_pt

#: text, left, top, right, bottom (top-left origin, points)
Char = tuple[str, float, float, float, float]

class _CharDevice(PDFTextDevice):
    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.chars: list[tuple[str, float, float, float, float]] = []

    def render_char(self, matrix, font: PDFFont, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = ""
        advance = font.char_width(cid) * fontsize * scaling
        if text and not font.is_vertical():
            bottom = font.get_descent() * fontsize + rise
            x0, y0 = apply_matrix_pt(matrix, (0, bottom))
            x1, y1 = apply_matrix_pt(matrix, (advance, bottom + fontsize))
            self.chars.append((text, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        return advance


class PdfminerText:
    """Reads one page's characters at a time; the document is parsed once, when first needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = None
        self._pages: list[PDFPage] | None = None
        # Fonts are cached by object number, which is unique only within one document: one
        # resource manager per document (CMaps are cached per process by pdfminer itself).
        self._resources = PDFResourceManager(caching=True)

    def chars(self, index: int) -> list[Char]:
        """The page's characters; none when pdfminer cannot read a damaged file or page (the
        page then has no usable text layer and is read as a scan, as pdfium sees it)."""
        try:
            if self._pages is None:
                self._pages = []
                self._handle = self.path.open("rb")
                self._pages = list(PDFPage.create_pages(PDFDocument(PDFParser(self._handle))))
            if index >= len(self._pages):
                return []
            page = self._pages[index]
            device = _CharDevice(self._resources)
            PDFPageInterpreter(self._resources, device).process_page(page)
            x_min, _, _, y_max = (float(v) for v in page.mediabox)
        except OSError:
            raise
        except Exception:  # noqa: BLE001 - pdfminer raises many kinds (PSSyntaxError, IndexError, ...) on damaged files
            return []
        return [(t, x0 - x_min, y_max - y1, x1 - x_min, y_max - y0) for t, x0, y0, x1, y1 in device.chars]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
