"""What an SQLite failure of the store means to a person: a full disk, an I/O error, a damaged
file or a store held by another process are ordinary conditions (exit 2 with one line), not bugs.
A store another process holds is waited for, within a bound; a migration's script runs inside the
caller's transaction.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

from capture.console import log
from capture.errors import StoreBusy, StoreError
from capture.intake.budget import bound_from_env

T = TypeVar("T")

#: Seconds a write waits for another process's transaction on the store before it gives up
#: (exit 2, "the store is busy"); CAPTURE_STORE_WAIT overrides it.
STORE_WAIT_SECONDS = 30.0


def store_wait_seconds() -> float:
    """The bounded wait for a busy store: CAPTURE_STORE_WAIT seconds, or STORE_WAIT_SECONDS."""
    return bound_from_env("CAPTURE_STORE_WAIT", STORE_WAIT_SECONDS, 0.0)


def retry_busy(step: Callable[[], T], wait: float, store: Path | str) -> T:
    """Run `step`, retrying while another process holds the store, for at most `wait` seconds
    (said once in the log); then StoreBusy."""
    deadline, said = time.monotonic() + wait, False
    while True:
        try:
            return step()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(store) from error
            if not said:
                log("store_busy", f"存储正忙，最多等待 {wait:.0f} 秒 (the store {store} is busy: waiting up to {wait:.0f} s)",
                    store=str(store))
                said = True
            time.sleep(0.05)


def split_statements(script: str) -> list[str]:
    """The statements of an SQL script (trigger bodies kept whole), to run inside a transaction
    that `executescript` would commit."""
    statements, current = [], ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\r\n;"):
                statements.append(current.strip())
            current = ""
    return statements

#: Free bytes under which an SQLite "disk I/O error" is taken for a full disk.
NEARLY_FULL_BYTES = 16 << 20


def disk_is_full(path: Path | str) -> bool:
    """Whether the file system holding `path` has (almost) no space left."""
    folder = Path(path).parent if str(path) != ":memory:" else Path(".")
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def raise_store_error(error: sqlite3.DatabaseError, store: Path | str) -> NoReturn:
    """Raise the error a person can act on for an SQLite failure, or `error` itself (a bug)."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        raise StoreBusy(store) from error
    if "unique constraint failed: imported_keys" in text:
        raise StoreError(
            f"存储拒绝重复导入 {store}：另一进程已导入同一发票，请重新运行 (the store refused to import an invoice "
            "twice: another process stored it first; run again)"
        ) from error
    if "full" in text or ("disk i/o" in text and disk_is_full(store)):
        raise StoreError(
            f"磁盘已满：无法写入存储 {store}，请腾出空间后再运行 (the disk is full: cannot write the store; "
            "free some space and run again)"
        ) from error
    if "disk i/o" in text:
        raise StoreError(f"存储读写出错 {store}：磁盘 I/O 错误 (disk I/O error writing the store; check the disk)") from error
    if "malformed" in text or "not a database" in text:
        raise StoreError(f"存储文件已损坏或不是存储 {store} (the store is damaged or not a capture store: {error})") from error
    raise error
