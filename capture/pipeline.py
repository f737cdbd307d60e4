"""The stage order, and the batch runner. The only module that knows the order of the stages.

file -> sha256 -> sniff -> read (pages; OFD/XML structured data) -> extract (per page) -> join
pages of one invoice -> verify and decide (per invoice) -> duplicates and supplier directory
(whole batch, in input order) -> emit (records.jsonl, import.json, report.json) and the store.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import pypdfium2 as pdfium

from capture.contract.draft import Draft
from capture.contract.record import Record
from capture.contract.tokens import Page
from capture.decide import build_record, decide_batch
from capture.emit import new_batch_id, write_batch, write_kept_batch, writing_into
from capture.errors import FileTooSlow, InputError
from capture.extract.join import group_pages
from capture.extract.page import extract_page
from capture.extract.structured import document_drafts, xml_draft
from capture.intake import budget
from capture.intake.files import check_regular_file, file_sha256, shown_name
from capture.intake.sniff import UNSUPPORTED_IMAGES, collect_inputs, sniff
from capture.read.einvoice_xml import read_invoice_xml
from capture.read.images import read_image_pages
from capture.read.ofd import SOURCES as OFD_SOURCES
from capture.read.ofd import read_ofd
from capture.read.pdf import read_pdf_pages
from capture.read.scan.page import ocr_pdf_pages, read_scan_page, text_layer_is_garbage
from capture.register import journal
from capture.register.store import Ledger
from capture.workers import costliest_first, default_workers, make_pool, time_limit

#: The error of a file whose reader process died (killed, out of memory).
CRASHED = "the reader crashed on this file (killed, or out of memory)"

#: Empty files are each reported, never skipped as "same content already read".
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass
class FileResult:
    """What processing one file gave: records, or an error, and where the time went. `file` is
    the name as found (surrogate-escaped where not UTF-8); `shown` the name records show."""

    file: str
    sha256: str | None = None
    kind: str = "unknown"
    records: list[Record] = field(default_factory=list)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return shown_name(self.file)


def process_file(path: Path, name: str, today: dt.date | None = None, digest: str | None = None) -> FileResult:
    """Read one file into records; every failure a user can cause becomes a per-file error."""
    result = FileResult(file=name)
    started = time.perf_counter()
    try:
        with time_limit(budget.file_seconds()):
            _process(path, name, today, digest, result)
    except FileTooSlow as error:
        result.error, result.records = str(error), []
    result.timings["total"] = time.perf_counter() - started
    return result


def _process(path: Path, name: str, today: dt.date | None, digest: str | None, result: FileResult) -> None:
    """process_file's work; every failure a user can cause becomes `result.error`."""
    try:
        check_regular_file(path)
        digest = digest or file_sha256(path)
        result.sha256 = digest
        result.kind = sniff(path)
        if result.kind == "empty":
            raise InputError("the file is empty")
        invoices = read_invoices(path, result)
        extract_done = time.perf_counter()
        result.records = [build_record(draft, shown_name(name), digest, today) for draft in invoices]
        result.timings["verify"] = time.perf_counter() - extract_done
    except InputError as error:
        result.error = str(error)
    except FileNotFoundError:
        result.error = "the file vanished while it was read (moved or deleted)"
    except OSError as error:
        result.error = f"cannot read the file: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - one file must not end the batch
        result.error = decoder_failure(error)


def decoder_failure(error: Exception) -> str:
    """The per-file error for an exception a reader raised: a decoder refusing a damaged or
    hostile file (pdfium, OpenCV, memory, nesting) is said as such; anything else is a bug."""
    detail = (str(error).strip().splitlines() or [""])[0][:300]
    if isinstance(error, MemoryError):
        return "the file needs more memory than one file may use (a damaged or hostile file); refused"
    if isinstance(error, RecursionError):
        return "the file's structure is nested too deeply or loops (a damaged or hostile file); refused"
    if isinstance(error, pdfium.PdfiumError | cv2.error):
        return f"the file cannot be decoded ({type(error).__name__}: {detail}); it may be damaged or not a real scan"
    return f"internal error while reading the file ({type(error).__name__}: {detail}); please report it with the file"


