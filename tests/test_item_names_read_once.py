"""An item name's first line is read by the full model once, not twice: the engine leaves the
line its fast recogniser read surely to the scan's second read on a white margin (which the
full model makes anyway), and reads the detector's crop fully only where the two disagree."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import pytest

from capture.read.ocr import get_engine
from capture.read.ocr.settle import fold, opens_item_name
from capture.read.scan.page import _second_read_of_item_names, scan_page

SCAN = Path(__file__).parent.parent / "fixtures" / "grid" / "legacy_wrapped_latin_scan150.jpg"


@pytest.fixture(scope="module")
def cleaned():
    """The scan as the engine reads it (found, levelled, scaled) and its engine."""
    engine = get_engine()
    _, image = scan_page(cv2.imread(str(SCAN)), 1, "image", engine)
    return image, engine


def test_the_engine_leaves_surely_read_names_and_reads_them_as_before_on_request(cleaned):
    image, engine = cleaned
    left = engine.read(image, names_read_again=True)
    fast_only = [box for box in left if box.fast_only]
    assert fast_only, "the names of this scan are read surely by the fast recogniser"
    assert all(opens_item_name(box.text) and box.weakest >= 0.8 for box in fast_only)
    assert not any(box.fast_only for box in engine.read(image))  # without the promise, nothing is left
    every = {box.polygon: box for box in engine.read(image)}
    for box in fast_only:  # read_line is the engine's own full read of the line
        full = engine.read_line(image, box.polygon)
        assert (full.text, full.confidence) == (every[box.polygon].text, every[box.polygon].confidence)


def test_a_name_both_models_read_alike_stands_and_one_they_read_apart_is_read_fully(cleaned):
    image, engine = cleaned
    boxes = engine.read(image, names_read_again=True)
    checked = _second_read_of_item_names(image, boxes, engine)
    assert not any(box.fast_only for box in checked)
    names = [box.text for box in checked if box.text.startswith("*")]
    truth = json.loads(SCAN.with_suffix(".truth.json").read_text())["invoices"][0]["invoice"]["items"]
    assert len(names) == len(truth)
    for name, item in zip(names, truth, strict=True):  # each first line, read as printed
        assert fold(item["name"]).startswith(fold(name)) and len(fold(name)) >= 8
    # a fast reading the full model does not repeat: the detector's crop is read fully, and the
    # line is marked as read otherwise by the two models
    index = next(i for i, box in enumerate(boxes) if box.fast_only)
    misread = list(boxes)
    misread[index] = replace(boxes[index], text=boxes[index].text[:-1] + "错")
    again = _second_read_of_item_names(image, misread, engine)[index]
    full = engine.read_line(image, boxes[index].polygon)
    assert not again.fast_only and again.disputed
    assert again.text == full.text or again.second_read
