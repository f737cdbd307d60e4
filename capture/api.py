"""The Python API: what the command line does, for programs.

    import capture
    records = capture.read("invoice.pdf")            # list[capture.Record], nothing stored
    result = capture.run(["inbox/"], ledger="register.xlsx", out="out", store="books.db")
    result.records[0].status, result.report()["by_status"], records[0].to_json()

Errors a caller can cause raise `capture.UsageError` (a bad register, a busy store) or
`capture.InputError` (a file that is no invoice document, for `read`).
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from capture.contract.record import Record
from capture.errors import InputError, UsageError
from capture.pipeline import BatchResult, process_file, run_batch, write_outputs
from capture.register.imports import RegisterReader
from capture.register.reprocess import forget_files
from capture.register.store import DEFAULT_STORE, STORE_SUFFIXES, Ledger

StrPath = str | PathLike[str]


def read(path: StrPath) -> list[Record]:
    """The invoices of one file (PDF, OFD, XML, image), read and checked: one Record each, in page
    order. Nothing is stored and no register is consulted (duplicates are `run`'s job).
    InputError when the file cannot be read as an invoice document."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    result = process_file(path, path.name)
    if result.error is not None:
        raise InputError(result.error)
    return result.records


def run(
    inputs: Sequence[StrPath],
    ledger: StrPath | None = None,
    out: StrPath | None = None,
    *,
    store: StrPath | None = None,
    workers: int | None = None,
    reprocess: bool = False,
) -> BatchResult:
    """`capture run` as a function: read files and folders, check each invoice against the
    register (`ledger`: a CSV/XLSX export, imported into the store, or a store `.db`) and earlier
    runs. With `out`, the batch is stored and written there (records.jsonl, import.json,
    report.json, batches/<run_id>/) exactly as the command does; without, the records are decided
    and returned, and nothing is stored. `store` defaults to ./capture.db, as on the command line."""
    paths = [Path(p) for p in inputs]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    register = None if ledger is None else Path(ledger)
    if register is not None and register.suffix.lower() in STORE_SUFFIXES:
        if not register.is_file():
            raise UsageError(f"no such ledger store: {register}")
        store = register
    with Ledger(Path(store) if store is not None else DEFAULT_STORE) as book:
        if register is not None and Path(store or "") != register:
            _import(book, register)
        if reprocess:
            from capture.intake.files import sha256_or_none
            from capture.intake.sniff import collect_inputs

            forget_files(book, [sha for p, _ in collect_inputs(paths) if (sha := sha256_or_none(p))], "api reprocess")
        result = run_batch(paths, book, workers=workers, decide=out is None)
        if out is not None:
            write_outputs(result, Path(out), book)
    return result


def _import(book: Ledger, register: Path) -> None:
    from capture.intake.files import file_sha256

    if not register.is_file():
        raise UsageError(f"no such register file: {register}")
    reader = RegisterReader(register, {})
    book.import_register(reader, register.name, file_sha256(register, follow_links=True), reader.errors)