def read_invoices(path: Path, result: FileResult) -> list[Draft]:
    """The invoice drafts of a sniffed file, each page read, through the layout rules and joined
    to its invoice once: PDF text layers and OCR of scans and images; OFD and 数电 XML with their
    structured data."""
    if result.kind == "ofd":
        return read_ofd_drafts(path)
    if result.kind == "xml":
        return read_xml_drafts(path)
    if result.kind in UNSUPPORTED_IMAGES:
        raise InputError(
            f"不支持的格式 {UNSUPPORTED_IMAGES[result.kind]}：请转换为 JPEG 或 PDF (not an invoice document this "
            f"reads: unsupported format {UNSUPPORTED_IMAGES[result.kind]}: convert it to JPEG/PDF)"
        )
    if result.kind not in ("pdf", "image"):
        raise InputError("not an invoice document: expected PDF, OFD, XML or an image")
    started = time.perf_counter()
    if result.kind == "image":
        pages = [read_scan_page(image, n, "image") for n, image in enumerate(read_image_pages(path), 1)]
    else:
        text_pages = list(read_pdf_pages(path))
        check_ocr_budget(text_pages)
        pages = list(ocr_pdf_pages(path, text_pages))
    read_done = time.perf_counter()
    if not any(page.tokens for page in pages):
        where = "in the image" if result.kind == "image" else "on the PDF, which has no text layer"
        raise InputError(f"OCR found no text {where} (a blank page?); scan the invoice again")
    drafts = group_pages([extract_page(page) for page in pages])
    result.timings.update(
        text=sum(p.timings.get("text", 0.0) for p in pages),
        qr=sum(p.timings.get("qr", 0.0) for p in pages),
        **{stage: sum(p.timings.get(stage, 0.0) for p in pages) for stage in ("clean", "ocr") if any(stage in p.timings for p in pages)},
        extract=time.perf_counter() - read_done,
        read=read_done - started,
    )
    return drafts


def check_ocr_budget(pages: list[Page]) -> None:
    """Refuse a PDF whose pages without a usable text layer would send more pixels to OCR, all
    together, than one file may (budget.MAX_OCR_PIXELS_PER_FILE): checked before any render."""
    total = sum(budget.render_pixels(p.width, p.height) for p in pages if text_layer_is_garbage(p))
    if total > budget.MAX_OCR_PIXELS_PER_FILE:
        raise InputError(
            f"the PDF's {sum(text_layer_is_garbage(p) for p in pages)} pages without text would send {total:,} pixels "
            f"to OCR, more than the {budget.MAX_OCR_PIXELS_PER_FILE:,} one file may (split the file)"
        )


def read_ofd_drafts(path: Path, sources: Collection[str] = OFD_SOURCES) -> list[Draft]:
    """Drafts of the invoices in an OFD: per document, its pages through the layout rules, then
    joined and overlaid with its structured data. `sources` limits the data read (tests force a
    single route)."""
    drafts: list[Draft] = []
    for document in read_ofd(path, sources):
        drafts += document_drafts(document, [extract_page(page) for page in document.pages])
    return drafts


def read_xml_drafts(path: Path) -> list[Draft]:
    """The draft of an invoice XML file (数电票 or 电子发票 data)."""
    return [xml_draft(*read_invoice_xml(path))]


def _process_job(job: tuple[Path, str, dt.date | None, str | None]) -> FileResult:
    return process_file(*job)


@dataclass
class BatchResult:
    """Records of the whole batch in input order, per-file errors and timings."""

    records: list[Record]
    files: list[FileResult]
    seconds: float
    skipped: list[str] = field(default_factory=list)
    run_id: str = ""
    decided: bool = True  # the batch-wide decisions (duplicates, directory) are made

    def done_files(self) -> list[tuple[str, str]]:
        """(sha256, shown name) of every file read without an error: the processed files."""
        return [(f.sha256, f.shown) for f in self.files if f.error is None and f.sha256]

    def report(self) -> dict:
        by_status = Counter(r.status for r in self.records)
        by_kind = Counter(f.kind for f in self.files)
        stage_totals: Counter[str] = Counter()
        kind_seconds: Counter[str] = Counter()
        for file in self.files:
            stage_totals.update(file.timings)
            kind_seconds[file.kind] += file.timings.get("total", 0.0)
        return {
            "schema": "capture.report/1",
            "run_id": self.run_id,
            "files": len(self.files) + len(self.skipped),
            "files_read": len(self.files),
            "skipped_already_processed": len(self.skipped),
            "invoices": len(self.records),
            "by_status": {s: by_status.get(s, 0) for s in ("ready", "review", "duplicate", "rejected")},
            "by_file_kind": dict(sorted(by_kind.items())),
            "errors": [{"file": f.shown, "error": f.error} for f in self.files if f.error],
            "timings": {
                "wall_seconds": round(self.seconds, 3),
                "stage_seconds": {k: round(v, 3) for k, v in sorted(stage_totals.items())},
                "seconds_by_kind": {k: {"files": by_kind[k], "seconds": round(v, 3)} for k, v in sorted(kind_seconds.items())},
            },
        }


def run_batch(
    inputs: list[Path],
    ledger: Ledger,
    workers: int | None = None,
    today: dt.date | None = None,
    *,
    files: list[tuple[Path, str]] | None = None,
    pool: Executor | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    decide: bool = True,
) -> BatchResult:
    """Process files (folders recursively, or `files` as (path, name) pairs) in parallel; results
    keep the input order. Files whose sha256 the ledger has already processed, or that appear twice
    in the inputs, are skipped. `pool` is reused when given; `on_file` sees each file as it ends.
    `decide=False` leaves the batch-wide decisions to `write_outputs`, inside its transaction."""
    started = time.perf_counter()
    run_id = new_batch_id()
    jobs, skipped, seen = [], [], set()
    for path, name in collect_inputs(inputs) if files is None else files:
        try:
            digest = file_sha256(path)
        except (OSError, InputError):
            digest = None  # reported by process_file
        if digest not in (None, EMPTY_SHA256) and (digest in seen or ledger.is_processed(digest)):
            skipped.append(name)
            continue
        seen.add(digest)
        jobs.append((path, name, today, digest))
    workers = max(1, workers or default_workers())
    if pool is not None:
        results = _run_jobs(pool, jobs, on_file)
    elif workers == 1 or len(jobs) < 4:
        results = []
        for job in jobs:
            results.append(_process_job(job))
            if on_file:
                on_file(results[-1])
    else:
        results = _run_in_own_pool(jobs, workers, on_file)
    records = [record for file in results for record in file.records]
    if decide:
        decide_batch(records, ledger)
    return BatchResult(records, results, time.perf_counter() - started, skipped, run_id, decided=decide)


