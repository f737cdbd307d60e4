"""The resource budget of one file: every bound a reader checks before it spends time or memory,
in one place. A file over a bound gets a one-line error naming the bound, and the batch goes on;
nothing here is a guess about what an invoice looks like beyond generous paper sizes.

Pages (PDF, OFD) are checked in points before anything is rendered, and in the pixels a render
for OCR would take; images from their header before any pixel is decoded, then frame by frame;
embedded images from their declared size before they are decoded; and the whole file against a
wall-time limit enforced in the worker that reads it (capture/workers.py).
"""

from __future__ import annotations

import os

#: Longest side of a PDF/OFD page, in points (1/72 inch). A4 is 842, A2 1684, A0 3370: a page
#: larger than A0 is no invoice (a 10000 pt page once took 10 GB to render).
MAX_PAGE_POINTS = 3_400.0
#: Longest side over shortest side of a page or image: a receipt roll is about 1:6; a
#: 200 x 390000 px strip is no page (OpenCV's resize fails on it).
MAX_ASPECT_RATIO = 20.0
#: The DPI a page without a text layer is rendered at for OCR (capture/read/scan/page.py PDF_DPI).
OCR_RENDER_DPI = 200
#: Pixels of one page rendered for OCR: A2 at 200 DPI is 15.5 million.
MAX_RENDER_PIXELS = 25_000_000
#: Pixels of all the pages of one file that go to OCR together (pages x pixels): about 100 A4
#: pages at 200 DPI. 199 blank pages once took 20 s each.
MAX_OCR_PIXELS_PER_FILE = 400_000_000
#: Declared pixels of an image embedded in a PDF, checked before it is decoded: a larger one is
#: not a QR code and is not decoded (a 30000 x 30000 image once took 3 GB).
MAX_EMBEDDED_IMAGE_PIXELS = 16_000_000
#: Pixels of an image file, from its header, before decoding (a decompression bomb).
MAX_IMAGE_PIXELS = 80_000_000
#: Pixels an image frame is read at: larger photos are decoded reduced (JPEG draft mode) or
#: scaled down to this, which still reads a QR code and an invoice's smallest print.
MAX_DECODED_PIXELS = 24_000_000
#: Pages (frames) of one image file (a multi-page TIFF scan); an animation is refused outright.
MAX_IMAGE_FRAMES = 100
#: Chunks of a PNG before its image data (text, metadata): 200000 text chunks once took 63 s.
MAX_PNG_CHUNKS = 1_000
#: Pages of a PDF or OFD.
MAX_PAGES = 200
#: Seconds one file may take to read, whatever it is (CAPTURE_FILE_SECONDS overrides): a file
#: over it is abandoned and reported, and the batch goes on.
FILE_SECONDS = 300.0


def bound_from_env(name: str, default: float, least: float) -> float:
    """A bound the environment variable `name` may override: its number (of the default's type),
    at least `least`; the default when it is unset or not a number."""
    try:
        return max(least, type(default)(os.environ.get(name, default)))
    except ValueError:
        return default


def file_seconds() -> float:
    """The per-file wall-time limit: CAPTURE_FILE_SECONDS, or FILE_SECONDS (0: no limit)."""
    return bound_from_env("CAPTURE_FILE_SECONDS", FILE_SECONDS, 0.0)


def page_problem(width: float, height: float, what: str = "the page") -> str | None:
    """Why a page of width x height points is over the budget, or None."""
    if not (width > 0 and height > 0):
        return f"{what} has no size ({width:g} x {height:g} pt); the file is damaged"
    if max(width, height) > MAX_PAGE_POINTS:
        return (f"{what} is {width:.0f} x {height:.0f} points, larger than any paper "
                f"(at most {MAX_PAGE_POINTS:.0f} points a side are read)")
    if max(width, height) / min(width, height) > MAX_ASPECT_RATIO:
        return f"{what} is {width:.0f} x {height:.0f} points: too long and narrow to be a page"
    if render_pixels(width, height) > MAX_RENDER_PIXELS:
        return f"{what} would render at {render_pixels(width, height):,} pixels, more than the {MAX_RENDER_PIXELS:,} read"
    return None


def render_pixels(width: float, height: float, dpi: float = OCR_RENDER_DPI) -> int:
    """Pixels of a page of width x height points rendered at `dpi`."""
    return round(width * dpi / 72) * round(height * dpi / 72)


def image_problem(width: int, height: int) -> str | None:
    """Why an image frame of width x height pixels is over the budget, or None."""
    if width <= 0 or height <= 0:
        return f"the image has no size ({width} x {height} pixels); it is damaged"
    if width * height > MAX_IMAGE_PIXELS:
        return (f"the image is too large ({width}x{height} pixels: more than {MAX_IMAGE_PIXELS // 1_000_000} million "
                "pixels); refused before decoding (a decompression bomb, not a scan)")
    if max(width, height) / min(width, height) > MAX_ASPECT_RATIO:
        return f"the image is {width} x {height} pixels: too long and narrow to be a page"
    return None
