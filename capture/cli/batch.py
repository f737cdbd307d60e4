"""Reading invoices: a batch (`run`) and a drop folder (`watch`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from capture.cli.app import app
from capture.cli.cluster import ClusterOption, cluster_pool
from capture.cli.operations import (
    AlertBacklogOption,
    AlertDiskOption,
    AlertNoBatchOption,
    AlertWaitingOption,
    AlertWebhookOption,
    BackupEveryOption,
    BackupToOption,
    CheckEveryOption,
    KeepOption,
    MetricsHostOption,
    MetricsPortOption,
    OnAlertOption,
    operations_options,
)
from capture.cli.options import (
    EXIT_FILES_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    EngineOption,
    JsonLogsOption,
    ModelsOption,
    StoreOption,
    WorkersOption,
    fail,
    open_store,
    use_engine,
)
from capture.cli.summary import tell
from capture.errors import UsageError
from capture.intake.files import shown_name
from capture.register.postgres import is_postgres
from capture.register.store import DEFAULT_STORE, STORE_SUFFIXES, Ledger

if TYPE_CHECKING:
    from capture.pipeline import BatchResult


def finish_interrupted(book: Ledger, out: Path) -> bool:
    """Write the outputs of stored runs a crash left unwritten; True when one of them was for
    `out` (this run then stops, so its import.json is not overwritten before it is imported)."""
    from capture.console import log
    from capture.pipeline import write_unwritten_outputs

    try:
        finished = write_unwritten_outputs(book)
    except OSError as error:
        fail(f"无法写出上次中断的运行结果 (cannot write the outputs of an interrupted run: {error.strerror or error}: "
             f"{error.filename or ''})", EXIT_USAGE)
    for run_id, folder in finished:
        log("recovered", f"上次运行 {run_id} 已存储但未写出结果，现已写入 {folder} (the interrupted run {run_id} "
            f"was stored; its outputs are now written to {folder})", run_id=run_id, out=str(folder))
    if any(folder == out.absolute() for _, folder in finished):
        typer.echo(f"上次中断的运行结果已写入 {out}：请先导入 {out / 'import.json'}，再运行一次读取其余文件 "
                   f"(the interrupted run's outputs are now in {out}: import them, then run again for any other files)")
        return True
    return False


def deliver(result: BatchResult, out: Path, book: Ledger) -> dict:
    """The batch stored, then its outputs written (capture/pipeline.py write_outputs); a full disk
    or an unwritable --out is exit 2 with one line (the stored batch is written on the next run)."""
    from capture.pipeline import write_outputs

    try:
        return write_outputs(result, out, book)
    except OSError as error:
        fail(f"无法写入输出文件夹 {out} (cannot write the outputs: {error.strerror or error}); the batch is stored: "
             "run again once the folder can be written, and its outputs are written then", EXIT_USAGE)
        raise


def forget_inputs(book: Ledger, files: list[tuple[Path, str]]) -> None:
    """--reprocess: forget the inputs' processed files, so they are read again; their records are
    kept as superseded (capture/register/reprocess.py)."""
    from capture.console import say
    from capture.intake.files import sha256_or_none
    from capture.register.reprocess import forget_files

    digests = [sha for path, _ in files if (sha := sha256_or_none(path))]
    done = forget_files(book, digests, "run --reprocess")
    if done.files:
        say(f"重新读取 {done.files} 个已处理的文件，{done.records} 条旧记录标记为已取代 (reading {done.files} processed "
            f"files again; {done.records} earlier records superseded, {done.exported} of them already exported)",
            "reprocess", files=done.files, superseded=done.records, exported=done.exported)


def write_records_xlsx(out: Path, run_id: str, book: Ledger) -> list[Path]:
    """--xlsx: records.xlsx of the batch in `out` and in its batches/<run_id>/ folder."""
    from capture.exports.invoices import write_spreadsheet
    from capture.register.journal import run_outputs

    rows, _ = run_outputs(book, run_id)
    paths = []
    for folder in (out / "batches" / run_id, out):
        try:
            paths += write_spreadsheet(folder / "records.xlsx", rows, "xlsx")
        except OSError as error:
            fail(f"无法写入 {folder / 'records.xlsx'} (cannot write the spreadsheet: {error.strerror or error})", EXIT_USAGE)
    return paths


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
    reprocess: Annotated[bool, typer.Option("--reprocess", help="Read files again even if processed before; the records they replace are kept as superseded.")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write records.xlsx (sheets 发票 and 明细, Chinese headers).")] = False,
    cluster: ClusterOption = None,
) -> None:
    """Process a batch (--cluster: the files read on a Dask cluster). Exit 0: every file read; 1: some files failed (see report.json);
    2: usage error; 3: internal error."""
    from capture.console import progress_bar, setup_logging
    from capture.intake.sniff import collect_inputs
    from capture.pipeline import run_batch

    setup_logging(json_logs)
    use_engine(engine, models)
    missing = [str(p) for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}", EXIT_USAGE)
    files = collect_inputs(inputs)
    with open_store(ledger, store) as book:
        if finish_interrupted(book, out):
            raise typer.Exit(EXIT_OK)
        if reprocess:
            forget_inputs(book, files)
        with cluster_pool(cluster, engine, json_logs) as pool, progress_bar(len(files), not json_logs) as advance:
            result = run_batch(inputs, book, workers=workers or None, files=files, on_file=advance, decide=False, pool=pool)
        report = deliver(result, out, book)
        paths = write_records_xlsx(out, result.run_id, book) if xlsx else []
    extra = [f"wrote {shown_name(str(p))}" for p in paths]
    tell(report, out, inputs, ledger if ledger is not None and ledger.suffix.lower() in STORE_SUFFIXES else store,
         json_logs, extra)
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
        Path | None, typer.Option("--store", envvar="CAPTURE_STORE", help="The ledger store: an SQLite file (default OUT/capture.db) or postgresql://user@host/db.")
    ] = None,
    workers: WorkersOption = 0,
    batch_size: Annotated[int, typer.Option("--batch", min=0, help="Files per batch (0 = one per worker).")] = 0,
    settle: Annotated[float, typer.Option("--settle", min=0, help="Seconds a file must stay unchanged before it is read.")] = 2.0,
    poll: Annotated[bool, typer.Option("--poll", help="Poll for changes instead of file-system events (network shares).")] = False,
    exit_when_idle: Annotated[bool, typer.Option("--exit-when-idle", help="Exit once the inbox is empty.")] = False,
    json_logs: JsonLogsOption = False,
    engine: EngineOption = "rapid",
    models: ModelsOption = None,
    metrics_port: MetricsPortOption = None,
    metrics_host: MetricsHostOption = "127.0.0.1",
    on_alert: OnAlertOption = None,
    alert_webhook: AlertWebhookOption = None,
    alert_backlog: AlertBacklogOption = 50,
    alert_waiting_minutes: AlertWaitingOption = 30.0,
    alert_no_batch_minutes: AlertNoBatchOption = 30.0,
    alert_disk_free: AlertDiskOption = 5.0,
    check_every: CheckEveryOption = 30.0,
    backup_every: BackupEveryOption = None,
    keep: KeepOption = 7,
    backup_to: BackupToOption = None,
) -> None:
    """Watch a drop folder: read files as they arrive and move each to processed/, review/ or
    failed/ once its records are written. Ctrl-C or SIGTERM stops after the current batch.
    --metrics-port serves /healthz and /metrics; --on-alert / --alert-webhook tell of trouble;
    --backup-every backs up the store (README: "Running it for real").
    Exit 0: stopped cleanly; 1: with --exit-when-idle, some files failed; 2: usage error;
    3: internal error."""
    import signal

    from capture.console import log, setup_logging
    from capture.watch.folders import Layout
    from capture.watch.loop import Watcher, WatchOptions
    from capture.watch.operate import operations
    from capture.workers import default_workers

    setup_logging(json_logs)
    use_engine(engine, models)
    if not inbox.is_dir():
        fail(f"no such folder: {inbox}", EXIT_USAGE)
    inbox = inbox.resolve()
    layout = Layout(inbox, (out or inbox.parent / "out").resolve())
    shared = is_postgres(store)  # a PostgreSQL store, shared by watchers on several machines
    store = store if shared else (store or layout.out / DEFAULT_STORE.name).resolve()
    for path in (layout.out,) if shared else (layout.out, store):
        if path == inbox or inbox in path.parents:
            fail(f"{path} is inside the inbox; put outputs and the store beside it", EXIT_USAGE)
    workers = workers or default_workers()
    options = WatchOptions(settle=settle, batch_size=batch_size or workers, workers=workers, poll=poll,
                           exit_when_idle=exit_when_idle)
    unattended = operations_options(
        metrics_port, metrics_host, on_alert, alert_webhook, alert_backlog, alert_waiting_minutes,
        alert_no_batch_minutes, alert_disk_free, check_every, backup_every, keep, backup_to)
    with open_store(ledger, store) as book, contextlib.ExitStack() as stack:
        book.sync_fully()  # a committed batch survives a power cut too
        try:  # health server, alerts, backups: started beside the loop, stopped after it
            running = stack.enter_context(operations(layout, store, unattended))
        except UsageError as error:
            fail(str(error), EXIT_USAGE)
        watcher = Watcher(layout, book, options, running.metrics if running else None)
        signal.signal(signal.SIGINT, watcher.request_stop)
        signal.signal(signal.SIGTERM, watcher.request_stop)
        log("watching", f"watching {shown_name(str(inbox))} ({workers} workers); outputs in {shown_name(str(layout.batches))}",
            inbox=shown_name(str(inbox)))
        try:
            stats = watcher.run()
        except KeyboardInterrupt:
            log("interrupted", "stopped at once; the next start finishes any batch left half done")
            raise typer.Exit(130) from None
    log("stopped", f"stopped: {stats.files} files in {stats.batches} batches, {stats.failed} failed",
        files=stats.files, batches=stats.batches, failed=stats.failed)
    raise typer.Exit(EXIT_FILES_FAILED if exit_when_idle and stats.failed else EXIT_OK)

