"""Find an invoice in a photo by its printed form: the table's outer frame.

The paper's edge is a poor guide in a phone photo (a shadow's edge, a pale or patterned desk),
the printed frame a good one: a closed ruled quadrilateral, about twice as wide as tall, with
the whole grid inside it. The print is told from the light by contrast to the paper right
around it (a black-hat over a local background, as a ratio), so a shadow or uneven light does
not move it; print of any colour counts (a red header, a seal are on the sheet too).
The frame is the largest group of connected strokes whose outline is a quadrilateral with ink
along all four of its edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: The long side (pixels) the photo is searched at: rules stay 1-3 px wide.
FORM_WIDTH = 1000
#: A stroke is thinner than this (pixels at FORM_WIDTH); wider dark areas are not print.
STROKE_SIZE = 7
#: A stroke is at least this share darker than the paper around it (shadowed or not).
STROKE_CONTRAST = 0.2
#: ... and at least this many grey levels darker (on a dark desk, noise has the ratio).
MIN_STROKE_LEVELS = 16
#: Paper is brighter than this (grey level); darker surroundings are a desk, not paper.
MIN_PAPER_LEVEL = 40
#: Specks of fewer pixels than this are noise (a desk's grain), not print.
MIN_SPECK = 6
#: Print closer than this share of the picture's long side is one printed area.
PRINT_GAP = 0.06
#: The printed area spans at least this share of the picture's diagonal.
MIN_PRINT_SPAN = 0.15
#: A printed area this large a share of the picture (or larger) fills it: a scan, nothing to find.
MAX_PRINT_SHARE = 0.6
#: The found quadrilateral is grown by this share of its sides on every side: never cut print.
PRINT_MARGIN = 0.03
#: The picture's edge band (a share of its long side) looked at to tell a scan from a photo ...
EDGE_BAND = 0.02
#: ... where a pixel this share as bright as the paper under the print is paper ...
EDGE_PAPER = 0.85
#: ... and a picture with this share of its edge band paper is a scan.
EDGE_PAPER_SHARE = 0.8
#: The percentile of a picture's grey levels taken for its paper when nothing else tells it:
#: the brightest half percent is the sheet even where it is a twentieth of a photo.
SCAN_PAPER = 99.5
#: A printed area at least this share of the largest one is part of the form (a blank splits it).
PRINT_PART = 0.1


def print_strokes(image: np.ndarray) -> np.ndarray:
    """A mask (255 = print) of the thin dark strokes of an image, whatever the light on them:
    each pixel against the paper's level around it (a closing), as a ratio."""
    channel = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (STROKE_SIZE, STROKE_SIZE))
    paper = cv2.morphologyEx(channel, cv2.MORPH_CLOSE, kernel).astype(np.float32)
    darker = paper - channel.astype(np.float32)
    ink = (darker > np.maximum(STROKE_CONTRAST * paper, MIN_STROKE_LEVELS)) & (paper > MIN_PAPER_LEVEL)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= MIN_SPECK
    keep[0] = False
    return keep[labels].astype(np.uint8) * 255


@dataclass(frozen=True)
class Printed:
    """The invoice's print found in a photo: its outline (convex hull, N x 2, in the picture's
    pixels) and its strokes (a mask of the printed areas only, at `factor` of the picture)."""

    outline: np.ndarray
    strokes: np.ndarray
    factor: float

    def share_outside(self, quad: np.ndarray) -> float:
        """The share of the print's strokes outside a quadrilateral (picture pixels), give or
        take a stroke's width: a few specks of a desk's grain count for little, as the outline's
        corners would not; a sheet cut short leaves a large share outside."""
        inside = np.zeros(self.strokes.shape, np.uint8)
        cv2.fillPoly(inside, [np.round(quad * self.factor).astype(np.int32)], 255)
        inside = cv2.dilate(inside, np.ones((STROKE_SIZE, STROKE_SIZE), np.uint8))
        total = np.count_nonzero(self.strokes)
        return float(np.count_nonzero(self.strokes & ~inside)) / max(total, 1)


def find_print(image: np.ndarray) -> np.ndarray | None:
    """The outline (convex hull, N x 2, in the picture's pixels) of all the invoice's print in a
    photo; None when the print fills the picture (a scan) or none stands out."""
    printed = find_printed(image)
    return None if printed is None else printed.outline


