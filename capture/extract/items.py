"""The goods/services table: columns from the header line, rows from the lines below it.

Numbers are right-aligned under their header, text is left-aligned, so a token belongs to the
last column whose header starts left of the token's right edge; text that starts in the name
column is name text. An item starts at a line whose name begins with ``*`` (the 税收分类 prefix)
or that carries an amount; lines without an amount continue the item above (wrapped names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from capture.amounts import parse_decimal, parse_money
from capture.extract.lines import Line, spaced
from capture.tokens import Token

COLUMNS = ["name", "spec", "unit", "quantity", "unit_price", "amount", "tax_rate", "tax"]
_HEADER_LABELS = {
    "spec": spaced("规格型号"),
    "unit": spaced("单位"),
    "quantity": spaced("数量"),
    "unit_price": spaced("单价"),
    "amount": spaced("金额"),
    "tax_rate": spaced("税率") + r"(?:\s*/\s*" + spaced("征收率") + ")?",
    "tax": spaced("税额"),
}
HEADER = re.compile(
    "|".join([spaced("项目名称"), spaced("货物或应税劳务"), spaced("服务名称"), spaced("货物名称")])
)
_RATE = re.compile(r"^(\d{1,2}(?:\.\d+)?)\s*%$")
_NO_TAX = {"***", "**", "*", "—", "-", "--"}


@dataclass
class Columns:
    """Where each column's header sits on the header line: (left, right) per column."""

    spans: dict[str, tuple[float, float]]

    def of(self, token: Token) -> str:
        """The column a token falls in: numbers by their right edge (they are right-aligned),
        text by its left edge against the midpoints between headers."""
        number = _is_number_like(token.text)
        best, previous_right = "name", None
        for column in COLUMNS:
            if column not in self.spans:
                continue
            left, right = self.spans[column]
            if previous_right is not None:
                edge = token.x1 if number else token.x0
                boundary = left - 3 if number else (previous_right + left) / 2 - 1
                best = column if edge >= boundary else best
            previous_right = right
        return best


@dataclass
class RowCells:
    """The text in each column of one table line."""

    cells: dict[str, list[Token]] = field(default_factory=dict)

    def text(self, column: str) -> str:
        tokens = sorted(self.cells.get(column, []), key=lambda t: t.x0)
        out = ""
        for index, token in enumerate(tokens):
            if index and token.x0 - tokens[index - 1].x1 > 0.15 * token.height:
                out += " "
            out += token.text
        return out


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
    if "amount" not in spans or "tax" not in spans:
        return None
    spans.setdefault("name", (0.0, 0.0))
    return Columns(spans)


def split_row(line: Line, columns: Columns) -> RowCells:
    row = RowCells()
    for token in line.tokens:
        row.cells.setdefault(columns.of(token), []).append(token)
    return row


def read_items(lines: list[Line], columns: Columns) -> tuple[list[dict], list[Token]]:
    """Parse table lines (between the header and 合计) into SPEC items; returns items and tokens."""
    items: list[dict] = []
    used: list[Token] = []
    current: dict | None = None
    for line in lines:
        row = split_row(line, columns)
        name = row.text("name")
        amount = parse_money(row.text("amount"))
        starts_item = name.startswith("*") or name.startswith("(详见") or name.startswith("（详见")
        if amount is not None:
            merge = current is not None and current["amount"] is None and not starts_item
            if not merge:
                current = _new_item()
                items.append(current)
            _fill_numbers(current, row)
            if name:
                current["name"] = _join(current["name"], name)
        elif starts_item or current is None:
            current = _new_item()
            current["name"] = name or None
            _fill_text(current, row)
            items.append(current)
        else:
            current["name"] = _join(current["name"], name)
            _fill_text(current, row, append=True)
        used.extend(line.tokens)
    return [item for item in items if any(v is not None for v in item.values())], used


def _new_item() -> dict:
    return dict.fromkeys(COLUMNS)


def _join(head: str | None, tail: str) -> str | None:
    if not tail:
        return head
    return tail if not head else head + tail


def _fill_text(item: dict, row: RowCells, append: bool = False) -> None:
    for column in ("spec", "unit"):
        text = row.text(column)
        if text:
            item[column] = _join(item[column], text) if append else text


def _fill_numbers(item: dict, row: RowCells) -> None:
    _fill_text(item, row)
    for column in ("quantity", "unit_price"):
        value = parse_decimal(row.text(column))
        if value is not None:
            item[column] = row.text(column).replace(",", "")
    item["amount"] = str(parse_money(row.text("amount")))
    item["tax_rate"] = parse_rate(row.text("tax_rate"))
    tax = parse_money(row.text("tax"))
    item["tax"] = str(tax) if tax is not None else None


def parse_rate(text: str) -> str | None:
    """13% -> "0.13"; 免税 and 不征税 stay as printed."""
    text = text.replace(" ", "")
    if not text:
        return None
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
    rate = (value / 100).normalize()
    return "0" if rate == 0 else format(rate, "f")


def _is_number_like(text: str) -> bool:
    return text in _NO_TAX or bool(re.fullmatch(r"[-¥￥]?[\d,.]+%?", text))
