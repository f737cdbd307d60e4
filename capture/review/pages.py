"""What the desk shows beside the form: the page image, each field's source boxes on it, and the
QR witness the checks compare with, all recomputed from the source file on demand (reading is
deterministic) and kept in memory.

PDFs and images: the picture `capture show` draws (capture/review/overlay.py): the page as read,
a scan or photo upright and level, with its ruled grid and each field's words, through the same
readers and extractor as the pipeline; the fields' boxes come with it for the form to highlight.
OFD: the page drawn from its text, path and image objects (capture/review/ofd_page.py), with the
words each field was read from by the same layout rules, as on a PDF. XML: no image, the form only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from capture.contract.qr import QrPayload
from capture.contract.record import Record
from capture.intake.sniff import sniff
from capture.review.files import SourceFiles

if TYPE_CHECKING:
    from capture.review.overlay import Reading

CACHE_SIZE = 64


@dataclass
class PageView:
    """A record's page: PNG bytes (or None), boxes per field as percentages of the page
    (left, top, width, height), and the QR payloads read from it."""

    png: bytes | None = None
    boxes: dict[str, list[tuple[float, float, float, float]]] = field(default_factory=dict)
    qr: list[QrPayload] = field(default_factory=list)
    found: bool = False


class PageViews:
    """Page views by (sha256, page), computed once per process."""

    def __init__(self, files: SourceFiles) -> None:
        self.files = files
        self._cache: dict[tuple[str, int], PageView] = {}
        self._lock = threading.Lock()

    def view(self, record: Record) -> PageView:
        """The page of a record, read once (pdfium is not thread-safe: one read at a time)."""
        key = (record.source.sha256, record.source.page)
        with self._lock:
            if key not in self._cache:
                path = self.files.find(record.source.file, record.source.sha256)
                if path is None:
                    return PageView()  # not cached: the file may arrive (or come back) later
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = _read(path, record.source.page)
            return self._cache[key]


def _read(path: Path, page: int) -> PageView:
    try:
        kind = sniff(path)
        if kind in ("pdf", "image"):
            return _picture(path, page)
        if kind == "ofd":
            return _ofd(path, page)
        if kind == "xml":
            return _structured(path, kind)
    except Exception:  # noqa: BLE001 - a page that cannot be shown leaves the form usable
        return PageView(found=True)
    return PageView(found=True)


def _picture(path: Path, number: int) -> PageView:
    """The page as `capture show` draws it (a scan upright and level, the grid, each field's
    words), with each field's boxes for the form to highlight."""
    from capture.review.overlay import overlay_png, read_page

    reading = read_page(path, number)
    return _with_boxes(PageView(png=overlay_png(reading), qr=reading.draft.qr or reading.page.qr, found=True), reading)


def _ofd(path: Path, number: int) -> PageView:
    """The OFD page drawn, the words of each field on it, and the QR of its structured data."""
    from capture.extract.page import extract_page
    from capture.read.ofd.content import page_view
    from capture.review.ofd_page import render_ofd_page
    from capture.review.overlay import Reading, overlay_png

    image, ofd_page = render_ofd_page(path, number)
    page = page_view(ofd_page)
    reading = Reading(image, page, extract_page(page))
    qr = _structured(path, "ofd").qr or page.qr
    return _with_boxes(PageView(png=overlay_png(reading), qr=qr, found=True), reading)


def _with_boxes(view: PageView, reading: Reading) -> PageView:
    """Each field's source words as boxes in percent of the page, for the form to highlight."""
    page = reading.page
    for name, tokens in reading.draft.sources.items():
        view.boxes[name] = [
            (100 * t.x0 / page.width, 100 * t.y0 / page.height, 100 * t.width / page.width, 100 * t.height / page.height)
            for t in tokens
        ]
    return view


def _structured(path: Path, kind: str) -> PageView:
    from capture.pipeline import read_ofd_drafts, read_xml_drafts

    drafts = read_ofd_drafts(path) if kind == "ofd" else read_xml_drafts(path)
    return PageView(qr=drafts[0].qr if drafts else [], found=True)