def shrunk(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The picture at FORM_WIDTH on its long side (area-averaged), and the factor it was shrunk by."""
    factor = FORM_WIDTH / max(image.shape[:2])
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), factor


def find_printed(image: np.ndarray, small: tuple[np.ndarray, float] | None = None) -> Printed | None:
    """All the invoice's print in a photo (`Printed`); None when the print fills the picture (a
    scan) or none stands out. `small`: the picture already `shrunk`."""
    small, factor = small or shrunk(image)
    ink = print_strokes(small)
    gap = int(PRINT_GAP * FORM_WIDTH) | 1
    area = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((gap, gap), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(area, connectivity=8)
    if count < 2:
        return None
    sizes = stats[1:, cv2.CC_STAT_AREA]
    printed = np.flatnonzero(sizes >= PRINT_PART * sizes.max()) + 1  # the form, split by a blank
    strokes = (np.isin(labels, printed) & (ink > 0)).astype(np.uint8) * 255
    hull = cv2.convexHull(cv2.findNonZero(strokes))
    (_, _), (width, height), _ = cv2.minAreaRect(hull)
    if np.hypot(width, height) < MIN_PRINT_SPAN * np.hypot(*ink.shape):
        return None
    if width * height > MAX_PRINT_SHARE * ink.shape[0] * ink.shape[1] or _paper_to_the_edges(small, hull):
        return None
    return Printed(hull.reshape(-1, 2).astype(np.float64) / factor, strokes, factor)


def is_scan(small: np.ndarray) -> bool:
    """Whether paper as bright as the picture's brightest (its SCAN_PAPER percentile: the sheet,
    however small a share of a photo it is) runs along the picture's edges: a scan, or a sheet
    filling the frame, where nothing is to be cut out."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return _edges_as_bright(grey, float(np.percentile(grey, SCAN_PAPER)))


def _paper_to_the_edges(small: np.ndarray, hull: np.ndarray) -> bool:
    """Whether the picture's edges are paper as bright as the paper under the print: a scan (or
    a sheet filling the frame), where nothing is to be cut out; a photo's edges show the desk."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    x, y, width, height = cv2.boundingRect(hull)
    return _edges_as_bright(grey, float(np.percentile(grey[y : y + height, x : x + width], 90)))


def _edges_as_bright(grey: np.ndarray, paper: float) -> bool:
    """Whether EDGE_PAPER_SHARE of the picture's edge band is EDGE_PAPER as bright as `paper`."""
    band = max(2, int(EDGE_BAND * max(grey.shape)))
    edges = np.concatenate([grey[:band].ravel(), grey[-band:].ravel(), grey[:, :band].ravel(), grey[:, -band:].ravel()])
    return float(np.mean(edges >= EDGE_PAPER * paper)) >= EDGE_PAPER_SHARE


def around(outline: np.ndarray) -> np.ndarray:
    """The corners (TL, TR, BR, BL as the picture lies) of the turned rectangle around an
    outline, grown by PRINT_MARGIN: it follows the sheet's turn, not its perspective, and cuts
    none of the print off."""
    (cx, cy), (width, height), angle = cv2.minAreaRect(outline.astype(np.float32))
    return order_corners(grown(order_corners(cv2.boxPoints(((cx, cy), (width, height), angle))), PRINT_MARGIN))


def grown(quad: np.ndarray, margin: float) -> np.ndarray:
    """A quadrilateral (corners in order around it) grown by `margin` of its sides on every
    side, in its own perspective (through the homography onto a rectangle)."""
    tl, tr, br, bl = quad.astype(np.float32)
    width = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    flat = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    back = cv2.getPerspectiveTransform(flat, quad.astype(np.float32))
    out = np.array([[-margin * width, -margin * height], [(1 + margin) * width, -margin * height],
                    [(1 + margin) * width, (1 + margin) * height], [-margin * width, (1 + margin) * height]], np.float32)
    return cv2.perspectiveTransform(out[None], back)[0].astype(np.float64)


def meet(one: tuple[float, ...] | np.ndarray, other: tuple[float, ...] | np.ndarray) -> np.ndarray | None:
    """Where the lines through two segments (x0, y0, x1, y1) cross; None when parallel."""
    x1, y1, x2, y2 = one
    x3, y3, x4, y4 = other
    denominator = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(denominator) < 1e-9:
        return None
    a, b = x1 * y2 - y1 * x2, x3 * y4 - y3 * x4
    return np.array([(a * (x3 - x4) - (x1 - x2) * b) / denominator, (a * (y3 - y4) - (y1 - y2) * b) / denominator])


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four corners as TL, TR, BR, BL of the picture (clockwise with y running down)."""
    centre = points.mean(axis=0)
    ordered = points[np.argsort(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))]
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0).astype(np.float32)
