"""The ruled lines a PDF page draws: its form's grid, from the page's path objects.

A printed invoice is a form of ruled cells, and a text-layer PDF draws those rules as paths
(lines, or rectangles for the frame). Each path is taken apart into its straight segments; the
horizontal and vertical ones long enough to be rules are kept, in page units with a top-left
origin, so the layout rules can tell which cell a word sits in (capture/extract/items.py).
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from capture.contract.tokens import Box

#: A segment shorter than this (points) is a glyph-like mark, not a rule.
MIN_RULE = 3.0
#: How far (points) a rule's ends may stray from its axis.
STRAIGHT = 0.5
#: A path with more segments than this, within this share of the page's width, is a drawing.
BUSY_PATH = 64
DRAWING_SHARE = 0.25
#: Segments read from one page at most (a page of vector art is no form).
MAX_SEGMENTS = 20_000


def ruled_lines(page: pdfium.PdfPage, height: float) -> list[Box]:
    """The page's horizontal and vertical rules as (x0, y0, x1, y1), top-left origin, sorted."""
    rules: set[Box] = set()
    budget = MAX_SEGMENTS
    width = page.get_width()
    for path in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = path.get_bounds()
        count = pdfium_raw.FPDFPath_CountSegments(path.raw)
        if max(right - left, top - bottom) < MIN_RULE:
            continue  # a dot: too small to hold a rule
        if count > BUSY_PATH and max(right - left, top - bottom) < DRAWING_SHARE * width:
            continue  # a compact path of many pieces is a drawing (a vector QR code), not a grid
        budget -= max(count, 0)
        if budget < 0:
            break
        for (x0, y0), (x1, y1) in _segments(path, count):
            if abs(x0 - x1) <= STRAIGHT and abs(y0 - y1) >= MIN_RULE:
                x = round((x0 + x1) / 2, 2)
                rules.add((x, round(height - max(y0, y1), 2), x, round(height - min(y0, y1), 2)))
            elif abs(y0 - y1) <= STRAIGHT and abs(x0 - x1) >= MIN_RULE:
                y = round(height - (y0 + y1) / 2, 2)
                rules.add((round(min(x0, x1), 2), y, round(max(x0, x1), 2), y))
    return sorted(rules)


def _segments(path: pdfium.PdfObject, count: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of a path in page coordinates (curves are left out)."""
    matrix = path.get_matrix()
    found = []
    start = previous = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(count):
        segment = pdfium_raw.FPDFPath_GetPathSegment(path.raw, index)
        if not pdfium_raw.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        point = (
            matrix.a * x.value + matrix.c * y.value + matrix.e,
            matrix.b * x.value + matrix.d * y.value + matrix.f,
        )
        kind = pdfium_raw.FPDFPathSegment_GetType(segment)
        if kind == pdfium_raw.FPDF_SEGMENT_MOVETO or previous is None:
            start = previous = point
            continue
        if kind == pdfium_raw.FPDF_SEGMENT_LINETO:
            found.append((previous, point))
        previous = point
        if pdfium_raw.FPDFPathSegment_GetClose(segment) and start is not None:
            found.append((previous, start))
            previous = start
    return found
