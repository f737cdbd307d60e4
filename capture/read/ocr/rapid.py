"""The default engine: PP-OCR (det + rec) on ONNX Runtime through rapidocr, with the weights
the rapidocr wheel ships. Nothing is downloaded: model paths are given explicitly, and a
missing file is an error, not a download."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from capture.read.ocr import EngineUnavailable, ModelFile, TextBox
from capture.read.ocr.memory import release_freed_memory

#: The models in the rapidocr 3.10 wheel (rapidocr/models/).
WHEEL_MODELS = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
#: Longest side the detector sees: the pages are resized to it (measured: benchmarks/ocr.py).
DET_LIMIT = 1280
#: Recognition batch: 6 beat 16 on one thread (less padding of short lines to long ones).
REC_BATCH = 6
#: Narrowest recognition input (pixels at height 48). PaddleOCR pads every crop to 320, so a
#: one-character box costs as much as a ten-character one; recognition is most of the OCR time.
REC_MIN_WIDTH = 320


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
    missing = [f.path.name for f in files if not f.present and f.role != "cls"]
    problem = None
    if missing:
        problem = f"the rapidocr wheel lacks {', '.join(missing)}: reinstall it with pip install --force-reinstall 'rapidocr==3.10.0'"
    return files, problem


class RapidEngine:
    """PP-OCR det + rec through rapidocr on ONNX Runtime, limited to `threads` threads."""

    name = "rapid"

    def __init__(self, threads: int = 1, det_limit: int = DET_LIMIT) -> None:
        files, problem = rapid_models()
        if problem:
            raise EngineUnavailable(problem)
        try:
            from rapidocr import RapidOCR
        except ImportError as error:  # pragma: no cover - rapidocr is a dependency
            raise EngineUnavailable("the rapidocr package is not installed") from error
        paths = {f.role: str(f.path) for f in files}
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
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    def recognize(self, line: np.ndarray) -> tuple[str, float]:
        """Read one line image as it is (no detection): its text and score."""
        result = self._ocr(line, use_det=False, use_cls=False, use_rec=True)
        if not result.txts:
            return "", 0.0
        return str(result.txts[0]), float(result.scores[0])

    def read(self, image: np.ndarray) -> list[TextBox]:
        release_freed_memory()  # what the clean-up freed, before the detector's peak
        result = self._ocr(image, use_det=True, use_cls=False, use_rec=True)  # the settings stick: see recognize
        release_freed_memory()
        if result.boxes is None or result.txts is None:
            return []
        return [
            TextBox(tuple((float(x), float(y)) for x, y in box), str(text), float(score))
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
        ]
