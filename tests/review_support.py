"""Shared set-up of the review desk tests: a store made by the real pipeline on a copy of the
sample inbox (2 records in review: a near match and a conflict), and a realistic misread."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from capture.contract.record import Record
from capture.intake.files import file_sha256
from capture.pipeline import run_batch, write_outputs
from capture.register.imports import RegisterReader
from capture.register.store import Ledger
from capture.verify.checks import Witnesses, run_checks
from tests.conftest import INBOX, REGISTER

#: 02_legacy_e_normal.pdf's seller tax ID with Q read as O: a misread the check digit catches.
MISREAD_FILE = "02_legacy_e_normal.pdf"
TRUE_TAX_ID = "91450100MAQRFWL2AH"
MISREAD_TAX_ID = "91450100MAORFWL2AH"


#: Not needed here, and slow or failing: the non-invoice page is OCRed, the download is truncated.
SKIPPED = ("13_*", "14_*", "*.truth.json")


@dataclass
class Prepared:
    inbox: Path
    store: Path
    out: Path

    def records(self) -> dict[str, Record]:
        """Stored records by source file name (first page)."""
        with Ledger(self.store) as book:
            rows = book.db.execute("SELECT record FROM emitted ORDER BY record_id").fetchall()
        found: dict[str, Record] = {}
        for (text,) in rows:
            record = Record.model_validate_json(text)
            found.setdefault(record.source.file, record)
        return found


def prepare(tmp_path: Path) -> Prepared:
    """Run the pipeline on a copy of fixtures/inbox against fixtures/register.csv."""
    inbox, store, out = tmp_path / "inbox", tmp_path / "capture.db", tmp_path / "out"
    shutil.copytree(INBOX, inbox, ignore=shutil.ignore_patterns(*SKIPPED))
    with Ledger(store) as book:
        reader = RegisterReader(REGISTER, {})
        book.import_register(reader, REGISTER.name, file_sha256(REGISTER), reader.errors)
        write_outputs(run_batch([inbox], book, workers=1), out, book)
    return Prepared(inbox, store, out)


def misread(prepared: Prepared, file: str = MISREAD_FILE, value: str = MISREAD_TAX_ID) -> Record:
    """Make the record of `file` what a misread seller tax ID gives: the check digit fails and
    the record waits in review with that reason."""
    record = prepared.records()[file]
    invoice = record.invoice.model_copy(deep=True)
    invoice.seller.tax_id = value
    failing = [c for c in run_checks(invoice, Witnesses()) if c.field == "seller.tax_id"]
    record = record.model_copy(update={
        "invoice": invoice,
        "checks": [c for c in record.checks if c.field != "seller.tax_id"] + failing,
        "status": "review",
        "reasons": [c.message for c in failing if not c.ok],
    })
    with Ledger(prepared.store) as book, book.db:
        book.db.execute(
            "UPDATE emitted SET status = 'review', seller_tax_id = ?, record = ? WHERE record_id = ?",
            (value, json.dumps(record.to_json_dict(), ensure_ascii=False), record.id),
        )
    return record


@contextmanager
def running(app) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review desk did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
