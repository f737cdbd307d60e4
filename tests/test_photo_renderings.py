"""The generator's harder photos: seeded, the invoice kept whole (screenshots: test_screenshots.py)."""

from pathlib import Path
from random import Random

import cv2
import numpy as np

from fixtures import photos
from fixtures.scans import RENDERINGS, render_pages

PDF = Path(__file__).parent.parent / "fixtures" / "grid" / "legacy_wrapped_latin.pdf"


def _page() -> np.ndarray:
    (page,) = render_pages(PDF, 150)
    return page


def test_a_curled_sheet_keeps_its_print_only_bent():
    page = _page()
    curled = photos._curl(Random(3), page)
    assert curled.shape == page.shape
    ink = lambda image: int(np.count_nonzero(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) < 128))  # noqa: E731
    assert abs(ink(curled) - ink(page)) < 0.1 * ink(page)  # nothing printed is lost or added
    assert not np.array_equal(curled, page)


def test_motion_blur_smears_one_end_of_the_picture_and_leaves_the_other():
    picture = np.full((400, 600, 3), 255, np.uint8)
    for x in range(0, 600, 20):
        cv2.line(picture, (x, 0), (x, 399), (0, 0, 0), 2)
    smeared = photos._motion_blur(Random(1), picture)
    changed = np.abs(smeared.astype(int) - picture.astype(int)).sum(axis=2) > 30
    assert changed.any() and not changed.all()


def test_the_hard_photo_is_seeded_and_registered_beside_photo_real():
    page = _page()
    one, two = photos.photo_hard(page, Random(5)), photos.photo_hard(page, Random(5))
    assert np.array_equal(one, two)
    assert {"photo_real", "photo_hard"} <= set(RENDERINGS)
