"""Ink on a scanned page that no OCR box covers.

The text detector can miss a glyph outright: a lone 一 wrapped onto a line of its own looks like a
rule to it, and the name it ends is then read one character short, at full confidence. What it
missed still leaves ink on the page. This finds glyph-sized marks of dark ink outside every OCR
box, with the table rules, red seals and specks taken out; the layout rules decide which marks
matter (capture/extract/items.py: marks inside the goods table are a doubt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from capture.contract.tokens import Box
from capture.read.ocr import TextBox

#: Printed text is about this many times narrower than an invoice page (28 px at 1600 px wide).
TEXT_HEIGHTS_PER_WIDTH = 57
#: How much darker than its neighbourhood a pixel must be to count as ink (grey levels).
INK_CONTRAST = 30
#: A straight run of ink this many text heights long is a ruled line, not a glyph.
RULE_RUN = 2.5
#: A vertical rule this many text heights left of a line's box, or nearer, is one it is printed
#: against; so is one this near inside the box's left end (a photo's box can take in the rule
#: and still lose the glyph on it: *蔬菜*黄瓜 read 蔬菜*黄瓜).
RULE_REACH = 0.6
#: A column of a rule's band inked along this share of its rows off the text line is the rule's.
RULE_STEADY = 0.8
#: A thin stroke stands against a rule where the columns just past the rule's printed width are
#: inked along this share of the text line's rows (a 150 dpi l against the table's rule: 0.57)...
GLYPH_AT_RULE = 0.4
#: ... for two pixels at least (one is a photographed rule's ragged edge) and at most this many
#: text heights across (a stem: l, 1, I), and the column after it is blank along all but this
#: share of them (an E's or a T's arms run on past their stem).
THIN_STROKE, BLANK_AFTER = 0.15, 0.1
#: A rule is at most this many text heights thick (a slightly turned one a little more).
RULE_THICKNESS = 0.5
#: A mark lying this share or more in the band along a rule (RULE_BAND text heights either side)
#: is a piece of that rule.
RULE_PIECE_SHARE = 0.9
RULE_BAND = 0.25
#: ... and on past the rule's ends for this many text heights (a faint rule found in pieces),
#: carried on from piece to piece this many times.
RULE_REACH_ON = 4
RULE_PIECE_ROUNDS = 6
#: A piece lying so in the bands of two crossing rules is a rule's too, with at least this share
#: in its own rule's band (the end of a column rule keeps stubs of the 合计 rule across it).
CROSSED_SHARE = 0.7
#: A rule's piece runs its way: at least this many times longer than wide ...
RULE_PIECE_ASPECT = 1.5
#: ... or, where two rules meet, lies at least this share in the band of each (an L).
CORNER_SHARE = 0.3
#: A faint rule a photo breaks into dashes: at least DASHES thin pieces running its way, each
#: within DASH_SHIFT text heights across of the next and DASH_GAP along, spanning DASH_SPAN.
DASHES = 3
DASH_SHIFT = 0.2
DASH_GAP = 3.0
DASH_SPAN = 5.0
#: A digit's height in text heights (a 1 of a 数量 column: 0.6-0.7), where a string of dashes
#: each standing on a line of text is a column of glyphs.
GLYPH_HIGH = (0.45, 1.1)
#: Ink running out of a line's window (`line_without_neighbours`) with at most this share of it
#: on the line's rows is another line's.
NEIGHBOUR_SHARE = 0.4
#: Red seal ink (HSV saturation above this) is not text.
SEAL_SATURATION = 90
#: Saturated pixels of these hues (OpenCV's 0-180: cyan through blue to violet) are ink all the
#: same: no seal or form prints them, but a screen's subpixel text does (a screenshot's lone 1,
#: navy at its core, cyan and orange at its sides, was left without ink to read).
INK_HUES = (85, 165)
#: A mark this much redder than it is green or blue, on the whole, is a seal or the form's print.
RED_MARK = 30
#: The tint of ink against the paper around it: how much less it takes from red than from green
#: and blue, as a share of what it takes. Blur and a thin stroke mix ink with paper in
#: proportion, so a faint brown sliver keeps its tint where its mean colour looks grey. Measured
#: on fresh photos (seed 2026120705): black figures -0.01 to 0.08, each page within 0.05 of its
#: own median; pieces of the form's brown rules 0.14 to 0.31.
FORM_TINT = 0.08
#: Figures read on the page that give the tint of its black print (fewer: no tint is judged).
TINT_FIGURES = 5
#: A box read as figures alone: printed in black by the invoice printer.
FIGURES = re.compile(r"[¥￥]?-?[\d.,%]+")


def text_height(page: np.ndarray) -> float:
    """The height (pixels) of printed text on a page image scaled for OCR."""
    return page.shape[1] / TEXT_HEIGHTS_PER_WIDTH


def dark_ink(image: np.ndarray, em: float) -> np.ndarray:
    """A mask of the pixels clearly darker than their neighbourhood (about a glyph across)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, int(em * 1.5) | 1, INK_CONTRAST)


