"""What OCR reads off a stamp or a viewer's watermark is not the form's print.

A stamp (a 核销 or 已报销 chop, a seal) lies across the form at an angle, in red ink, and the
detector can take its whole square for one line: a box many lines tall and wide, across the
cells it covers, holding a glyph or two of the stamp's words (a 核销 stamp over the 金额
column read as '3'). A printed line is one text height tall, or one wide when it stands
upright, and a title printed large is many times wider than tall. A box of a stamp's shape,
most of whose ink is red, is dropped: the stamp leaves the cells under it as they were printed.

A viewer's watermark (EasyOFD's name in large orange letters over the buyer block or the goods
table) is read as a word twice the body text's size or more, laid flat, with no stroke of print
in it: its darkest ink is lighter than any printed value (black, blue) or the form's title. Such a
box is dropped too (OCR read a screenshot's watermark as 备注 "Easy"). The form's own tall labels
(购买方, 密码区 printed upright in light brown) stand taller than wide and are kept.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.read.ocr import TextBox
from capture.read.scan.ink import SEAL_SATURATION

#: A box this many text heights tall and wide, and not this many times wider than tall, is no
#: printed line (a red-brown title printed large, under the tax bureau's seal, is a long line).
STAMP_SIZE = 2.5
STAMP_ASPECT = 2.5
#: Stamp ink: saturated as a seal's (ink.SEAL_SATURATION), and red (hue within this of 0/180).
STAMP_HUE = 15
#: A box is a stamp's when at least this share of its ink is stamp ink.
STAMP_SHARE = 0.5
#: Ink: darker than the paper around it by this much (grey levels), or stamp-coloured.
INK_CONTRAST = 40
#: A watermark's word: at least this many text heights tall, this many times wider than tall,
#: and its darkest ink (5th percentile, grey level) at least this light.
WATERMARK_SIZE = 1.8
WATERMARK_WIDE = 2.0
WATERMARK_LIGHT = 140


def drop_overprint(page: np.ndarray, boxes: list[TextBox], em: float) -> tuple[list[TextBox], list[TextBox], list[TextBox]]:
    """The boxes without those read off a stamp or a watermark (see the module's docstring);
    those read off a stamp; and those read off a watermark. Their ink is no text the detector
    missed, and what a watermark covers may be hidden."""
    kept: list[TextBox] = []
    stamps: list[TextBox] = []
    watermarks: list[TextBox] = []
    for box in boxes:
        if _read_off_a_watermark(page, box, em):
            watermarks.append(box)
        elif page.ndim == 3 and _read_off_a_stamp(page, box, em):
            stamps.append(box)
        else:
            kept.append(box)
    return kept, stamps, watermarks


def _crop(page: np.ndarray, box: TextBox) -> np.ndarray | None:
    """The page under a box, None where the box lies off the page."""
    x0, y0, x1, y1 = box.bounds
    crop = page[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)]
    return crop if crop.size else None


def _read_off_a_watermark(page: np.ndarray, box: TextBox, em: float) -> bool:
    x0, y0, x1, y1 = box.bounds
    height, width = y1 - y0, x1 - x0
    if height < WATERMARK_SIZE * em or width < WATERMARK_WIDE * height:
        return False
    if (crop := _crop(page, box)) is None:
        return False
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    return float(np.percentile(grey, 5)) >= WATERMARK_LIGHT


def _read_off_a_stamp(page: np.ndarray, box: TextBox, em: float) -> bool:
    x0, y0, x1, y1 = box.bounds
    if min(x1 - x0, y1 - y0) < STAMP_SIZE * em or x1 - x0 > STAMP_ASPECT * (y1 - y0):
        return False
    if (crop := _crop(page, box)) is None:
        return False
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    hue, saturation = hsv[:, :, 0].astype(int), hsv[:, :, 1]
    stamp = (saturation > SEAL_SATURATION) & ((hue <= STAMP_HUE) | (hue >= 180 - STAMP_HUE))
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    dark = grey < np.percentile(grey, 95) - INK_CONTRAST
    ink = int(np.count_nonzero(stamp | dark))
    return ink > 0 and np.count_nonzero(stamp) / ink >= STAMP_SHARE
