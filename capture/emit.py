"""Atomic writers: a crash leaves the old file or the new one, never half of one. The shape
of the import batch (import.json) an integrator reads, and the one writer of a batch's outputs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one run per output folder at a time
    fcntl = None  # type: ignore[assignment]


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to a temporary file beside the target, fsync it, then rename it
    into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~process_umask())  # mkstemp makes 0600: another user's importer reads it
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def process_umask() -> int:
    """The process's umask (read from /proc where it can be, so no other thread sees it change)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json(path: Path, data: object) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(path: Path, rows: Iterable[object]) -> None:
    write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


IMPORT_SCHEMA = "capture.import/1"


def new_batch_id(prefix: str = "") -> str:
    """A batch's id: `prefix` and the UTC time to the microsecond (20240514T093000123456Z)."""
    return prefix + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def write_import(path: Path, batch_id: str, records: list[dict]) -> None:
    """An import batch: the records an integrator imports once, under the batch's id."""
    write_json(path, {"schema": IMPORT_SCHEMA, "run_id": batch_id, "count": len(records), "records": records})


def write_batch(folder: Path, run_id: str, rows: list[dict], report: dict) -> None:
    """A batch's outputs, each written atomically: records.jsonl (every record), import.json (the
    ready ones, under `run_id`) and report.json. The one writer of these three files."""
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "records.jsonl", rows)
    write_import(folder / "import.json", run_id, [row for row in rows if row["status"] == "ready"])
    write_json(folder / "report.json", report)


def write_kept_batch(
    out: Path, run_id: str, rows: list[dict], report: dict, write: Callable[[Path, str, list[dict], dict], None] = write_batch,
) -> Path:
    """A `run` batch's outputs kept under `out/batches/<run_id>/` (written beside as
    `.<run_id>.partial` and renamed: complete or absent, as `watch` does), then the same three files
    in `out` itself, the latest batch. A later run into the same folder replaces only the latest
    copies; every batch stays under its id (`capture export --again RUN_ID` writes one again)."""
    kept = out / "batches" / run_id
    if not kept.is_dir():
        partial = kept.with_name(f".{run_id}.partial")
        write(partial, run_id, rows, report)
        os.replace(partial, kept)
    write(out, run_id, rows, report)
    return kept


#: The lock file a run holds in its output folder while it stores its batch and writes its outputs.
FOLDER_LOCK = ".capture-writing.lock"


@contextlib.contextmanager
def writing_into(out: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold `out`'s lock (flock on FOLDER_LOCK) while a batch is stored and its outputs written:
    True when held. With `wait` False it yields False at once where another process holds it (a
    live run writing its batch there, which is not an interrupted one). The kernel drops the lock
    when its process dies. Where the folder cannot be made or the lock file opened, nothing can
    be written there either: it yields True and the write itself reports the error."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = os.open(out / FOLDER_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield True
        return
    try:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
        yield True
    finally:
        os.close(handle)


#: A spreadsheet cell starting with one of these is read as a formula (=HYPERLINK(…), +cmd|…).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def spreadsheet_cell(value: object) -> object:
    """A value for a CSV/XLSX cell a spreadsheet will open: text that starts like a formula gets a
    leading ' (OWASP, CSV injection), so it shows as text and never runs; numbers (a red
    invoice's -100.00 included) are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value
