"""What the commands share: options, exit codes, opening the store, failing with one line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, NoReturn

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


def existing_store(store: Path | None) -> Path:
    """The store a read-only command reads: it must exist (a typo never creates an empty one)."""
    path = store or DEFAULT_STORE
    if not path.is_file():
        fail(f"没有这个存储 {path} (no such ledger store: {path}; give --store, or run `capture run` first)", EXIT_USAGE)
    return path


def import_register(book: Ledger, path: Path, overrides: dict[str, str]) -> None:
    from capture.console import say

    reader = RegisterReader(path, overrides)
    result = book.import_register(reader, path.name, file_sha256(path, follow_links=True), reader.errors)
    if result.skipped_file:
        say(f"register {path.name}: already imported, nothing added", "register", file=path.name, added=0)
        return
    say(f"register {path.name}: {result.added} rows added, {result.already_present} already present, "
        f"{len(result.bad_rows)} bad rows", "register", file=path.name, added=result.added, bad=len(result.bad_rows))
    for line, problem in result.bad_rows[:50]:
        say(f"  line {line}: {problem}", "register_bad_row", logging.WARNING, file=path.name, line=line, problem=problem)
    if len(result.bad_rows) > 50:
        say(f"  … and {len(result.bad_rows) - 50} more bad rows", "register_bad_rows", logging.WARNING, more=len(result.bad_rows) - 50)


def use_engine(engine: str, models: Path | None) -> None:
    """The OCR engine for this process and its workers; a usage error for an unknown one."""
    from capture.read.ocr import configure

    try:
        configure(engine, models)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)


def fail(message: str, code: int) -> NoReturn:
    """End the command with one line (a JSON log line at level error with --json-logs)."""
    from capture.console import json_logging, log

    if json_logging():
        log("error", message, logging.ERROR, exit_code=code)
    else:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
