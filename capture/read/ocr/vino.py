"""The text detector on OpenVINO: the very model and fp32 maths ONNX Runtime runs (its output
maps agree to 1e-5), in about a third of the CPU time (the detector was half of a page's OCR).

OpenVINO's CPU plugin would compute in bfloat16 where the processor can (AMX, AVX512-BF16):
faster, but another model's numbers, so fp32 is asked for. One thread per engine as ONNX Runtime
has, and no pinning (two workers pinned to one core would share it). Without the openvino package,
or with CAPTURE_OCR_DETECTOR=onnxruntime, the detector stays on ONNX Runtime.
"""

from __future__ import annotations

import importlib.util
import io
import os
from collections import OrderedDict
from pathlib import Path

import numpy as np

ENV_DETECTOR = "CAPTURE_OCR_DETECTOR"


#: How many page shapes keep their compiled detector (about 10 MB each, exported): pages of one
#: batch come in a few shapes (a 300 dpi invoice is detected at 1280 x 832-896).
SHAPES_KEPT = 4


class VinoDetector:
    """A detection model compiled for the CPU by OpenVINO; called as rapidocr calls a session:
    the preprocessed page (1 x 3 x H x W) in, the text probability map out.

    The model is compiled for each page's very shape: OpenVINO plans a static shape's buffers to
    share memory, so a 1280 x 864 page takes about 170 MB to detect where the dynamic model took
    340, and runs a quarter faster (0.44 against 0.60 s); the maps agree to 1e-7. A compiled model
    keeps its buffers for good (two workers holding them would pass the memory limit), so only
    its exported bytes are kept, for the last SHAPES_KEPT shapes, and loaded for each page (0.09 s
    against 0.25 s to compile); the buffers go with the request once the page is detected."""

    def __init__(self, model: Path, threads: int) -> None:
        import openvino

        self._core = openvino.Core()
        self._config = {
            "INFERENCE_PRECISION_HINT": "f32",
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "ENABLE_CPU_PINNING": False,
        }
        self._model = self._core.read_model(str(model))
        self._compiled: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        request = self._compiled_for(batch.shape).create_infer_request()
        request.infer([batch])
        return request.get_output_tensor().data.copy()  # the request and its buffers go on return

    def _compiled_for(self, shape: tuple[int, ...]):  # noqa: ANN202 - openvino.CompiledModel, imported late
        """The model compiled for `shape`: loaded from its kept bytes, or compiled and kept."""
        if shape in self._compiled:
            self._compiled.move_to_end(shape)
            return self._core.import_model(io.BytesIO(self._compiled[shape]), "CPU", self._config)
        model = self._model.clone()
        model.reshape(list(shape))
        compiled = self._core.compile_model(model, "CPU", self._config)
        self._compiled[shape] = compiled.export_model().getvalue()
        while len(self._compiled) > SHAPES_KEPT:
            self._compiled.popitem(last=False)
        return compiled


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
