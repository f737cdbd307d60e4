"""OpenCV clean-up of a page image before OCR: flatten a photographed invoice (perspective),
turn it upright (0/90/180/270) and deskew it, and scale it to the width the models read best.

Each step is a plain function over a BGR array; `capture/read/scan/page.py` decides which run.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from capture.read.scan import form

#: Width (pixels) pages are scaled to before OCR: text about 28-32 px high on an A5 invoice.
OCR_WIDTH = 1600
#: A quadrilateral must cover this share of a photo to be taken for the invoice's paper (and hold
#: its print and table frame: `find_sheet`). A sheet at a third of the frame's width in perspective
#: covers 12-24% of it: at 0.25 such sheets were refused and read with their perspective left in
#: (9 of 52 photo pages of seed 2026120817).
MIN_PAPER_SHARE = 0.1
#: Tolerances (a share of its perimeter), finest last, a paper's outline cut by the picture's
#: edge is simplified at to find the short side the cut leaves.
CUT_CORNER_TOLERANCES = (0.01, 0.005)
#: How far (a share of the outer quadrilateral's size) a point may lie outside it and still be held.
ENCLOSE_SLACK = 0.004
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


#: The paper's outline (every point), the size it was found at, and the factor it was shrunk by.
_Outline = tuple[np.ndarray, tuple[int, int], float]


def find_paper(image: np.ndarray) -> np.ndarray | None:
    """The corners (TL, TR, BR, BL) of the invoice's paper in a photo, or None when the paper
    fills the frame or no clear quadrilateral stands out from the background."""
    return _paper_quad(_paper_outline(image))


def _paper_quad(found: _Outline | None) -> np.ndarray | None:
    """The paper's corners from its outline (`_paper_outline`)."""
    if found is None:
        return None
    contour, shape, factor = found
    area = cv2.contourArea(contour)
    if area < MIN_PAPER_SHARE * shape[0] * shape[1] or area > 0.97 * shape[0] * shape[1]:
        return None
    perimeter = cv2.arcLength(contour, True)
    quad = cv2.approxPolyDP(contour, 0.02 * perimeter, True).reshape(-1, 2).astype(np.float64)
    if any(_on_edge(corner, shape) for corner in quad):
        # a corner cut off by the picture's edge: its short side there, seen at finer tolerances
        for tolerance in CUT_CORNER_TOLERANCES:
            finer = cv2.approxPolyDP(contour, tolerance * perimeter, True).reshape(-1, 2).astype(np.float64)
            restored = _corners_off_the_picture(finer, shape)
            if restored is not None:
                quad = restored
                break
    if len(quad) != 4 or not cv2.isContourConvex(quad.reshape(-1, 1, 2).astype(np.float32)):
        return None
    # around the centre, not by x+y and y-x: those pick one point twice on a sheet turned 45°,
    # and the quadrilateral warped through itself (a bow tie) is no page
    return form.order_corners(quad.astype(np.float32) / factor)


def _corners_off_the_picture(corners: np.ndarray, shape: tuple[int, int]) -> np.ndarray | None:
    """The sheet's four corners where the picture cut one or two of them off: the polygon's sides
    along the picture's edge dropped, the sides either side of each met where they cross (outside
    the picture). None where what is left is not four sides: a shadow or a desk cut the outline."""
    count = len(corners)
    kept = [i for i in range(count) if not _on_edge(corners[i], shape) & _on_edge(corners[(i + 1) % count], shape)]
    if len(kept) != 4:
        return None
    sides = [(*corners[i], *corners[(i + 1) % count]) for i in kept]
    quad = [form.meet(one, other) for one, other in zip(sides, [*sides[1:], sides[0]], strict=True)]
    return None if any(corner is None for corner in quad) else np.array(quad)


def _on_edge(point: np.ndarray, shape: tuple[int, int]) -> set[int]:
    """The picture's edges (0 left, 1 top, 2 right, 3 bottom) a point lies on."""
    (x, y), (height, width) = point, shape
    return {side for side, near in enumerate((x <= 1, y <= 1, x >= width - 2, y >= height - 2)) if near}


