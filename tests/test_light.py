"""A photographed sheet's light is evened out before it is read: shadows, fall-off, tint."""

import cv2
import numpy as np

from capture.read.scan.light import PAPER_LEVEL, even_light


def _sheet() -> np.ndarray:
    sheet = np.full((800, 1200, 3), 240, np.uint8)
    cv2.rectangle(sheet, (100, 100), (1100, 700), (30, 50, 140), 2)
    for y in range(150, 680, 40):
        for x in (130, 700):
            cv2.putText(sheet, "12345 ABCDEF", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return sheet


def test_a_hard_shadow_and_a_tint_come_out_as_white_paper_with_the_print_kept():
    sheet = _sheet()
    lit = sheet.astype(np.float32) * np.array([0.85, 0.95, 1.05], np.float32)  # a warm tint
    lit[:, 600:] *= 0.5  # a hand's shadow over the right half
    photo = np.clip(lit, 0, 255).astype(np.uint8)
    even = cv2.cvtColor(even_light(photo), cv2.COLOR_BGR2GRAY).astype(np.float32)
    left_paper, right_paper = np.median(even[60:90, 200:500]), np.median(even[60:90, 700:1000])
    assert abs(left_paper - PAPER_LEVEL) < 8 and abs(right_paper - PAPER_LEVEL) < 8
    ink = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY) < 20  # the black print
    ink[:, 560:640] = False  # the shadow's edge itself
    left, right = ink.copy(), ink.copy()
    left[:, 600:], right[:, :600] = False, False
    # the print is as dark against the paper in the shadow as in the light
    assert abs(float(even[left].mean()) - float(even[right].mean())) < 25
    assert float(even[right].mean()) < 0.5 * right_paper


def test_even_light_paper_stays_as_it_was_near_white():
    sheet = _sheet()
    even = even_light(sheet)
    assert even.shape == sheet.shape and even.dtype == np.uint8
    grey = cv2.cvtColor(even, cv2.COLOR_BGR2GRAY)
    assert abs(float(np.median(grey)) - PAPER_LEVEL) < 6
