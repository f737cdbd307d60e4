"""The OCR engines: offline construction, real OCR on real pixels, boxes to tokens."""

from __future__ import annotations

import socket

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from capture.cli import app
from capture.read.ocr import TextBox, get_engine
from capture.read.ocr.rapid import RapidEngine, rapid_models
from capture.read.words import box_tokens
from tests.conftest import REAL

PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the OCR engine tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_rapidocr_wheel_ships_the_weights():
    files, problem = rapid_models()
    assert problem is None
    assert {f.role for f in files if f.present} >= {"det", "rec"}
    assert all(f.path.stat().st_size > 500_000 for f in files if f.role in ("det", "rec"))


def test_rapid_reads_the_real_photo_offline(no_network):
    engine = RapidEngine(threads=2)
    crop = cv2.imread(str(PHOTO))[140:300, 240:1320]  # the header: title, code, number, date
    boxes = engine.read(crop)
    text = "".join(b.text for b in boxes)
    assert "发票" in text and "41108527" in text and "044031800104" in text
    assert all(0.0 <= b.confidence <= 1.0 and len(b.polygon) == 4 for b in boxes)


def test_default_engine_is_rapid():
    assert get_engine().name == "rapid"


def test_box_words_become_tokens_in_proportion():
    box = TextBox(((100, 10), (300, 10), (300, 30), (100, 30)), "校验码 55617 56733", 0.9)
    tokens = box_tokens(box, scale=2.0)
    assert [t.text for t in tokens] == ["校验码", "55617", "56733"]
    assert tokens[0].x0 == 50 and tokens[-1].x1 == pytest.approx(150, abs=0.5)
    assert all(t.confidence == 0.9 and t.y0 == 5 and t.y1 == 15 for t in tokens)
    assert tokens[0].x1 < tokens[1].x0 < tokens[1].x1 < tokens[2].x0


def test_models_command_lists_engines_and_what_is_missing(tmp_path):
    result = CliRunner().invoke(app, ["models", "--models", str(tmp_path)])
    assert result.exit_code == 0
    assert "rapid: ready" in result.output
    assert "PP-OCRv6_rec_small.onnx" in result.output
    assert "paddle: MISSING" in result.output and "_det" in result.output


@pytest.mark.parametrize("command", ["run", "watch"])
def test_an_unknown_engine_is_a_usage_error(tmp_path, command, monkeypatch):
    monkeypatch.delenv("CAPTURE_OCR_ENGINE", raising=False)
    result = CliRunner().invoke(app, [command, str(tmp_path), "--engine", "tesseract", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "unknown OCR engine 'tesseract'" in result.output


def test_blank_page_reads_nothing():
    assert get_engine().read(np.full((200, 400, 3), 255, np.uint8)) == []


def test_a_missing_engine_is_a_per_file_error_that_says_what_to_do(tmp_path, monkeypatch):
    from capture.pipeline import process_file

    monkeypatch.setenv("CAPTURE_OCR_ENGINE", "paddle")
    monkeypatch.setenv("CAPTURE_MODELS", str(tmp_path))
    get_engine.cache_clear()
    try:
        result = process_file(PHOTO, PHOTO.name)
    finally:
        get_engine.cache_clear()
    assert result.error is not None and "PP-OCRv5_mobile_det" in result.error and not result.records