def _runs_off(found: _Outline | None) -> bool:
    """Whether the paper's outline runs along the picture's edge for PAPER_OFF_PICTURE of its
    length or more: the sheet goes on past the picture, and the side its quadrilateral has there
    is a guess, not the paper's edge (a corner merely touching the edge is no such run)."""
    if found is None:
        return False
    points = found[0].reshape(-1, 2)
    height, width = found[1]
    on_edge = (points[:, 0] <= 1) | (points[:, 0] >= width - 2) | (points[:, 1] <= 1) | (points[:, 1] >= height - 2)
    return float(on_edge.mean()) >= PAPER_OFF_PICTURE


def _paper_outline(image: np.ndarray) -> _Outline | None:
    """The outline of the largest bright area of a photo at 800 px (every point of it), that
    size, and the factor it was shrunk by; None where nothing stands out."""
    height, width = image.shape[:2]
    factor = 800 / max(height, width)
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    return max(contours, key=cv2.contourArea), (small.shape[0], small.shape[1]), factor


def flatten(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Warp the quadrilateral `corners` (TL, TR, BR, BL) to an upright rectangle."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))


#: A frame's edges are rules at least this share of the picture's long side (at FORM_WIDTH).
FORM_RULE_SHARE = 0.15
#: How much darker than its surroundings a rule is, at least (grey levels, after a black-hat).
FORM_STROKE_CONTRAST = 20
#: Lines within this many degrees of the frame's two directions belong to them (perspective).
FORM_ANGLE_SLACK = 20.0
#: Around its table frame an invoice prints its title and QR (above), the signatures (below):
#: the share of the frame's height and width taken in on each side (top, bottom, sides).
FORM_MARGINS = (0.38, 0.22, 0.06)
#: An invoice's table frame is about 2.1 times as wide as tall; perspective stretches that.
FORM_ASPECT = (1.4, 3.2)
#: How far (a share of the frame's side) a rule may stray past the frame before it shows the
#: frame is not the outer one.
FORM_SLACK = 0.05
#: The frame's edges found must run this share of their side (else a part is lost).
FORM_EDGE_SHARE = 0.8
#: The paper holds the print when no more than this share of its strokes lies outside it (a
#: desk's grain next to the sheet passes for a few specks of print).
PRINT_OUTSIDE_PAPER = 0.02
#: A paper that runs off the picture (its outline along the picture's edge for this share of
#: its length: 0.043-0.049 measured where it did, 0.006-0.022 where a corner only touched) has a
#: side that is no edge of the paper: it must hold all of the print but this share.
PAPER_OFF_PICTURE = 0.03
PRINT_OUTSIDE_CUT_PAPER = 0.005
#: A frame this large a share of the picture (or larger) is a scan's: nothing to find.
FORM_MAX_SHARE = 0.5


def find_sheet(image: np.ndarray) -> np.ndarray | None:
    """The corners (TL, TR, BR, BL) of the part of a photo to flatten, None for a scan. The
    paper, where its edge is found and it holds all the print and the table's frame (the paper's
    edge gives the truest perspective); else the form's frame grown by its margins, where it
    holds all the print; else the turned rectangle around all the print (a shadow's edge taken
    for the paper's, a desk the paper does not stand out from, cut nothing off); else the
    paper. None where paper runs to the picture's edges."""
    small = form.shrunk(image)  # the frame and the print are searched at form.FORM_WIDTH
    if form.is_scan(small[0]):
        return None  # a scan, or a sheet filling the picture: nothing to cut (a 清单's frame is half of it)
    outline = _paper_outline(image)
    paper = _paper_quad(outline)
    frame = find_frame(image, small)
    found = form.find_printed(image, small)
    printed = None if found is None else found.outline
    holds_frame = paper is not None and (frame is None or _encloses(paper, frame))
    outside = PRINT_OUTSIDE_CUT_PAPER if holds_frame and _runs_off(outline) else PRINT_OUTSIDE_PAPER
    if holds_frame and (found is None or found.share_outside(paper) <= outside):
        return paper
    if frame is not None:
        # the form's margins as printed, then either way up (the frame alone cannot tell which
        # long edge is its top: the QR turns the page later); the frame's corners give the truest
        # perspective, so it is kept wherever it holds all the print; with the print not found,
        # the frame is taken in with the title's margin either way up (an upside-down sheet's
        # title and codes lie below the frame: the margin for its signatures would cut them off)
        if printed is None:
            return _grown(frame, either_way_up=True)
        for sheet in (_grown(frame), _grown(frame, either_way_up=True)):
            if _encloses(sheet, printed):
                return sheet
        if not _encloses(form.around(printed), frame):
            return _grown(frame)
    return form.around(printed).astype(np.float32) if printed is not None else paper


def _encloses(outer: np.ndarray, inner: np.ndarray) -> bool:
    """Whether every point of `inner` (corners, an outline) lies inside the quadrilateral `outer`
    (with a slack of ENCLOSE_SLACK of the picture's scale: the print is found at FORM_WIDTH)."""
    contour = outer.reshape(-1, 1, 2).astype(np.float32)
    slack = ENCLOSE_SLACK * float(np.ptp(outer, axis=0).max())
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), True) >= -slack for x, y in inner)


