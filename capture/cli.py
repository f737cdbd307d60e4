"""The `capture` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from capture.contract.record import record_json_schema
from capture.errors import UsageError
from capture.intake.files import file_sha256
from capture.register.imports import RegisterReader, parse_map_option
from capture.register.store import DEFAULT_STORE, STORE_SUFFIXES, Ledger

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

WorkersOption = Annotated[int, typer.Option("--workers", min=0, help="Parallel worker processes (0 = one per core).")]
JsonLogsOption = Annotated[bool, typer.Option("--json-logs", help="Log to standard error as JSON lines, no progress bar.")]

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


EngineOption = Annotated[
    str,
    typer.Option("--engine", envvar="CAPTURE_OCR_ENGINE", help="OCR engine for scans and photos: rapid (default) or paddle."),
]
ModelsOption = Annotated[
    Path | None,
    typer.Option("--models", envvar="CAPTURE_MODELS", help="Folder of local PP-OCR models for the paddle engine (default ./models)."),
]


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Invoice files or folders (read recursively).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, import.json, report.json.")] = Path("out"),
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="The existing register: a CSV/XLSX export (imported on the fly) or a store (.db)."),
    ] = None,
    store: StoreOption = None,
    workers: WorkersOption = 0,
    json_logs: JsonLogsOption = False,
    engine: EngineOption = "rapid",
    models: ModelsOption = None,
) -> None:
    """Process a batch. Exit 0: every file read; 1: some files failed (see report.json);
    2: usage error; 3: internal error."""
    from capture.console import log, progress_bar, setup_logging
    from capture.intake.sniff import collect_inputs
    from capture.pipeline import run_batch, write_outputs

    setup_logging(json_logs)
    _use_engine(engine, models)
    missing = [str(p) for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}", EXIT_USAGE)
    files = collect_inputs(inputs)
    with _open_store(ledger, store) as book, progress_bar(len(files), not json_logs) as advance:
        result = run_batch(inputs, book, workers=workers or None, files=files, on_file=advance)
        report = write_outputs(result, out, book)
    if json_logs:
        for error in report["errors"]:
            log("failed", f"failed {error['file']}: {error['error']}", file=error["file"], error=error["error"])
        log("summary", "run finished", **{k: report[k] for k in ("run_id", "files", "invoices", "by_status")},
            failed=len(report["errors"]), skipped=report["skipped_already_processed"])
    counts = report["by_status"]
    typer.echo(
        f"{report['files'] + report['skipped_already_processed']} files "
        f"({report['skipped_already_processed']} skipped: already processed), {report['invoices']} invoices: "
        f"{counts['ready']} ready, {counts['review']} review, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected; {len(report['errors'])} files failed "
        f"({report['timings']['wall_seconds']:.1f} s)"
    )
    for error in [] if json_logs else report["errors"]:
        typer.echo(f"  failed: {error['file']}: {error['error']}", err=True)
    typer.echo(f"wrote {out / 'records.jsonl'}, {out / 'import.json'}, {out / 'report.json'}")
    raise typer.Exit(EXIT_FILES_FAILED if report["errors"] else EXIT_OK)


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(help="The drop folder; processed/, review/ and failed/ are made beside it.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for batches/<run_id>/ outputs (default: out/ beside the inbox).")] = None,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="The existing register: a CSV/XLSX export (imported on the fly) or a store (.db)."),
    ] = None,
    store: Annotated[
        Path | None, typer.Option("--store", envvar="CAPTURE_STORE", help="The ledger store (SQLite); default OUT/capture.db.")
    ] = None,
    workers: WorkersOption = 0,
    batch_size: Annotated[int, typer.Option("--batch", min=0, help="Files per batch (0 = one per worker).")] = 0,
    settle: Annotated[float, typer.Option("--settle", min=0, help="Seconds a file must stay unchanged before it is read.")] = 2.0,
    poll: Annotated[bool, typer.Option("--poll", help="Poll for changes instead of file-system events (network shares).")] = False,
    exit_when_idle: Annotated[bool, typer.Option("--exit-when-idle", help="Exit once the inbox is empty.")] = False,
    json_logs: JsonLogsOption = False,
    engine: EngineOption = "rapid",
    models: ModelsOption = None,
) -> None:
    """Watch a drop folder: read files as they arrive and move each to processed/, review/ or
    failed/ once its records are written. Ctrl-C or SIGTERM stops after the current batch.
    Exit 0: stopped cleanly; 1: with --exit-when-idle, some files failed; 2: usage error;
    3: internal error."""
    import signal

    from capture.console import log, setup_logging
    from capture.watch.folders import Layout
    from capture.watch.loop import Watcher, WatchOptions
    from capture.workers import default_workers

    setup_logging(json_logs)
    _use_engine(engine, models)
    if not inbox.is_dir():
        _fail(f"no such folder: {inbox}", EXIT_USAGE)
    inbox = inbox.resolve()
    layout = Layout(inbox, (out or inbox.parent / "out").resolve())
    store = (store or layout.out / DEFAULT_STORE.name).resolve()
    for path in (layout.out, store):
        if path == inbox or inbox in path.parents:
            _fail(f"{path} is inside the inbox; put outputs and the store beside it", EXIT_USAGE)
    workers = workers or default_workers()
    options = WatchOptions(settle=settle, batch_size=batch_size or workers, workers=workers, poll=poll,
                           exit_when_idle=exit_when_idle)
    with _open_store(ledger, store) as book:
        book.sync_fully()  # a committed batch survives a power cut too
        watcher = Watcher(layout, book, options)
        signal.signal(signal.SIGINT, watcher.request_stop)
        signal.signal(signal.SIGTERM, watcher.request_stop)
        log("watching", f"watching {inbox} ({workers} workers); outputs in {layout.batches}", inbox=str(inbox))
        try:
            stats = watcher.run()
        except KeyboardInterrupt:
            log("interrupted", "stopped at once; the next start finishes any batch left half done")
            raise typer.Exit(130) from None
    log("stopped", f"stopped: {stats.files} files in {stats.batches} batches, {stats.failed} failed",
        files=stats.files, batches=stats.batches, failed=stats.failed)
    raise typer.Exit(EXIT_FILES_FAILED if exit_when_idle and stats.failed else EXIT_OK)


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
    result = book.import_register(reader, path.name, file_sha256(path, follow_links=True), reader.errors)
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
        from capture.emit import write_atomic

        write_atomic(out, "\ufeff" + buffer.getvalue())


@app.command()
def models(models: ModelsOption = None) -> None:
    """List the OCR engines, the model files each uses with their sha256, and what is missing."""
    from capture.read.ocr import ENGINE_NAMES, configure, engine_models

    configure(models=models)
    for name in ENGINE_NAMES:
        files, problem = engine_models(name)
        typer.echo(f"{name}: {'MISSING: ' + problem if problem else 'ready'}")
        for file in files:
            typer.echo(f"  {file.role:4} {file.sha256() or 'missing':64}  {file.path}")


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="A PDF or image invoice file.")],
    out: Annotated[Path, typer.Option("--out", help="The PNG to write.")],
    page: Annotated[int, typer.Option("--page", min=1, help="Which page (1-based).")] = 1,
    engine: EngineOption = "rapid",
    models: ModelsOption = None,
) -> None:
    """Draw what was read where: the page (a scan upright and level), its ruled grid (blue),
    every word (grey), the words of each field, labelled (green), and doubts (red)."""
    from capture.emit import write_atomic
    from capture.errors import InputError
    from capture.review.overlay import overlay_png, read_page

    _use_engine(engine, models)
    if not file.is_file():
        _fail(f"no such file: {file}", EXIT_USAGE)
    try:
        reading = read_page(file, page)
    except InputError as error:
        _fail(f"{file}: {error}", EXIT_FILES_FAILED)
    write_atomic(out, overlay_png(reading))
    fields = sorted(name for name, tokens in reading.draft.sources.items() if tokens)
    typer.echo(
        f"wrote {out}: {len(reading.page.tokens)} words, {len(fields)} fields, "
        f"{len(reading.page.rules)} ruled lines, {reading.table_cells()} goods-table cells"
    )
    for name, why in reading.draft.doubts:
        typer.echo(f"  doubt ({name}): {why}")


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


@app.command()
def review(
    out: Annotated[Path | None, typer.Option("--out", help="A run's or watcher's output folder; its capture.db is the store unless --store is given.")] = None,
    inbox: Annotated[list[Path] | None, typer.Option("--inbox", metavar="DIR", help="A folder the desk may show invoice files from (repeatable): the run's input folder, the watcher's processed/ and review/.")] = None,
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    user: Annotated[str | None, typer.Option("--user", help="Who decides, for the audit trail (default: the OS user).")] = None,
) -> None:
    """Open the review desk: a local web page to clear the review queue (accept, fix, mark
    duplicate, reject). Every decision goes into the audit trail; accepted records wait for
    `capture export`."""
    from capture.review.serve import default_user, serve

    if store is None and out is not None and (out / DEFAULT_STORE.name).exists():
        store = out / DEFAULT_STORE.name
    store = store or DEFAULT_STORE
    if not store.exists():
        _fail(f"no such ledger store: {store} (give --store, or --out with a capture.db)", EXIT_USAGE)
    missing = [str(p) for p in inbox or [] if not p.is_dir()]
    if missing:
        _fail(f"no such folder: {', '.join(missing)}", EXIT_USAGE)
    if not inbox:
        typer.echo("no --inbox given: the desk shows the fields but no page images", err=True)
    typer.echo(f"review desk on http://{host}:{port}/ over {store} (Ctrl-C to stop)", err=True)
    serve(store, list(inbox or []), user or default_user(), host, port)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The import batch to write (import.json shape).")],
    store: StoreOption = None,
) -> None:
    """Write the records accepted at the review desk and not yet exported as an import batch;
    each accepted record is exported exactly once."""
    from capture.register.desk import ReviewStore
    from capture.review.export import export_pending

    store = store or DEFAULT_STORE
    if not store.exists():
        _fail(f"no such ledger store: {store}", EXIT_USAGE)
    with ReviewStore(store) as book:
        count = export_pending(book, out)
    typer.echo(f"exported {count} accepted records to {out}")


def _use_engine(engine: str, models: Path | None) -> None:
    """The OCR engine for this process and its workers; a usage error for an unknown one."""
    from capture.read.ocr import configure

    try:
        configure(engine, models)
    except UsageError as error:
        _fail(str(error), EXIT_USAGE)


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
