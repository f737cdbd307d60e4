"""Safe first contact with a dropped file: refuse what must not be opened or decoded.

A drop folder receives anything: symbolic links (possibly to files elsewhere), named pipes that
would block a reader forever, files without read permission and files that vanish while read.
Each becomes an `InputError` with a one-line message before any parser sees the file. (Images
whose header promises billions of pixels are refused by their reader, capture/read/images.py,
before any pixel is decoded.)
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from capture.errors import InputError


def check_regular_file(path: Path) -> None:
    """Refuse symbolic links and anything that is not a regular file, without following links."""
    try:
        info = os.lstat(path)
    except FileNotFoundError as error:
        raise InputError("the file vanished before it was read (moved or deleted)") from error
    if stat.S_ISLNK(info.st_mode):
        raise InputError("a symbolic link, not a file: copy the file itself into the folder")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a pipe, socket or device): only files are read")


def file_sha256(path: Path, *, follow_links: bool = False) -> str:
    """The sha256 of a regular file (the one implementation), opened without blocking on a pipe
    and, unless `follow_links` (a file the user named: a register export, a model), without
    following a symbolic link."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError as error:
        raise InputError("the file vanished before it was read (moved or deleted)") from error
    except PermissionError as error:
        raise InputError("permission denied: the file cannot be read (check its permissions)") from error
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError("a symbolic link, not a file: copy the file itself into the folder") from error
        raise
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise InputError("not a regular file (a pipe, socket or device): only files are read")
        digest = hashlib.sha256()
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_or_none(path: Path) -> str | None:
    """file_sha256, or None when the file vanished or cannot be read (so it matches nothing)."""
    try:
        return file_sha256(path)
    except Exception:  # noqa: BLE001 - vanished, unreadable or not a regular file
        return None


def shown_name(name: str) -> str:
    """A file name as records, reports, logs and people see it: bytes that are not UTF-8 (a GBK
    name unzipped from a Windows archive arrives as surrogate-escaped text) shown as \\xNN, so
    the name can be written as JSON or stored; the file itself is still found by its real name."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file-system name decodes to
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def name_column(name: str) -> str | bytes:
    """A file name as a store column keeps it exactly: text, or its file-system bytes where it is
    not UTF-8 (`os.fsdecode` reads either back)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name)
    return name