def find_frame(image: np.ndarray, small: tuple[np.ndarray, float] | None = None) -> np.ndarray | None:
    """The corners (TL, TR, BR, BL) of the form's table frame in a photo, found by what is
    printed rather than by the paper's edge (which a shadow or a pale desk hides): its outermost
    long ruled lines at whatever angle the sheet lies. None when no frame stands out, or it
    fills the picture. `small`: the picture already shrunk to FORM_WIDTH (form.shrunk)."""
    small, factor = small or form.shrunk(image)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    # thin dark strokes only: a black-hat keeps rules and text, not dark desks or shadow edges
    strokes = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, np.ones((7, 7), np.uint8))
    _, ink = cv2.threshold(strokes, FORM_STROKE_CONTRAST, 255, cv2.THRESH_BINARY)
    long_side = max(small.shape[:2])
    found = cv2.HoughLinesP(ink, 1, np.pi / 360, threshold=120, minLineLength=int(FORM_RULE_SHARE * long_side), maxLineGap=6)
    if found is None or len(found) < 4:
        return None
    segments = found[:, 0].astype(np.float64)
    frame = _frame(segments)
    if frame is None or not _holds_the_grid(frame, segments):
        return None
    area = cv2.contourArea(frame.astype(np.float32))
    if not cv2.isContourConvex(frame.astype(np.float32)) or area > FORM_MAX_SHARE * small.shape[0] * small.shape[1] or area < 0.03 * small.shape[0] * small.shape[1]:
        return None
    return (frame / factor).astype(np.float32)


def _frame(segments: np.ndarray) -> np.ndarray | None:
    """The table frame's corners (TL, TR, BR, BL) from long line segments: the two directions the
    segments mostly run in, and in each the outermost long lines; the longer direction runs
    along the invoice (it is printed landscape)."""
    angles = np.degrees(np.arctan2(segments[:, 3] - segments[:, 1], segments[:, 2] - segments[:, 0])) % 180
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    folded = angles % 90
    histogram, edges = np.histogram(folded, bins=90, range=(0, 90), weights=lengths)
    main = edges[int(np.argmax(histogram))] + 0.5
    families = []
    for direction in (main, main + 90):
        off = np.abs((angles - direction + 90) % 180 - 90)
        families.append(np.flatnonzero(off < FORM_ANGLE_SLACK))
    sides = []
    for members, direction in zip(families, (main, main + 90), strict=True):
        if len(members) < 2:
            continue
        normal = np.array([-np.sin(np.radians(direction)), np.cos(np.radians(direction))])
        keep = members[lengths[members] >= 0.5 * lengths[members].max()]
        offsets = ((segments[keep, :2] + segments[keep, 2:]) / 2) @ normal
        first, last = segments[keep[np.argmin(offsets)]], segments[keep[np.argmax(offsets)]]
        if np.linalg.norm((first[:2] + first[2:]) / 2 - (last[:2] + last[2:]) / 2) > 0:
            sides.append((first, last, lengths[keep].mean()))
    if len(sides) < 2:  # an edge is lost (under a shadow, a fold): guessing it could cut the form
        return None
    along, across = sorted(sides, key=lambda side: -side[2])  # the long edges, then the short ones
    corners = [form.meet(a, c) for a in along[:2] for c in across[:2]]
    if any(c is None for c in corners):
        return None
    frame = _clockwise_from_long_edge(np.array(corners, dtype=np.float64))
    sides = [np.linalg.norm(frame[(i + 1) % 4] - frame[i]) for i in range(4)]
    aspect = (sides[0] + sides[2]) / max(sides[1] + sides[3], 1e-9)
    if not FORM_ASPECT[0] <= aspect <= FORM_ASPECT[1]:
        return None  # not an invoice's table frame (about twice as wide as tall), whatever it is
    return frame if _edges_run_their_length(frame, [*along[:2], *across[:2]]) else None


