"""The invoice is found in a photo by its print, whatever the light and the desk."""

from pathlib import Path

import cv2
import numpy as np

from capture.read.images import read_image_pages
from capture.read.qr import find_qr
from capture.read.scan import form, geometry

FIXTURES = Path(__file__).parent.parent / "fixtures"
ON_A_DESK = FIXTURES / "grid" / "legacy_wrapped_latin_photo_real.jpg"


def _ruled_sheet() -> np.ndarray:
    """A white sheet with a ruled frame and a line of 'text' strokes, on a dark desk."""
    picture = np.full((600, 800, 3), 45, np.uint8)
    cv2.rectangle(picture, (150, 150), (650, 450), (250, 250, 250), -1)
    cv2.rectangle(picture, (200, 220), (600, 400), (30, 50, 140), 2)
    for x in range(220, 580, 24):
        cv2.line(picture, (x, 300), (x + 12, 300), (0, 0, 0), 2)
    return picture


def test_print_is_told_from_the_light_a_shadow_does_not_move_it():
    sheet = _ruled_sheet()
    shadowed = sheet.astype(np.float32)
    shadowed[:, 400:] *= 0.5  # a hard shadow across the right half, its edge on the paper
    shadowed = shadowed.astype(np.uint8)
    lit, dark = form.print_strokes(sheet), form.print_strokes(shadowed)
    assert lit[220, 500] and dark[220, 500]  # the frame's rule, in the light and in the shadow
    assert not dark[180, 400:405].any()  # the shadow's edge on the paper is no print
    assert not dark[:140].any()  # nor is the desk
    assert abs(int(np.count_nonzero(lit)) - int(np.count_nonzero(dark))) < 0.05 * np.count_nonzero(lit)


def test_the_print_outline_holds_the_frame_and_the_rectangle_around_it_cuts_nothing():
    outline = form.find_print(_ruled_sheet())
    assert outline is not None
    xs, ys = outline[:, 0], outline[:, 1]
    assert xs.min() <= 201 and xs.max() >= 599 and ys.min() <= 221 and ys.max() >= 399
    corners = form.around(outline)
    assert corners[0][0] < 200 and corners[0][1] < 220 and corners[2][0] > 600 and corners[2][1] > 400
    assert corners[2][0] < 650 and corners[2][1] < 450  # and it stays on the sheet


def test_a_photo_on_a_desk_is_cut_out_around_all_its_print_and_its_qr_reads():
    (image,) = read_image_pages(ON_A_DESK)
    outline = form.find_print(image)
    assert outline is not None
    sheet = geometry.find_sheet(image)
    # the sheet cut out holds all the print found (the paper's edge is lost under the shadow)
    assert geometry._encloses(sheet, outline)
    (payload, *_) = find_qr(geometry.flatten(image, sheet)).payloads
    assert payload.number == "86569079"


def test_a_scan_has_no_print_to_find_it_fills_the_picture():
    for name in ("syn_20261128_0059_scan150.jpg", "syn_21_0000_scan150.jpg", "syn_21_0000_rot180.jpg"):
        (image,) = read_image_pages(FIXTURES / "scanned" / name)
        assert form.find_print(image) is None, name


def test_a_scanned_page_printed_only_in_part_is_left_whole_the_same_print_on_a_desk_is_cut_out():
    page = np.full((1000, 700, 3), 250, np.uint8)  # a list page: print on its upper part only
    cv2.rectangle(page, (60, 80), (640, 380), (30, 50, 140), 2)
    for y in range(120, 360, 30):
        cv2.line(page, (80, y), (600, y), (0, 0, 0), 2)
    assert form.find_print(page) is None  # white paper to the picture's edges: a scan
    desk = np.full((1400, 1100, 3), 60, np.uint8)
    desk[200:1200, 200:900] = page
    outline = form.find_print(desk)
    assert outline is not None
    assert outline[:, 1].min() > 250 and outline[:, 1].max() < 620  # the printed part, on the sheet
