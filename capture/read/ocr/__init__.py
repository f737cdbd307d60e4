"""OCR engines behind one small interface: an image in, text boxes (polygon, text, confidence) out.

Engines are chosen by name (`rapid`, the default, or `paddle`); the choice and the model folder
travel to worker processes in the environment (CAPTURE_OCR_ENGINE, CAPTURE_MODELS), and each
process builds its engine once.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from capture.errors import InputError, UsageError
from capture.intake.files import file_sha256
from capture.workers import default_workers

if TYPE_CHECKING:
    from capture.read.ocr.settle import ProvenValues

DEFAULT_ENGINE = "rapid"
ENGINE_NAMES = ("rapid", "paddle")
ENV_ENGINE = "CAPTURE_OCR_ENGINE"
ENV_MODELS = "CAPTURE_MODELS"
ENV_THREADS = "CAPTURE_OCR_THREADS"
DEFAULT_MODELS = Path("models")


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text the engine found: its polygon (pixels, clockwise from top-left)."""

    polygon: tuple[tuple[float, float], ...]
    text: str
    confidence: float
    #: What a second read of the line found, where it disagrees with `text` (item names only).
    second_read: str = ""
    #: The confidence of the least sure character read, punctuation aside (1.0 where the engine
    #: does not say): a line read at 0.99 on the whole may still hold one guessed digit.
    weakest: float = 1.0
    #: Where in `text` the characters read below WEAK_CHARACTER stand (punctuation aside); None
    #: where the engine does not say or the text was changed since.
    guessed: tuple[int, ...] | None = None
    #: How far (line heights) ink runs on past the last character read: a dropped glyph.
    ink_after: float = 0.0
    #: How far (line heights) the first character read stands from where the line's ink
    #: begins: a glyph dropped before it (an item name's opening *, blurred against the rule).
    ink_before: float = 0.0
    #: Whether the fast recogniser read the line otherwise than the full one did: a weak
    #: character a second read repeats does not stand then (capture/read/scan/page.py).
    disputed: bool = False
    #: Whether only the fast recogniser read the line, nothing proving it: an item name's first
    #: line left to the caller's second read, which reads it with the full model anyway
    #: (`Engine.read` with `names_read_again`; capture/read/scan/page.py).
    fast_only: bool = False

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """Upright bounds in whole pixels: x0, y0, x1, y1."""
        points = np.array(self.polygon)
        x0, y0 = np.floor(points.min(axis=0)).astype(int)
        x1, y1 = np.ceil(points.max(axis=0)).astype(int)
        return int(x0), int(y0), int(x1), int(y1)


#: White margin (pixels: top and bottom, left and right) round a crop recognised on its own.
REREAD_MARGIN = (6, 12)


def with_margin(crop: np.ndarray, margin: tuple[int, int] = REREAD_MARGIN) -> np.ndarray:
    """A crop of a page on a white margin, as the recogniser reads a line best."""
    import cv2

    top, side = margin
    return cv2.copyMakeBorder(crop, top, top, side, side, cv2.BORDER_CONSTANT, value=(255, 255, 255))


@dataclass(frozen=True, slots=True)
class ModelFile:
    """A model file an engine uses, and whether it is there."""

    role: str  # det | rec | cls | dict
    path: Path
    present: bool

    def sha256(self) -> str | None:
        if not self.present or not self.path.is_file():
            return None
        return file_sha256(self.path, follow_links=True)


class Engine(Protocol):
    """An OCR engine: text lines with polygons and confidences from a BGR/grey image."""

    name: str

    def read(self, image: np.ndarray, proven: ProvenValues | None = None, *, names_read_again: bool = False) -> list[TextBox]:
        """The text lines of a page image. `proven`: what the page's QR proves, so lines that
        say it need not be read twice (capture/read/ocr/settle.py). `names_read_again`: the
        caller reads each item name's first line again with the full model, so an engine may
        leave one its fast recogniser read surely as it is (TextBox.fast_only)."""
        ...

    def glance(self, image: np.ndarray) -> list[TextBox]:
        """The text lines of a page image read quickly, to tell which way up it is; a `read`
        of the same image object next may finish this reading rather than start again."""
        ...

    def recognize(self, line: np.ndarray) -> tuple[str, float]:
        """Read one text line's image as it is (no detection): its text and score."""
        ...

    def read_line(self, image: np.ndarray, polygon: tuple[tuple[float, float], ...]) -> TextBox:
        """The line a polygon `read` gave holds, cut from the page image as detection cut it and
        read with the full model (what `read` gives a line it does not leave fast_only)."""
        ...


class EngineUnavailable(InputError):
    """The engine cannot run here: a package or model file is missing (the message says which)."""


def engine_threads() -> int:
    """Threads per engine: CAPTURE_OCR_THREADS; else one in a pool worker (the pool has a worker
    per core, so workers do not oversubscribe the cores) and all cores in a lone process."""
    value = os.environ.get(ENV_THREADS, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    if multiprocessing.parent_process() is not None:
        return 1
    return default_workers()


def models_dir() -> Path:
    return Path(os.environ.get(ENV_MODELS) or DEFAULT_MODELS)


def configure(engine: str | None = None, models: Path | None = None, threads: int | None = None) -> None:
    """Set the engine for this process and the workers it starts."""
    if engine is not None:
        if engine not in ENGINE_NAMES:
            raise UsageError(f"unknown OCR engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}")
        os.environ[ENV_ENGINE] = engine
    if models is not None:
        os.environ[ENV_MODELS] = str(models)
    if threads is not None:
        os.environ[ENV_THREADS] = str(threads)
    get_engine.cache_clear()


@cache
def get_engine(name: str | None = None) -> Engine:
    """The engine of this process, built once (construction loads the models)."""
    name = name or os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE
    if name == "rapid":
        from capture.read.ocr.rapid import RapidEngine

        return RapidEngine(threads=engine_threads())
    if name == "paddle":
        from capture.read.ocr.paddle import PaddleEngine

        return PaddleEngine(models_dir(), threads=engine_threads())
    raise EngineUnavailable(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")


def engine_models(name: str) -> tuple[list[ModelFile], str | None]:
    """The model files an engine uses and, when it cannot run, what is missing and how to add it."""
    if name == "rapid":
        from capture.read.ocr.rapid import rapid_models

        return rapid_models()
    from capture.read.ocr.paddle import paddle_models

    return paddle_models(models_dir())