def _holds_the_grid(frame: np.ndarray, segments: np.ndarray) -> bool:
    """Whether no long ruled line reaches out of the frame: the outer frame holds the whole grid,
    while an inner rule taken for it (the real edge lost under a shadow) leaves rules outside."""
    tl, tr, br, bl = frame.astype(np.float32)
    width = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    flat = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    onto = cv2.getPerspectiveTransform(frame.astype(np.float32), flat)
    ends = cv2.perspectiveTransform(segments.reshape(-1, 1, 2).astype(np.float32), onto).reshape(-1, 4)
    slack_x, slack_y = FORM_SLACK * width, FORM_SLACK * height
    for x0, y0, x1, y1 in ends:
        inside_band = -slack_y <= min(y0, y1) and max(y0, y1) <= height + slack_y
        across_band = -slack_x <= min(x0, x1) and max(x0, x1) <= width + slack_x
        # a rule crossing the band the frame spans, yet reaching beyond it, is the grid's
        if inside_band and not across_band and max(x0, x1) > 0 and min(x0, x1) < width:
            return False
        if across_band and not inside_band and max(y0, y1) > 0 and min(y0, y1) < height:
            return False
    return True


def _edges_run_their_length(frame: np.ndarray, edges: list[np.ndarray]) -> bool:
    """Whether each edge found runs most of its side of the frame: an outer frame's rules do;
    a rule cut short by a shadow, or an inner rule taken for the frame, does not."""
    sides = [np.linalg.norm(frame[(i + 1) % 4] - frame[i]) for i in range(4)]
    return all(np.hypot(e[2] - e[0], e[3] - e[1]) >= FORM_EDGE_SHARE * min(sides) for e in edges) and all(
        max(np.hypot(e[2] - e[0], e[3] - e[1]) for e in pair) >= FORM_EDGE_SHARE * side
        for pair, side in ((edges[:2], max(sides[0], sides[2])), (edges[2:], max(sides[1], sides[3])))
    )


def _clockwise_from_long_edge(corners: np.ndarray) -> np.ndarray:
    """Four corners in clockwise order (as the eye sees them: y runs down) starting where a long
    edge starts, so the frame is warped landscape and never mirrored; whether it lands upside
    down is the QR's to tell."""
    centre = corners.mean(axis=0)
    ordered = corners[np.argsort(np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0]))]
    edges = [np.linalg.norm(ordered[(i + 1) % 4] - ordered[i]) for i in range(4)]
    start = 0 if edges[0] + edges[2] >= edges[1] + edges[3] else 1
    return np.roll(ordered, -start, axis=0)


def _grown(frame: np.ndarray, *, either_way_up: bool = False) -> np.ndarray:
    """The frame's corners moved out to take in the form's margins, in the frame's own
    perspective (through the homography of the frame onto a rectangle); `either_way_up` takes
    in the top's margin below the frame too."""
    tl, tr, br, bl = frame
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    flat = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    back = cv2.getPerspectiveTransform(flat, frame.astype(np.float32))
    top, bottom, side = FORM_MARGINS
    if either_way_up:
        bottom = top = max(top, bottom)
    grown = np.array(
        [[-side * width, -top * height], [(1 + side) * width, -top * height],
         [(1 + side) * width, (1 + bottom) * height], [-side * width, (1 + bottom) * height]],
        dtype=np.float32,
    )
    return cv2.perspectiveTransform(grown[None], back)[0].astype(np.float32)
