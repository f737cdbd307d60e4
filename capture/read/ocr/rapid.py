"""The default engine: PP-OCR (det + rec) on ONNX Runtime through rapidocr, with the weights
the rapidocr wheel ships. Nothing is downloaded: model paths are given explicitly, and a
missing file is an error, not a download."""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from capture.contract.tokens import WEAK_CHARACTER
from capture.read.ocr import EngineUnavailable, ModelFile, TextBox
from capture.read.ocr.fast import fast_models
from capture.read.ocr.memory import release_freed_memory
from capture.read.ocr.prepare import prepare_by_table
from capture.read.ocr.proof import unproven, weak_figures
from capture.read.ocr.rows import Polygon
from capture.read.ocr.settle import ITEM_NAME_START, ProvenValues, fold
from capture.read.ocr.vino import vino_detector

#: The models in the rapidocr 3.10 wheel (rapidocr/models/).
WHEEL_MODELS = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
#: Longest side the detector sees: the pages are resized to it (measured: benchmarks/ocr.py).
DET_LIMIT = 1280
#: Recognition batch: one line at a time. Batches pad every line to the widest one's width;
#: alone, a line costs its own width, and its reading does not depend on its neighbours
#: (measured on 156 scan lines: 20% less time than batches of 6, every reading identical).
REC_BATCH = 1
#: Lines the recogniser scores below this are dropped (rapidocr's own default).
TEXT_SCORE = 0.5
#: Narrowest recognition input (pixels at height 48). PaddleOCR pads every crop to 320, so a
#: one-character box costs as much as a ten-character one; recognition is most of the OCR time.
REC_MIN_WIDTH = 320
#: The fast recogniser's narrowest input: its readings stand only where proven, so it need not
#: pad a short line to 320 (measured on 298 scan lines: -16% of its time, the same lines proven).
FAST_MIN_WIDTH = 160
#: Lowest confidence of a fast reading of an item name's first line left to the caller's second
#: read (`RapidEngine.read`): below it, the full model reads the detector's crop as before.
NAME_LEFT_CONFIDENCE = 0.9


def wheel_dir() -> Path | None:
    try:
        import rapidocr
    except ImportError:
        return None
    return Path(rapidocr.__file__).parent / "models"


def rapid_models() -> tuple[list[ModelFile], str | None]:
    folder = wheel_dir()
    if folder is None:
        return [], "the rapidocr package is not installed: pip install 'rapidocr==3.10.0' onnxruntime"
    files = [ModelFile(role, folder / name, (folder / name).is_file()) for role, name in WHEEL_MODELS.items()]
    missing = [f.path.name for f in files if not f.present and f.role in ("det", "rec")]
    files += fast_models()  # optional: without them every line is read by the full model
    problem = None
    if missing:
        problem = f"the rapidocr wheel lacks {', '.join(missing)}: reinstall it with pip install --force-reinstall 'rapidocr==3.10.0'"
    return files, problem


