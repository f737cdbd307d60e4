"""Square up a photographed sheet after it is flattened: what is left of its perspective
taken out by the form's own ruled lines.

A sheet is flattened by four corners found at a coarse scale (the paper's, or the form's
frame's); a corner a few pixels off leaves the rules a little askew and not square to each
other. On the flattened page the rules run nearly level and upright: the outermost long rule of
each side, fitted through all its pieces, gives four lines, and their crossings are mapped onto
the rectangle they should make (a homography), so that every rule runs level or upright. A rule
off level by a pixel over its length breaks into pieces, which the ink finder would take for
marks that no OCR box covers (capture/read/scan/ink.py).
"""

from __future__ import annotations

import cv2
import numpy as np

#: Pieces of one rule lie within this many pixels of its line.
SAME_RULE = 3.0


def _ruled_quad(lines: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """Where the outermost rules of the two families cross: four corners, TL, TR, BR, BL as the
    picture lies; None when they do not make a convex quadrilateral."""
    sides = []
    for family in lines:
        first, last = _outermost(family)
        if first is None or last is None:
            return None
        sides.append((first, last))
    corners = [_cross(a, b) for a in sides[0] for b in sides[1]]
    if any(corner is None for corner in corners):
        return None
    quad = _clockwise(np.array(corners))
    return quad if cv2.isContourConvex(quad.astype(np.float32)) else None


def _outermost(family: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The first and the last long rule of a family across its direction, each as a line (a
    point and a unit direction) fitted through all the pieces of that rule."""
    lengths = np.hypot(family[:, 2] - family[:, 0], family[:, 3] - family[:, 1])
    keep = family[lengths >= 0.5 * lengths.max()]
    direction = np.median(np.arctan2(keep[:, 3] - keep[:, 1], keep[:, 2] - keep[:, 0]) % np.pi)
    normal = np.array([-np.sin(direction), np.cos(direction)])
    offsets = ((keep[:, :2] + keep[:, 2:]) / 2) @ normal
    if offsets.max() - offsets.min() < 4 * SAME_RULE:
        return None, None  # one rule only: no span to take the perspective from
    return _fit(keep[np.abs(offsets - offsets.min()) <= SAME_RULE]), _fit(keep[np.abs(offsets - offsets.max()) <= SAME_RULE])


def _fit(pieces: np.ndarray) -> np.ndarray:
    """A line (x, y, dx, dy) through the end points of a rule's pieces."""
    points = pieces.reshape(-1, 2).astype(np.float32)
    dx, dy, x, y = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return np.array([x, y, dx, dy])


def _cross(one: np.ndarray, other: np.ndarray) -> np.ndarray | None:
    """Where two lines (x, y, dx, dy) cross; None when (nearly) parallel."""
    x, y, dx, dy = one
    u, v, du, dv = other
    denominator = dx * dv - dy * du
    if abs(denominator) < 1e-6:
        return None
    t = ((u - x) * dv - (v - y) * du) / denominator
    return np.array([x + t * dx, y + t * dy])


def _clockwise(corners: np.ndarray) -> np.ndarray:
    """Four corners clockwise (y running down) from the one nearest the picture's top left."""
    centre = corners.mean(axis=0)
    ordered = corners[np.argsort(np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0]))]
    return np.roll(ordered, -int(np.argmin(ordered.sum(axis=1))), axis=0)


#: Squaring up a flattened page: its frame's rules run this share of its width or height at least.
FRAME_RULE_SHARE = 0.3
#: Rules within this many degrees of level or upright are squared up (more is not a residue).
SQUARE_SLACK = 4.0
#: A correction moving a corner more than this share of the page is no residue: left alone.
MAX_CORRECTION = 0.03


def square_up(page: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """A flattened page with what is left of its perspective taken out: the outermost long rules
    across and upright (from `ink`, a mask of its dark strokes) made level and upright. A paper's
    corners found a few pixels off leave the rules a little askew and not square to each other,
    and a rule that runs off level by a pixel breaks into pieces that read as marks."""
    height, width = ink.shape[:2]
    found = cv2.HoughLinesP(ink, 1, np.pi / 720, threshold=100, minLineLength=int(FRAME_RULE_SHARE * min(width, height)), maxLineGap=10)
    if found is None:
        return page
    segments = found[:, 0].astype(np.float64)
    angles = np.degrees(np.arctan2(segments[:, 3] - segments[:, 1], segments[:, 2] - segments[:, 0])) % 180
    level = segments[np.minimum(angles, 180 - angles) < SQUARE_SLACK]
    upright = segments[np.abs(angles - 90) < SQUARE_SLACK]
    if len(level) < 2 or len(upright) < 2:
        return page
    quad = _ruled_quad((level, upright))
    if quad is None:
        return page
    left, right = (quad[0, 0] + quad[3, 0]) / 2, (quad[1, 0] + quad[2, 0]) / 2
    top, bottom = (quad[0, 1] + quad[1, 1]) / 2, (quad[2, 1] + quad[3, 1]) / 2
    square = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float32)
    moved = np.abs(square - quad).max()
    if moved < 0.5 or moved > MAX_CORRECTION * max(width, height) or right - left < 0.3 * width or bottom - top < 0.2 * height:
        return page
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), square)
    return cv2.warpPerspective(page, matrix, (page.shape[1], page.shape[0]), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
