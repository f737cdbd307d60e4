"""Sniffing: what a file is, from its first bytes rather than its extension."""

from __future__ import annotations

import zipfile
from pathlib import Path

#: Image formats recognised but not read, by their magic bytes: name -> what a person is told.
UNSUPPORTED_IMAGES = {"heic": "HEIC (iPhone photo)", "avif": "AVIF", "gif": "GIF", "jpeg2000": "JPEG 2000"}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_UTF16_XML = ("<".encode("utf-16-le"), "<".encode("utf-16-be"))


def unsupported_image(head: bytes) -> str | None:
    """heic, avif, gif or jpeg2000 from a file's first bytes; None for anything else."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in _HEIC_BRANDS:
            return "heic"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xffO\xffQ":
        return "jpeg2000"
    return None


def sniff(path: Path) -> str:
    """pdf, image, ofd, xml, empty, unknown, or an image format not read (UNSUPPORTED_IMAGES)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        return "empty"
    if (unsupported := unsupported_image(head)) is not None:
        return unsupported
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") and head[2:4] in _UTF16_XML:
        return "xml"  # UTF-16 with a byte-order mark: the XML parser reads it
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or head[:2] == b"BM":
        return "image"
    if head[:4] in (b"II*\x00", b"MM\x00*") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist()[:1000])
        except zipfile.BadZipFile:
            return "unknown"
        return "ofd" if "OFD.xml" in names else "unknown"
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
        return "xml"
    return "unknown"


def collect_inputs(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files to process with their names relative to the input folder, sorted, recursively;
    hidden files and truth files of the test fixtures (*.truth.json) are skipped."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if file.is_dir() and not file.is_symlink():
                    continue  # links, pipes and dangling links are listed: process_file reports them
                if file.name.endswith(".truth.json"):
                    continue
                found.append((file, relative.as_posix()))
        else:
            found.append((path, path.name))
    return found
