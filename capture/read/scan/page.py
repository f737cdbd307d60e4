"""Scans and photos to a `Page`: QR first, OpenCV clean-up, then OCR tokens in page units.

A page image goes: find the sheet (a photo's paper, or its printed form where the paper's edge
cuts it) and flatten it -> find the QR -> upright (from the QR's corners) -> deskew (from the
table rules) -> scale -> OCR. Without a QR the orientation is found by reading:
the quarter turn whose text reads with the most confidence wins.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from capture.contract.tokens import DASH_BESIDE_HAN, WEAK_CHARACTER, Box, Page
from capture.read.ocr import Engine, TextBox, get_engine, with_margin
from capture.read.ocr.settle import (
    ITEM_NAME_START,
    LOST_PREFIX_STAR,
    ProvenValues,
    fold,
    opens_item_name,
    settled,
    words_value,
)
from capture.read.pdf import find_page_qr, open_pdf
from capture.read.qr import QrFound, find_qr
from capture.read.scan import geometry, light, rectify
from capture.read.scan.cells import cut_at_rules
from capture.read.scan.ink import (
    PageInk,
    dark_ink,
    glyph_against_rule,
    line_against_rule,
    line_without_neighbours,
    ruled_lines,
    text_height,
    unread_marks,
)
from capture.read.scan.marks import read_marks
from capture.read.scan.overprint import drop_overprint
from capture.read.words import boxes_to_tokens

#: Page units: an OCRed page is this wide, as a text-layer invoice page is in points.
PAGE_UNITS_WIDE = 610.0
#: Resolution scanned PDF pages are rendered at.
PDF_DPI = 200
#: A wrapped line of an item name starts within this many of its first line's heights below it.
NAME_WRAP_LINES = 3
#: How far (line heights) an item name's first character read may stand from where its line's
#: ink begins when the ink before it is the prefix's opening * the recogniser dropped: a first
#: character read whole stands 0.1-0.3 in, one read after a lost * 0.5-0.8 (a photo's blurred
#: * at the crop's edge, on 13 lines of seed 2026120836), after a lost * and a character 1.4.
LOST_STAR_INK = (0.4, 1.1)
#: A skew of the OCR'd text lines (degrees) below this is left alone: 0.1° is 3 px across a page.
MIN_TEXT_SKEW = 0.1
#: A text layer without any of these words is not an invoice's (every page prints one).
INVOICE_WORDS = ("发票", "合计", "税额", "金额", "清单")
#: A run of three like digits or more after a decimal point (19.5833333333333): the recogniser
#: merges like glyphs it sees too narrow (at 300 dpi it read ten of those eleven 3s), and a
#: repeating decimal short of one still divides back to its 金额, so no arithmetic sees it.
LIKE_DIGITS = re.compile(r"\.\d*(\d)\1{2,}")
#: How much wider such a line is read again: at 2.0 the eleven 3s read whole (ten at 1.6).
RUN_STRETCH = 2.0
#: The weakest character given a line whose stretched read counts its digits otherwise: a guess
#: whose place is unknown (capture/extract/scan_table._unproven_figure).
MERGED_RUN = 0.5
#: Width of the page a glance reads to tell which way up it is (the full read's is 1600).
GLANCE_WIDTH = 960
#: Words that show the page was read the right way up.
UPRIGHT_WORDS = ("发票", "合计", "名称", "税额", "金额")
#: A sum as printed (folded): ¥1675.41, (小写)¥1725.67, -23767.47.
MONEY_LINE = re.compile(r"^(?:\(小写\))?[¥￥]?-?[\d,]*\d\.\d{2}$")
#: A line's reading this confident counts as read strongly when telling which way up a page is.
STRONG_READING = 0.9
#: Level lines of which fewer than this share read strongly are garbage: the page is upside down
#: more likely than blurred (measured on fresh photos without a QR: upside down 0.04-0.17,
#: upright but not looking it 0.57-0.62).
GARBLED_SHARE = 0.25


def read_scan_page(image: np.ndarray, number: int, source_kind: str, engine: Engine | None = None) -> Page:
    """OCR one page image into a Page with tokens and QR payloads."""
    return scan_page(image, number, source_kind, engine)[0]


def scan_page(
    image: np.ndarray, number: int, source_kind: str, engine: Engine | None = None, *, level_image: bool = False
) -> tuple[Page, np.ndarray]:
    """OCR one page image: the Page (tokens, QR payloads, unread marks and ruled lines, in page
    units) and the cleaned-up image they were read from (upright, at OCR scale; with
    `level_image` also turned as the text was levelled, so the Page's coordinates fit it: a
    picture for people, which the reading itself does not need)."""
    engine = engine or get_engine()
    started = time.perf_counter()
    corners = geometry.find_sheet(image)  # the paper, or the printed form where the paper cuts it
    # a photo's sheet, flattened and with its light evened out (shadows, fall-off, tint); a scan as it is
    flat = light.even_light(geometry.flatten(image, corners)) if corners is not None else image
    qr_started = time.perf_counter()
    found = find_qr(flat)
    if not found.payloads and flat is not image:
        found = QrFound(find_qr(image).payloads)
    qr_done = time.perf_counter()
    angle = found.angle()
    page = geometry.upright(flat, angle) if angle is not None else flat
    page = geometry.scale_to_width(page)
    skew = geometry.line_skew(page)  # the table rules are a finer level than a small QR's edge
    if skew is not None:
        page = geometry.rotate_small(page, -skew)
    if corners is not None:  # a photo's flattened sheet: its rules made level and upright
        page = rectify.square_up(page, dark_ink(page, text_height(page)))
    clean_done = time.perf_counter()
    proven = ProvenValues.of(found.payloads)
    if angle is None:
        page, boxes = _best_orientation(page, proven, engine)
    else:
        boxes = engine.read(page, proven, names_read_again=True)
    ink = PageInk.of(page)
    boxes, stamps, watermarks = drop_overprint(page, boxes, ink.em)
    printed_rules = ruled_lines(page, ink)
    boxes = cut_at_rules(page, boxes, printed_rules, ink.em, engine)
    boxes = _second_read_of_item_names(page, boxes, engine)
    boxes = _second_read_of_weak_lines(page, boxes, engine, proven)
    boxes = _second_read_of_digit_runs(page, boxes, engine)
    figures, marks = read_marks(page, unread_marks(page, boxes + stamps + watermarks, ink), boxes, printed_rules, ink.em, engine)
    marks += _glyphs_at_the_rule(page, boxes)
    boxes = boxes + figures
    ocr_done = time.perf_counter()
    size = (page.shape[1], page.shape[0])
    skew = _residual_skew(boxes)
    rules = _level_rules(printed_rules, skew, size)
    boxes, marks = _level_text(boxes, marks, size)
    scale = page.shape[1] / PAGE_UNITS_WIDE
    unread = [(x0 / scale, y0 / scale, x1 / scale, y1 / scale) for x0, y0, x1, y1 in marks]
    ruled = [(x0 / scale, y0 / scale, x1 / scale, y1 / scale) for x0, y0, x1, y1 in rules]
    covered = [tuple(v / scale for v in box.bounds) for box in watermarks]
    timings = {
        "qr": qr_done - qr_started,
        "clean": (qr_started - started) + (clean_done - qr_done) + (time.perf_counter() - ocr_done),
        "ocr": ocr_done - clean_done,
    }
    tokens = boxes_to_tokens(boxes, scale)
    height = page.shape[0] / scale
    if level_image and skew is not None:
        page = geometry.turn(page, -skew)
    return Page(number, PAGE_UNITS_WIDE, height, tokens, source_kind, found.payloads, timings, unread, ruled, covered), page


def _second_read_of_item_names(page: np.ndarray, boxes: list[TextBox], engine: Engine) -> list[TextBox]:
    """Item names have no check, so the first line of each (it starts with its *税收分类* prefix)
    is read again on a white margin, without the ink of the lines above and below it, and so is
    a wrapped line printed against the table's rule. The recogniser can drop a glyph next to the
    prefix at full confidence (*JTW read *TW) from the tight crop it is given, take the foot of
    the line above for a stroke (五常大米 read 五常天米), and the detector leaves out a glyph that
    touches a rule (l500ml read 500ml): the second read sees the rule's side of the line with
    the rule erased. A second read with a character the first lacks, or another one in its
    place, is kept beside the first, and the name goes to review showing both
    (capture/extract/items.py). A first line
    printed against the rule that reads its prefix without the opening * in both reads has the *
    on the rule itself (a photo's sheet flattened a little off puts it there): it is read in; so
    has one whose first character read stands a *'s width past where its ink begins (a blurred
    * at the edge of a photo's crop, which no margin brings back: `LOST_STAR_INK`).
    A first line only the fast recogniser read (the engine leaves those it read surely to this
    read) stands where the second read agrees with it; else its detector crop is read fully
    first, as the engine would have read it."""
    checked = list(boxes)
    for index in _item_name_lines(boxes, text_height(page)):
        box = boxes[index]
        bounds = box.bounds
        line = line_against_rule(page, bounds)
        against_rule = line is not None
        if line is None:
            if not opens_item_name(box.text):
                continue  # a wrapped line away from the rules reads as well as the first
            line = line_without_neighbours(page, bounds)
        text, score = engine.recognize(with_margin(line))
        if box.fast_only:  # read by the fast recogniser alone: the full one agrees, or reads it too
            box = _agreed_or_read_fully(page, box, text, score, engine)
            checked[index] = box
        first = fold(box.text)
        second = _plus_as_star(_dash_as_one(fold(text), first), first)
        if (not _holds_in_order(first, second) or _doubles_a_glyph(first, second)) and not _case_alone(first, second, box):
            checked[index] = replace(box, second_read=text)
        elif _star_read_in(box, against_rule):
            checked[index] = replace(box, text="*" + box.text, guessed=None if box.guessed is None else tuple(i + 1 for i in box.guessed))
    return [engine.read_line(page, box.polygon) if box.fast_only else box for box in checked]


def _star_read_in(box: TextBox, against_rule: bool) -> bool:
    """Whether an item name's first line read without the * that opens its prefix (both reads
    agreeing) has it all the same: the * stands on the table's rule, and no crop parts the two,
    or its ink stands unread before the category (`LOST_STAR_INK`). The prefix every item name
    prints since 2018 proves the *, its closing * the category."""
    if not LOST_PREFIX_STAR.match(fold(box.text)):
        return False
    return against_rule or LOST_STAR_INK[0] <= box.ink_before <= LOST_STAR_INK[1]


def _glyphs_at_the_rule(page: np.ndarray, boxes: list[TextBox]) -> list[Box]:
    """A mark where a wrapped item-name line's first glyph touches the table's rule: the
    recogniser reads a thin glyph there (l, 1, I) as the rule's edge and drops it, whatever crop
    it is given, so the name is a doubt (capture/extract/scan_table.unread_doubts). A first line
    opens with its prefix's *, whose loss its own rule catches."""
    found = []
    for index in _item_name_lines(boxes, text_height(page)):
        if not opens_item_name(boxes[index].text) and (mark := glyph_against_rule(page, boxes[index].bounds)) is not None:
            found.append(mark)
    return found


