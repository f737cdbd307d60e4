"""`capture export`: batches for importers, never lost. What the review desk accepted goes out
once under a batch id (a copy kept under batches/<id>/ beside --out); any batch written before,
a run's or an export's, is written again with --again; as JSON (import.json), XLSX or CSV;
`--out -` writes to standard output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import app
from capture.cli.options import EXIT_USAGE, StoreOption, existing_store, fail

FORMATS = ("json", "xlsx", "csv")
FormatOption = Annotated[
    str, typer.Option("--format", help="json (import.json shape), xlsx (sheets 发票 and 明细) or csv (NAME.csv, NAME-明细.csv).")
]


def write_export(out: Path, fmt: str, batch_id: str, records: list[dict]) -> list[Path]:
    """Write one batch's records to `out` (`-`: standard output) in `fmt`; the paths written."""
    from capture.emit import IMPORT_SCHEMA, write_import
    from capture.exports.invoices import sheets, spreadsheet_bytes, write_spreadsheet
    from capture.exports.workbook import csv_text

    if str(out) == "-":
        if fmt == "json":
            batch = {"schema": IMPORT_SCHEMA, "run_id": batch_id, "count": len(records), "records": records}
            sys.stdout.write(json.dumps(batch, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "xlsx":
            sys.stdout.buffer.write(spreadsheet_bytes(records))
        else:  # one CSV on standard output: the invoices (the items need a file of their own)
            sys.stdout.write(csv_text(sheets(records)[0]))
        sys.stdout.flush()
        return []
    if fmt == "json":
        write_import(out, batch_id, records)
        return [out]
    return write_spreadsheet(out, records, fmt)


def keep_copy(out: Path, fmt: str, batch_id: str, records: list[dict]) -> Path | None:
    """A copy of an export batch under batches/<id>/ beside --out (import.json, and the
    spreadsheet when one was asked for); None for standard output."""
    from capture.emit import write_import

    if str(out) == "-":
        return None
    kept = out.parent / "batches" / batch_id
    write_import(kept / "import.json", batch_id, records)
    if fmt != "json":
        write_export(kept / out.name, fmt, batch_id, records)
    return kept


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The file to write (- for standard output); a copy is kept under batches/<id>/ beside it.")],
    fmt: FormatOption = "json",
    again: Annotated[str | None, typer.Option("--again", metavar="BATCH_ID", help="Write an earlier batch again (a run's or an export's id).")] = None,
    store: StoreOption = None,
) -> None:
    """Write the records accepted at the review desk and not yet exported as an import batch
    (each accepted record goes out exactly once), or with --again any earlier batch again."""
    from capture.emit import new_batch_id
    from capture.register.exports import export_accepted, find_batch, recent_batches
    from capture.register.store import Ledger

    if fmt not in FORMATS:
        fail(f"--format 只能是 json、xlsx 或 csv (--format must be json, xlsx or csv, not {fmt!r})", EXIT_USAGE)
    to_stdout = str(out) == "-"
    with Ledger(existing_store(store)) as ledger:
        if again is not None:
            batch = find_batch(ledger, again)
            if batch is None:
                known = ", ".join(recent_batches(ledger)) or "none yet"
                fail(f"没有批次 {again} (no batch {again} in the store; the latest: {known})", EXIT_USAGE)
            write_export(out, fmt, batch.batch_id, batch.ready)
            message = (f"已重新写出批次 {batch.batch_id}：{len(batch.ready)} 条记录 -> {out} "
                       f"(wrote batch {batch.batch_id} again: {len(batch.ready)} records)")
        else:
            batch_id = new_batch_id("review-")

            def write(records: list[dict]) -> None:
                keep_copy(out, fmt, batch_id, records)
                write_export(out, fmt, batch_id, records)

            count = export_accepted(ledger, write, batch_id, str(out))
            message = (f"已导出 {count} 条已接受的记录 -> {out}，批次 {batch_id} "
                       f"(exported {count} accepted records to {out}, batch {batch_id})")
    typer.echo(message, err=to_stdout)