def _run_in_own_pool(jobs: list, workers: int, on_file: Callable[[FileResult], None] | None) -> list[FileResult]:
    """Results in job order from a pool of this batch's own. A worker that dies (a crash, the
    out-of-memory killer) breaks the pool: each file not finished is then read alone in a fresh
    worker, and a file that kills that one too fails with CRASHED; the batch goes on."""
    done: dict[int, FileResult] = {}
    try:
        with make_pool(min(workers, len(jobs))) as pool:
            futures = {pool.submit(_process_job, jobs[index]): index for index in _handing_order(jobs)}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if on_file:
                    on_file(done[futures[future]])
    except BrokenProcessPool:
        for index, job in enumerate(jobs):
            if index in done:
                continue
            with make_pool(1) as alone:
                try:
                    done[index] = alone.submit(_process_job, job).result()
                except BrokenProcessPool:
                    done[index] = FileResult(file=job[1], sha256=job[3], error=CRASHED)
            if on_file:
                on_file(done[index])
    return [done[index] for index in range(len(jobs))]


def _run_jobs(pool: Executor, jobs: list, on_file: Callable[[FileResult], None] | None) -> list[FileResult]:
    """Results in job order, whatever order the workers finish in."""
    futures = {pool.submit(_process_job, jobs[index]): index for index in _handing_order(jobs)}
    results: list[FileResult | None] = [None] * len(jobs)
    for future in as_completed(futures):
        results[futures[future]] = future.result()
        if on_file:
            on_file(future.result())
    return [r for r in results if r is not None]


def _handing_order(jobs: list) -> list[int]:
    """The jobs (indices) in the order the workers get them: the costliest file first
    (`costliest_first`); results and decisions keep the input order all the same."""
    return costliest_first([path for path, *_ in jobs])


def write_outputs(result: BatchResult, out: Path, ledger: Ledger) -> dict:
    """Exactly once: one store transaction (the write lock taken first) drops the files another
    run stored meanwhile, makes the batch-wide decisions against the store and stores the records,
    the processed files, the report and the output folder still to write; only then are
    records.jsonl, import.json and report.json written (each atomically) from the store, and the
    run marked finished. A crash between is finished by `write_unwritten_outputs` on the next start.
    The output folder's lock is held throughout, so another run starting meanwhile does not take
    this batch for an interrupted one."""
    with writing_into(out):
        with ledger.write_transaction():
            settle_batch(result, ledger)
            rows = [record.to_json_dict() for record in result.records]
            report = result.report()
            journal.commit_run(ledger, result.run_id, rows, result.done_files(), report, out=out.absolute())
        _write_from_store(ledger, result.run_id, out)
    return report


def settle_batch(result: BatchResult, ledger: Ledger, *, skip_stored: bool = True) -> None:
    """Inside the store's write transaction, just before the batch is stored: drop the files
    another process stored since this batch began (with `skip_stored` they count as skipped; a
    watcher leaves them out, as the watcher that stored them moves them), then make the
    batch-wide decisions against the store as it is now, so no invoice is imported twice."""
    stored = {f.file for f in result.files if f.sha256 not in (None, EMPTY_SHA256) and ledger.is_processed(f.sha256)}
    if stored:
        result.files = [f for f in result.files if f.file not in stored]
        result.records = [r for r in result.records if r.source.file not in {shown_name(name) for name in stored}]
        if skip_stored:
            result.skipped += sorted(stored)
    if not result.decided:
        decide_batch(result.records, ledger)
        result.decided = True


def _write_from_store(ledger: Ledger, run_id: str, out: Path) -> None:
    rows, report = journal.run_outputs(ledger, run_id)
    write_kept_batch(out, run_id, rows, report, write_batch)
    journal.mark_finished(ledger, run_id)


def write_unwritten_outputs(ledger: Ledger) -> list[tuple[str, Path]]:
    """On start: write the outputs of every stored `run` batch whose outputs a crash left
    unwritten (into that batch's own output folder); (run id, folder) of each. A batch whose
    folder another process holds is that live run's own, being written now: it is left to it."""
    written = []
    for run_id, out in journal.unwritten_outputs(ledger):
        with writing_into(out, wait=False) as held:
            if held and (run_id, out) in journal.unwritten_outputs(ledger):  # not finished meanwhile
                _write_from_store(ledger, run_id, out)
                written.append((run_id, out))
    return written
