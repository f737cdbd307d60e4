"""The text detector on OpenVINO: the very model and fp32 maths ONNX Runtime runs (its output
maps agree to 1e-5 on an AVX-512 processor, 7e-4 on an AVX2 one, where the two sum in another
order: a box corner may move 2 px), in about a third of ONNX Runtime's CPU time on the former
and about the same on the latter (the detector was half of a page's OCR).

With CAPTURE_OCR_DETECTOR_PRECISION=bf16, where the processor computes in bfloat16 (AVX512-BF16,
AMX), the detector does: about half fp32's time (0.18 against 0.34 s for a 1280 x 864 page), but
its probability map differs from fp32's by up to 0.1 at the edges of text, so a box may move by
a pixel or two. That is not the default: on fresh seeds it read as many invoices right, but one
committed 150 dpi scan's 规格型号 box moved 2 page units left and its wrapped name went to review
(docs/scans.md, stop 39). One thread per engine as ONNX Runtime has, and no pinning (two workers
pinned to one core would share it). Without the openvino package, or with
CAPTURE_OCR_DETECTOR=onnxruntime, the detector stays on ONNX Runtime.
"""

from __future__ import annotations

import importlib.util
import io
import os
from collections import OrderedDict
from pathlib import Path

import numpy as np

ENV_DETECTOR = "CAPTURE_OCR_DETECTOR"
#: "bf16" has the detector compute in bfloat16 where the processor does (else fp32).
ENV_PRECISION = "CAPTURE_OCR_DETECTOR_PRECISION"


#: How many page shapes keep their compiled detector (about 10 MB each, exported): pages of one
#: batch come in a few shapes (a 300 dpi invoice is detected at 1280 x 832-896).
SHAPES_KEPT = 4
#: How many compiled detectors stay loaded (about 40 MB each with their buffers released): a
#: batch's scans come in two or three shapes, and a model loaded again costs 0.2-0.3 s of CPU
#: with its first page (0.08 s to import, the rest to set it up again).
LOADED_KEPT = 3


class VinoDetector:
    """A detection model compiled for the CPU by OpenVINO; called as rapidocr calls a session:
    the preprocessed page (1 x 3 x H x W) in, the text probability map out.

    The model is compiled for each page's very shape: OpenVINO plans a static shape's buffers to
    share memory, so a 1280 x 864 page takes about 170 MB to detect where the dynamic model took
    340, and runs a quarter faster (0.44 against 0.60 s); the maps agree to 1e-7. A compiled model
    keeps the buffers of its requests until told to release them (two workers holding them would
    pass the memory limit): they are released once each page is detected. The last LOADED_KEPT
    shapes' models stay loaded (about 40 MB each); the last SHAPES_KEPT shapes keep their
    exported bytes, and are loaded from them (0.09 s against 0.25 s to compile)."""

    def __init__(self, model: Path, threads: int, precision: str | None = None) -> None:
        import openvino

        self._core = openvino.Core()
        #: What the detector computes in: "bf16" or "f32".
        self.precision = precision or detector_precision(self._core)
        self._config = {
            "INFERENCE_PRECISION_HINT": self.precision,
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "ENABLE_CPU_PINNING": False,
        }
        self._model = self._core.read_model(str(model))
        self._exported: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self._loaded: OrderedDict[tuple[int, ...], object] = OrderedDict()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        compiled = self._compiled_for(batch.shape)
        request = compiled.create_infer_request()
        request.infer([batch])
        found = request.get_output_tensor().data.copy()
        del request
        compiled.release_memory()  # the buffers go; the model stays loaded for a like page
        return found

    def _compiled_for(self, shape: tuple[int, ...]):  # noqa: ANN202 - openvino.CompiledModel, imported late
        """The model compiled for `shape`: kept loaded, else loaded from its kept bytes, or
        compiled and kept."""
        if shape in self._loaded:
            self._loaded.move_to_end(shape)
            return self._loaded[shape]
        while len(self._loaded) >= LOADED_KEPT:  # let the oldest go before another is loaded
            self._loaded.popitem(last=False)
        if shape in self._exported:
            self._exported.move_to_end(shape)
            compiled = self._core.import_model(io.BytesIO(self._exported[shape]), "CPU", self._config)
        else:
            model = self._model.clone()
            model.reshape(list(shape))
            compiled = self._core.compile_model(model, "CPU", self._config)
            self._exported[shape] = compiled.export_model().getvalue()
            while len(self._exported) > SHAPES_KEPT:
                self._exported.popitem(last=False)
        self._loaded[shape] = compiled
        return compiled


def detector_precision(core: object) -> str:
    """"bf16" where the environment asks for it and the CPU computes in bfloat16 natively, else
    "f32"."""
    if os.environ.get(ENV_PRECISION, "").lower() != "bf16":
        return "f32"
    return "bf16" if "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES") else "f32"


def detector_runtime() -> str:
    """Which runtime the text detector runs on here: "openvino" or "onnxruntime"."""
    wanted = os.environ.get(ENV_DETECTOR, "openvino") == "openvino"
    return "openvino" if wanted and importlib.util.find_spec("openvino") is not None else "onnxruntime"


def vino_detector(model: Path, threads: int) -> VinoDetector | None:
    """The OpenVINO detector for `model`, or None where it is not wanted or cannot run here."""
    if detector_runtime() != "openvino":
        return None
    try:
        return VinoDetector(model, threads)
    except ImportError:
        return None
