"""What the commands share: options, exit codes, opening the store, failing with one line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capture.errors import UsageError
from capture.intake.files import file_sha256
from capture.register.imports import RegisterReader
from capture.register.store import DEFAULT_STORE, STORE_SUFFIXES, Ledger

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", envvar="CAPTURE_STORE", help=f"The ledger store: an SQLite file (default ./{DEFAULT_STORE}) or postgresql://user@host/db."),
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


def open_store(ledger: Path | None, store: Path | None) -> Ledger:
    """The store to use: --ledger when it is one, else --store; a CSV/XLSX --ledger is imported."""
    try:
        if ledger is not None and ledger.suffix.lower() in STORE_SUFFIXES:
            if not ledger.exists():
                raise UsageError(f"no such ledger store: {ledger}")
            return Ledger(ledger)
        book = Ledger(store or DEFAULT_STORE)
        if ledger is not None:
            import_register(book, ledger, {})
        return book
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        raise


def import_register(book: Ledger, path: Path, overrides: dict[str, str]) -> None:
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


def use_engine(engine: str, models: Path | None) -> None:
    """The OCR engine for this process and its workers; a usage error for an unknown one."""
    from capture.read.ocr import configure

    try:
        configure(engine, models)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)


def fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