def _agreed_or_read_fully(page: np.ndarray, box: TextBox, text: str, score: float, engine: Engine) -> TextBox:
    """An item name's first line the fast recogniser alone read (TextBox.fast_only), given the
    full model's reading of it on a white margin: where the two read the same, it stands (two
    models on two crops agree); else the full model reads the detector's crop as well, and that
    reading is the line's, to be compared with the second read as any other. The two must read
    the same spaces as well: a space the margin's read puts in (清风抽纸 3) moves the words after
    it to another column."""
    if _spaced(text) == _spaced(box.text):  # spaces too: they part a line's words into columns
        return replace(box, confidence=max(box.confidence, score), fast_only=False)
    read = engine.read_line(page, box.polygon)
    return replace(read, disputed=fold(read.text) != fold(box.text))


def _second_read_of_weak_lines(page: np.ndarray, boxes: list[TextBox], engine: Engine, proven: ProvenValues) -> list[TextBox]:
    """Each line with a character read below WEAK_CHARACTER read again on a white margin (without
    the ink of the lines above and below it: `line_without_neighbours`), unless
    something else settles it (a label of the form, the 密码区's cipher, a value the QR proves, a
    tax ID whose check character holds, a sum or 大写 words the page's arithmetic ties, an item
    name with its own second read). The recogniser's confidence in one character says little on
    its own (fresh 300 dpi scans read right digits at 0.50-0.79, a photo a wrong one at 0.63),
    but a guess changes when the crop does. A line the second read repeats, and a third of the
    crop doubled in size, has its characters stand (weakest 1.0; a photo's 开票人 蔡萱梅 read 蔡蓝梅
    at 0.52 twice, doubled 蔡篮梅), unless the fast recogniser read it otherwise (the same crop read
    太湖大遵 twice at 0.69 and 0.61, the fast model 太湖大过: 太湖大道 is printed); one they change keeps
    its weak character, and the field read from it goes to review unless a check proves it
    (capture/verify/confidence.py)."""
    checked = list(boxes)
    for index, box in enumerate(boxes):
        if box.weakest >= WEAK_CHARACTER or opens_item_name(box.text) or _settled_elsewhere(box.text, proven):
            continue
        crop = line_without_neighbours(page, box.bounds)
        if crop.size == 0:
            continue
        text, _ = engine.recognize(with_margin(crop))
        if fold(text) != fold(box.text) or box.disputed:
            continue
        doubled, _ = engine.recognize(with_margin(cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))
        if fold(doubled) == fold(box.text):
            checked[index] = replace(box, weakest=1.0, guessed=())
    return checked


