"""Reading an untrusted ZIP package (an OFD) in memory, within bounds.

Members are never extracted to disk, so a member name cannot place a file anywhere (zip slip);
names that try to (``../``, absolute paths, drive letters, backslashes) make the whole package
refused. Member count, each member's size and the total inflated size are bounded, and members
are read through a counting reader, so a header that lies about its size cannot inflate past the
bounds either (zip bombs).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

from capture.errors import InputError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


def check_member_name(name: str, what: str = "the package") -> None:
    """Refuse a member name that could point outside the package when extracted."""
    parts = name.split("/")
    unsafe = (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ":" in parts[0]
        or any(part == ".." for part in parts)
    )
    if unsafe:
        raise InputError(
            f"unsafe member name {name!r} in {what}: it points outside the package (zip slip); "
            "the file is refused and nothing was extracted"
        )


class SafeZip:
    """A ZIP package whose members are read into memory on demand, within the bounds above."""

    def __init__(self, path: Path, what: str = "the package") -> None:
        self.what = what
        self._read_total = 0
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{what} is {size} bytes, more than the {MAX_FILE_BYTES} an invoice may be"
            )
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
            raise InputError(
                f"{what} is not a readable ZIP package ({error}); it may be truncated or damaged"
            ) from error
        self._members = self._check(infos)
        self._folded = {name.lower(): name for name in self._members}

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise InputError(
                f"{self.what} holds {len(infos)} members, more than the {MAX_MEMBERS} allowed"
            )
        members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        try:
            for info in infos:
                check_member_name(info.filename, self.what)
                if info.filename in members:
                    raise InputError(
                        f"{self.what} holds two members named {info.filename!r}; refused as ambiguous"
                    )
                if info.flag_bits & 0x1:
                    raise InputError(
                        f"{self.what} is encrypted (member {info.filename!r}); save an unprotected copy"
                    )
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError(self._bomb(info.filename, f"declares {info.file_size} bytes"))
                declared += info.file_size
                if declared > MAX_TOTAL_BYTES:
                    raise InputError(
                        f"{self.what} would inflate to more than {MAX_TOTAL_BYTES} bytes (zip bomb?); refused"
                    )
                members[info.filename] = info
        except InputError:
            self.close()
            raise
        return members

    def _bomb(self, name: str, how: str) -> str:
        return f"member {name!r} of {self.what} {how}, more than the {MAX_MEMBER_BYTES} allowed (zip bomb?); refused"

    def names(self) -> list[str]:
        """Member names, in package order."""
        return list(self._members)

    def find(self, name: str) -> str | None:
        """The member called `name` (normalised; case-insensitive as a fallback), or None."""
        clean = posixpath.normpath(name.lstrip("/"))
        if clean in self._members:
            return clean
        return self._folded.get(clean.lower())

    def read(self, name: str) -> bytes:
        """A member's bytes, read with a counting reader; InputError past the bounds."""
        info = self._members[name]
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > MAX_MEMBER_BYTES:
                        raise InputError(self._bomb(name, "inflates past its declared size"))
                    if self._read_total > MAX_TOTAL_BYTES:
                        raise InputError(
                            f"{self.what} inflates to more than {MAX_TOTAL_BYTES} bytes (zip bomb?); refused"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
            raise InputError(
                f"member {name!r} of {self.what} cannot be read ({error}); the file may be damaged"
            ) from error
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
