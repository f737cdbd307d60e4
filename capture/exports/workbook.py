"""One way to write a spreadsheet: sheets of a bold header row and rows, streamed into an XLSX
(openpyxl's write-only mode: thousands of rows stay fast), or one sheet as CSV in UTF-8 with a
BOM (as Excel expects). Text that a spreadsheet would run as a formula is made inert
(emit.spreadsheet_cell); numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from capture.emit import spreadsheet_cell


@dataclass
class Sheet:
    """One sheet: its title, its headers, its rows, and a number format per column (by header)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    formats: dict[str, str] = field(default_factory=dict)


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX of the sheets, in order; headers bold, the header row frozen."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        sheet.freeze_panes = "A2"
        header = []
        for title in spec.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [spec.formats.get(title) for title in spec.headers]
        for row in spec.rows:
            cells = []
            for value, number_format in zip(row, formats, strict=False):
                cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
                if number_format and value is not None and not isinstance(value, str):
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(sheet: Sheet) -> str:
    """One sheet as CSV text with a BOM, text cells made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.headers)
    writer.writerows([["" if v is None else spreadsheet_cell(v) for v in row] for row in sheet.rows])
    return "\ufeff" + buffer.getvalue()