def _spaced(text: str) -> str:
    """A reading NFKC-folded, its runs of whitespace one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _second_read_of_digit_runs(page: np.ndarray, boxes: list[TextBox], engine: Engine) -> list[TextBox]:
    """Each line with a run of like digits after a decimal point (LIKE_DIGITS) read again
    stretched RUN_STRETCH times across, on a white margin, where each glyph spans more of the
    recogniser's steps. A second read whose digits differ (in number or value) leaves the line
    with a guess of unknown place (MERGED_RUN): the figure is a doubt unless its own place
    proves it; one that repeats the digits lets the count stand."""
    checked = list(boxes)
    for index, box in enumerate(boxes):
        if not LIKE_DIGITS.search(fold(box.text)):
            continue
        crop = line_without_neighbours(page, box.bounds)
        if crop.size == 0:
            continue
        text, _ = engine.recognize(with_margin(cv2.resize(crop, None, fx=RUN_STRETCH, fy=1.0, interpolation=cv2.INTER_CUBIC)))
        if _digits(text) != _digits(box.text):
            checked[index] = replace(box, weakest=min(box.weakest, MERGED_RUN), guessed=None)
    return checked


def _digits(text: str) -> str:
    """The digits of a reading, in order (NFKC-folded)."""
    return "".join(char for char in fold(text) if char.isdigit())


def _settled_elsewhere(text: str, proven: ProvenValues) -> bool:
    """Whether a line's reading is settled without a second read: by what settles a fast reading
    (capture/read/ocr/settle.py), or as a sum or 大写 words, which the page's arithmetic ties."""
    folded = fold(text)
    return settled(text, 1.0, proven) or bool(MONEY_LINE.match(folded)) or words_value(text) is not None


