"""The goods table on a scan: tall OCR boxes sorted into rows, and the doubts a scan's guessed
cell boundaries leave. The text columns (名称, 规格型号, 单位) have no check, so a scan's line
items are trusted only when the layout leaves no doubt; each doubt names the line and why.
"""

from __future__ import annotations

import itertools
import re

from capture.contract.tokens import Box, Token
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
#: A table's 规格型号 edge is taken from where this many rows' 规格型号 start (the median), or none.
SPEC_ROWS = 2
#: Text this far (text heights) left of the 规格型号 edge, or more, is not a 规格型号 printed there.
SPEC_CLEAR = 0.5
#: How far (in text heights) an OCR box reaches past a printed rule on both sides before it is
#: taken as one box across two cells rather than a box's padding.
STRADDLE = 0.5
#: Cells of a row in print order, for telling when one OCR box ran over two of them.
_TEXT_CELLS = ("name", "spec", "unit", "quantity", "unit_price")
#: What OCR reads an l, a 1 or a piece of a ruled line as; no name, 规格型号 or 单位 prints it.
RULE_GLYPH = "|"
#: An item's 名称, 规格型号 or 单位 read below this OCR score (its weakest word) is not trusted:
#: nothing checks them.
NAME_CONFIDENCE = 0.95
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
    return table, align_spec_column([split_row(line, columns, scanned=True) for line in table], columns)


def align_spec_column(rows: list[RowCells], columns: Columns) -> list[RowCells]:
    """A table that prints no column rules (数电 invoices, 销货清单 pages): 规格型号 values are
    printed from their column's left edge, row after row, so that edge is where most rows'
    规格型号 starts. Text put in 规格型号 that ends before that edge, right after the name's
    words on its line, is the name's: a wrapped name whose words the gaps between OCR boxes
    set apart (奶 | 250ml*24盒 on the name's second line)."""
    if columns.name_edge() is not None or "spec" not in columns.spans:
        return rows
    starts = sorted(row.cells["spec"][0].x0 for row in rows if row.cells.get("spec"))
    if len(starts) < SPEC_ROWS:
        return rows
    edge = starts[len(starts) // 2]
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
    and the spec into one box, and where one ends is unknown."""
    name = row.cells.get("name")
    if not name or "spec" not in columns.spans:
        return False
    return name[-1].x1 > columns.text_boundary("spec") + 0.5 * name[-1].height


def scan_doubts(items: list[dict], rows: list[list[RowCells]], columns: Columns) -> list[str]:
    """Why the line items read from a scan may be wrong though their numbers add up: the text
    columns of a table have no check, and on a scan their cell boundaries are guessed from the
    OCR boxes, or found from the printed rules where the scan shows them. A name wrapped onto
    lines of its own is read as on a text layer; a wrapped line with text in other columns too is
    a doubt unless a rule separates the name from them; an OCR box across a rule is a doubt. Each doubt names the line; any doubt sends the
    record to review."""
    doubts: list[str] = []
    for item, item_rows in zip(items, rows, strict=True):
        what = f"line item “{(item.get('name') or '?')[:24]}”"
        if (edge := _straddled(item_rows, columns)) is not None:
            doubts.append(f"{what}: one OCR box on the scan runs across the printed line between {edge}, so where one cell ends is a guess: check them with the paper")
            continue
        if columns.name_edge() is None and any(set(row.cells) - {"name"} for row in item_rows[1:]):
            doubts.append(f"{what} wraps over {len(item_rows)} lines on the scan with text beside its name: check its 名称, 规格型号 and 单位 with the paper")
            continue
        cells = item_rows[0].cells
        present = [c for c in _TEXT_CELLS if cells.get(c)]
        if not item.get("name"):
            doubts.append(f"{what}: no 名称 was read on its row: check the line with the paper")
        elif second := _second_read(item_rows):
            doubts.append(f"{what}: a second read of its 名称 on the scan gives “{second}”: compare it with the paper")
        elif any(_runs_into_spec(row, columns) for row in item_rows) or any(
            same_box(cells[a][-1], cells[b][0]) or _shared_glyph(cells[a][-1], cells[b][0])
            for a, b in itertools.pairwise(present)
            if (a, b) not in _PROVEN_BOUNDARIES
        ):
            doubts.append(f"{what}: one printed run on the scan spans two columns, so where its 名称 ends is a guess: check it with the paper")
        elif item.get("unit") and not _UNIT.match(item["unit"]):
            doubts.append(f"{what}: the 单位 reads “{item['unit']}”, not a unit: check the line with the paper")
        elif (item.get("quantity") is None) != (item.get("unit_price") is None):
            doubts.append(f"{what}: only one of 数量 and 单价 could be read: check them with the paper")
        elif (flaw := _name_flaw(item.get("name") or "")) is not None:
            doubts.append(f"{what}: the 名称 {flaw}: compare it with the paper")
        elif cell := next((c for c in ("name", "spec", "unit") if RULE_GLYPH in (item.get(c) or "")), None):
            doubts.append(f"{what}: the {PRINTED_COLUMNS.get(cell, '名称')} reads “{item[cell]}”; a {RULE_GLYPH} on a scan is most often an l, a 1 or a rule: compare it with the paper")
        elif (weak := _weakest_text(item_rows)) is not None and weak[1] < NAME_CONFIDENCE:
            doubts.append(f"{what}: the {PRINTED_COLUMNS.get(weak[0], '名称')} was read with low confidence ({weak[1]:.2f}): compare it with the paper")
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
    the lines the item wraps on, with that score: none of them has a check."""
    scores = [(column, t.confidence) for row in item_rows for column in ("name", "spec", "unit") for t in row.cells.get(column, [])]
    return min(scores, key=lambda pair: pair[1]) if scores else None


def _name_flaw(name: str) -> str | None:
    """What a misread name shows: no whole 税收分类 prefix (every item line prints its *简称*,
    and the * against the table's rule is the glyph a scan loses first), or a bracket that does
    not close."""
    if name.strip() not in LIST_PLACEHOLDER and not re.match(r"^\*[^*]+\*[^*]", name):
        return "does not start with a whole *税收分类* prefix"
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return "has a bracket that does not close"
    return None
