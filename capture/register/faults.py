"""What an SQLite failure of the store means to a person: a full disk, an I/O error, a damaged
file or a store held by another process are ordinary conditions (exit 2 with one line), not bugs.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import NoReturn

from capture.errors import StoreBusy, StoreError

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
