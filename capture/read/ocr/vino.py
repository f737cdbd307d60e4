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
from pathlib import Path

import numpy as np

ENV_DETECTOR = "CAPTURE_OCR_DETECTOR"


class VinoDetector:
    """A detection model compiled for the CPU by OpenVINO; called as rapidocr calls a session:
    the preprocessed page (1 x 3 x H x W) in, the text probability map out.

    A compiled model keeps the buffers of the largest page it has seen (300-350 MB at 1280 px)
    for good; two workers holding them would pass the memory limit. So the compiled model is
    kept as its exported bytes (9 MB) and loaded for each page (0.08 s, against 0.25 s to compile),
    and its buffers are freed with it once the page is detected."""

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
        self._compiled = self._core.compile_model(str(model), "CPU", self._config).export_model().getvalue()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        request = self._core.import_model(io.BytesIO(self._compiled), "CPU", self._config).create_infer_request()
        request.infer([batch])
        return request.get_output_tensor().data.copy()  # the request and its buffers go on return


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
