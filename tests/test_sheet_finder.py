"""The sheet of a photo is cut out whole: the paper's edge where it holds the print, in any turn."""

import cv2
import numpy as np

from capture.read.scan import form, geometry


def _sheet_on_a_desk(degrees: float, specks: bool = False, tilt: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A white ruled sheet turned by `degrees` on a dark desk, its far edge `tilt` shorter (seen
    in perspective; with `specks`: grain on the desk beside the sheet, as a phone's noise
    leaves), and the sheet's corners."""
    picture = np.full((800, 1000, 3), 40, np.uint8)
    if specks:
        grain = np.random.default_rng(7).random((800, 1000)) < 0.004
        picture[grain] = 95
    sheet = np.full((420, 640, 3), 250, np.uint8)
    cv2.rectangle(sheet, (40, 90), (600, 380), (40, 60, 150), 2)
    for y in range(130, 360, 30):
        cv2.line(sheet, (60, y), (300, y), (0, 0, 0), 2)
    cv2.line(sheet, (320, 90), (320, 380), (40, 60, 150), 2)
    corners = np.array([[0, 0], [640, 0], [640, 420], [0, 420]], np.float32)
    turn = cv2.getRotationMatrix2D((320, 210), degrees, 1.0)
    turn[:, 2] += (500 - 320, 400 - 210)
    far = np.array([[tilt * 320, 0], [-tilt * 320, 0], [0, 0], [0, 0]], np.float32)
    placed = cv2.transform((corners + far)[None], turn)[0]
    onto = cv2.getPerspectiveTransform(corners, placed)
    warped = cv2.warpPerspective(sheet, onto, (1000, 800))
    inside = cv2.warpPerspective(np.full((420, 640), 255, np.uint8), onto, (1000, 800)) > 127
    picture[inside] = warped[inside]
    return picture, placed


def _is_clockwise_convex(quad: np.ndarray) -> bool:
    edges = [quad[(i + 1) % 4] - quad[i] for i in range(4)]
    turns = [a[0] * b[1] - a[1] * b[0] for a, b in zip(edges, edges[1:] + edges[:1], strict=True)]
    return cv2.isContourConvex(quad.astype(np.float32)) and all(turn > 0 for turn in turns)


def test_a_sheet_turned_45_degrees_is_flattened_as_a_quadrilateral_not_a_bow_tie():
    for degrees in (45.0, 135.0, -45.0, 30.0, 0.0):
        picture, placed = _sheet_on_a_desk(degrees, tilt=0.3)
        paper = geometry.find_paper(picture)
        assert paper is not None, degrees
        assert _is_clockwise_convex(paper), degrees  # x+y and y-x corners picked one point twice here
        assert cv2.contourArea(paper) > 0.95 * cv2.contourArea(placed), degrees
        flat = geometry.flatten(picture, geometry.find_sheet(picture))
        assert abs(max(flat.shape[:2]) - 640) < 12 and abs(min(flat.shape[:2]) - 420) < 12, degrees


def test_grain_on_the_desk_beside_the_sheet_does_not_make_the_paper_look_too_small():
    picture, placed = _sheet_on_a_desk(8.0, specks=True)
    paper = geometry.find_paper(picture)
    printed = form.find_printed(picture)
    assert paper is not None and printed is not None
    assert printed.share_outside(paper) <= geometry.PRINT_OUTSIDE_PAPER
    sheet = geometry.find_sheet(picture)
    assert np.allclose(sheet, paper)  # the paper's edge, with its true perspective, is kept


def test_a_paper_edge_cutting_the_print_is_not_taken_for_the_sheet():
    picture, placed = _sheet_on_a_desk(0.0)
    printed = form.find_printed(picture)
    assert printed is not None
    left_half = placed.copy()
    left_half[1, 0] = left_half[2, 0] = (placed[0, 0] + placed[1, 0]) / 2  # a shadow's edge across the middle
    assert printed.share_outside(left_half) > 0.2
    assert printed.share_outside(placed) == 0.0


def test_a_sheet_whose_corner_runs_off_the_picture_keeps_its_true_corners():
    # the photo's right edge cuts the sheet's right corner off: the outline is a pentagon, and
    # its four sheet sides, met past the picture's edge, give the paper (and its perspective) back
    picture, placed = _sheet_on_a_desk(20.0, tilt=0.2)
    right = int(placed[:, 0].max()) - 40
    cut = np.ascontiguousarray(picture[:, :right])
    paper = geometry.find_paper(cut)
    assert paper is not None
    assert paper[:, 0].max() > right  # a corner past the picture's edge
    for corner in placed:
        assert np.linalg.norm(paper - corner, axis=1).min() < 10, corner  # 1.5% of the sheet
    flat = geometry.flatten(cut, geometry.find_sheet(cut))
    assert abs(max(flat.shape[:2]) - 640) < 12 and abs(min(flat.shape[:2]) - 420) < 12


def test_a_sheet_filling_an_eighth_of_the_photo_keeps_its_own_edge_and_perspective():
    """A sheet far off on a wide desk (an eighth of the picture, seen in perspective) is the paper
    still: the print it holds says so, not its size (it was refused under a quarter of the
    picture, and read with its perspective left in)."""
    picture, placed = _sheet_on_a_desk(6.0, tilt=0.25)
    desk = np.full((1400, 1600, 3), 40, np.uint8)
    desk[400:1200, 400:1400] = picture
    placed = placed + np.float32([400, 400])
    assert cv2.contourArea(placed) / (desk.shape[0] * desk.shape[1]) < 0.15
    sheet = geometry.find_sheet(desk)
    assert sheet is not None
    assert np.allclose(form.order_corners(sheet), form.order_corners(placed), atol=8)
