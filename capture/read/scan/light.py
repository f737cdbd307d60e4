"""Even out the light on a photographed sheet before it is read: a shadow across part of it,
light falling off to one side and a tinted white balance all leave the paper a different grey
in each place, which OCR and the ink thresholds downstream read as print or lose print in.

The paper's own level is estimated at every place (a closing at a coarse scale: print is thin,
paper is everywhere, and a shadow's edge is a step that a closing keeps) and each channel is divided by it, so the paper
comes out white and the print keeps its contrast to it.
"""

from __future__ import annotations

import cv2
import numpy as np

#: The paper's level is estimated at this coarse width (pixels): smooth light, no print.
LIGHT_WIDTH = 200
#: Print thinner than this share of the page's width is taken out of the paper's level (a
#: QR's finder square is the widest dark part of an invoice, about 2% of its width).
PRINT_WIDTH = 0.035
#: The paper comes out at this level (a touch below white: JPEG noise stays inside the range).
PAPER_LEVEL = 245.0
#: Below this level (grey) a place is no paper (a dark desk in a corner): left as it is.
MIN_PAPER_LEVEL = 30.0


def even_light(image: np.ndarray) -> np.ndarray:
    """The image with the paper's level divided out per channel: paper white, print as dark
    against it as it was against the paper around it."""
    height, width = image.shape[:2]
    factor = LIGHT_WIDTH / width
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    size = max(3, int(PRINT_WIDTH * LIGHT_WIDTH) | 1)
    # a closing takes out what is darker and thinner than print can be, and keeps a shadow's edge
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    paper = cv2.blur(paper, (3, 3))
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    level = np.maximum(paper, MIN_PAPER_LEVEL)
    out = image.astype(np.float32) * (PAPER_LEVEL / level)
    return np.clip(out, 0, 255).astype(np.uint8)