def vertical_rules(ink: np.ndarray, em: float) -> np.ndarray:
    """The ink of the vertical ruled lines in an ink mask."""
    run = cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(em * RULE_RUN)))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, run)


@dataclass(frozen=True)
class _RuleBand:
    """The band round a text line's left end where a vertical rule may stand: its dark ink, the
    rule's ink on the line's rows, and where the band and the line lie on the page."""

    em: float
    ink: np.ndarray
    rules: np.ndarray
    top: int
    left: int
    right: int
    y0: int
    y1: int

    @classmethod
    def of(cls, page: np.ndarray, bounds: tuple[int, int, int, int]) -> _RuleBand:
        em = text_height(page)
        x0, y0, x1, y1 = bounds
        y0, y1 = max(0, y0), min(page.shape[0], y1)
        top, bottom = max(0, y0 - int(2 * em)), min(page.shape[0], y1 + int(2 * em))  # tall enough for a rule
        left, right = max(0, x0 - int(RULE_REACH * em)), min(x1, x0 + int(RULE_REACH * em))
        ink = dark_ink(page[top:bottom, left:right], em)
        return cls(em, ink, vertical_rules(ink, em)[y0 - top : y1 - top], top, left, right, y0, y1)


def line_against_rule(page: np.ndarray, bounds: tuple[int, int, int, int]) -> np.ndarray | None:
    """A text line's image widened left to the vertical rule its text is printed against, with
    the rule's own pixels painted white; None when no rule stands that close to its left end.
    A digital invoice prints its item names against the table's left rule, and the recogniser
    reads the rule and the glyph touching it as one stroke: the detector's box leaves out the
    glyph (l500ml read 500ml), and no crop of the box can show it."""
    band = _RuleBand.of(page, bounds)
    columns = np.flatnonzero(band.rules.any(axis=0))
    if columns.size == 0:
        return None
    start = band.left + int(columns[0])
    line = line_without_neighbours(page, (start, band.y0, bounds[2], band.y1))
    line[:, : band.right - start][band.rules[:, columns[0] :] > 0] = 255
    return line


def line_without_neighbours(page: np.ndarray, bounds: tuple[int, int, int, int]) -> np.ndarray:
    """The part of the page a text line's upright bounds hold, with the ink of the lines above
    and below it painted white: a tight table's next line reaches into an OCR box's padding,
    and the foot of a glyph above can read as a stroke of one below (五常大米 read 五常天米 at
    300 dpi, by both recognisers). Measured on a window half a line taller each way: ink that
    runs out of it at the top or at the bottom (Otsu's, 8-connected) with at most
    NEIGHBOUR_SHARE of it on the line's rows belongs to a line beyond this one (more is a glyph
    of this line a photo's blur joined to one beyond); ink running out of both is a rule across
    the line (`line_against_rule` paints it)."""
    x0, y0, x1, y1 = (max(v, 0) for v in bounds)
    reach = (y1 - y0) // 2
    top, bottom = max(y0 - reach, 0), min(y1 + reach, page.shape[0])
    window = page[top:bottom, x0:x1]
    line = page[y0:y1, x0:x1].copy()
    if window.size == 0 or line.size == 0:
        return line
    grey = cv2.cvtColor(window, cv2.COLOR_BGR2GRAY) if window.ndim == 3 else window
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    above = (stats[:, cv2.CC_STAT_TOP] == 0) & (top < y0)
    below = (stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT] == window.shape[0]) & (bottom > y1)
    inside = labels[y0 - top : y1 - top]
    share = np.bincount(inside.ravel(), minlength=len(stats)) / np.maximum(stats[:, cv2.CC_STAT_AREA], 1)
    beyond = (above ^ below) & (share <= NEIGHBOUR_SHARE)
    beyond[0] = False
    line[beyond[inside]] = 255
    return line


