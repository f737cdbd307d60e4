"""Sniffing: what a file is, from its first bytes rather than its extension."""

from __future__ import annotations

import zipfile
from pathlib import Path


def sniff(path: Path) -> str:
    """pdf, image, ofd, xml, empty or unknown."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        return "empty"
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
