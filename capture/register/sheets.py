"""Register exports as numbered rows, within bounds: what a row problem in the file itself is
(a line in no known encoding, a line or field too long, broken CSV quoting, a damaged sheet)
becomes that row's error, and the rows around it still load.

- CSV is decoded line by line: UTF-8 (a BOM at the start is dropped), else GBK/GB18030, so a
  UTF-8 export with one GBK row, or a BOM followed by GBK text, reads every row it can;
- XLSX is streamed (openpyxl read-only mode) after the inflated size of its members is checked
  (a ZIP header's declared size also bounds what is inflated), reading at most `MAX_COLUMNS`
  columns of at most `MAX_XLSX_ROWS` rows.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from capture.errors import UsageError

#: A CSV line longer than this (bytes) is a bad row; nothing of it is kept in memory.
MAX_LINE_BYTES = 1 << 20
#: Columns read from each row: a register export has a few dozen.
MAX_COLUMNS = 256
#: Rows read from an XLSX sheet; the rest is reported, not read.
MAX_XLSX_ROWS = 5_000_000
#: The members of an XLSX, inflated, all together.
MAX_XLSX_INFLATED_BYTES = 2 << 30
#: The shared-strings part of an XLSX, inflated (openpyxl keeps it in memory).
MAX_XLSX_SHARED_STRINGS_BYTES = 256 << 20
#: Characters of the start of a CSV the delimiter is guessed from.
SNIFF_CHARS = 4096

#: A row's cells, or why the row cannot be read.
RowValues = Sequence[object] | str


class _DecodedLines:
    """The lines of a CSV file decoded one by one; undecodable or overlong lines are noted by
    their line number (1-based) and given to the CSV parser empty."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.count = handle, 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        while raw := self.handle.readline(MAX_LINE_BYTES + 1):
            self.count += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := self.handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                self.bad[self.count] = f"the line is longer than {MAX_LINE_BYTES} bytes"
                yield "\n"
                continue
            text = decode_line(raw.removeprefix(codecs.BOM_UTF8) if self.count == 1 else raw)
            if text is None:
                self.bad[self.count] = "the line is neither UTF-8 nor GBK/GB18030 text"
                yield "\n"
            else:
                yield text


def decode_line(raw: bytes) -> str | None:
    """A line as UTF-8, else GB18030 (which covers GBK); None when it is neither."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


#: The first bytes of files people take for a register export, and what to tell them.
NOT_A_REGISTER: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel (.xls) 文件，请在 Excel 中另存为 .xlsx 或 CSV (an old Excel .xls file: "
     "save it as .xlsx or CSV)"),
    (b"%PDF", "PDF 文件，不是登记簿导出 (a PDF, not a register export: export the register as CSV or XLSX)"),
    (b"\x7fELF", "程序文件，不是登记簿导出 (a program, not a register export)"),
    (b"SQLite format 3\x00", "SQLite 数据库，不是登记簿导出 (an SQLite database: pass a capture store as --ledger FILE.db or --store)"),
)
#: Bytes read to tell a text file from a binary one.
TEXT_SAMPLE_BYTES = 8192


def refuse_non_text(path: Path) -> None:
    """A UsageError with one clear line when a would-be CSV register is another kind of file: an
    old .xls, a PDF, or bytes that are no text (no kilobytes of them on the terminal)."""
    with path.open("rb") as handle:
        sample = handle.read(TEXT_SAMPLE_BYTES)
    for magic, what in NOT_A_REGISTER:
        if sample.startswith(magic):
            raise UsageError(f"登记簿 {path.name} 是{what}")
    lines = sample.split(b"\n")
    whole = lines if len(sample) < TEXT_SAMPLE_BYTES else lines[:-1] or lines
    if b"\x00" in sample or sum(decode_line(line) is None for line in whole) * 2 > len(whole):
        raise UsageError(
            f"登记簿 {path.name} 不是 CSV 或 XLSX 文件 (the register is neither CSV nor XLSX: export it from the accounting "
            "system as CSV in UTF-8/GBK, or as XLSX)"
        )


def shown_headers(headers: list[object], limit: int = 200) -> str:
    """A register's headers for an error line: at most `limit` characters, control characters escaped."""
    text = ", ".join(str(h) for h in headers)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, RowValues]]]:
    """The header and the numbered rows of a CSV (line number of each row's first line),
    streamed; a row that cannot be read comes as its problem instead of its cells."""
    handle = path.open("rb")
    lines = _DecodedLines(handle)
    source = iter(lines)
    sample: list[str] = []
    for line in source:
        sample.append(line)
        if sum(map(len, sample)) >= SNIFF_CHARS:
            break
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff("".join(sample)[:SNIFF_CHARS], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(chain(sample, source), dialect)
    try:
        headers = next(reader, [])
    except csv.Error as error:
        handle.close()
        raise UsageError(f"the register {path.name} has no readable header line ({error})") from error
    if 1 in lines.bad:
        handle.close()
        raise UsageError(f"the register {path.name}: the header line: {lines.bad[1]}")

    def rows() -> Iterator[tuple[int, RowValues]]:
        start = reader.line_num + 1
        try:
            while True:
                try:
                    values: RowValues = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    values = f"not readable as CSV ({error})"
                problems = [lines.bad[n] for n in range(start, reader.line_num + 1) if n in lines.bad]
                yield start, problems[0] if problems else values
                start = reader.line_num + 1
        finally:
            handle.close()

    return headers[:MAX_COLUMNS], rows()


def check_xlsx_size(path: Path) -> None:
    """Refuse an XLSX whose members would inflate past the bounds (a ZIP bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise UsageError(f"the register {path.name} is not a readable XLSX file ({error})") from error
    total = sum(info.file_size for info in infos)
    strings = sum(info.file_size for info in infos if info.filename.lower().endswith("sharedstrings.xml"))
    if total > MAX_XLSX_INFLATED_BYTES or strings > MAX_XLSX_SHARED_STRINGS_BYTES:
        raise UsageError(
            f"the register {path.name} inflates to {total} bytes ({strings} of shared strings), more than the "
            f"{MAX_XLSX_INFLATED_BYTES} ({MAX_XLSX_SHARED_STRINGS_BYTES}) a register may: export it as CSV"
        )


def xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, RowValues]]]:
    """The header and the numbered rows of an XLSX's first sheet, streamed within the bounds."""
    from openpyxl import load_workbook

    check_xlsx_size(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        width = min(MAX_COLUMNS, sheet.max_column or MAX_COLUMNS)
        values = sheet.iter_rows(values_only=True, max_col=width)
        headers = [str(h) if h is not None else "" for h in next(values, ())]
    except UsageError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UsageError(f"the register {path.name} is not a readable XLSX file ({error})") from error

    def rows() -> Iterator[tuple[int, RowValues]]:
        line = 1
        try:
            for line, row in enumerate(values, start=2):
                if line > MAX_XLSX_ROWS:
                    yield line, f"the sheet has more than {MAX_XLSX_ROWS} rows; the rest is not read"
                    return
                yield line, row
        except Exception as error:  # noqa: BLE001 - a sheet damaged part way: the rows before it load
            yield line + 1, f"the sheet is damaged from here on ({type(error).__name__}: {error})"
        finally:
            book.close()

    return headers, rows()
