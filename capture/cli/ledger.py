"""`capture ledger`: the register in the store: import, counts, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import ledger_app
from capture.cli.options import EXIT_USAGE, StoreOption, existing_store, fail, import_register
from capture.errors import UsageError
from capture.register.imports import parse_map_option
from capture.register.store import DEFAULT_STORE, Ledger


@ledger_app.command("import")
def ledger_import(
    file: Annotated[Path, typer.Argument(help="Register export: CSV (UTF-8, BOM, GBK/GB18030) or XLSX.")],
    store: StoreOption = None,
    column_map: Annotated[
        str | None, typer.Option("--map", help="Name columns the importer does not know: 'HEADER=number,HEADER=date'.")
    ] = None,
) -> None:
    """Import a register export; re-importing the same rows adds nothing."""
    if not file.exists():
        fail(f"no such file: {file}", EXIT_USAGE)
    try:
        with Ledger(store or DEFAULT_STORE) as book:
            import_register(book, file, parse_map_option(column_map))
    except UsageError as error:
        fail(str(error), EXIT_USAGE)


@ledger_app.command("stats")
def ledger_stats(store: StoreOption = None) -> None:
    """Counts of the store: register rows, suppliers, emitted records, processed files."""
    from capture.register.reprocess import superseded_count

    with Ledger(existing_store(store)) as book:
        typer.echo(json.dumps(book.stats() | {"superseded_records": superseded_count(book)}, ensure_ascii=False, indent=2))


@ledger_app.command("export")
def ledger_export(
    store: StoreOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="CSV file to write (default, or -: standard output).")] = None,
) -> None:
    """Export the register as CSV (UTF-8 with BOM, Chinese headers, as spreadsheets expect);
    text that would start a formula gets a leading ' (CSV injection)."""
    import csv
    import io

    from capture.emit import spreadsheet_cell

    headers = ["发票代码", "发票号码", "开票日期", "销售方名称", "销售方纳税人识别号", "购买方名称", "购买方纳税人识别号", "金额", "税额", "价税合计", "来源", "行号"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    with Ledger(existing_store(store)) as book:
        writer.writerows([spreadsheet_cell(value) for value in row] for row in book.register_rows())
    if out is None or str(out) == "-":
        sys.stdout.write(buffer.getvalue())
    else:
        from capture.emit import write_atomic

        write_atomic(out, "\ufeff" + buffer.getvalue())


@ledger_app.command("forget")
def ledger_forget(
    files: Annotated[list[str], typer.Argument(metavar="FILE|SHA256...", help="A file (its content), a sha256, or a name as the store recorded it.")],
    store: StoreOption = None,
) -> None:
    """Forget processed files so the next run reads them again; the records they gave are kept
    as superseded, and one that already went out in an import batch is not exported twice."""
    from capture.intake.files import sha256_or_none
    from capture.register.reprocess import forget_files, is_sha256, processed_sha256s

    with Ledger(existing_store(store)) as book:
        digests, unknown = [], []
        for given in files:
            path = Path(given)
            found = processed_sha256s(book, given)
            if not found and not is_sha256(given) and path.is_file() and (sha := sha256_or_none(path)):
                found = processed_sha256s(book, sha)
            digests += found
            if not found:
                unknown.append(given)
        if unknown:
            fail(f"存储中没有这些已处理的文件 (not processed files of this store: {', '.join(unknown)})", EXIT_USAGE)
        done = forget_files(book, digests, "ledger forget")
    typer.echo(f"已忘记 {done.files} 个文件，{done.records} 条记录标记为已取代，下次运行将重新读取 (forgot {done.files} "
               f"files; {done.records} records superseded, {done.exported} of them already exported; the next run reads "
               "the files again)")
