"""The goods/services table: columns from the header line, rows from the lines below it.

Text is left-aligned in its column and numbers are right-aligned under their header, so text goes
by its left edge and numbers by the header whose right end is nearest; the printed tax rate
anchors amount and tax. Text that starts in the name column is name text. An item starts at a line whose name begins with ``*`` (the 税收分类 prefix)
or that carries an amount; lines without an amount continue the item above (wrapped names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from capture.contract.money import parse_decimal, parse_money
from capture.contract.tokens import Token
from capture.extract.lines import Line, joined_text, spaced
from capture.extract.toll import TOLL_COLUMNS, TOLL_HEADERS, toll_date, unglue_vehicle_date

COLUMNS = ["name", *TOLL_COLUMNS, "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax"]
#: Columns whose cells are text, placed by their left edge.
TEXT_COLUMNS = ("name", "spec", "unit", "plate", "vehicle_type")


def _header_label(label: str) -> str:
    """A column header whose characters may be spread apart, or on a scan have a speck read as
    punctuation between them (单，位, 单_位)."""
    return r"[\s，,.·:：、;；'`_~\-]*".join(re.escape(char) for char in label)


_HEADER_LABELS = {
    **{column: _header_label(label) for column, label in TOLL_HEADERS.items()},
    "spec": _header_label("规格型号"),
    "unit": _header_label("单位"),
    "quantity": _header_label("数量"),
    "unit_price": _header_label("单价"),
    "amount": _header_label("金额"),
    "tax_rate": _header_label("税率") + r"(?:\s*/\s*" + spaced("征收率") + ")?",
    "tax": _header_label("税额"),
}
#: A line without the 名称 header, 金额 and 税额 is a table's header where it reads this many
#: column labels; one of those two may then be half read (_half_read_labels).
HEADER_LABELS_ALONE = 3
#: The columns every goods table prints (名称 aside): a scan whose header lacks one is in doubt.
PRINTED_COLUMNS = {
    "spec": "规格型号", "unit": "单位", "quantity": "数量", "unit_price": "单价",
    "amount": "金额", "tax_rate": "税率", "tax": "税额",
}
HEADER = re.compile(
    "|".join(
        [spaced("项目名称"), spaced("货物或应税劳务"), spaced("服务名称"), spaced("货物名称"),
         r"货\s*物\s*[（(]\s*劳\s*务\s*[)）]\s*名\s*称"]
    )
)
SEQUENCE = re.compile(spaced("序号"))
#: The span of a column whose header was not found (a name column is always there).
NO_HEADER = (0.0, 0.0)
#: The widest gap (in text heights) between two words of one name.
NAME_GAP = 0.4
#: How far left of its header (in header widths) the 规格型号 column starts.
SPEC_INDENT = 0.35
#: How far (in 名称 header widths) a 名称 column found from its centred header may end past the
#: next header's left end: the header boxes' padding (the real 数电 layout ends it right there).
CENTRED_SLACK = 0.1
#: A 清单's 序号 the OCR box joined to the name beside it (5*办公用品*…): every name starts with
#: its *税收分类*, so the digits before it are the line's number.
GLUED_SEQUENCE = re.compile(r"^(\d{1,3})\*[^*\d][^*]*\*")
GLUED_AMOUNT_RATE = re.compile(r"^(-?[\d,]*\d\.\d{2})(\d{1,2}(?:\.\d+)?%|免税|不征税)$")
_RATE = re.compile(r"^(\d{1,2}(?:\.\d+)?)\s*%$")
_NO_TAX = {"***", "**", "*", "—", "-", "--"}


@dataclass
class Columns:
    """Where each column's header sits on the header line: (left, right) per column."""

    spans: dict[str, tuple[float, float]]
    sequence_right: float | None = None  # right end of a 序号 header (清单 pages number their lines)
    #: x of the vertical rules that cross the header line: the cells' edges, where the page draws them.
    rules: tuple[float, ...] = ()

    def _present(self) -> list[str]:
        """The columns in the order the header prints them (a 旅客运输 table prints 单价 before 数量)."""
        return sorted((c for c in COLUMNS if c in self.spans), key=lambda c: (c != "name", self.spans[c][0]))

    def ruled_edge(self, column: str) -> float | None:
        """The rule printed between a column's header and the header before it: the left edge
        of the column's cells. None where the page draws none there (数电 tables, scans)."""
        present = self._present()
        index = present.index(column)
        before = present[index - 1] if index else None
        if before is None or self.spans[before] == NO_HEADER:
            return None
        between = [x for x in self.rules if self.spans[before][1] - 1 <= x <= self.spans[column][0] + 1]
        return between[-1] if between else None

    def name_edge(self) -> float | None:
        """The rule that ends the 名称 cells on the right: the first drawn between the 名称 header
        and the next header this table knows; None where the page draws none there."""
        present = self._present()
        if self.spans["name"] == NO_HEADER or len(present) < 2:
            return None
        right, following = self.spans["name"][1], self.spans[present[1]][0]
        return next((x for x in self.rules if right - 1 <= x <= following + 1), None)

    def centred_name_end(self) -> float | None:
        """Where the 名称 cells end on a table that draws no rule after them (数电 tables and their
        scans), from the header: 名称 is the first column and its header is centred over it, so
        its cells end as far right of the header's centre as the table's left rule lies left of
        it. None without that rule (or with a 序号 column before 名称), or where the edge would
        pass the next header's left end (then the header is not centred over its column)."""
        present = self._present()
        left, right = self.spans["name"]
        if self.name_edge() is not None or (left, right) == NO_HEADER or self.sequence_right is not None or len(present) < 2:
            return None
        frame = max((x for x in self.rules if x < left - 1), default=None)
        if frame is None:
            return None
        end = left + right - frame
        return end if end <= self.spans[present[1]][0] + CENTRED_SLACK * (right - left) else None

    def text_boundary(self, column: str) -> float:
        """Left edge of a column for text: the rule before it where one is drawn. Otherwise
        规格型号 values are left-aligned a little left of their centred header, and names fill
        their column up to it; other columns start midway between their header and the one
        before it."""
        present = self._present()
        index = present.index(column)
        if index == 0:
            return float("-inf")
        edge = self.ruled_edge(column)
        if edge is not None:
            return edge
        left, right = self.spans[column]
        if column == "spec":
            return left - SPEC_INDENT * (right - left)
        return (self.spans[present[index - 1]][1] + left) / 2

    def _centred_in(self, column: str, token: Token) -> bool:
        """Whether a word starting a sliver (half its height) left of a column, where no rule
        is drawn, is that column's centred value wider than its header (平方米 under 单位) rather
        than the column before's left-aligned one: its centre lies under the header."""
        boundary = self.text_boundary(column)
        left, right = self.spans[column]
        return (
            self.ruled_edge(column) is None
            and boundary - 0.5 * token.height <= token.x0 < boundary
            and left <= (token.x0 + token.x1) / 2 <= right
        )

    def of(self, token: Token) -> str:
        """The column a token falls in by position alone: name and spec by the left edge, other
        numbers (right-aligned under their header) by the header whose right end is nearest,
        other text by its left edge."""
        present = self._present()
        text_columns = [c for c in present[1:] if token.x0 >= self.text_boundary(c) - 1]
        column = text_columns[-1] if text_columns else present[0]
        following = present[present.index(column) + 1] if column != present[-1] else None
        if column == "spec" and following == "unit" and self._centred_in("unit", token):
            return "unit"
        if column in ("name", "spec") or not _is_number_like(token.text):
            return column
        numeric = [c for c in present if c not in TEXT_COLUMNS]
        return min(numeric, key=lambda c: abs(self.spans[c][1] - token.x1)) if numeric else column


