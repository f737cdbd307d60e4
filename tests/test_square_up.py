"""A flattened photo whose corners were found a few pixels off is squared up by its rules."""

import cv2
import numpy as np

from capture.read.scan import rectify
from capture.read.scan.ink import dark_ink, ruled_lines, text_height

WIDTH, HEIGHT = 1600, 1100


def _table() -> np.ndarray:
    page = np.full((HEIGHT, WIDTH, 3), 250, np.uint8)
    cv2.rectangle(page, (60, 200), (1540, 900), (60, 60, 60), 2)
    for y in (280, 760, 820):
        cv2.line(page, (60, y), (1540, y), (60, 60, 60), 2)
    for x in (500, 700, 900, 1100, 1300):
        cv2.line(page, (x, 200), (x, 820), (60, 60, 60), 2)
    return page


def _askew(page: np.ndarray) -> np.ndarray:
    """The page as flattened from corners a few pixels off: rules not level, not square."""
    corners = np.array([[0, 0], [WIDTH, 0], [WIDTH, HEIGHT], [0, HEIGHT]], np.float32)
    off = corners + np.array([[5, -3], [-4, 4], [6, 5], [-5, -4]], np.float32)
    return cv2.warpPerspective(page, cv2.getPerspectiveTransform(corners, off), (WIDTH, HEIGHT), borderValue=(250, 250, 250))


def _rule_x(page: np.ndarray, y: int, near: int) -> float:
    """Where (x) the upright rule near `near` crosses row `y`: the middle of its dark pixels."""
    row = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)[y, near - 20 : near + 20]
    return near - 20 + float(np.flatnonzero(row < 160).mean())


def _lean(page: np.ndarray) -> float:
    """How far the frame's sides lean (pixels from top to bottom, the larger of the two)."""
    return max(abs(_rule_x(page, 220, x) - _rule_x(page, 880, x)) for x in (60, 1540))


def test_the_rules_of_a_page_flattened_a_little_askew_come_out_level_and_upright():
    askew = _askew(_table())
    squared = rectify.square_up(askew, dark_ink(askew, text_height(askew)))
    assert _lean(askew) > 4  # the corners a few pixels off: the sides lean
    assert _lean(squared) <= 1.0  # upright again
    assert len(ruled_lines(squared)) <= len(ruled_lines(askew))


def test_a_square_page_is_left_as_it_is():
    page = _table()
    assert rectify.square_up(page, dark_ink(page, text_height(page))) is page