def glyph_against_rule(page: np.ndarray, bounds: tuple[int, int, int, int]) -> Box | None:
    """Where a text line starts with a thin upright stroke touching the vertical rule at its left
    (x0, y0, x1, y1 in pixels): just past the rule's own width, as the rule is printed above and
    below the line, columns inked along GLYPH_AT_RULE of the line's rows for at most THIN_STROKE
    text heights, then a blank column; None otherwise. The recogniser reads such a stroke (l, 1,
    I) with the rule, as its edge, and drops it: a 150 dpi scan's wrapped name l 500ml read
    500ml, erased rule or not. A wider glyph touching the rule (E, T, a Chinese character) is
    read with the rest of its line."""
    band = _RuleBand.of(page, bounds)
    ink = band.ink > 0
    columns = np.flatnonzero(band.rules.any(axis=0))
    on_line = slice(band.y0 - band.top, band.y1 - band.top)
    beside = np.r_[0 : on_line.start, on_line.stop : ink.shape[0]]  # the band's rows off the line
    if columns.size == 0 or beside.size == 0 or band.y1 <= band.y0:
        return None
    steady = ink[beside].mean(axis=0) >= RULE_STEADY
    edge = int(columns[-1])
    while edge + 1 < steady.size and steady[edge + 1]:
        edge += 1  # the rule's own width, as printed off the line
    shares = ink[on_line, edge + 1 :].mean(axis=0)
    stroke = 0
    while stroke < shares.size and shares[stroke] >= GLYPH_AT_RULE:
        stroke += 1
    if stroke < 2 or stroke > THIN_STROKE * band.em or stroke >= shares.size or shares[stroke] > BLANK_AFTER:
        return None
    x = float(band.left + edge + 1)
    return (x, float(band.y0), x + stroke, float(band.y1))


@dataclass
class PageInk:
    """A page image's dark ink (red seal ink left out) and its straight runs across and upright:
    found once, for the ruled grid and for the ink no OCR box covers."""

    em: float
    ink: np.ndarray
    across: np.ndarray
    upright: np.ndarray

    @classmethod
    def of(cls, image: np.ndarray) -> PageInk:
        em = text_height(image)
        ink = dark_ink(image, em)
        if image.ndim == 3:
            hue, saturation, _ = cv2.split(cv2.cvtColor(image, cv2.COLOR_BGR2HSV))
            ink[(saturation > SEAL_SATURATION) & ((hue < INK_HUES[0]) | (hue > INK_HUES[1]))] = 0
        run = cv2.getStructuringElement(cv2.MORPH_RECT, (int(em * RULE_RUN), 1))
        return cls(em, ink, cv2.morphologyEx(ink, cv2.MORPH_OPEN, run), vertical_rules(ink, em))


def ruled_lines(image: np.ndarray, ink: PageInk | None = None) -> list[Box]:
    """The page's printed rules, horizontal or vertical, as (x0, y0, x1, y1) pixels with x0 == x1
    or y0 == y1: straight runs of dark ink several text heights long and thinner than a stroke
    of text is tall (red seal rings and text are not rules). Found on a local threshold, so a
    shadow across the sheet does not hide them."""
    ink = ink or PageInk.of(image)
    run, thickness = int(ink.em * RULE_RUN), RULE_THICKNESS * ink.em
    found: list[Box] = []
    for mask, upright in ((ink.upright, True), (ink.across, False)):
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _ in stats[1:]:
            if upright and h >= run and w <= thickness:
                found.append((x + w / 2, float(y), x + w / 2, float(y + h)))
            elif not upright and w >= run and h <= thickness:
                found.append((float(x), y + h / 2, float(x + w), y + h / 2))
    return found


def unread_marks(image: np.ndarray, boxes: Sequence[TextBox], ink: PageInk | None = None) -> list[Box]:
    """Glyph-sized marks of dark ink (x0, y0, x1, y1 in pixels) that no OCR box covers."""
    ink = ink or PageInk.of(image)
    em = ink.em
    marks = ink.ink.copy()
    marks[cv2.dilate(ink.across | ink.upright, np.ones((3, 3), np.uint8)) > 0] = 0  # the rules, slightly widened
    covered = np.zeros_like(marks)
    for box in boxes:
        cv2.fillPoly(covered, [np.array(box.polygon, dtype=np.int32)], 255)
    covered = cv2.dilate(covered, np.ones((int(em * 0.3) | 1,) * 2, np.uint8))
    marks[covered > 0] = 0
    _, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    rows = [(box.bounds[1], box.bounds[3]) for box in boxes]
    pieces = _rule_pieces(ink, labels, stats) | _dashed_rules(stats, em, rows) | _reddish(image, labels, stats)
    standing = _glyph_sized(stats, em) & ~pieces
    standing &= ~_form_tinted(image, labels, stats, boxes, standing)
    return [(float(x), float(y), float(x + w), float(y + h)) for (x, y, w, h, _) in stats[standing]]