@dataclass
class RowCells:
    """The text in each column of one table line."""

    cells: dict[str, list[Token]] = field(default_factory=dict)

    def text(self, column: str) -> str:
        return joined_text(self.cells.get(column, []))


def find_columns(line: Line) -> Columns | None:
    """Column header spans from a header line, or None when it is not a table header."""
    name = HEADER.search(line.text)
    spans: dict[str, tuple[float, float]] = {}
    if name:
        spans["name"] = (line.x_at(name.start()), line.x_at(name.end(), right=True))
    for column, pattern in _HEADER_LABELS.items():
        match = re.search(pattern, line.text)
        if match:
            spans[column] = (line.x_at(match.start()), line.x_at(match.end(), right=True))
    if not ({"amount", "tax"} <= spans.keys() or name or len(spans) >= HEADER_LABELS_ALONE):
        return None
    spans.update(_half_read_labels(line, spans))
    if name:
        spans.update(_implied_sums_columns(spans))
    if "amount" not in spans or "tax" not in spans:
        return None
    spans.setdefault("name", NO_HEADER)
    sequence = SEQUENCE.search(line.text)
    right_of_sequence = line.x_at(sequence.end(), right=True) if sequence else None
    return Columns(spans, right_of_sequence)


def _implied_sums_columns(spans: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """金额 and 税额 where the header line reads the 名称 header and 税率 but not them (the
    detector missed a photo's 金额 glyphs, or 税额 at the sheet's edge): every goods table, toll
    and travel tables too, prints 金额 just left of 税率 and 税额 just right of it, so the
    place is the form's, not a guess; the row's numbers are still held to 金额 × 税率 = 税额."""
    if "tax_rate" not in spans:
        return {}
    rate_left, rate_right = spans["tax_rate"]
    implied: dict[str, tuple[float, float]] = {}
    if "amount" not in spans:
        before = max((right for column, (_, right) in spans.items() if right <= rate_left and column != "name"), default=None)
        if before is not None:
            implied["amount"] = (before, rate_left)
    if "tax" not in spans:
        implied["tax"] = (rate_right, rate_right + (rate_right - rate_left))
    return implied


def _half_read_labels(line: Line, spans: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Two-character headers a scan read with one glyph lost or garbled (数量 read 数 or 数攝,
    税额 税蔡): a word of at most two characters holding one of the label's, alone in the label's
    place between the headers found on either side of it (the order is the form's own), or, for
    the last column, alone right of the one before it."""
    found: dict[str, tuple[float, float]] = {}
    order = [column for column in PRINTED_COLUMNS if column in spans or len(PRINTED_COLUMNS[column]) == 2]
    for place, column in enumerate(order):
        label = PRINTED_COLUMNS[column]
        if column in spans or len(label) != 2:
            continue
        before = next((spans[c][1] for c in reversed(order[:place]) if c in spans), None)
        after = next((spans[c][0] for c in order[place + 1 :] if c in spans), None)
        if before is None or (after is None and place != len(order) - 1):
            continue
        after = float("inf") if after is None else after
        between = [t for t in line.tokens if before <= t.x0 and t.x1 <= after]
        text = "".join(between[0].text.split()) if len(between) == 1 else ""
        if 1 <= len(text) <= 2 and (text[0] == label[0] or text[-1] == label[1]):
            found[column] = (between[0].x0, between[0].x1)
    return found


def split_row(line: Line, columns: Columns, scanned: bool = False) -> RowCells:
    """Assign a table line's tokens to columns. The tax rate (13%, 免税, …) anchors the right of
    the row: the tax is right of it and the amount is the number just left of it, wherever their
    right-aligned edges fall; the other tokens go by position."""
    row = RowCells()
    line_tokens = [part for token in line.tokens for unglued in _unglue_sequence(token, columns) for part in split_glued(unglued)]
    name = _name_cell(line_tokens, columns, scanned)
    if name:
        row.cells["name"] = name
    tokens = [t for t in line_tokens if t not in name and not _is_sequence(t, columns)]
    ruled_name = columns.name_edge() is not None
    anchor = _rate_anchor(tokens, columns)
    if anchor is not None:
        row.cells["tax_rate"] = [anchor]
        tokens.remove(anchor)
        row.cells["tax"] = [t for t in tokens if t.x0 >= anchor.x1 - 1]
        left = [t for t in tokens if t.x0 < anchor.x1 - 1]
        numbers = [t for t in left if _is_number_like(t.text) and columns.of(t) != "name"]
        if numbers:
            amount = max(numbers, key=lambda t: t.x1)
            row.cells["amount"] = [amount]
            left.remove(amount)
        tokens = left
    for token in tokens:
        column = columns.of(token)
        if anchor is not None and column in ("amount", "tax_rate", "tax"):
            column = "unit_price"
        if column == "name" and ruled_name and not scanned:
            continue  # a ruled cell under a header this table does not know (车牌号, 通行日期起, …)
        if column == "name" and "spec" in columns.spans:
            column = "spec"  # set apart from the name cell: a 规格型号 starting left of its usual place
        row.cells.setdefault(column, []).append(token)
    return row


def same_box(a: Token, b: Token) -> bool:
    """Words of one OCR box share its exact top and bottom (and score)."""
    return a.y0 == b.y0 and a.y1 == b.y1 and a.confidence == b.confidence


def _name_cell(tokens: list[Token], columns: Columns, scanned: bool = False) -> list[Token]:
    """The name cell of a line: tokens from the column's left edge onwards, while they follow
    each other at word spacing. A wider gap, or any gap once a token reaches the next column's
    header, starts the next cell (规格型号). On a scan, a separate OCR box that starts where
    规格型号 values start is that cell, however close (OCR boxes are padded: a name filling its
    column overlaps the box beside it). Where the page draws the rule between 名称 and the next
    column, the name is what lies left of it: a person reads the cell, not the gaps."""
    name_left, name_right = columns.spans["name"]
    edge = columns.name_edge()
    if edge is not None:  # the page draws the cell: what lies inside it is the name, gaps or not
        tokens = [t for t in tokens if t.cx < edge]
    left, right = columns.spans.get("spec", columns.spans.get("unit", (float("inf"), float("inf"))))
    near_next = left - 0.25 * (right - left)
    cell: list[Token] = []
    for token in sorted(tokens, key=lambda t: t.x0):
        if _is_sequence(token, columns):
            continue  # the line number of a 清单
        if not cell:
            if token.x0 > (name_left + name_right) / 2 or columns.of(token) != "name":
                return []
        elif edge is None:
            gap = token.x0 - cell[-1].x1
            if token.x0 >= left or gap > NAME_GAP * token.height or (token.x0 >= near_next and gap > 0.15 * token.height):
                break
            if scanned and "spec" in columns.spans and not same_box(cell[-1], token) and (
                token.x0 >= columns.text_boundary("spec") - 0.5 * token.height
            ):
                break
        cell.append(token)
    return cell


def split_glued(token: Token) -> list[Token]:
    """Split an amount glued to the rate beside it (82.4213% is 82.42 and 13%), as tight
    layouts and OCR boxes both produce; money always has exactly two decimals."""
    match = GLUED_AMOUNT_RATE.match(token.text)
    if not match:
        return [token]
    cut = token.x0 + token.width * len(match.group(1)) / len(token.text)
    return [
        Token(match.group(1), token.x0, token.y0, cut, token.y1, token.confidence),
        Token(match.group(2), cut, token.y0, token.x1, token.y1, token.confidence),
    ]


def _unglue_sequence(token: Token, columns: Columns) -> list[Token]:
    """A 序号 the OCR box joined to the name beside it, set apart (the name keeps what was read
    of it: its second read, its guessed characters); any other token as it is."""
    match = GLUED_SEQUENCE.match(token.text)
    if match is None or columns.sequence_right is None or token.x0 > columns.sequence_right + 3:
        return [token]
    digits = match.group(1)
    shift = len(digits)
    cut = token.x0 + token.width * shift / len(token.text)
    guessed = None if token.guessed is None else tuple(i - shift for i in token.guessed if i >= shift)
    second = token.second_read[shift:] if token.second_read.startswith(digits) else token.second_read
    number = Token(digits, token.x0, token.y0, cut, token.y1, token.confidence)
    return [number, replace(token, text=token.text[shift:], x0=cut, guessed=guessed, second_read=second)]


def _is_sequence(token: Token, columns: Columns) -> bool:
    return columns.sequence_right is not None and token.text.isdigit() and token.x1 <= columns.sequence_right + 3


def _rate_anchor(tokens: list[Token], columns: Columns) -> Token | None:
    """The token that prints the tax rate, nearest the rate header; a rate printed *** (not
    disclosed: toll lines) anchors the row when no other rate does."""
    candidates = [t for t in tokens if parse_rate(t.text) not in (None, "***") and columns.of(t) != "name"]
    candidates = candidates or [t for t in tokens if parse_rate(t.text) == "***" and columns.of(t) != "name"]
    if not candidates or "tax_rate" not in columns.spans:
        return None
    left, right = columns.spans["tax_rate"]
    return min(candidates, key=lambda t: abs(t.cx - (left + right) / 2))


def read_items(
    lines: list[Line], columns: Columns, scanned: bool = False, cells: list[RowCells] | None = None
) -> tuple[list[dict], list[Token], list[list[RowCells]]]:
    """Parse table lines (between the header and 合计) into SPEC items; returns the items, the
    tokens used, and the table rows each item was read from. `cells`: the lines already split
    into cells (a scan's, set straight by capture/extract/scan_table.py)."""
    items: list[dict] = []
    rows: list[list[RowCells]] = []
    used: list[Token] = []
    current: dict | None = None
    for index, line in enumerate(lines):
        row = cells[index] if cells is not None else split_row(line, columns, scanned)
        name = row.text("name")
        amount = parse_money(row.text("amount"))
        starts_item = name.startswith("*") or name.startswith("(详见") or name.startswith("（详见")
        if amount is not None:
            merge = current is not None and current["amount"] is None and not starts_item
            if not merge:
                current = _new_item()
                items.append(current)
                rows.append([])
            rows[-1].append(row)
            _fill_numbers(current, row, columns)
            if name:
                current["name"] = _join(current["name"], name)
        elif starts_item or current is None:
            current = _new_item()
            current["name"] = name or None
            _fill_text(current, row)
            items.append(current)
            rows.append([row])
        else:
            rows[-1].append(row)
            current["name"] = _join(current["name"], name)
            _fill_text(current, row, append=True)
        used.extend(line.tokens)
    kept = [index for index, item in enumerate(items) if any(v is not None for v in item.values())]
    return [items[i] for i in kept], used, [rows[i] for i in kept]


#: The one item name with no 税收分类 prefix: the line pointing to the 销货清单 (goods list).
LIST_PLACEHOLDER = ("(详见销货清单)", "（详见销货清单）", "详见销货清单")


def _new_item() -> dict:
    return dict.fromkeys(COLUMNS)


def _join(head: str | None, tail: str) -> str | None:
    if not tail:
        return head
    return tail if not head else head + tail


def _fill_text(item: dict, row: RowCells, append: bool = False) -> None:
    for column in ("spec", "unit", "plate", "vehicle_type"):
        text = row.text(column)
        if text:
            item[column] = _join(item[column], text) if append else text


def _fill_numbers(item: dict, row: RowCells, columns: Columns) -> None:
    _fill_text(item, row)
    for column in ("quantity", "unit_price"):
        value = parse_decimal(row.text(column))
        if value is not None:
            item[column] = row.text(column).replace(",", "")
    amount = parse_money(row.text("amount"))
    glued = [row.text(c) for c in ("quantity", "unit_price") if row.text(c)]
    pair = unglue_quantity_price(glued[0], amount) if amount is not None and len(glued) == 1 else None
    if pair is not None and _cut_at_the_boundary(row, columns, pair):
        item["quantity"], item["unit_price"] = pair
    item["amount"] = str(amount)
    for column in ("period_start", "period_end"):
        item[column] = toll_date(row.text(column)) or item[column]
    unglue_vehicle_date(item)
    item["tax_rate"] = parse_rate(row.text("tax_rate"))
    tax = parse_money(row.text("tax"))
    item["tax"] = str(tax) if tax is not None else None


#: How far (text heights) from the 数量|单价 boundary a glued box's cut may fall.
CUT_SLACK = 3.0


def _cut_at_the_boundary(row: RowCells, columns: Columns, pair: tuple[str, str]) -> bool:
    """Whether the cut `unglue_quantity_price` found falls where the 数量 cells end (the rule, or
    midway between the two headers): a 单价 alone whose 数量 was not read multiplies out the same
    when its last digit is the 数量 (18.7256637168142 cut as 18.725663716814 × 2 = 37.45), but
    that cut lies near the box's right end, far right of the boundary. The place of a cut is
    estimated by the share of characters before it (digits print evenly); a row whose figures
    are more than one box, or a table without both headers, is taken as read."""
    boxes = [t for column in ("quantity", "unit_price") for t in row.cells.get(column, [])]
    if len(boxes) != 1 or not {"quantity", "unit_price"} <= columns.spans.keys():
        return True
    if columns.spans["unit_price"][0] < columns.spans["quantity"][0]:  # 单价 printed first: not this cut
        return True
    box, (quantity, price) = boxes[0], pair
    cut = box.x0 + (box.x1 - box.x0) * len(quantity) / (len(quantity) + len(price))
    return abs(cut - columns.text_boundary("unit_price")) <= CUT_SLACK * box.height


_QUANTITY = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_PRICE = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")


def unglue_quantity_price(text: str, amount: Decimal) -> tuple[str, str] | None:
    """数量 and 单价 read as one number (one OCR box across both cells: 31818.83 for 3 and
    1818.83): the one place to cut the digits where quantity × price gives the printed 金额
    (as the quantity_price check weighs it). None where no cut, or more than one, does: the
    arithmetic proves the cells' boundary, or nothing is guessed. A number equal to the 金额 is
    no pair: 8539.01 cut as 8539.0 × 1 is a cent off, within the rounding a real pair may need."""
    digits = text.replace(",", "").strip()
    if parse_decimal(digits) == amount:  # the 金额 itself: a lone 单价 whose 数量 (1) was not read
        return None
    if " " in digits:  # the gap between the cells was read: cut there or nowhere
        if digits.count(" ") > 1:
            return None
        cuts = [digits.index(" ")]
        digits = digits.replace(" ", "")
    else:
        cuts = list(range(1, len(digits)))
    found = []
    for cut in cuts:
        quantity, price = digits[:cut], digits[cut:]
        if not (_QUANTITY.match(quantity) and _PRICE.match(price)):
            continue
        product = Decimal(quantity) * Decimal(price)
        if abs(product - amount) <= Decimal("0.01") + abs(Decimal(quantity)) * Decimal("0.000005"):
            found.append((quantity, price))
    return found[0] if len(found) == 1 else None


def parse_rate(text: str) -> str | None:
    """13% -> "0.13"; 免税, 不征税 and *** (not disclosed) stay as printed."""
    text = text.replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\*{1,3}", text):
        return "***"
    if "免税" in text:
        return "免税"
    if "不征税" in text:
        return "不征税"
    match = _RATE.match(text)
    if not match:
        return None
    value = parse_decimal(match.group(1))
    if value is None:
        return None
    rate = value / 100
    if rate == 0:
        return "0"
    rate = rate.normalize()
    return format(rate, "f") if -rate.as_tuple().exponent >= 2 else format(rate.quantize(Decimal("0.01")), "f")


def _is_number_like(text: str) -> bool:
    return text in _NO_TAX or bool(re.fullmatch(r"[-¥￥]?[\d,.]+%?", text))