def _item_name_lines(boxes: list[TextBox], em: float) -> list[int]:
    """The boxes of item names: each first line (its *税收分类* prefix) and the lines below it
    that start where it starts, until the next first line or a gap of a line."""
    firsts = [box.bounds for box in boxes if opens_item_name(box.text)]
    found = []
    for index, box in enumerate(boxes):
        if opens_item_name(box.text):
            found.append(index)
            continue
        x0, y0, _, _ = box.bounds
        wrapped = (abs(x0 - fx0) < em and fy0 < y0 < fy1 + NAME_WRAP_LINES * (fy1 - fy0) for fx0, fy0, _, fy1 in firsts)
        if box.text[:1] != "*" and any(wrapped):
            found.append(index)
    return found


def _doubles_a_glyph(first: str, second: str) -> bool:
    """Whether the first read doubles a glyph (飞飞科) that the second reads once (飞科): the
    recogniser now and then repeats a glyph at full confidence."""
    return any(first[i] == first[i + 1] and first[:i] + first[i + 1 :] == second for i in range(len(first) - 1))


def _case_alone(first: str, second: str, box: TextBox) -> bool:
    """Whether the second read differs from the first only in the case of Latin letters
    ((M&g) for (M&G), (v for (VI) in a run the first holds whole, and the fast recogniser read
    the line as the full one did: no glyph was dropped, and two reads of three agree on the
    case. Measured over fresh scans and photos (seeds 2026120703-05): 16 such disagreements,
    the first read right in all 16."""
    return not box.disputed and second.casefold() in first.casefold()


def _dash_as_one(second: str, first: str) -> str:
    """A second read's dash beside a Chinese character taken for the 一 the first read has (三一
    read 三—): the recogniser reads a 一 so, and the first read's 一 is the reading that stands."""
    return DASH_BESIDE_HAN.sub("一", second) if "一" in first else second


