"""The detector on OpenVINO finds the very lines ONNX Runtime finds, read the same, on a real
photo of an invoice, their corners within a pixel or two (in fp32 the two runtimes sum in
another order, by the processor's kernels: half a pixel on an AVX-512 processor, 2 px on an AVX2
one; bfloat16, asked for where the processor has it, as much); and the environment can keep it
on ONNX Runtime."""

from __future__ import annotations

import cv2
import numpy as np

from capture.read.ocr.rapid import RapidEngine, rapid_models
from capture.read.ocr.vino import ENV_DETECTOR, ENV_PRECISION, VinoDetector
from tests.conftest import REAL

PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"


def _detected_alike(monkeypatch, precision: str, pixels: float) -> None:
    """OpenVINO at `precision` ("" for the processor's own choice) against ONNX Runtime: the
    same lines, read the same, their corners within `pixels`."""
    page = cv2.imread(str(PHOTO))[100:700, 150:1400]  # header, parties and the goods table
    monkeypatch.setenv(ENV_DETECTOR, "onnxruntime")
    onnx = RapidEngine(threads=1)
    monkeypatch.setenv(ENV_DETECTOR, "openvino")
    monkeypatch.setenv(ENV_PRECISION, precision)
    vino = RapidEngine(threads=1)
    assert (onnx.detector, vino.detector) == ("onnxruntime", "openvino")
    expected, found = onnx.read(page), vino.read(page)
    assert len(expected) >= 15
    assert [box.text for box in found] == [box.text for box in expected]
    for one, other in zip(found, expected, strict=True):
        assert np.allclose(one.polygon, other.polygon, atol=pixels)


def test_openvino_in_fp32_finds_and_reads_the_lines_onnxruntime_finds(monkeypatch):
    _detected_alike(monkeypatch, "f32", 2.0)


def test_openvino_in_bfloat16_where_asked_finds_and_reads_the_same_lines(monkeypatch):
    """fp32 unless bfloat16 is asked for and the processor computes in it (AVX512-BF16, AMX): a
    box's corner may move by a pixel or two, the lines and their readings do not."""
    import openvino

    model = next(f.path for f in rapid_models()[0] if f.role == "det")
    monkeypatch.delenv(ENV_PRECISION, raising=False)
    assert VinoDetector(model, threads=1).precision == "f32"
    monkeypatch.setenv(ENV_PRECISION, "bf16")
    native = "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    assert VinoDetector(model, threads=1).precision == ("bf16" if native else "f32")
    _detected_alike(monkeypatch, "bf16", 2.0)


def test_a_page_detects_alike_however_its_compiled_model_was_come_by():
    """Compiled for the page's shape, kept loaded, loaded again from its exported bytes after
    other shapes came between, or compiled again once those were let go too: the same
    probability map each time; no more models loaded than LOADED_KEPT, no more shapes' bytes kept
    than SHAPES_KEPT."""
    from capture.read.ocr.rapid import rapid_models
    from capture.read.ocr.vino import LOADED_KEPT, SHAPES_KEPT, VinoDetector

    model = next(f.path for f in rapid_models()[0] if f.role == "det")
    detector = VinoDetector(model, threads=1)
    page = cv2.cvtColor(cv2.imread(str(PHOTO))[100:612, 150:790], cv2.COLOR_BGR2RGB)
    batch = ((page.astype(np.float32) / 255 - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis].copy()
    shape = (1, 3, 512, 640)
    compiled = detector(batch)  # compiled for 512 x 640
    assert compiled.shape[-2:] == (512, 640) and compiled.max() > 0.9  # text found
    assert np.array_equal(detector(batch), compiled)  # kept loaded
    heights = iter(range(128, 128 + 32 * (LOADED_KEPT + max(LOADED_KEPT, SHAPES_KEPT)), 32))
    for _ in range(LOADED_KEPT):  # other shapes come between: the page's model is let go
        detector(np.ascontiguousarray(batch[:, :, : next(heights)]))
    assert shape not in detector._loaded and shape in detector._exported  # noqa: SLF001 - the bounds are the point
    assert np.array_equal(detector(batch), compiled)  # loaded from its exported bytes
    for height in heights:  # more shapes: its bytes are let go too
        detector(np.ascontiguousarray(batch[:, :, :height]))
    assert len(detector._loaded) == LOADED_KEPT and len(detector._exported) == SHAPES_KEPT  # noqa: SLF001
    assert shape not in detector._loaded and shape not in detector._exported  # noqa: SLF001
    assert np.array_equal(detector(batch), compiled)  # compiled again
