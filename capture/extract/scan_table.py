"""The goods table on a scan: tall OCR boxes sorted into rows, and the doubts a scan's guessed
cell boundaries leave. The text columns (名称, 规格型号, 单位) have no check, so a scan's line
items are trusted only when the layout leaves no doubt; each doubt names the line and why.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from capture.contract.money import parse_decimal, price_tolerance
from capture.contract.tokens import DASH_BESIDE_HAN, UNREAD_END, WEAK_CHARACTER, Box, Token
from capture.contract.units import KNOWN_UNITS
from capture.extract.items import (
    LIST_PLACEHOLDER,
    PRINTED_COLUMNS,
    Columns,
    RowCells,
    same_box,
    split_row,
)
from capture.extract.lines import Line, build_lines

#: A table token taller than this many text heights runs down several rows.
TALL_ROWS = 1.8
#: Text this far (text heights) left of the 规格型号 edge, or more, is not a 规格型号 printed there.
SPEC_CLEAR = 0.5
#: The 规格型号 starts of a table's rows agree within this many text heights (the OCR boxes' padding).
SPEC_AGREE = 0.6
#: A name's OCR box ends at most this many text heights past the measured 规格型号 edge (its
#: padding): one reaching further holds 规格型号 text too.
NAME_REACH = 0.3
#: A box joining a name and its 规格型号 is cut at a space the recogniser read: no other space
#: of the box lies within this many text heights of the 规格型号 edge.
GAP_CLEAR = 1.5
#: How far (in text heights) an OCR box reaches past a printed rule on both sides before it is
#: taken as one box across two cells rather than a box's padding.
STRADDLE = 0.5
#: Cells of a row in print order, for telling when one OCR box ran over two of them.
_TEXT_CELLS = ("name", "spec", "unit", "quantity", "unit_price")
#: A header label's OCR box this many times the header's usual height holds more than the label.
TALL_HEADER = 1.5
#: What OCR reads an l, a 1 or a piece of a ruled line as; no name, 规格型号 or 单位 prints it.
RULE_GLYPH = "|"
#: An item's 名称, 规格型号 or 单位 read below this OCR score (its weakest word) is not trusted:
#: nothing checks them.
NAME_CONFIDENCE = 0.95
#: A 单位 read as a unit word whole (KNOWN_UNITS: a unit's look-alike, 干瓦时, is no unit) is
#: trusted from UNIT_CONFIDENCE on; any other 单位 below NAME_CONFIDENCE stays a doubt.
UNIT_CONFIDENCE = 0.8
#: A 数量 or 单价 read as one plain number (a sign, digits, a decimal point).
PLAIN_FIGURE = re.compile(r"^-?\d+(?:\.\d+)?$")
#: A letter O beside a figure in a 规格型号 (Y002OBBK for Y0020BBK): the recogniser reads a 0 so
#: (no 规格型号 of the generator's or the real corpus prints one).
O_BESIDE_FIGURE = re.compile(r"(?<=\d)O|O(?=\d)")
#: A 0 beside a Latin letter and no other figure (Pr0 for Pro, the o that starts a wrapped line):
#: the recogniser reads an O or o so, and a model's digits stand together (AL00, B3200, Y0020).
ZERO_BESIDE_LETTER = re.compile(r"[A-Za-z]0(?![\d.])|(?<![\d.])0[A-Za-z]")
#: Figures (and the rule's |) that the recogniser reads for a letter (l, I; o, O) where a wrapped
#: line of a name starts against the table's rule right after a letter: vo | l500ml read
#: vo1500ml, Pr | o read Pr0. A letter read there (Len | ovo, V | I) reads as a letter.
WRAP_LOOK_ALIKES = "10|"
_NOT_A_CELL_START = set("()（）[]【】,，.。;；:：、")
#: Cells one OCR box may join without doubt: a 单位 has no digits (_UNIT) and 数量 is a number,
#: and a wrong split of 数量|单价 fails 数量 × 单价 = 金额 (capture/verify/checks.py quantity_price).
_PROVEN_BOUNDARIES = {("unit", "quantity"), ("quantity", "unit_price")}
#: A 单位 is a short word (个, 台, 千克, 平方米): longer, or with digits, it swallowed a neighbour.
_UNIT = re.compile(r"^[^\d\s]{1,4}$")


def unstack_rows(table: list[Line], columns: Columns) -> list[Line]:
    """Table lines of a scan with its tall OCR boxes sorted out. One inside the table's columns
    runs down several rows (the detector joins a column of one-character 单位 on tight rows): it
    is cut into one token per character, each on its own row. One in the margin is vertical print
    (a printer's imprint, 第二联…): it is not table content and is dropped."""
    tokens = [t for line in table for t in line.tokens]
    if not tokens:
        return table
    heights = sorted(t.height for t in tokens)
    row_height = heights[len(heights) // 2]
    tall = [t for t in tokens if len(t.text) >= 2 and " " not in t.text and t.height > TALL_ROWS * row_height]
    if not tall:
        return table
    inside = (columns.spans["name"][1], columns.spans["tax"][1])
    for token in tall:
        tokens.remove(token)
        if token.x0 < inside[0] or token.x1 > inside[1]:
            continue
        step = token.height / len(token.text)
        tokens += [
            Token(char, token.x0, token.y0 + i * step, token.x1, token.y0 + (i + 1) * step, token.confidence)
            for i, char in enumerate(token.text)
        ]
    return build_lines(tokens)


def scan_cells(table: list[Line], columns: Columns) -> tuple[list[Line], list[RowCells]]:
    """A scan's table lines, tall boxes sorted out, and their cells, set straight."""
    table = unstack_rows(table, columns)
    rows = align_spec_column([split_row(line, columns, scanned=True) for line in table], columns)
    return table, [restore_prefix_star(row) for row in rows]


def restore_prefix_star(row: RowCells) -> RowCells:
    """A name whose first read lost the * that opens its *税收分类* prefix (the glyph against the
    table's rule a scan loses first), where the second read of the line (capture/read/scan/page.py)
    has it and agrees on every other character: the prefix every item line prints proves the *,
    and two reads of the line agree on the rest. The name is read with it, and no doubt is left."""
    name = row.cells.get("name")
    if not name or len(name) != 1 or not name[0].second_read:
        return row
    token = name[0]
    second = "".join(token.second_read.split())
    if second == "*" + token.text and re.match(r"^\*[^*]+\*(?:[^*]|$)", second) and not token.text.startswith("*"):
        row.cells["name"] = [replace(token, text=second, second_read="")]
    return row


def spec_edge(rows: list[RowCells], columns: Columns, shared: bool = False) -> float | None:
    """Where a table without column rules starts its 规格型号 text, measured: 规格型号 is printed
    from its column's left edge, so the OCR boxes of its own (not one box shared with the name)
    that start a row's 规格型号 there: those that start between the column's edge guessed from
    the header and the header's own left end (a header is centred over its column) must agree
    within SPEC_AGREE text heights. None where no row shows it, or they disagree. `shared`: also
    from 规格型号 words that share a box with the name (their places in it are estimates: enough
    to tell text that ends well before the edge, not to part two cells)."""
    if columns.name_edge() is not None or "spec" not in columns.spans:
        return None
    low, high = columns.text_boundary("spec"), columns.spans["spec"][0]
    starts = []
    for row in rows:
        spec, name = row.cells.get("spec"), row.cells.get("name")
        if not spec or (name and same_box(name[-1], spec[0]) and not shared):
            continue
        first = spec[0]
        if low - SPEC_CLEAR * first.height <= first.x0 <= high + SPEC_CLEAR * first.height:
            starts.append((first.x0, first.height))
    if not starts:
        return None
    xs = sorted(x for x, _ in starts)
    edge = xs[len(xs) // 2]
    return edge if all(abs(x - edge) <= SPEC_AGREE * height for x, height in starts) else None


def align_spec_column(rows: list[RowCells], columns: Columns) -> list[RowCells]:
    """A table that prints no column rules (数电 invoices, 销货清单 pages): 规格型号 values are
    printed from their column's left edge, row after row, so that edge is where the rows'
    规格型号 starts (`spec_edge`). Text put in 规格型号 that ends before that edge, right after
    the name's words on its line, is the name's: a wrapped name whose words the gaps between OCR
    boxes set apart (奶 | 250ml*24盒 on the name's second line, ovo)ThinkPad | X1 | Carbo). Where
    no row shows the edge, text that ends before the leftmost place the column's text can start
    (its header is centred over it) is the name's all the same (3层120抽 24包/箱, one wrapped line)."""
    if columns.name_edge() is not None or "spec" not in columns.spans:
        return rows
    edge = spec_edge(rows, columns)
    edge = edge if edge is not None else spec_edge(rows, columns, shared=True)
    if edge is None:  # no row shows it: the leftmost the column's text can start (its header is centred)
        edge = columns.text_boundary("spec")
    for row in rows:
        spec = row.cells.get("spec") or []
        name = row.cells.get("name") or []
        moved = [t for t in spec if t.x1 <= edge - SPEC_CLEAR * t.height]
        if not moved or not name or any(t.x0 < name[-1].x1 for t in moved):
            continue
        row.cells["name"] = name + sorted(moved, key=lambda t: t.x0)
        rest = [t for t in spec if t not in moved]
        if rest:
            row.cells["spec"] = rest
        else:
            del row.cells["spec"]
    return rows


def _shared_glyph(left: Token, right: Token) -> bool:
    """Two overlapping OCR boxes that both read the character where they overlap (绿联( | (CM219),
    or a cell that starts with punctuation no 规格型号 or 单位 starts with."""
    overlap = right.x0 < left.x1 and left.text[-1:] == right.text[:1]
    return overlap or right.text[:1] in _NOT_A_CELL_START


def _straddled(item_rows: list[RowCells], columns: Columns) -> str | None:
    """The two text cells (名称|规格型号, 规格型号|单位) whose printed rule one OCR box runs across,
    by more than its padding on both sides: the detector joined two cells into one box."""
    edges = {"spec": columns.ruled_edge("spec") if "spec" in columns.spans else None}
    edges["unit"] = columns.ruled_edge("unit") if "unit" in columns.spans else None
    between = {"spec": "名称 and 规格型号", "unit": "规格型号 and 单位"}
    tokens = [t for row in item_rows for cell in row.cells.values() for t in cell]
    for column, x in edges.items():
        if x is not None and any(t.x0 < x - STRADDLE * t.height and t.x1 > x + STRADDLE * t.height for t in tokens):
            return between[column]
    return None


def _runs_into_spec(row: RowCells, columns: Columns) -> bool:
    """A name cell whose OCR box reaches into the 规格型号 column: the detector joined the name
    and the spec into one box, and where one ends is unknown. Where the header shows where the
    名称 column ends (`Columns.centred_name_end`), a box ending before it (its padding aside)
    holds no 规格型号 text: that text starts at its column's edge and is a character wide at least."""
    name = row.cells.get("name")
    if not name or "spec" not in columns.spans:
        return False
    end = max(columns.text_boundary("spec"), columns.centred_name_end() or float("-inf"))
    return name[-1].x1 > end + 0.5 * name[-1].height


def _parted(row: RowCells, columns: Columns, edge: float | None) -> bool:
    """Whether the table shows where the row's 规格型号 starts (the measured `edge`, else the
    row's own start where it can be the column's) and the row's name and 规格型号 part there."""
    edge = edge if edge is not None else _spec_start(row, columns)
    return edge is not None and _parted_at(row, edge, columns.centred_name_end())


def _spec_start(row: RowCells, columns: Columns) -> float | None:
    """Where a row's own 规格型号 starts, on a table without a rule after the name where no other
    row shows the edge: its first word, when it starts where the column can start (between the
    edge guessed from the header and the header's left end)."""
    spec = row.cells.get("spec")
    if not spec or columns.name_edge() is not None:
        return None
    first = spec[0]
    low, high = columns.text_boundary("spec"), columns.spans["spec"][0]
    return first.x0 if low - SPEC_CLEAR * first.height <= first.x0 <= high + SPEC_CLEAR * first.height else None


def _parted_at(row: RowCells, edge: float, name_end: float | None = None) -> bool:
    """Whether a row's 名称 and 规格型号 part at the table's measured 规格型号 edge, as a person
    reads two cells: the name ends before it (a box's padding aside), the 规格型号 starts on it
    (left-aligned, as on every row), and no other cell is on the line's wrapped part. One OCR box
    across both is cut at a space the recogniser read there, and only where no other space of
    the box lies near the edge (the cut can be nowhere else), nor a glyph read twice. Where the
    header shows where the 名称 column ends (`name_end`), a space that would start the 规格型号
    inside it, or end the name past it, is no place for the cut, and a name's word that starts
    past it is a 规格型号 word the row's own start missed."""
    name, spec = row.cells.get("name") or [], row.cells.get("spec") or []
    height = max(t.height for t in name + spec) if name or spec else 0.0
    if name and name[-1].x1 > edge + NAME_REACH * height:
        return False
    if name and name_end is not None and name[-1].x0 >= name_end:
        return False  # a word starting past the 名称 column's end is no name's (70g of 规格型号 70g 500张/包)
    if not spec:
        return True
    if abs(spec[0].x0 - edge) > SPEC_AGREE * height:
        return False
    if not name or not same_box(name[-1], spec[0]):
        return True
    if _shared_glyph(name[-1], spec[0]):
        return False
    before = len(name) > 1 and same_box(name[-2], name[-1]) and name[-1].x0 > edge - GAP_CLEAR * height
    after = len(spec) > 1 and same_box(spec[0], spec[1]) and spec[1].x0 < edge + GAP_CLEAR * height
    if name_end is not None:  # the column's end rules a cut out: 规格型号 starts after it, a name ends before it
        before = before and name[-1].x0 >= name_end - NAME_REACH * height
        after = after and spec[0].x1 <= name_end + NAME_REACH * height
    return not before and not after


def _wrap_read(row: RowCells, edge: float | None, name_end: float | None) -> bool:
    """Whether a wrapped line of an item reads without doubt where the table draws no rule
    after the name: the name's words alone, or beside a 规格型号 parted at its measured edge."""
    beside = set(row.cells) - {"name"}
    if not beside:
        return True
    return beside == {"spec"} and edge is not None and _parted_at(row, edge, name_end)


def header_over_rows(header: Line, table: list[Line]) -> list[str]:
    """A header label whose OCR box is TALL_HEADER times the header's usual height and reaches
    past the middle of the first item line: the detector took the value under the label into
    its box and read the label alone (单位 over 个, fresh 300 dpi seed 2026120706: the 单位 went
    out null and the record ready)."""
    if not table or not header.tokens:
        return []
    heights = sorted(t.height for t in header.tokens)
    usual, first = heights[len(heights) // 2], table[0]
    return [
        f"表头“{t.text}”的识别框伸进了第一行，框下的内容可能没有读出：请对照原件 "
        f"(the goods table: the OCR box of the header “{t.text}” reaches into the first line, so a value under it may be unread: compare the line with the paper)"
        for t in header.tokens
        if t.height >= TALL_HEADER * usual and t.y1 > first.cy
    ]


def scan_doubts(items: list[dict], rows: list[list[RowCells]], columns: Columns) -> list[str]:
    """Why the line items read from a scan may be wrong though their numbers add up: the text
    columns of a table have no check, and on a scan their cell boundaries are guessed from the
    OCR boxes, or found from the printed rules where the scan shows them. A name wrapped onto
    lines of its own is read as on a text layer; a wrapped line with text in other columns too is
    a doubt unless a rule separates the name from them; an OCR box across a rule is a doubt. Each doubt names the line; any doubt sends the
    record to review."""
    doubts: list[str] = []
    edge = spec_edge([row for item_rows in rows for row in item_rows], columns)
    name_end = columns.centred_name_end()
    for item, item_rows in zip(items, rows, strict=True):
        what = f"line item “{(item.get('name') or '?')[:24]}”"
        if (between := _straddled(item_rows, columns)) is not None:
            doubts.append(f"{what}: one OCR box on the scan runs across the printed line between {between}, so where one cell ends is a guess: check them with the paper")
            continue
        if columns.name_edge() is None and not all(_wrap_read(row, edge, name_end) for row in item_rows[1:]):
            doubts.append(f"{what} wraps over {len(item_rows)} lines on the scan with text beside its name: check its 名称, 规格型号 and 单位 with the paper")
            continue
        cells = item_rows[0].cells
        present = [c for c in _TEXT_CELLS if cells.get(c)]
        if not item.get("name"):
            doubts.append(f"{what}: no 名称 was read on its row: check the line with the paper")
        elif second := _second_read(item_rows):
            doubts.append(f"{what}: a second read of its 名称 on the scan gives “{second}”: compare it with the paper")
        elif any(_runs_into_spec(row, columns) and not _parted(row, columns, edge) for row in item_rows) or any(
            same_box(cells[a][-1], cells[b][0]) or _shared_glyph(cells[a][-1], cells[b][0])
            for a, b in itertools.pairwise(present)
            if (a, b) not in _PROVEN_BOUNDARIES and not ((a, b) == ("name", "spec") and _parted(item_rows[0], columns, edge))
        ):
            doubts.append(f"{what}: one printed run on the scan spans two columns, so where its 名称 ends is a guess: check it with the paper")
        elif item.get("unit") and not _UNIT.match(item["unit"]):
            doubts.append(f"{what}: the 单位 reads “{item['unit']}”, not a unit: check the line with the paper")
        elif known := _look_alike_units(item.get("unit") or ""):
            units = "、".join(f"“{unit}”" for unit in known)
            doubts.append(f"{what}: the 单位 reads “{item['unit']}”, one character off the unit {units}: compare it with the paper")
        elif item.get("spec") in KNOWN_UNITS and not item.get("unit"):
            doubts.append(f"{what}: the 规格型号 reads “{item['spec']}”, a unit, and its 单位 is empty: check which column it is printed in with the paper")
        elif (item.get("quantity") is None) != (item.get("unit_price") is None):
            doubts.append(f"{what}: only one of 数量 and 单价 could be read: check them with the paper")
        elif (flaw := _name_flaw(item.get("name") or "")) is not None:
            doubts.append(f"{what}: the 名称 {flaw}: compare it with the paper")
        elif (wrap := _look_alike_wrap(item_rows)) is not None:
            doubts.append(f"{what}: a wrapped line of its 名称 starts with “{wrap}” right after a letter, where a scan shows an l or I as 1 and an o as 0: compare it with the paper")
        elif cell := next((c for c in ("name", "spec") if ZERO_BESIDE_LETTER.search(item.get(c) or "")), None):
            doubts.append(f"{what}: the {PRINTED_COLUMNS.get(cell, '名称')} reads “{item[cell]}”; a 0 beside a letter on a scan is as often an O: compare it with the paper")
        elif O_BESIDE_FIGURE.search(item.get("spec") or ""):
            doubts.append(f"{what}: the 规格型号 reads “{item['spec']}”; an O beside a figure on a scan is as often a 0: compare it with the paper")
        elif cell := next((c for c in ("name", "spec", "unit") if RULE_GLYPH in (item.get(c) or "")), None):
            doubts.append(f"{what}: the {PRINTED_COLUMNS.get(cell, '名称')} reads “{item[cell]}”; a {RULE_GLYPH} on a scan is most often an l, a 1 or a rule: compare it with the paper")
        elif (weak := _weakest_text(item_rows)) is not None and weak[1] < NAME_CONFIDENCE:
            doubts.append(f"{what}: the {PRINTED_COLUMNS.get(weak[0], '名称')} was read with low confidence ({weak[1]:.2f}): compare it with the paper")
        elif (figure := _unproven_figure(item, item_rows[0])) is not None:
            doubts.append(
                f"{what}: the {PRINTED_COLUMNS[figure]} “{item[figure]}” holds a character the scan shows unclearly, in digits "
                "too small for 数量 × 单价 = 金额 to prove: compare it with the paper"
            )
    unread = [header for name, header in PRINTED_COLUMNS.items() if name not in columns.spans]
    if unread and items:
        doubts.append(f"the table header could not be read in full (no {'/'.join(unread)} column): check the line items with the paper")
    return doubts


def unread_doubts(items: list[dict], rows: list[list[RowCells]], marks: list[Box]) -> list[str]:
    """Ink in the goods table that no OCR box covers (capture/read/scan/ink.py) is text the detector missed,
    most often a character of a wrapped name: a doubt on the line item the mark sits under."""
    tops = [min((t.y0 for row in item_rows for cell in row.cells.values() for t in cell), default=0.0) for item_rows in rows]
    doubts: list[str] = []
    for _, y0, _, _ in sorted(marks, key=lambda mark: mark[1]):
        above = [index for index, top in enumerate(tops) if top <= y0]
        what = f"line item “{(items[above[-1]].get('name') or '?')[:24]}”" if above else "the goods table"
        doubt = f"{what}: the scan shows a mark there that OCR could not read (a missed character?): compare the line with the paper"
        if doubt not in doubts:
            doubts.append(doubt)
    return doubts


def _second_read(item_rows: list[RowCells]) -> str:
    """A second read of the name's first line that disagrees with the first (capture/read/scan/page.py)."""
    return next((t.second_read for row in item_rows for t in row.cells.get("name", []) if t.second_read), "")


def _weakest_text(item_rows: list[RowCells]) -> tuple[str, float] | None:
    """The text cell (名称, 规格型号, 单位) whose weakest word has the lowest OCR score, over
    the lines the item wraps on, with that score: none of them has a check (a 单位 read as a
    known unit word aside: `_known_unit`)."""
    scores = [
        (column, t.confidence)
        for row in item_rows
        for column in ("name", "spec", "unit")
        for t in row.cells.get(column, [])
        if not (column == "unit" and _known_unit(row))
    ]
    return min(scores, key=lambda pair: pair[1]) if scores else None


def _look_alike_wrap(item_rows: list[RowCells]) -> str | None:
    """The first word of a wrapped name line that starts with a figure a letter looks like
    (WRAP_LOOK_ALIKES) right after a line that ends with a Latin letter: a word wrapped there
    (vo | l500ml) reads either way, and the glyph against the rule is the one a scan misreads."""
    for before, after in itertools.pairwise(item_rows):
        ended, wrapped = before.cells.get("name") or [], after.cells.get("name") or []
        last = ended[-1].text[-1:] if ended else ""
        if last.isascii() and last.isalpha() and wrapped and wrapped[0].text[:1] and wrapped[0].text[0] in WRAP_LOOK_ALIKES:
            return wrapped[0].text
    return None


def _unproven_figure(item: dict, row: RowCells) -> str | None:
    """The 数量 or 单价 of an item row read with a guess (a character below WEAK_CHARACTER, or ink
    after its last one: a dropped digit) in digits the row's arithmetic cannot prove: one unit of
    the guessed digit's place, times the other factor, moves 数量 × 单价 less than the check lets
    pass. A unit price printed to 11 decimals (689.96833333333 for 689.968333333333, one 3 lost
    where the recogniser merges a run of like glyphs) multiplies out to its 金额 either way; a
    guessed 0 in the thousands of 410000.00 (数量 1) would move it by 1000. A figure that is its
    金额 divided by the other, to the very places it prints (5.3761467889908 = 586.00 / 109), has
    every digit proven where the guess is a known character: a misread digit does not land on
    the quotient. A lost one may (19.583333333333 = 470.00 / 24 to 12 places, 19.5833333333333
    printed): ink after the last digit, or a guess whose place is unknown (a stretched second
    read counted the digits otherwise: capture/read/scan/page.py), keeps the doubt."""
    quantity, price = parse_decimal(item.get("quantity")), parse_decimal(item.get("unit_price"))
    if quantity is None or price is None:
        return None
    for column, own, other in (("quantity", quantity, price), ("unit_price", price, quantity)):
        if _quotient_proves(item, row, column):
            continue
        tokens = row.cells.get(column) or []
        last_place = Decimal(1).scaleb(own.as_tuple().exponent)
        dropped = bool(tokens) and tokens[-1].ink_after >= UNREAD_END
        places = [last_place] if dropped else []
        if any(t.weakest < WEAK_CHARACTER for t in tokens):
            places.append(_guessed_place(tokens, last_place))
        if any(place is not None and place * abs(other) <= price_tolerance(quantity) for place in places):
            return column
    return None


def _quotient_proves(item: dict, row: RowCells, column: str) -> bool:
    """Whether an item's 数量 or 单价 (`column`) is its 金额 divided by the other, to the very
    places it prints, with no digit that may have been lost (ink after the last one read, or a
    guess whose place is unknown)."""
    own = parse_decimal(item.get(column))
    other = parse_decimal(item.get("unit_price" if column == "quantity" else "quantity"))
    amount = parse_decimal(item.get("amount"))
    if own is None or not other or amount is None:
        return False
    tokens = row.cells.get(column) or []
    dropped = bool(tokens) and tokens[-1].ink_after >= UNREAD_END
    unplaced = any(t.weakest < WEAK_CHARACTER and t.guessed is None for t in tokens)
    last_place = Decimal(1).scaleb(own.as_tuple().exponent)
    return not (dropped or unplaced) and own == (amount / other).quantize(last_place, ROUND_HALF_UP)


def figures_the_rows_prove(items: list[dict], rows: list[list[RowCells]]) -> list[Token]:
    """The 数量 and 单价 tokens that their items' 金额 divided by the other proves
    (`_quotient_proves`): the OCR's confidence in them adds nothing (a photo's faint lone 1 read
    at 0.65 beside a 单价 that equals the 金额)."""
    return [
        token
        for item, item_rows in zip(items, rows, strict=True)
        if item_rows
        for column in ("quantity", "unit_price")
        if _quotient_proves(item, item_rows[0], column)
        for token in item_rows[0].cells.get(column) or []
    ]


def _guessed_place(tokens: list[Token], last_place: Decimal) -> Decimal | None:
    """What one unit of the smallest guessed digit of a figure's cell is worth (100 for the 2 of
    1202.78), where the cell is one plain number whose guessed characters are known; None where
    none of its own is guessed (the guess was in another word of its OCR line); else
    `last_place`, as if the last digit were the guess."""
    if len(tokens) != 1 or tokens[0].guessed is None or not PLAIN_FIGURE.match(tokens[0].text):
        return last_place
    text = tokens[0].text
    point = text.find(".") if "." in text else len(text)
    exponents = [point - i - 1 if i < point else point - i for i in tokens[0].guessed if text[i].isdigit()]
    return Decimal(1).scaleb(min(exponents)) if exponents else None


def _look_alike_units(unit: str) -> list[str]:
    """The unit words (KNOWN_UNITS, two characters or more) a 单位 read as no unit differs from
    in one character alone, in order: 干瓦时 for 千瓦时, read at 0.95+ on a fresh 300 dpi scan
    (seed 2026120705) and out ready; 公芹 for 公斤, 公升 and 公里. A look-alike of a unit is no
    unit; units of other words stand."""
    if len(unit) < 2 or unit in KNOWN_UNITS:
        return []
    return sorted(known for known in KNOWN_UNITS if len(known) == len(unit) and sum(a != b for a, b in zip(known, unit, strict=True)) == 1)


def _known_unit(row: RowCells) -> bool:
    """Whether a row's 单位 reads as a unit word whole (KNOWN_UNITS), at UNIT_CONFIDENCE or more."""
    unit = row.cells.get("unit") or []
    return row.text("unit") in KNOWN_UNITS and all(t.confidence >= UNIT_CONFIDENCE for t in unit)


#: A multiplication sign beside a Latin letter: a model name's x read as × (OptiPle×7090 for
#: OptiPlex 7090, a fresh photo out `ready`); a product of sizes stands between figures (50×30).
TIMES_BESIDE_LETTER = re.compile(r"[A-Za-z]×|×[A-Za-z]")


def _name_flaw(name: str) -> str | None:
    """What a misread name shows: no whole 税收分类 prefix (every item line prints its *简称*,
    and the * against the table's rule is the glyph a scan loses first), or a bracket that does
    not close, or a dash beside a Chinese character (the recogniser reads a 一 as —), or a ×
    beside a Latin letter (it reads an x as ×)."""
    if name.strip() not in LIST_PLACEHOLDER and not re.match(r"^\*[^*]+\*[^*]", name):
        return "does not start with a whole *税收分类* prefix"
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return "has a bracket that does not close"
    if DASH_BESIDE_HAN.search(name):
        return "has a dash beside a Chinese character, which a scan shows for a 一 as often"
    if TIMES_BESIDE_LETTER.search(unicodedata.normalize("NFKC", name)):
        return "has a × beside a Latin letter, which a scan shows for an x as often"
    return None