def _plus_as_star(second: str, first: str) -> str:
    """A second read's + where the first read's *税收分类* prefix has its opening or closing *
    (*天然气+管道天然气 for *天然气*管道天然气: blur makes a * a +). The prefix's form is fixed (a
    name prints *category*), so that glyph is a * whichever read it was: the reads disagree on
    nothing the record takes."""
    prefix = ITEM_NAME_START.match(first)
    if prefix is None or second.startswith(prefix.group(0)):
        return second
    star = prefix.group(0)
    for variant in ("+" + star[1:], star[:-1] + "+", "+" + star[1:-1] + "+"):
        if second.startswith(variant):
            return star + second[len(variant) :]
    return second


def _holds_in_order(first: str, second: str) -> bool:
    """Whether the first read holds every character of the second, in order: a second read
    that only lacks something (its leading *) is no sign the first dropped a glyph."""
    rest = iter(first)
    return all(char in rest for char in second)


def _residual_skew(boxes: list[TextBox]) -> float | None:
    """The skew (degrees) the OCR'd text lines still show, when it is worth levelling."""
    skew = geometry.text_skew([box.polygon for box in boxes])
    return None if skew is None or abs(skew) < MIN_TEXT_SKEW else skew


def _level_text(boxes: list[TextBox], marks: list[Box], size: tuple[int, int]) -> tuple[list[TextBox], list[Box]]:
    """OCR boxes and unread marks turned so the text lines run level, when the page is still
    skewed after the clean-up: on tight table rows half a degree puts a name beside the next
    row's numbers. Turning the coordinates costs nothing; reading a turned image again would."""
    skew = _residual_skew(boxes)
    if skew is None:
        return boxes, marks
    level = [
        replace(box, polygon=tuple(map(tuple, geometry.rotate_points(np.array(box.polygon), -skew, size).tolist())))
        for box in boxes
    ]
    level_marks = []
    for x0, y0, x1, y1 in marks:
        corners = geometry.rotate_points(np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), -skew, size)
        level_marks.append((*corners.min(axis=0).tolist(), *corners.max(axis=0).tolist()))
    return level, level_marks


def _level_rules(rules: list[Box], skew: float | None, size: tuple[int, int]) -> list[Box]:
    """Ruled lines turned with the text (`_level_text`), kept upright or across."""
    if skew is None:
        return rules
    level_rules = []
    for x0, y0, x1, y1 in rules:
        (a, b), (c, d) = geometry.rotate_points(np.array([(x0, y0), (x1, y1)]), -skew, size).tolist()
        upright = x0 == x1
        middle = (a + c) / 2 if upright else (b + d) / 2
        level_rules.append((middle, min(b, d), middle, max(b, d)) if upright else (min(a, c), middle, max(a, c), middle))
    return level_rules


def _stands_tall(box: TextBox) -> bool:
    """A line taller than wide: text read on its side (the recogniser turns such a crop before
    reading it, so it may read well on a page lying on its side)."""
    x0, y0, x1, y1 = box.bounds
    return y1 - y0 > 1.5 * (x1 - x0)


def reading_score(boxes: list[TextBox]) -> float:
    """How well a page read: confident characters on level lines, with a bonus for invoice words."""
    level = [b for b in boxes if not _stands_tall(b)]
    text = "".join(b.text for b in level)
    confident = sum(len(b.text) * b.confidence for b in level if b.confidence >= 0.8)
    return confident * (2.0 if any(w in text for w in UPRIGHT_WORDS) else 1.0)


def _looks_upright(boxes: list[TextBox]) -> bool:
    """The form's words read on level lines, most lines strong, few standing on their side."""
    level = [b for b in boxes if not _stands_tall(b)]
    text = "".join(b.text for b in level)
    strong = [b for b in boxes if b.confidence >= STRONG_READING]
    return (
        sum(w in text for w in UPRIGHT_WORDS) >= 3
        and len(strong) >= 0.6 * max(len(boxes), 1)
        and len(level) >= 2 * (len(boxes) - len(level))
    )


