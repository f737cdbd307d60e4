"""OpenCV clean-up of a page image before OCR: flatten a photographed invoice (perspective),
turn it upright (0/90/180/270) and deskew it, and scale it to the width the models read best.

Each step is a plain function over a BGR array; `capture/read/scan/page.py` decides which run.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

#: Width (pixels) pages are scaled to before OCR: text about 28-32 px high on an A5 invoice.
OCR_WIDTH = 1600
#: A quadrilateral must cover this share of a photo to be taken for the invoice's paper.
MIN_PAPER_SHARE = 0.25
#: Width (pixels) the page is measured at for its skew: 0.05° per pixel of rise across it.
SKEW_WIDTH = 1200
#: Skews smaller than this (degrees) are left alone.
MIN_SKEW = 0.3
#: A detector box measures the skew when it is this many times longer than tall (a text line).
TEXT_LINE_ASPECT = 4
#: Fewer long boxes than this measure no skew.
MIN_TEXT_LINES = 5


def scale_to_width(image: np.ndarray, width: int = OCR_WIDTH) -> np.ndarray:
    """The image resized to `width` pixels wide (left alone within 5% of it)."""
    factor = width / image.shape[1]
    if abs(factor - 1) < 0.05:
        return image
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def rotate_quarter(image: np.ndarray, quarters: int) -> np.ndarray:
    """Rotate by quarters × 90° counter-clockwise."""
    quarters %= 4
    if quarters == 0:
        return image
    codes = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}
    return cv2.rotate(image, codes[quarters])


def rotate_small(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate by a small angle (counter-clockwise positive) about the centre, white fill; an
    angle under MIN_SKEW is left alone."""
    if abs(degrees) < MIN_SKEW:
        return image
    return turn(image, degrees)


def turn(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate by any small angle (counter-clockwise positive) about the centre, white fill."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def upright(image: np.ndarray, angle: float) -> np.ndarray:
    """Undo a rotation of `angle` degrees (counter-clockwise positive, e.g. from the QR's top edge):
    first whole quarter turns, then the residual skew."""
    quarters = round(angle / 90)
    image = rotate_quarter(image, -quarters)
    return rotate_small(image, quarters * 90 - angle)


def line_skew(image: np.ndarray) -> float | None:
    """The skew of the page (degrees, counter-clockwise positive) from its long near-horizontal
    lines (the invoice's table rules); None when there are too few."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if grey.shape[1] > SKEW_WIDTH:  # an angle needs no more pixels; Hough on a 300 dpi page costs ~1 s
        grey = cv2.resize(grey, None, fx=SKEW_WIDTH / grey.shape[1], fy=SKEW_WIDTH / grey.shape[1], interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(grey, 50, 150)
    width = grey.shape[1]
    lines = cv2.HoughLinesP(edges, 1, np.pi / 720, threshold=200, minLineLength=width // 4, maxLineGap=10)
    if lines is None:
        return None
    angles = []
    for x0, y0, x1, y1 in lines[:, 0]:
        angle = math.degrees(math.atan2(-(y1 - y0), x1 - x0))
        if abs(angle) < 15:
            angles.append(angle)
    return float(np.median(angles)) if len(angles) >= 3 else None


def text_skew(polygons: list[tuple[tuple[float, float], ...]]) -> float | None:
    """The skew (degrees, counter-clockwise positive) of the text lines an OCR detector boxed
    (polygons clockwise from top-left): the median slope of the long boxes' top and bottom
    edges; None with too few. It measures what the table rules could not (a faint scan) or
    left over (a QR's short edge is a coarse level)."""
    angles = []
    for polygon in polygons:
        if len(polygon) != 4:
            continue
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = polygon
        if math.hypot(x1 - x0, y1 - y0) < TEXT_LINE_ASPECT * math.hypot(x3 - x0, y3 - y0):
            continue
        top = math.degrees(math.atan2(-(y1 - y0), x1 - x0))
        bottom = math.degrees(math.atan2(-(y2 - y3), x2 - x3))
        angles.append((top + bottom) / 2)
    return float(np.median(angles)) if len(angles) >= MIN_TEXT_LINES else None


def rotate_points(points: np.ndarray, degrees: float, size: tuple[int, int]) -> np.ndarray:
    """Where points (N x 2) of an image of `size` (width, height) land when the image is turned
    as `rotate_small` turns it."""
    width, height = size
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.transform(np.asarray(points, dtype=np.float64).reshape(-1, 1, 2), matrix).reshape(-1, 2)


def find_paper(image: np.ndarray) -> np.ndarray | None:
    """The corners (TL, TR, BR, BL) of the invoice's paper in a photo, or None when the paper
    fills the frame or no clear quadrilateral stands out from the background."""
    height, width = image.shape[:2]
    factor = 800 / max(height, width)
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area < MIN_PAPER_SHARE * small.shape[0] * small.shape[1] or area > 0.97 * small.shape[0] * small.shape[1]:
        return None
    quad = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    return _order_corners(quad.reshape(4, 2).astype(np.float32) / factor)


def _order_corners(points: np.ndarray) -> np.ndarray:
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)], points[np.argmax(diff)]],
        dtype=np.float32,
    )


def flatten(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Warp the quadrilateral `corners` (TL, TR, BR, BL) to an upright rectangle."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))
