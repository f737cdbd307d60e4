"""The OFD package: its members, read in memory within bounds (`SafeZip`), and its XML parts,
parsed safely (`safe_xml`), once each."""

from __future__ import annotations

import posixpath
from xml.etree.ElementTree import Element, ParseError

from capture.errors import InputError
from capture.intake.safe_xml import parse_xml_lenient
from capture.intake.safe_zip import SafeZip


def resolve(base_dir: str, location: str | None) -> str | None:
    """A path inside the package: absolute (/Doc_0/Res) or relative to `base_dir`."""
    if not location or not location.strip():
        return None
    location = location.strip().replace("\\", "/")
    joined = (
        location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)
    )
    clean = posixpath.normpath(joined)
    return None if clean.startswith("..") or clean == "." else clean


class Package:
    """The OFD's members, read in memory; XML parts parsed safely, once. `notes` name the
    optional parts that were skipped as malformed."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self.notes: list[str] = []
        self._parsed: dict[str, Element | None] = {}

    def data(self, path: str | None) -> bytes | None:
        member = self.archive.find(path) if path else None
        return self.archive.read(member) if member else None

    def xml(self, path: str | None, *, required: bool = False) -> Element | None:
        """A parsed XML part; None when absent or (for an optional part) malformed. Unsafe XML
        is refused wherever it is."""
        if path in self._parsed:
            return self._parsed[path]
        data = self.data(path)
        if data is None:
            if required:
                raise InputError(
                    f"the OFD lacks a part it needs ({path or 'unnamed'}); it is damaged or not an OFD"
                )
            return None
        try:
            root = parse_xml_lenient(data, f"OFD part {path}")
        except InputError as error:
            if required or not isinstance(error.__cause__, ParseError):
                raise
            self.notes.append(str(error))
            root = None
        self._parsed[path] = root
        return root