def _best_orientation(page: np.ndarray, proven: ProvenValues, engine: Engine) -> tuple[np.ndarray, list[TextBox]]:
    """Glance at the page as it lies (its lines read by the fast recogniser alone) and read it
    fully when that looks upright (the read finishes the glance: nothing is detected twice).
    Where the glance shows which turn is likely (lines standing on their side; lines read as
    garbage, as upside-down text is), the page is glanced at so turned, at the size it is read
    at, so the read finishes that glance too. Else glance at the page each quarter turn
    (smaller) and read the best turn fully. A page turned costs glances, not a full read of
    turned text. The page as it lies wins a tie."""
    first = engine.glance(page)
    if _looks_upright(first):
        return page, engine.read(page, proven, names_read_again=True)
    tried: dict[int, tuple[np.ndarray, float]] = {}
    for quarters in _likely_turns(first):
        turned = geometry.scale_to_width(geometry.rotate_quarter(page, quarters))
        glanced = engine.glance(turned)
        if _looks_upright(glanced):
            return turned, engine.read(turned, proven, names_read_again=True)
        tried[quarters] = (turned, reading_score(glanced))
    smaller = engine.glance(geometry.scale_to_width(page, GLANCE_WIDTH))
    if _looks_upright(smaller):  # upright after all, read better smaller (a blurred photo)
        return page, engine.read(page, proven, names_read_again=True)
    scores = {0: reading_score(smaller)} | {quarters: score for quarters, (_, score) in tried.items()}
    for quarters in (q for q in _turns_to_try(first) if q not in tried):
        glanced = engine.glance(geometry.scale_to_width(geometry.rotate_quarter(page, quarters), GLANCE_WIDTH))
        scores[quarters] = reading_score(glanced)
        if _looks_upright(glanced):
            break
    best = max(scores, key=scores.__getitem__)
    if best == 0:
        return page, engine.read(page, proven, names_read_again=True)
    turned = tried[best][0] if best in tried else geometry.scale_to_width(geometry.rotate_quarter(page, best))
    return turned, engine.read(turned, proven, names_read_again=True)


def _on_its_side(boxes: list[TextBox]) -> bool:
    """Whether more of the lines found stand taller than wide than lie wider than tall."""
    sides = [(x1 - x0, y1 - y0) for x0, y0, x1, y1 in (box.bounds for box in boxes)]
    return sum(height > 1.5 * width for width, height in sides) > sum(width > 1.5 * height for width, height in sides)


def _turns_to_try(boxes: list[TextBox]) -> tuple[int, ...]:
    """Quarter turns in the order worth trying: a half turn first, unless the page lies on its
    side. The recogniser turns a tall line a quarter counter-clockwise before reading it, so
    tall lines that mostly read strongly were upright after that turn: the page takes the same
    (1); tall lines read weakly were upside down: it takes the other (3)."""
    if not _on_its_side(boxes):
        return (2, 1, 3)
    tall = [box for box in boxes if _stands_tall(box)]
    strong = sum(box.confidence >= STRONG_READING for box in tall)
    return (1, 3, 2) if strong >= 0.5 * len(tall) else (3, 1, 2)


def _likely_turns(boxes: list[TextBox]) -> tuple[int, ...]:
    """The turns a glance at the page as it lies shows to be likely: both quarters (the likelier
    first) for a page on its side; a half turn for level lines read as garbage (upside-down
    text reads so; a blurred upright photo still reads most lines strongly); else none."""
    if _on_its_side(boxes):
        return _turns_to_try(boxes)[:2]
    strong = sum(box.confidence >= STRONG_READING for box in boxes)
    return (2,) if boxes and strong < GARBLED_SHARE * len(boxes) else ()


def render_page(page: pdfium.PdfPage, dpi: int = PDF_DPI) -> np.ndarray:
    """A PDF page as a BGR array (pdfium renders BGRA by default)."""
    return np.ascontiguousarray(page.render(scale=dpi / 72).to_numpy()[:, :, :3])


def text_layer_is_garbage(page: Page) -> bool:
    """A text layer to distrust: too little text, or none of the words every invoice prints
    (an OCR layer of another program, a layer of unmapped glyphs, a partial layer)."""
    text = "".join(t.text for t in page.tokens).replace(" ", "")
    return page.source_kind == "pdf_scan" or not any(word in text for word in INVOICE_WORDS)


def ocr_pdf_pages(path: Path, pages: list[Page]) -> Iterator[Page]:
    """The pages of a PDF, with every page whose text layer is missing or garbage OCRed."""
    if not any(text_layer_is_garbage(page) for page in pages):
        yield from pages
        return
    document = open_pdf(path)
    try:
        for page in pages:
            if text_layer_is_garbage(page):
                pdf_page = document[page.number - 1]
                scanned = read_scan_page(render_page(pdf_page), page.number, "pdf_scan")
                if not scanned.qr:  # the render hid it: the embedded image may still hold it
                    scanned.qr = page.qr or find_page_qr(pdf_page, page.width, page.height)
                yield scanned
            else:
                yield page
    finally:
        document.close()