class RapidEngine:
    """PP-OCR det + rec through rapidocr on ONNX Runtime, limited to `threads` threads. Lines
    are read first by the fast recogniser where its model is installed, and again by the full
    one unless the fast reading is proven (capture/read/ocr/settle.py)."""

    name = "rapid"

    def __init__(self, threads: int = 1, det_limit: int = DET_LIMIT, fast: bool = True) -> None:
        files, problem = rapid_models()
        if problem:
            raise EngineUnavailable(problem)
        try:
            from rapidocr import RapidOCR
        except ImportError as error:  # pragma: no cover - rapidocr is a dependency
            raise EngineUnavailable("the rapidocr package is not installed") from error
        paths = {f.role: str(f.path) for f in files}
        engine = {
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": False,  # page orientation is fixed before OCR (capture/read/scan/geometry.py)
                "Global.max_side_len": 4000,
                "Det.model_path": paths["det"],
                "Det.limit_side_len": det_limit,
                "Det.limit_type": "max",
                "Rec.model_path": paths["rec"],
                "Rec.rec_batch_num": REC_BATCH,
                "Rec.rec_img_shape": [3, 48, REC_MIN_WIDTH],
                "Cls.model_path": paths["cls"],
                **engine,
            }
        )
        prepare_by_table(self._ocr._load_det_model())  # noqa: SLF001 - the same input, looked up (prepare.py)
        detector = vino_detector(Path(paths["det"]), threads)
        if detector is not None:  # the same model on OpenVINO: a third of the time (vino.py)
            self._ocr._load_det_model().session = detector  # noqa: SLF001 - rapidocr takes no session of ours
        #: Which runtime detects: "openvino" or "onnxruntime".
        self.detector = "onnxruntime" if detector is None else "openvino"
        #: Seconds this engine spent detecting and recognising, for benchmarks/ocr.py.
        self.spent: Counter[str] = Counter()
        self._fast = None
        #: The pages glanced at since the last read (`glance`).
        self._glanced: list[_Lines] = []
        fast_files = {f.role: f for f in fast_models()} if fast else {}
        if all(role in fast_files and fast_files[role].present for role in ("rec_fast", "dict_fast")):
            self._fast = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Det.model_path": paths["det"],  # never used: set so nothing is ever fetched
                    "Cls.model_path": paths["cls"],
                    "Rec.model_path": str(fast_files["rec_fast"].path),
                    "Rec.rec_keys_path": str(fast_files["dict_fast"].path),
                    "Rec.rec_batch_num": REC_BATCH,
                    "Rec.rec_img_shape": [3, 48, FAST_MIN_WIDTH],
                    **engine,
                }
            )

    def recognize(self, line: np.ndarray) -> tuple[str, float]:
        """Read one line image as it is (no detection) with the full model: its text and score."""
        started = time.perf_counter()
        [(text, score, _)] = _recognise(self._ocr, [line])
        self.spent["recognise"] += time.perf_counter() - started
        return text, score

    def read(self, image: np.ndarray, proven: ProvenValues | None = None, *, names_read_again: bool = False) -> list[TextBox]:
        """The page's text lines: detected, then read (fast first where that is proven). A page
        just glanced at (the same image object) is not detected or read fast again. With
        `names_read_again`, an item name's first line the fast recogniser read surely is left
        as it is (fast_only): the caller reads it on a white margin with the full model, and
        only where the two disagree is the detector's crop read fully (`read_line`)."""
        glanced, self._glanced = self._glanced, []
        lines = next((lines for lines in glanced if lines.image is image), None) or self._first_read(image)
        if self._fast is None:
            return lines.boxes()
        started = time.perf_counter()
        readings, sureness = self._read_again(lines, proven or ProvenValues(), names_read_again)
        self.spent["recognise"] += time.perf_counter() - started
        return _Lines(image, lines.crops, lines.polygons, readings, sureness).boxes()

    def glance(self, image: np.ndarray) -> list[TextBox]:
        """The page's text lines read by the fast recogniser alone: enough to tell which way up
        a page is, at a quarter of the recognition time (the full model where no fast one is).
        Kept until the next read, which finishes it where it is of the same image."""
        self._glanced.append(lines := self._first_read(image))
        return lines.boxes()

    def _first_read(self, image: np.ndarray) -> _Lines:
        """Lines detected on the image (at most DET_LIMIT pixels a side), each read by the fast
        recogniser (the full one where no fast one is)."""
        from rapidocr.main import RapidOCRError
        from rapidocr.utils.process_img import map_boxes_to_original

        release_freed_memory()  # what the clean-up freed, before the detector's peak
        started = time.perf_counter()
        original = self._ocr.load_img(image)
        resized, record = self._ocr.preprocess_img(original)
        try:
            crops, found = self._ocr.detect_and_crop(resized, record)
        except RapidOCRError:  # nothing detected
            return _Lines(image, [], [], [], [])
        finally:
            release_freed_memory()
            detected = time.perf_counter()
            self.spent["detect"] += detected - started
        height, width = original.shape[:2]
        polygons = [tuple((float(x), float(y)) for x, y in polygon) for polygon in map_boxes_to_original(found.boxes, record, height, width)]
        read = _recognise(self._fast or self._ocr, crops)
        self.spent["recognise"] += time.perf_counter() - detected
        return _Lines(image, crops, polygons, [(text, score) for text, score, _ in read], [sure for *_, sure in read])

    def _read_again(self, lines: _Lines, proven: ProvenValues, names_read_again: bool = False) -> tuple[list[tuple[str, float]], list[Sureness]]:
        """The fast readings, each read again by the full model unless it is proven: on its own,
        by the page's totals or by its row's arithmetic (proof.py: weak figures first); with
        `names_read_again`, not the item names' first lines read surely (`read`)."""
        readings, sureness = list(lines.readings), list(lines.sureness)
        waiting = unproven(readings, lines.polygons, proven)
        first = weak_figures(readings, [sure.weakest for sure in sureness], waiting)
        if first:  # their full readings may prove the rest: the proof is done again with them
            self._read_fully(lines, first, readings, sureness)
            waiting = unproven(readings, lines.polygons, proven, frozenset(first))
        if names_read_again:
            left = {i for i in waiting if _surely_a_name(readings[i], sureness[i])}
            for index in left:
                sureness[index] = replace(sureness[index], fast_only=True)
            waiting = [i for i in waiting if i not in left]
        self._read_fully(lines, waiting, readings, sureness)
        return readings, sureness

    def read_line(self, image: np.ndarray, polygon: tuple[tuple[float, float], ...]) -> TextBox:
        """The line `polygon` holds, cut from the page image as detection cut it (rapidocr's
        own crop of the same points) and read by the full model."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        started = time.perf_counter()
        crop = get_rotate_crop_image(self._ocr.load_img(image), np.array(polygon, dtype=np.float32))
        [(text, score, sure)] = _recognise(self._ocr, [crop])
        self.spent["recognise"] += time.perf_counter() - started
        return TextBox(polygon, text, score, weakest=sure.weakest, guessed=sure.guessed, ink_after=sure.ink_after, ink_before=sure.ink_before)

    def _read_fully(self, lines: _Lines, chosen: list[int], readings: list[tuple[str, float]], sureness: list[Sureness]) -> None:
        """The `chosen` lines read again by the full model, in place."""
        for index, (text, score, sure) in zip(chosen, _recognise(self._ocr, [lines.crops[i] for i in chosen]), strict=True):
            disputed = fold(readings[index][0]) != fold(text)
            readings[index], sureness[index] = (text, score), replace(sure, disputed=disputed)


def _surely_a_name(reading: tuple[str, float], sure: Sureness) -> bool:
    """Whether a fast reading is an item name's first line, read surely (no guessed character)
    and whole: one read without its opening * (a photo's rule took it) is read fully as before."""
    text, score = reading
    return score >= NAME_LEFT_CONFIDENCE and sure.weakest >= WEAK_CHARACTER and ITEM_NAME_START.match(text) is not None


@dataclass(frozen=True, slots=True)
class _Lines:
    """A page image's detected lines: their crops, polygons, readings and how sure each is."""

    image: np.ndarray
    crops: list[np.ndarray]
    polygons: list[Polygon]
    readings: list[tuple[str, float]]
    sureness: list[Sureness]

    def boxes(self) -> list[TextBox]:
        """The lines as text boxes; lines read empty or below TEXT_SCORE are dropped."""
        return [
            TextBox(polygon, text, score, weakest=sure.weakest, guessed=sure.guessed, ink_after=sure.ink_after, ink_before=sure.ink_before, disputed=sure.disputed, fast_only=sure.fast_only)
            for polygon, (text, score), sure in zip(self.polygons, self.readings, self.sureness, strict=True)
            if text.strip() and score >= TEXT_SCORE
        ]


@dataclass(frozen=True, slots=True)
class Sureness:
    """How sure a line's reading is beyond its score: its least sure character (punctuation
    aside) and how much ink follows its last character read or precedes its first (line
    heights)."""

    weakest: float = 1.0
    ink_after: float = 0.0
    #: How far (line heights) the first character read stands from where the line's ink begins.
    ink_before: float = 0.0
    #: Where the characters read below WEAK_CHARACTER stand in the text (punctuation aside).
    guessed: tuple[int, ...] | None = None
    #: The fast recogniser read the line otherwise (more than spaces and character widths).
    disputed: bool = False
    #: Only the fast recogniser read the line (an item name left to the caller's second read).
    fast_only: bool = False


def _recognise(ocr: object, lines: list[np.ndarray]) -> list[tuple[str, float, Sureness]]:
    """The recogniser of a rapidocr pipeline on line images: for each, its text, its score (the
    characters' mean) and how sure it is."""
    if not lines:
        return []
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    result = ocr._load_rec_model()(TextRecInput(img=lines, return_word_box=True))  # noqa: SLF001 - rapidocr has no public rec-only call on a list
    read = []
    for crop, text, score, words in zip(lines, result.txts, result.scores, result.word_results, strict=True):
        after, before = ink_beside_text(crop, words)
        sure = Sureness(
            weakest=weakest_character(str(text), words.confs or [score]),
            ink_after=after,
            ink_before=before,
            guessed=guessed_characters(str(text), words.confs),
        )
        read.append((str(text), float(score), sure))
    return read


def ink_beside_text(crop: np.ndarray, words: object) -> tuple[float, float]:
    """How far (line heights) the line's ink runs on past its last character read, and how far
    its first character read stands from where its ink begins: the recogniser places each
    character at a column of its output, and a glyph it dropped (a blurred 萱 after 刘; the *
    that opens an item name, blurred against the table's rule) leaves ink beyond the last one
    or before the first. Measured on the middle of the line's height (Otsu ink; 2 pixels a
    column at least); 0.0 where the recogniser gives no columns. A first character read whole
    stands 0.1-0.3 heights in (its column is a step inside its glyph), one read after a lost *
    0.5-0.8, after a lost * and a character 1.4."""
    columns = [column for word in getattr(words, "word_cols", []) for column in word]
    steps = getattr(words, "line_txt_len", 0.0)
    height, width = crop.shape[:2]
    if not columns or not steps or not height:
        return 0.0, 0.0
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    inked = np.flatnonzero(ink[int(0.2 * height) : int(0.8 * height)].sum(axis=0) >= 2)
    if not len(inked):
        return 0.0, 0.0
    after = max(float(inked[-1] - (columns[-1] + 1) / steps * width) / height, 0.0)
    before = max(float(columns[0] / steps * width - inked[0]) / height, 0.0)
    return after, before


def guessed_characters(text: str, confidences: list[float] | None) -> tuple[int, ...] | None:
    """Where in `text` the characters read below WEAK_CHARACTER stand, punctuation and spaces
    aside (as weakest_character counts them); None where the recogniser gives no confidence
    for each character."""
    if not confidences or len(confidences) != len(text):
        return None
    return tuple(i for i, (char, c) in enumerate(zip(text, confidences, strict=True)) if c < WEAK_CHARACTER and _counts(char))


def _counts(char: str) -> bool:
    """Whether a character's confidence counts: not a space, not punctuation."""
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def weakest_character(text: str, confidences: list[float]) -> float:
    """The least confidence of a reading's characters that are not punctuation or spaces (the
    recogniser is unsure of a colon more often than of a digit); 1.0 for none."""
    if len(confidences) != len(text):
        return min(confidences, default=1.0)
    sure = [c for char, c in zip(text, confidences, strict=True) if _counts(char)]
    return float(min(sure, default=1.0))