def _glyph_sized(stats: np.ndarray, em: float) -> np.ndarray:
    """Which components (by label) are the size of a glyph: half a text height to three across,
    with ink enough not to be a speck. The background (label 0) never is."""
    longest = np.maximum(stats[:, 2], stats[:, 3])
    sized = (longest >= 0.5 * em) & (longest <= 3 * em) & (stats[:, 4] >= 0.15 * em)
    sized[0] = False
    return sized


def _reddish(image: np.ndarray, labels: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Which marks (by label) are red or brown on the whole: a seal's ring faded past
    SEAL_SATURATION (a photo's light and JPEG wash it out) or the form's own print, never a
    value, which the printer prints in black. The recogniser reads a seal's arc as a 1."""
    if image.ndim != 3:
        return np.zeros(len(stats), bool)
    area = np.maximum(stats[:, 4], 1)
    flat = labels.ravel()
    inked = np.flatnonzero(flat)  # the marks' pixels only: the background (label 0) never counts
    marked = flat[inked]
    means = [np.bincount(marked, weights=image[:, :, channel].ravel()[inked], minlength=len(stats)) / area for channel in range(3)]
    blue, green, red = means
    reddish = red - np.maximum(green, blue) >= RED_MARK
    reddish[0] = False
    return reddish


def _form_tinted(image: np.ndarray, labels: np.ndarray, stats: np.ndarray, boxes: Sequence[TextBox], marks: np.ndarray) -> np.ndarray:
    """Which of the `marks` (by label) are tinted like the form's brown print, FORM_TINT past the
    tint of the page's black figures: a sliver of a rule a photo's curl leans off its run, not a
    value's glyph the detector missed. The page's own figures set the black, so a photo's white
    balance moves both alike."""
    tinted = np.zeros(len(stats), bool)
    if image.ndim != 3:
        return tinted
    black = [_tint(image, box.bounds, None) for box in boxes if FIGURES.fullmatch(box.text.replace(" ", ""))]
    black = [tint for tint in black if tint is not None]
    if len(black) < TINT_FIGURES:
        return tinted
    limit = float(np.median(black)) + FORM_TINT
    margin = int(text_height(image) / 2)
    for label in np.flatnonzero(marks):
        x, y, w, h, _ = stats[label]
        tint = _tint(image, (x - margin, y - margin, x + w + margin, y + h + margin), (labels, label))
        tinted[label] = tint is not None and tint >= limit
    return tinted


def _tint(image: np.ndarray, bounds: tuple[int, int, int, int], ink: tuple[np.ndarray, int] | None) -> float | None:
    """The tint (FORM_TINT) of the ink in `bounds` against the paper there (its lightest tenth):
    the pixels of one mark (the page's labels and its label), or the darkest sixth where none is
    given (a text box)."""
    x0, y0, x1, y1 = max(bounds[0], 0), max(bounds[1], 0), bounds[2], bounds[3]
    area = image[y0:y1, x0:x1].reshape(-1, 3).astype(np.float32)
    if len(area) == 0:
        return None
    if ink is None:
        grey = area.mean(axis=1)
        pixels = area[grey <= np.percentile(grey, 15)]
    else:
        labels, label = ink
        pixels = area[(labels[y0:y1, x0:x1] == label).ravel()]
    if len(pixels) == 0:
        return None
    blue, green, red = np.percentile(area, 90, axis=0) - pixels.mean(axis=0)
    taken = max(blue, green)
    return float((min(blue, green) - red) / taken) if taken > 0 else None


def _dashed_rules(stats: np.ndarray, em: float, rows: Sequence[tuple[float, float]] = ()) -> np.ndarray:
    """Which marks (by label) are the dashes of a rule no straight run was found for: a faint
    rule of a photographed sheet (the pale brown of a legacy form, a curl bending it) leaves
    thin pieces one after another along it, across blank rows as well as filled ones; a glyph
    has no such string of thin strokes running on past it. A column of glyphs does (the 1s of
    a 数量 column the detector passed over, one under the other), but each of them stands on a
    line of text, a glyph high, where an OCR box (`rows`: their tops and bottoms) holds its
    middle: a string of upright pieces every one of which does so is no rule."""
    thin = RULE_THICKNESS * em
    x, y, width, height = (stats[:, i].astype(float) for i in range(4))
    pieces = np.zeros(len(stats), bool)
    for upright, (along, across, length, side) in ((True, (y, x, height, width)), (False, (x, y, width, height))):
        candidates = np.flatnonzero((side <= thin) & (length >= 2 * side))
        candidates = candidates[candidates > 0]
        for string in _strings(candidates[np.argsort(along[candidates])], along, across + side / 2, length, em):
            start = min(along[label] for label in string)
            end = max(along[label] + length[label] for label in string)
            if len(string) < DASHES or end - start < DASH_SPAN * em:
                continue
            if upright and all(_on_a_text_line(y[label], height[label], rows, em) for label in string):
                continue
            pieces[string] = True
    return pieces


def _on_a_text_line(top: float, height: float, rows: Sequence[tuple[float, float]], em: float) -> bool:
    """Whether an upright piece is a glyph high (GLYPH_HIGH text heights) and an OCR box's top and
    bottom hold its middle."""
    middle = top + height / 2
    return GLYPH_HIGH[0] * em <= height <= GLYPH_HIGH[1] * em and any(y0 <= middle <= y1 for y0, y1 in rows)


def _strings(order: np.ndarray, along: np.ndarray, middle: np.ndarray, length: np.ndarray, em: float) -> list[list[int]]:
    """Pieces (labels, sorted by where they start along) strung together: each within
    DASH_SHIFT text heights across of another and DASH_GAP along past its end."""
    group = {int(label): int(label) for label in order}

    def root(label: int) -> int:
        while group[label] != label:
            group[label] = group[group[label]]
            label = group[label]
        return label

    for i, one in enumerate(order):
        for other in order[i + 1 :]:
            if along[other] - (along[one] + length[one]) > DASH_GAP * em:
                break
            if abs(middle[one] - middle[other]) <= DASH_SHIFT * em:
                group[root(int(other))] = root(int(one))
    strings: dict[int, list[int]] = {}
    for label in order:
        strings.setdefault(root(int(label)), []).append(int(label))
    return list(strings.values())


def _rule_pieces(ink: PageInk, labels: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Which marks (by label) are pieces of a rule, not glyphs: thin on the whole, running a
    rule's way and lying all in the band along it (RULE_BAND text heights either side,
    RULE_REACH_ON on past its ends), or in the bands of it and a rule crossing it. A
    photographed rule is blurred, wavy and faded in places, and what its straight runs leave
    (a sliver along its edge, the dashes of a faded stretch) is no text; each piece found
    carries the rule's band on to the next one."""
    thin = RULE_THICKNESS * ink.em
    width, height, area = stats[:, 2], stats[:, 3], np.maximum(stats[:, 4], 1)
    # how thick a piece is on the whole (its area over its length), not its bounds: the end of a
    # rule where another crosses it keeps stubs of the crossing rule either side
    thick_across, thick_upright = area / np.maximum(width, 1), area / np.maximum(height, 1)
    level = (thick_across <= thin) & (width >= RULE_PIECE_ASPECT * height)
    standing = (thick_upright <= thin) & (height >= RULE_PIECE_ASPECT * width)
    thin_both = (thick_across <= thin) & (thick_upright <= thin)
    level[0] = standing[0] = thin_both[0] = False
    reach, side = int(RULE_REACH_ON * ink.em), 2 * int(RULE_BAND * ink.em) + 1
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, side))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (side, 2 * reach + 1))
    across, upright = ink.across, ink.upright
    pieces = np.zeros(len(stats), bool)
    for _ in range(RULE_PIECE_ROUNDS):
        near_across, near_upright = cv2.dilate(across, along) > 0, cv2.dilate(upright, down) > 0
        in_across = np.bincount(labels[near_across], minlength=len(stats)) / area
        in_upright = np.bincount(labels[near_upright], minlength=len(stats)) / area
        # where two rules cross, a piece of one keeps stubs of the other: they lie in its band
        in_either = np.bincount(labels[near_across | near_upright], minlength=len(stats)) / area
        ruled = in_either >= RULE_PIECE_SHARE
        own = (level & (in_across >= CROSSED_SHARE)) | (standing & (in_upright >= CROSSED_SHARE))
        corner = thin_both & (np.minimum(in_across, in_upright) >= CORNER_SHARE)  # an L where two rules meet
        found = ruled & (own | corner) & ~pieces
        if not found.any():
            break
        pieces |= found
        across = across | ((level & pieces)[labels] * np.uint8(255)).astype(np.uint8)
        upright = upright | ((standing & pieces)[labels] * np.uint8(255)).astype(np.uint8)
    return pieces
