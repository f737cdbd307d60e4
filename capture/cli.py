"""The `capture` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from capture.errors import UsageError
from capture.ledger import DEFAULT_STORE, STORE_SUFFIXES, Ledger, file_sha256
from capture.records import record_json_schema
from capture.register_import import RegisterReader, parse_map_option

app = typer.Typer(
    help="Read invoices (发票) from files and folders into verified back-entry records.",
    no_args_is_help=True,
    add_completion=False,
)
ledger_app = typer.Typer(help="The ledger store: the imported register and what capture emitted.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", envvar="CAPTURE_STORE", help=f"The ledger store (SQLite); default ./{DEFAULT_STORE}."),
]

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Invoice files or folders (read recursively).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, import.json, report.json.")] = Path("out"),
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="The existing register: a CSV/XLSX export (imported on the fly) or a store (.db)."),
    ] = None,
    store: StoreOption = None,
    workers: Annotated[int, typer.Option("--workers", help="Parallel worker processes (0 = one per core).")] = 0,
) -> None:
    """Process a batch. Exit 0: every file read; 1: some files failed (see report.json);
    2: usage error; 3: internal error."""
    from capture.pipeline import run_batch, write_outputs

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}", EXIT_USAGE)
    with _open_store(ledger, store) as book:
        result = run_batch(inputs, book, workers=workers or None)
        report = write_outputs(result, out, book)
    counts = report["by_status"]
    typer.echo(
        f"{report['files'] + report['skipped_already_processed']} files "
        f"({report['skipped_already_processed']} skipped: already processed), {report['invoices']} invoices: "
        f"{counts['ready']} ready, {counts['review']} review, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected; {len(report['errors'])} files failed "
        f"({report['timings']['wall_seconds']:.1f} s)"
    )
    for error in report["errors"]:
        typer.echo(f"  failed: {error['file']}: {error['error']}", err=True)
    typer.echo(f"wrote {out / 'records.jsonl'}, {out / 'import.json'}, {out / 'report.json'}")
    raise typer.Exit(EXIT_FILES_FAILED if report["errors"] else EXIT_OK)


def _open_store(ledger: Path | None, store: Path | None) -> Ledger:
    """The store to use: --ledger when it is one, else --store; a CSV/XLSX --ledger is imported."""
    try:
        if ledger is not None and ledger.suffix.lower() in STORE_SUFFIXES:
            if not ledger.exists():
                raise UsageError(f"no such ledger store: {ledger}")
            return Ledger(ledger)
        book = Ledger(store or DEFAULT_STORE)
        if ledger is not None:
            _import_register(book, ledger, {})
        return book
    except UsageError as error:
        _fail(str(error), EXIT_USAGE)
        raise


def _import_register(book: Ledger, path: Path, overrides: dict[str, str]) -> None:
    reader = RegisterReader(path, overrides)
    result = book.import_register(reader, path.name, file_sha256(path), reader.errors)
    if result.skipped_file:
        typer.echo(f"register {path.name}: already imported, nothing added", err=True)
        return
    typer.echo(
        f"register {path.name}: {result.added} rows added, {result.already_present} already present, "
        f"{len(result.bad_rows)} bad rows",
        err=True,
    )
    for line, problem in result.bad_rows[:50]:
        typer.echo(f"  line {line}: {problem}", err=True)
    if len(result.bad_rows) > 50:
        typer.echo(f"  … and {len(result.bad_rows) - 50} more bad rows", err=True)


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
        _fail(f"no such file: {file}", EXIT_USAGE)
    try:
        with Ledger(store or DEFAULT_STORE) as book:
            _import_register(book, file, parse_map_option(column_map))
    except UsageError as error:
        _fail(str(error), EXIT_USAGE)


@ledger_app.command("stats")
def ledger_stats(store: StoreOption = None) -> None:
    """Counts of the store: register rows, suppliers, emitted records, processed files."""
    with Ledger(store or DEFAULT_STORE) as book:
        typer.echo(json.dumps(book.stats(), ensure_ascii=False, indent=2))


@ledger_app.command("export")
def ledger_export(
    store: StoreOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="CSV file to write (default: standard output).")] = None,
) -> None:
    """Export the register as CSV (UTF-8 with BOM, Chinese headers, as spreadsheets expect)."""
    import csv
    import io

    headers = ["发票代码", "发票号码", "开票日期", "销售方名称", "销售方纳税人识别号", "购买方名称", "购买方纳税人识别号", "金额", "税额", "价税合计", "来源", "行号"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    with Ledger(store or DEFAULT_STORE) as book:
        writer.writerows(book.register_rows())
    if out is None:
        sys.stdout.write(buffer.getvalue())
    else:
        from capture.output import write_atomic

        write_atomic(out, "\ufeff" + buffer.getvalue())


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record."""
    typer.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))


@app.command("eval")
def evaluate(
    truth_dir: Annotated[Path, typer.Argument(help="Folder of *.truth.json files (and their invoice files).")],
    records: Annotated[Path, typer.Option("--records", help="records.jsonl of a run over that folder.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
) -> None:
    """Score records against truth files, field by field."""
    from capture.evaluate import evaluate_folder, format_scores

    for path in (truth_dir, records):
        if not path.exists():
            _fail(f"no such file or folder: {path}", EXIT_USAGE)
    scores = evaluate_folder(truth_dir, records)
    typer.echo(format_scores(scores))
    if json_out:
        json_out.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Entry point that turns unexpected exceptions into exit code 3."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - last line of defence, reported plainly
        print(f"internal error: {error!r}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
