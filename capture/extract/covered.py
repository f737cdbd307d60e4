"""A viewer's watermark over the form: what it covers may be hidden.

OCR reads a watermark's letters (EasyOFD's name laid over a screenshot) and the reader leaves
them out (capture/read/scan/overprint.py), but under the letters a value may be lost or misread:
a 备注 whose 备 label lay under the watermark was not read at all, and the record went out
`ready` without it. No check covers 备注, an address or an item's name, so a watermark over the
form's frame sends the invoice to a person.
"""

from __future__ import annotations

from capture.contract.tokens import Box, Page

WATERMARK_DOUBT = (
    "看图软件的水印盖在发票上，水印下的文字可能被遮住：请对照原件 "
    "(a viewer's watermark lies over the invoice; text under it may be hidden: check it against the original)"
)


def watermark_doubts(page: Page) -> list[tuple[str, str]]:
    """A doubt when a watermark read on the page lies over its ruled frame (the whole page where
    no rule was found)."""
    frame = _frame(page)
    if any(_meets(box, frame) for box in page.watermarks):
        return [("page", WATERMARK_DOUBT)]
    return []


def _frame(page: Page) -> Box:
    if not page.rules:
        return (0.0, 0.0, page.width, page.height)
    return (
        min(r[0] for r in page.rules), min(r[1] for r in page.rules),
        max(r[2] for r in page.rules), max(r[3] for r in page.rules),
    )


def _meets(box: Box, frame: Box) -> bool:
    return box[0] < frame[2] and box[2] > frame[0] and box[1] < frame[3] and box[3] > frame[1]
