"""The drop folder's layout, and moving a file out of the inbox without ever overwriting one.

    share/inbox/        files arrive here (subfolders allowed)
    share/processed/    read; every invoice in it is ready (or already in the register)
    share/review/       read; some invoice needs a person (review or rejected)
    share/failed/       could not be read; the batch's report.json says why

Names and subfolders are kept (inbox/a/x.pdf -> processed/a/x.pdf); a name already taken gets
" (1)", " (2)", ... before its extension.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from capture.intake.files import sha256_or_none

FOLDERS = ("processed", "review", "failed")


@dataclass(frozen=True)
class Layout:
    """Where a watched inbox's files go, and where its outputs and store live."""

    inbox: Path
    out: Path

    def folder(self, name: str) -> Path:
        return self.inbox.parent / name

    @property
    def batches(self) -> Path:
        return self.out / "batches"


def destination_folder(error: str | None, statuses: list[str]) -> str:
    """failed when unreadable; review when any invoice needs a person; processed otherwise."""
    if error is not None:
        return "failed"
    if any(status in ("review", "rejected") for status in statuses):
        return "review"
    return "processed"


def free_name(target: Path, taken: set[Path] = frozenset()) -> Path:  # type: ignore[assignment]
    """target, or 'stem (n).ext' for the first n that neither exists nor is taken."""
    candidate, number = target, 0
    while candidate in taken or os.path.lexists(candidate):
        number += 1
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
    return candidate


def move_file(source: Path, target: Path, sha256: str | None) -> Path | None:
    """Move source to target without overwriting anything; safe to repeat after a crash.

    Returns where the file now is, or None when there was nothing to move (it was moved already,
    vanished, or was replaced by a different file, which stays for the next scan). A hard link
    then unlink never overwrites; across file systems the file is copied beside the target,
    fsynced and renamed into place before the source is removed."""
    try:
        info = os.lstat(source)
    except FileNotFoundError:
        return None
    regular = stat.S_ISREG(info.st_mode)
    if regular and sha256 and sha256_or_none(source) != sha256:
        return None  # a new file took the name since it was read
    if os.path.lexists(target):
        if regular and sha256 and sha256_or_none(target) == sha256:
            source.unlink()  # a move interrupted after the link: finish it
            return target
        target = free_name(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno == errno.EXDEV:
            _copy_across(source, target)
        elif error.errno in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP):
            os.rename(source, target)  # no hard links here (some network shares)
            return target
        else:
            raise
    source.unlink()
    return target


def _copy_across(source: Path, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.moving")
    shutil.copy2(source, temporary, follow_symlinks=False)
    if temporary.is_file() and not temporary.is_symlink():
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    os.rename(temporary, target)


def fsync_folder(folder: Path) -> None:
    """Make renames in a folder durable (no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
