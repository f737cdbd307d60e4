"""Finding a record's source file inside the configured folders, and nowhere else.

The store keeps `source.file` (relative to the input folder) and `source.sha256`, never an
absolute path. A file is served only when it lies inside one of the roots after resolving links,
is a regular file, and has the recorded sha256. A forged name (`../../etc/passwd`, an absolute
path) or a link leading out of a root finds nothing.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from capture.errors import InputError
from capture.intake.files import file_sha256

#: Folders deeper than this, or more files than this, are not searched by name.
MAX_SEARCH = 20_000


class SourceFiles:
    """The folders the desk may read invoice files from."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root.resolve() for root in roots if root.is_dir()]
        self._found: dict[tuple[str, str], Path] = {}

    def find(self, name: str, sha256: str) -> Path | None:
        """The file with this relative name and content, inside a root; None when there is none."""
        key = (name, sha256)
        if key in self._found and self._verify(self._found[key], sha256):
            return self._found[key]
        relative = PurePosixPath(name.replace("\\", "/"))
        if not name or relative.is_absolute() or ".." in relative.parts:
            return None
        for root in self.roots:
            path = self._inside(root, root / relative)
            if path is not None and self._verify(path, sha256):
                self._found[key] = path
                return path
        for root in self.roots:  # moved by the watcher: same base name elsewhere under a root
            for path in self._same_name(root, relative.name):
                if self._verify(path, sha256):
                    self._found[key] = path
                    return path
        return None

    def _inside(self, root: Path, candidate: Path) -> Path | None:
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return resolved if resolved.is_relative_to(root) and resolved.is_file() else None

    def _verify(self, path: Path, sha256: str) -> bool:
        if not any(path.is_relative_to(root) for root in self.roots):
            return False
        try:
            return path.is_file() and file_sha256(path, follow_links=True) == sha256
        except (OSError, InputError):
            return False

    def _same_name(self, root: Path, base: str):
        seen = 0
        for folder, _, files in os.walk(root):
            seen += len(files)
            if seen > MAX_SEARCH:
                return
            if base in files:
                path = self._inside(root, Path(folder) / base)
                if path is not None:
                    yield path
